"""The office menu lists every to-do with its count: needs to review, contributions to
confirm, pairings overdue for a visit; counted once per data version, not on every page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import NeedFactory, PairingFactory, VisitFactory
from tests.oncommit import run_pending
from tests.queries import capture_queries
from tests.records.conftest import make_contribution
from tests.test_pagecache import _page_cache_on  # noqa: F401 - used by name below

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.fixture
def todos(unit_a, adopted_project):
    today = timezone.localdate()
    NeedFactory.create_batch(2)
    for amount in (100, 200, 300):
        make_contribution(unit_a, adopted_project, amount=amount)
    make_contribution(unit_a, adopted_project, amount=400, status="confirmed", confirmed_at=timezone.now())
    late = PairingFactory(visit_cadence_days=30, started_on=today - D(200))
    VisitFactory(pairing=late, visited_on=today - D(40))
    PairingFactory(visit_cadence_days=30, started_on=today - D(100))  # never visited, overdue
    fine = PairingFactory(visit_cadence_days=30, started_on=today - D(200))
    VisitFactory(pairing=fine, visited_on=today - D(3))
    PairingFactory(visit_cadence_days=30, started_on=today - D(5))  # new, nothing due yet


def _menu_item(html, href):
    start = html.index(f'<a href="{href}">')
    return html[start : html.index("</a>", start)]


def test_it_lists_health_and_contributions_with_their_counts(staff_client, todos):
    html = staff_client.get(reverse("home")).content.decode()
    health = _menu_item(html, reverse("reminders:pairing-health"))
    assert "结对活跃度" in health and '<span class="badge">2<' in health
    contributions = _menu_item(html, reverse("records:contribution-list"))
    assert "投入确认" in contributions and '<span class="badge">3<' in contributions
    needs = _menu_item(html, reverse("projects:need-inbox"))
    assert '<span class="badge">2<' in needs


def test_it_shows_no_badge_when_nothing_waits(staff_client):
    html = staff_client.get(reverse("home")).content.decode()
    assert "结对活跃度</a>" in html and "投入确认</a>" in html
    assert 'class="badge"' not in html


def test_liaisons_do_not_see_the_office_to_dos(liaison_client, todos):
    html = liaison_client.get(reverse("home")).content.decode()
    assert "结对活跃度" not in html and "投入确认" not in html


def test_it_counts_once_per_data_version(staff_client, todos, _page_cache_on, django_capture_on_commit_callbacks):
    url = reverse("units:community-list")
    staff_client.get(url)
    with capture_queries() as queries:
        staff_client.get(url)
    tables = str(queries)
    assert "records_contribution" not in tables and "units_visit" not in tables, tables
    # A committed change is counted on the next page.
    with django_capture_on_commit_callbacks(execute=True):
        NeedFactory()
    html = staff_client.get(url).content.decode()
    assert '<span class="badge">3<' in _menu_item(html, reverse("projects:need-inbox"))


def test_it_keeps_each_councils_counts_apart(todos, _page_cache_on):
    """Staff of two councils share a process: one council's counts never answer for the
    other's (each request runs in its council's scope)."""
    from django_scopes import scope

    from records.todos import office_todos
    from units.models import Council

    first = Council.objects.get(pk=Council.first_id())
    other = Council.objects.create(name="枫泾镇", slug="fengjing")
    run_pending()  # the new council's own version bump, before counting
    with scope(council=first.pk):
        office_todos()
        with capture_queries() as again:
            office_todos()
    assert len(again) == 0, str(again)
    with scope(council=other.pk), capture_queries() as elsewhere:
        office_todos()
    assert "projects_need" in str(elsewhere), "the other council was answered from the first's"
