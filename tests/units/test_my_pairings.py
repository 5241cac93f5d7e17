import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PairingFactory, VisitFactory
from units.models import Pairing

pytestmark = pytest.mark.django_db

URL = reverse("units:my-pairings")


def test_it_lists_only_my_units_active_pairings(liaison_client, unit_a, unit_b):
    mine = PairingFactory(unit=unit_a, community__name="我的村")
    PairingFactory(unit=unit_a, community__name="已结束村", status=Pairing.Status.ENDED)
    PairingFactory(unit=unit_b, community__name="别人的村")
    response = liaison_client.get(URL)
    assert response.status_code == 200
    assert [p.pk for p in response.context["pairings"]] == [mine.pk]
    html = response.content.decode()
    assert "我的村" in html
    assert "别人的村" not in html and "已结束村" not in html


@time_machine.travel(datetime.date(2024, 6, 1), tick=False)
def test_it_shows_the_last_and_next_visit(liaison_client, unit_a):
    pairing = PairingFactory(unit=unit_a, visit_cadence_days=30)
    VisitFactory(pairing=pairing, visited_on=datetime.date(2024, 4, 1))
    VisitFactory(pairing=pairing, visited_on=datetime.date(2024, 5, 10))
    [row] = liaison_client.get(URL).context["pairings"]
    assert row.last_visited_on == datetime.date(2024, 5, 10)
    assert row.next_due == datetime.date(2024, 6, 9)
    assert row.days_left == 8
    assert row.visit_count == 2


@time_machine.travel(datetime.date(2024, 6, 1), tick=False)
def test_it_flags_an_overdue_visit_in_chinese(liaison_client, unit_a):
    PairingFactory(unit=unit_a, visit_cadence_days=30, started_on=datetime.date(2024, 1, 1))
    html = liaison_client.get(URL).content.decode()
    assert "已逾期 122 天" in html


def test_it_is_for_liaisons_only(anon, staff_client):
    assert anon.get(URL).status_code == 302
    assert staff_client.get(URL).status_code == 403


@pytest.mark.parametrize("size", [2, 30])
def test_its_query_count_does_not_grow(liaison_client, unit_a, size, django_assert_max_num_queries):
    for _ in range(size):
        pairing = PairingFactory(unit=unit_a)
        VisitFactory(pairing=pairing)
    # session (Redis) + the users', inbox's and pages' data versions (each read once a
    # second) + user with unit + pairings + recent visits
    with django_assert_max_num_queries(7):  # + the councils, read once per data version
        response = liaison_client.get(URL)
    assert len(response.context["pairings"]) == size
