"""The 1+5+N diagram coloured by pairing health: for office staff only."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import CommunityFactory, DistrictFactory, MemberUnitFactory, PairingFactory, VisitFactory

pytestmark = pytest.mark.django_db
URL = reverse("units:structure")
TODAY = datetime.date(2026, 6, 10)


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.REMINDER_VISIT_LEAD_DAYS = 7
    settings.PUBLIC_PAGE_CACHE = False
    with time_machine.travel(datetime.datetime(2026, 6, 10, 2, 0), tick=False):
        yield


def _network(size):
    district = DistrictFactory(name="城南", pk=990)
    for i in range(size):
        pairing = PairingFactory(
            community=CommunityFactory(district=district, name=f"健康村{i}"),
            unit=MemberUnitFactory(name=f"健康单位{i}"),
            visit_cadence_days=30,
        )
        if i % 2:
            VisitFactory(pairing=pairing, visited_on=TODAY - datetime.timedelta(days=40))


def _main(response):
    """The page's main content (the footer's language switch echoes the query string)."""
    return response.content.decode().split("<main")[1].split("</main>")[0]


def test_staff_can_colour_the_links_by_health(staff_client):
    _network(4)
    html = staff_client.get(URL, {"health": "1", "district": 990}).content.decode()
    assert 'class="link link-health-overdue"' in html
    assert 'class="link link-health-never"' in html
    assert "link-co_resident" not in html.split("<figcaption")[0]
    assert "健康村1 – 健康单位1 · 逾期" in html  # the link's title says it in words
    assert "未走访 2" in html  # the legend counts


def test_staff_see_the_toggle_and_modes_by_default(staff_client):
    _network(2)
    html = staff_client.get(URL, {"district": 990}).content.decode()
    assert "link-health-" not in html
    assert f'href="{URL}?health=1&amp;district=990"' in html


@pytest.mark.parametrize("who", ["anon", "liaison_client"])
def test_the_public_view_is_unchanged_whatever_is_asked(who, request):
    client = request.getfixturevalue(who)
    _network(3)
    plain = _main(client.get(URL, {"district": 990}))
    asked = _main(client.get(URL, {"health": "1", "district": 990}))
    assert "link-health-" not in asked and "?health=1" not in asked
    assert "link-co_resident" in asked
    assert plain == asked


@pytest.mark.parametrize("size", [4, 40])
def test_the_health_view_query_count_does_not_grow(staff_client, size, django_assert_num_queries):
    _network(size)
    staff_client.get(URL, {"health": "1", "district": 990})
    # session, user, the nav's three to-do counts (needs, contributions, overdue pairings),
    # the district, districts, communities, pairings, communities per district, and the
    # councils, read once per data version
    with django_assert_num_queries(11):
        staff_client.get(URL, {"health": "1", "district": 990})
