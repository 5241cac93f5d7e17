"""Time every page a person uses on the loaded benchmark data, uncached, in this process.

The scale run (``bench/scale.py``) runs this once on the 1x database and once on the
city-sized one and compares. Each page is fetched through Django's test client (the whole
middleware stack, no network), once to warm the templates and the connection, then again
until ``--repeat`` fetches or ``--budget`` seconds; the median is reported with the number
of SQL statements. Whole-page caches are off for the run (``PUBLIC_PAGE_CACHE``,
``SIGNED_IN_PAGE_CACHE``, ``VERSION_MEMO``, ``SCREEN_CACHE`` set to false in this process),
so each fetch builds its page from the database.

Then the reminder sweep: once to create the day's reminders (so the pages that show them
have them), and again on the unchanged data, counting its writes.
"""

import json
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django_scopes import scope, scopes_disabled

WRITES = ("INSERT", "UPDATE", "DELETE")


class Statements:
    """The SQL each block sent (a database execute wrapper: Django's query log is reset at
    every request's start, so it cannot count a request's statements from outside)."""

    def __init__(self):
        self.sql = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def counting():
    statements = Statements()
    return statements, connection.execute_wrapper(statements)


def pages(objects):
    """(key, title, who, url) for every page a person uses; ``objects`` from the data."""
    year = objects["year"]
    return [
        ("board", "public project board", "anon", reverse("projects:project-list")),
        ("board_staff", "project board, office staff", "staff", reverse("projects:project-list")),
        ("archive", "project archive", "anon", reverse("projects:project-archive")),
        (
            "detail",
            "project detail",
            "anon",
            reverse("projects:project-detail", kwargs={"pk": objects["project"]}),
        ),
        ("need_inbox", "office: needs inbox", "staff", reverse("projects:need-inbox")),
        ("three_lists", "office: three lists", "staff", reverse("projects:three-lists")),
        ("registry", "office: unit registry", "staff", reverse("units:unit-list")),
        ("communities", "office: communities", "staff", reverse("units:community-list")),
        (
            "unit_detail",
            "office: a unit",
            "staff",
            reverse("units:unit-detail", kwargs={"pk": objects["unit"]}),
        ),
        ("pairing_health", "office: pairing health", "staff", reverse("reminders:pairing-health")),
        (
            "assessment",
            "office: year-end assessment",
            "staff",
            reverse("records:assessment", kwargs={"year": year - 1}),
        ),
        ("contributions", "office: contributions", "staff", reverse("records:contribution-list")),
        ("meetings", "office: meetings", "staff", reverse("projects:meeting-list")),
        ("structure", "structure (1+5+N)", "anon", reverse("units:structure")),
        ("stats", "statistics", "anon", reverse("units:stats")),
        (
            "report",
            "annual report",
            "anon",
            reverse("records:annual-report", kwargs={"year": year - 1}),
        ),
        ("resources", "resource board", "anon", reverse("units:resource-board")),
        ("home_liaison", "liaison: home", "liaison", reverse("home")),
        ("my_pairings", "liaison: my pairings", "liaison", reverse("units:my-pairings")),
        ("my_projects", "liaison: my projects", "liaison", reverse("projects:my-projects")),
        ("inbox", "liaison: inbox", "liaison", reverse("reminders:inbox")),
        ("projects_csv", "open data: projects.csv", "anon", reverse("opendata:projects-csv")),
        ("stats_json", "open data: stats.json", "anon", reverse("opendata:stats-json")),
        (
            "structure_json",
            "open data: structure.json",
            "anon",
            reverse("opendata:structure-json"),
        ),
        (
            "screen",
            "big screen",
            "anon",
            reverse("projects:meeting-screen", kwargs={"pk": objects["meeting"]}),
        ),
    ]


class Command(BaseCommand):
    help = "Time the pages a person uses on the benchmark data, uncached (JSON on stdout)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--budget", type=float, default=3.0, help="seconds per page at most")
        parser.add_argument("--only", default="", help="comma-separated page keys")

    def handle(self, *args, **options):
        from bench import data

        from accounts.models import User
        from projects.models import JointMeeting, Project

        with scopes_disabled():
            staff = User.objects.get(username=data.STAFF_USERNAME)
            council = staff.council_id
            liaison = User.objects.filter(username="unit001").first()
            meeting = JointMeeting.objects.filter(council=council, adoption_open=True).first()
            project = (
                Project.objects.filter(council=council, year=data.CURRENT_YEAR - 1)
                .exclude(status=Project.Status.CANCELLED)
                .order_by("pk")
                .first()
            )
        objects = {
            "year": data.CURRENT_YEAR,
            "project": project.pk,
            "meeting": meeting.pk,
            "unit": liaison.unit_id,
        }
        clients = {"anon": Client(), "staff": Client(), "liaison": Client()}
        clients["staff"].force_login(staff)
        clients["liaison"].force_login(liaison)
        only = [k for k in options["only"].split(",") if k]

        results = {"pages": {}, "sweep": None}
        uncached = override_settings(
            PUBLIC_PAGE_CACHE=False,
            SIGNED_IN_PAGE_CACHE=False,
            VERSION_MEMO=False,
            SCREEN_CACHE=False,
            ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS],
        )
        with uncached, scope(council=council):
            results["sweep"] = self._sweep()
            for key, title, who, url in pages(objects):
                if only and key not in only:
                    continue
                results["pages"][key] = {
                    "title": title,
                    "user": who,
                    "url": url,
                    **self._time(clients[who], url, options["repeat"], options["budget"]),
                }
                self.stderr.write(f"{key}: {results['pages'][key]['ms']:.1f} ms")
        self.stdout.write(json.dumps(results, ensure_ascii=False))

    def _time(self, client, url, repeat, budget):
        def fetch():
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            body = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            return response.status_code, len(body)

        fetch()  # templates, connection, first-use imports
        queries, wrapper = counting()
        with wrapper:
            status, size = fetch()
        times = []
        spent = time.perf_counter()
        while len(times) < repeat and (not times or time.perf_counter() - spent < budget):
            start = time.perf_counter()
            fetch()
            times.append((time.perf_counter() - start) * 1000)
        return {
            "status": status,
            "bytes": size,
            "queries": len(queries.sql),
            "ms": statistics.median(times),
            "runs": len(times),
        }

    def _sweep(self):
        """The sweep once (today's reminders appear), then again with nothing changed."""
        from reminders.sweep import sweep

        with scopes_disabled():
            start = time.perf_counter()
            created, _ = sweep()
            first_ms = (time.perf_counter() - start) * 1000
            queries, wrapper = counting()
            with wrapper:
                start = time.perf_counter()
                again, _ = sweep()
                again_ms = (time.perf_counter() - start) * 1000
        writes = [sql for sql in queries.sql if sql.lstrip().upper().startswith(WRITES)]
        return {
            "first_ms": first_ms,
            "created": created,
            "again_ms": again_ms,
            "again_created": again,
            "again_queries": len(queries.sql),
            "again_writes": len(writes),
        }
