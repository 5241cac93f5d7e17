"""Load the benchmark's 20-year data set (bench/data.py) into its own database."""

import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_scopes import scopes_disabled
from importlib import import_module


class Command(BaseCommand):
    help = (
        "Wipes the benchmark database and loads a 20-year data set (143 units, 3,000 "
        "projects, 30,000 visits...). Refuses to run on a database whose name does not "
        "end in 'bench' unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="below 1: a fraction of one town's rows; a whole number N: N towns' worth, "
            "the organs shared (a city-sized set for the scale run)",
        )
        parser.add_argument(
            "--councils",
            type=int,
            default=1,
            help="N towns, each its own council, the organs shared through memberships "
            "(a city-sized set for the scale run: 20)",
        )
        parser.add_argument(
            "--rows", type=float, default=1.0, help="shrink every town's rows (quick checks)"
        )
        parser.add_argument("--force", action="store_true", help="wipe any database")
        parser.add_argument("--fixture", help="write sessions and URLs for the load generator")
        parser.add_argument(
            "--counts", action="store_true", help="print the loaded data's row counts (JSON)"
        )
        parser.add_argument(
            "--check-surge", action="store_true", help="print the surge's capacity check (JSON)"
        )

    # The demo and bench data span councils: they say which council each row is for.
    @scopes_disabled()
    def handle(self, *args, **options):
        from bench import data
        from units.models import Membership

        if options["counts"]:
            self.stdout.write(json.dumps(data.counts()))
            return
        if options["check_surge"]:
            self.stdout.write(json.dumps(data.surge_check()))
            return

        name = str(connection.settings_dict["NAME"])
        if not name.endswith("bench") and not options["force"]:
            raise CommandError(f"{name} is not a benchmark database; use --force to wipe it.")

        try:
            towns = max(options["councils"], data.towns_for(options["scale"]))
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{towns} town(s) in {options['councils']} council(s)")
        call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            try:
                loaded = data.load(
                    scale=options["scale"],
                    rows=options["rows"],
                    councils=options["councils"],
                    stdout=self.stdout,
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            Membership.enrol_units_without_one()
        if options["fixture"]:
            fixture = self._fixture(loaded)
            Path(options["fixture"]).write_text(json.dumps(fixture, ensure_ascii=False, indent=1))
            self.stdout.write(f"Wrote {options['fixture']}")
        self.stdout.write(self.style.SUCCESS("Benchmark data loaded."))

    def _session_for(self, user):
        """A logged-in session, as the login view would leave it (no password hashing)."""
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = next(
            path
            for path in settings.AUTHENTICATION_BACKENDS
            if hasattr(import_string(path), "get_user")
        )
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        # An unmasked 32-character secret is a valid CSRF cookie and token.
        return {"session": store.session_key, "csrf": get_random_string(32)}

    def _fixture(self, loaded):
        from bench import targets

        objects = {
            "project": loaded.sample_projects,
            "meeting": [loaded.meeting.pk],
            "surge": [p.pk for p in loaded.surge_projects],
        }
        scenarios = {}
        surges = (targets.SURGE, targets.SURGE_SQLITE)
        for scenario in [*targets.SCENARIOS, *surges]:
            pks = objects["surge" if scenario in surges else scenario.kwargs] if scenario.kwargs else [None]
            try:
                paths = [
                    reverse(scenario.route, kwargs={"pk": pk} if pk else None) for pk in pks
                ]
                stand_in = False
            except NoReverseMatch:
                paths = [reverse(scenario.stand_in)]
                stand_in = True
            form = dict(scenario.form)
            if "meeting" in form:
                form["meeting"] = loaded.meeting.pk
            scenarios[scenario.key] = {
                "title": scenario.title,
                "paths": paths,
                "stand_in": stand_in,
                "method": scenario.method,
                "htmx": scenario.htmx,
                "user": scenario.user,
                "target_ratio": scenario.target_ratio,
                "form": form,
                "repeat": scenario.repeat,
                "surge": scenario in surges,
                "p95_ms_max": scenario.p95_ms_max,
            }
        return {
            "cookie_names": {
                "session": settings.SESSION_COOKIE_NAME,
                "csrf": settings.CSRF_COOKIE_NAME,
            },
            "staff": self._session_for(loaded.staff),
            "liaisons": [
                {"unit": u.unit_id, **self._session_for(u)} for u in loaded.liaisons
            ],
            "scenarios": scenarios,
            "surge_tries": targets.SURGE_TRIES_PER_UNIT,
            "counts": loaded.counts,
            "token": secrets.token_hex(4),
        }
