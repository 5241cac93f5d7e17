"""The measured pages read their rows through an index once the tables are big.

Each test fills a table with a few thousand rows, has PostgreSQL ``ANALYZE`` it, requests the
page and asks the planner (``EXPLAIN``) how it would run the very statements the view sent:
the plan must name the index. PostgreSQL only: SQLite's planner is another story.
"""

import datetime
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from projects.models import Need, Project
from records.models import Contribution
from reminders.models import Reminder
from tests.factories import CommunityFactory, PairingFactory, UserFactory
from tests.queries import get_queries
from units.models import Pairing, Visit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="plans are PostgreSQL's (DATABASE_URL)"
    ),
]

ROWS = 6000
YEARS = range(2006, 2027)


def _analyze(*models):
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def plans(client, url, table):
    """``{sql: plan}`` of each SELECT the view sent that reads ``table``."""
    found = {}
    queries = get_queries(client, url)
    with connection.cursor() as cursor:
        for query in queries.captured:
            sql = query["sql"]
            if sql.startswith("SELECT") and f'"{table}"' in sql:
                cursor.execute("EXPLAIN " + sql)
                found[sql] = "\n".join(row[0] for row in cursor.fetchall())
    assert found, f"the page read nothing from {table}"
    return found


def assert_uses(index, found):
    if not any(index in plan for plan in found.values()):
        pytest.fail(
            f"no plan uses {index}:\n" + "\n\n".join(f"{s}\n{p}" for s, p in found.items()),
            pytrace=False,
        )


@pytest.fixture
def many_projects(db):
    communities = [CommunityFactory() for _ in range(5)]
    statuses = itertools.cycle([s for s in Project.Status.values if s != "draft"])
    categories = itertools.cycle(["convenience", "culture", "care_aid", "health", "education"])
    years = itertools.cycle(YEARS)
    Project.objects.bulk_create(
        Project(
            title=f"项目{i:05d}",
            description="说明",
            category=next(categories),
            community=communities[i % 5],
            year=next(years),
            status=next(statuses),
        )
        for i in range(ROWS)
    )
    _analyze(Project)


def test_it_reads_a_board_page_from_the_order_index(anon, many_projects):
    assert_uses("project_board_order", plans(anon, reverse("projects:project-list"), "projects_project"))


def test_it_reads_a_category_of_the_board_from_its_index(anon, many_projects):
    url = reverse("projects:project-list") + "?category=culture"
    assert_uses("project_category_order", plans(anon, url, "projects_project"))


@pytest.fixture
def many_needs(db):
    community = CommunityFactory()
    statuses = itertools.cycle(["accepted", "declined", "declined", "accepted", "declined"])
    Need.objects.bulk_create(
        Need(
            community=community,
            category="care_aid",
            text=f"需求{i}",
            status="pending" if i % 200 == 0 else next(statuses),
            tracking_code=f"code{i:08d}",
        )
        for i in range(ROWS)
    )
    _analyze(Need)


def test_it_reads_the_needs_inbox_in_its_order_from_an_index(staff_client, many_needs):
    assert_uses(
        "need_inbox_order", plans(staff_client, reverse("projects:need-inbox"), "projects_need")
    )


def test_it_reads_the_pending_needs_from_the_status_index(staff_client, many_needs):
    url = reverse("projects:need-inbox") + "?status=pending"
    assert_uses("need_status_submitted", plans(staff_client, url, "projects_need"))


@pytest.fixture
def many_visits(db):
    pairings = [PairingFactory(started_on=datetime.date(2006, 1, 1)) for _ in range(5)]
    Visit.objects.bulk_create(
        Visit(
            pairing=pairings[i % 5],
            visited_on=datetime.date(YEARS[i % len(YEARS)], 1 + i % 12, 1 + i % 28),
            visitors="走访人",
            households_visited=1,
            activities="慰问",
        )
        for i in range(ROWS)
    )
    unit = pairings[0].unit
    Contribution.objects.bulk_create(
        Contribution(
            unit=unit,
            pairing=pairings[0],
            kind="funds",
            amount=100,
            contributed_on=datetime.date(YEARS[i % len(YEARS)], 1 + i % 12, 1 + i % 28),
        )
        for i in range(ROWS)
    )
    _analyze(Visit, Contribution)


def test_it_counts_this_years_visits_on_the_statistics_page_from_the_date_index(
    anon, many_visits
):
    assert_uses("visit_date", plans(anon, reverse("units:stats"), "units_visit"))


def test_it_reads_a_years_visits_for_the_annual_report_from_the_date_index(anon, many_visits):
    url = reverse("records:annual-report", args=[2024])
    assert_uses("visit_date", plans(anon, url, "units_visit"))


def test_it_reads_a_years_contributions_for_the_annual_report_from_the_date_index(
    anon, many_visits
):
    url = reverse("records:annual-report", args=[2024])
    assert_uses("contribution_date", plans(anon, url, "records_contribution"))


def test_it_reads_the_annual_reports_projects_from_the_year_index(anon, many_projects):
    url = reverse("records:annual-report", args=[2024])
    found = plans(anon, url, "projects_project")
    assert_uses("project_board_order", found)


def test_it_finds_a_pairings_last_escalation_from_the_subject_index(staff_client, staff):
    pairing = PairingFactory()
    pairing_ct = ContentType.objects.get_for_model(Pairing)
    other_ct = ContentType.objects.get_for_model(Project)
    day = datetime.date(2026, 1, 1)
    Reminder.objects.bulk_create(
        Reminder(
            recipient=staff,
            kind=Reminder.Kind.VISIT_ESCALATION if i % 2 else Reminder.Kind.VISIT_DUE,
            subject_type=pairing_ct if i % 3 else other_ct,
            subject_id=pairing.pk + 1 + i,
            due_on=day,
            sent_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
        for i in range(ROWS)
    )
    _analyze(Reminder)
    found = plans(staff_client, reverse("reminders:pairing-health"), "reminders_reminder")
    assert_uses("reminder_subject", found)


def test_it_reads_each_pairings_last_visit_as_one_index_entry(staff_client, many_visits):
    """The pairing-health page (and the office's overdue badge, the sweep, the structure's
    health colours): the newest visit per pairing, not every visit grouped by pairing; read
    in the council's scope, so the index leads with the council."""
    found = plans(staff_client, reverse("reminders:pairing-health"), "units_visit")
    plan = "\n".join(found.values())
    assert "Scan using visit_council_pairing_date" in plan, plan
    assert "Aggregate" not in plan, plan


def test_it_reads_when_the_projects_last_changed_from_an_index(anon, many_projects):
    """The open data's date (stats.json, the file pages): MAX(updated_at) from the index,
    not a scan of every project."""
    found = plans(anon, reverse("opendata:stats-json"), "projects_project")
    assert_uses("project_updated", found)


@pytest.fixture
def many_accepted_needs(db):
    """Every need accepted into a project that is under way; a few projects still drafts."""
    community = CommunityFactory()
    projects = Project.objects.bulk_create(
        Project(
            title=f"项目{i:05d}",
            description="说明",
            category="culture",
            community=community,
            year=YEARS[i % len(YEARS)],
            status="draft" if i % 500 == 0 else "in_progress",
        )
        for i in range(ROWS)
    )
    Need.objects.bulk_create(
        Need(
            community=community,
            category="culture",
            text=f"需求{i}",
            status="accepted",
            project=projects[i],
            tracking_code=f"code{i:08d}",
        )
        for i in range(ROWS)
    )
    _analyze(Project, Need)


def test_it_counts_the_open_needs_without_reading_every_accepted_needs_project(
    staff_client, many_accepted_needs
):
    """The three lists: an accepted need is open while its project is a draft; the drafts
    are looked up from the status index, not every project read to learn it is none."""
    found = plans(staff_client, reverse("projects:three-lists"), "projects_need")
    counts = {s: p for s, p in found.items() if "COUNT(" in s and "projects_project" in s}
    assert counts, found
    for sql, plan in counts.items():
        assert "Seq Scan on projects_project" not in plan, f"{sql}\n{plan}"
        assert "project_status_year" in plan, f"{sql}\n{plan}"
