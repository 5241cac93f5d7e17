"""/district/: the councils side by side, each figure checked against the year the fixture
built (written out here), and a total row."""

import pytest
from django.urls import reverse

from district.rollup import rollup
from tests.district.conftest import YEAR

pytestmark = pytest.mark.django_db


def _by_slug(rows):
    return {row.council.slug: row for row in rows}


def test_it_counts_members_and_the_health_of_current_pairings(two_councils):
    rows, total = rollup(YEAR)
    zhujing, fengjing = _by_slug(rows)["zhujing"], _by_slug(rows)["fengjing"]

    assert (zhujing.members, fengjing.members, total.members) == (2, 2, 4)
    assert zhujing.pairings == 4
    assert zhujing.health == {"ok": 1, "due": 1, "overdue": 1, "never": 1}
    assert fengjing.health == {"ok": 1, "due": 0, "overdue": 0, "never": 0}
    assert total.health == {"ok": 2, "due": 1, "overdue": 1, "never": 1}


def test_it_counts_the_needs_raised_in_the_year(two_councils):
    rows, total = rollup(YEAR)
    by = _by_slug(rows)

    assert by["zhujing"].needs == {"raised": 3, "accepted": 1, "declined": 0, "pending": 2}
    assert by["fengjing"].needs == {"raised": 1, "accepted": 0, "declined": 1, "pending": 0}
    assert total.needs == {"raised": 4, "accepted": 1, "declined": 1, "pending": 2}


def test_it_counts_new_and_renewed_adoptions_of_the_years_projects(two_councils):
    rows, total = rollup(YEAR)
    by = _by_slug(rows)

    assert by["zhujing"].adoptions == {"new": 2, "renewal": 1}
    assert by["fengjing"].adoptions == {"new": 1, "renewal": 0}
    assert total.adoptions_total == 4


def test_it_shows_each_councils_last_meeting_of_the_year(two_councils):
    rows, total = rollup(YEAR)
    by = _by_slug(rows)

    assert by["zhujing"].meeting.held_on.isoformat() == f"{YEAR}-11-28"
    assert by["zhujing"].meeting_counts == {
        "offered": 3, "seats": 4, "adopted_projects": 2, "seats_taken": 2
    }
    assert by["fengjing"].meeting.held_on.isoformat() == f"{YEAR}-04-01"
    assert by["fengjing"].meeting_counts == {
        "offered": 1, "seats": 1, "adopted_projects": 1, "seats_taken": 1
    }
    assert total.meeting_counts["seats_taken"] == 3


def test_it_adds_up_the_contributions_confirmed_in_the_year(two_councils):
    rows, total = rollup(YEAR)
    by = _by_slug(rows)

    assert by["zhujing"].contributions == {
        "funds": 1000, "volunteer_people": 3, "volunteer_hours": 6, "goods_count": 1,
        "goods_value": 200, "venue_count": 0, "total": 3,
    }  # fmt: skip
    assert by["fengjing"].contributions["funds"] == 2000
    assert by["fengjing"].contributions["venue_count"] == 1
    assert total.contributions["funds"] == 3000


def test_the_page_shows_both_councils_with_links_and_the_total(two_councils, dora_client):
    page = dora_client.get(reverse("district:rollup"), {"year": YEAR}).content.decode()

    assert '<a href="/c/zhujing/">朱泾镇</a>' in page
    assert '<a href="/c/fengjing/">枫泾镇</a>' in page
    assert page.count("全区合计") == 5  # one total row per table
    assert "3,000" in page  # the district's confirmed funds


def test_a_council_with_its_own_host_is_linked_there(two_councils, dora_client):
    two_councils["fengjing"].host = "fengjing.example.org"
    two_councils["fengjing"].save()

    page = dora_client.get(reverse("district:rollup")).content.decode()
    assert '<a href="//fengjing.example.org/">枫泾镇</a>' in page


def test_it_shows_this_year_when_the_year_asked_is_not_one(two_councils, dora_client):
    for junk in ["abc", "1900", "9999", "²"]:
        response = dora_client.get(reverse("district:rollup"), {"year": junk})
        assert response.status_code == 200
        assert response.context["year"] == YEAR + 1
