import datetime

import pytest
from django.urls import reverse

from tests.factories import PairingFactory
from units.models import Pairing, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairing(unit_a):
    return PairingFactory(unit=unit_a, community__name="万联测试村")


def _url(pairing):
    return reverse("units:visit-create", args=[pairing.pk])


def _data(**overrides):
    data = {
        "visited_on": datetime.date.today().isoformat(),
        "channel": "onsite",
        "visitors": "财政局党支部 张三",
        "households_visited": "4",
        "activities": "慰问困难党员和群众",
        "follow_up": "",
    }
    data.update(overrides)
    return data


def test_a_liaison_records_a_visit(liaison_client, liaison, pairing):
    response = liaison_client.post(_url(pairing), _data())
    assert response.status_code == 302
    assert response["Location"] == reverse("units:my-pairings")
    visit = Visit.objects.get()
    assert visit.pairing == pairing
    assert visit.recorded_by == liaison
    assert visit.households_visited == 4
    assert visit.history.count() == 1  # audit trail


def test_the_form_is_prefilled_for_a_phone(liaison_client, pairing):
    response = liaison_client.get(_url(pairing))
    form = response.context["form"]
    assert form.initial["visited_on"] == datetime.date.today()
    assert form.initial["visitors"] == "财政局联络员"
    assert 'type="date"' in response.content.decode()


def test_staff_may_record_a_visit_for_any_pairing(staff_client, pairing):
    assert staff_client.post(_url(pairing), _data()).status_code == 302
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("who,expected", [("anon", 302), ("other_liaison", 404)])
def test_others_cannot_reach_the_pairing(persona_clients, pairing, who, expected):
    client = persona_clients[who]
    assert client.get(_url(pairing)).status_code == expected
    assert client.post(_url(pairing), _data()).status_code == expected
    assert not Visit.objects.exists()


def test_an_ended_pairing_takes_no_visits_from_the_liaison(liaison_client, pairing):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.ENDED)
    assert liaison_client.get(_url(pairing)).status_code == 404


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"visited_on": "2099-01-01"}, "visited_on", "走访日期不能晚于今天"),
        ({"visited_on": "2019-12-31"}, "visited_on", "该日期结对尚未开始"),
        ({"visited_on": "not a date"}, "visited_on", "输入一个有效的日期"),
        ({"households_visited": "-1"}, "households_visited", "大于或等于0"),
        ({"households_visited": "5000"}, "households_visited", "走访户数过多"),
        ({"activities": ""}, "activities", "这个字段是必填项"),
        ({"channel": "pigeon"}, "channel", "选择一个有效的选项"),
        ({"activities": "x" * 2001}, "activities", "2000"),
    ],
)
def test_bad_input_gets_chinese_field_errors(liaison_client, pairing, overrides, field, message):
    response = liaison_client.post(_url(pairing), _data(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not Visit.objects.exists()
