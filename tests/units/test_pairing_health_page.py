"""/registry/pairings/health/: counts per health by district, then the pairings worst first."""

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from reminders.models import Reminder
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    MemberUnitFactory,
    PairingFactory,
    UserFactory,
    VisitFactory,
)
from units.models import Pairing

pytestmark = pytest.mark.django_db
URL = reverse("reminders:pairing-health")
TODAY = datetime.date(2026, 6, 10)
D = datetime.timedelta


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.REMINDER_VISIT_LEAD_DAYS = 7
    with time_machine.travel(datetime.datetime(2026, 6, 10, 2, 0), tick=False):
        yield


def pairing_due_in(days, visited=True, **kwargs):
    pairing = PairingFactory(visit_cadence_days=30, started_on=TODAY - D(400), **kwargs)
    if visited:
        VisitFactory(pairing=pairing, visited_on=TODAY + D(days) - D(30))
    return pairing


@pytest.fixture
def network():
    south, north = DistrictFactory(name="城南"), DistrictFactory(name="城北")
    s1, n1 = CommunityFactory(name="南一村", district=south), CommunityFactory(name="北一村", district=north)
    return {
        "south": south,
        "north": north,
        "ok": pairing_due_in(20, community=s1, unit__name="好单位"),
        "due": pairing_due_in(3, community=s1, unit__name="将到期单位"),
        "late": pairing_due_in(-2, community=n1, unit__name="稍晚单位"),
        "later": pairing_due_in(-30, community=n1, unit__name="很晚单位", programme="double_hundred"),
        "never": pairing_due_in(0, visited=False, community=n1, unit__name="未走访单位"),
        "ended": pairing_due_in(-90, community=s1, unit__name="已结束单位", status=Pairing.Status.ENDED),
    }


def test_it_lists_the_live_pairings_worst_first(staff_client, network):
    response = staff_client.get(URL)
    assert response.status_code == 200
    order = [p.pk for p in response.context["pairings"]]
    n = network
    assert order == [n["later"].pk, n["late"].pk, n["never"].pk, n["due"].pk, n["ok"].pk]


def test_it_counts_each_health_by_district(staff_client, network):
    rows = {d.name: counts for d, counts in staff_client.get(URL).context["count_rows"]}
    # columns: overdue, never, due, ok
    assert rows == {"城南": [0, 0, 1, 1], "城北": [2, 1, 0, 0]}


def test_it_filters_by_district_mode_and_programme(staff_client, network):
    by_district = staff_client.get(URL, {"district": network["south"].pk}).context["pairings"]
    assert {p.pk for p in by_district} == {network["ok"].pk, network["due"].pk}
    by_programme = staff_client.get(URL, {"programme": "double_hundred"}).context["pairings"]
    assert [p.pk for p in by_programme] == [network["later"].pk]
    by_mode = staff_client.get(URL, {"mode": "village_community"}).context["pairings"]
    assert list(by_mode) == []


def test_it_finds_pairings_by_community_or_unit_name(staff_client, network):
    by_unit = staff_client.get(URL, {"q": "很晚"}).context["pairings"]
    assert [p.pk for p in by_unit] == [network["later"].pk]
    by_community = staff_client.get(URL, {"q": "南一"}).context["pairings"]
    assert {p.pk for p in by_community} == {network["ok"].pk, network["due"].pk}
    # The counts by district follow the search.
    rows = {d.name: c for d, c in staff_client.get(URL, {"q": "很晚"}).context["count_rows"]}
    assert rows == {"城北": [1, 0, 0, 0]}


def test_it_shows_the_liaison_and_the_escalation_sent_for_this_overdue_spell(
    staff_client, staff, network
):
    later = network["later"]
    later.unit.liaison_name = "王联络"
    later.unit.save()
    ct = ContentType.objects.get_for_model(Pairing)
    sent = timezone.make_aware(datetime.datetime(2026, 5, 28, 9, 0))
    Reminder.objects.create(
        recipient=staff, kind=Reminder.Kind.VISIT_ESCALATION, subject_type=ct,
        subject_id=later.pk, due_on=later.next_due, sent_at=sent,
    )
    # An escalation from an earlier spell (another due date) is not this one's.
    Reminder.objects.create(
        recipient=staff, kind=Reminder.Kind.VISIT_ESCALATION, subject_type=ct,
        subject_id=network["late"].pk, due_on=TODAY - D(200), sent_at=sent,
    )
    response = staff_client.get(URL)
    rows = {p.pk: p for p in response.context["pairings"]}
    assert rows[later.pk].escalation_sent_at == sent
    assert rows[network["late"].pk].escalation_sent_at is None
    html = response.content.decode()
    assert "王联络" in html and "2026-05-28" in html
    assert "逾期 30 天" in html or "逾期30天" in html


@pytest.mark.parametrize("size", [2, 20])
def test_its_query_count_does_not_grow_with_pairings(staff_client, staff, size, django_assert_num_queries):
    district = DistrictFactory(name="城西")
    for i in range(size):
        community = CommunityFactory(district=district)
        pairing = pairing_due_in(i - size // 2, visited=i % 3 != 0, community=community)
        UserFactory(unit=pairing.unit)
        PairingFactory(community=community, unit=None, partner_community=CommunityFactory(district=district),
                       mode="village_community")
    staff_client.get(URL)  # warm the content-type cache
    # warm, as in production: the session and the user from Redis, the nav's to-do counts
    # per data version; so the three data versions, the pairings (with last visit), the
    # page's escalations and the districts of the filter form
    with django_assert_num_queries(6):
        response = staff_client.get(URL)
    assert len(response.context["pairings"]) == min(size * 2, 20)


def test_the_unit_and_community_pages_show_health_with_a_text_label(staff_client, network):
    late = network["late"]
    unit_html = staff_client.get(reverse("units:unit-detail", args=[late.unit_id])).content.decode()
    assert 'class="health health-overdue"' in unit_html and ">逾期</span>" in unit_html
    community_html = staff_client.get(
        reverse("units:community-detail", args=[late.community_id])
    ).content.decode()
    assert "health-overdue" in community_html
    assert "health-never" in community_html and "未走访" in community_html


def test_liaisons_and_residents_cannot_see_it(liaison_client, anon):
    assert liaison_client.get(URL).status_code in (403, 404)
    assert anon.get(URL).status_code == 302


def test_it_filters_by_health(staff_client, network):
    overdue = staff_client.get(URL, {"health": "overdue"})
    assert [p.pk for p in overdue.context["pairings"]] == [network["later"].pk, network["late"].pk]
    never = staff_client.get(URL, {"health": "never", "district": network["north"].pk})
    assert [p.pk for p in never.context["pairings"]] == [network["never"].pk]
    # The counts by district still show every health, each a link to its own list.
    rows = {d.name: counts for d, counts in overdue.context["count_rows"]}
    assert rows == {"城南": [0, 0, 1, 1], "城北": [2, 1, 0, 0]}
    assert 'href="?health=due"' in overdue.content.decode()


def test_it_pages_the_pairings_twenty_at_a_time(staff_client):
    district = DistrictFactory(name="城西")
    for i in range(45):
        pairing_due_in(-1 - i, community=CommunityFactory(district=district))
    first = staff_client.get(URL, {"health": "overdue"})
    assert len(first.context["pairings"]) == 20
    html = first.content.decode()
    assert "第 1 / 3 页" in html or "1 / 3" in html
    assert 'href="?health=overdue&amp;page=2"' in html
    last = staff_client.get(URL, {"health": "overdue", "page": 3})
    assert len(last.context["pairings"]) == 5
    # Worst first across pages: the most overdue on page 1, the least on page 3.
    assert first.context["pairings"][0].days_overdue == 45
    assert last.context["pairings"][-1].days_overdue == 1
