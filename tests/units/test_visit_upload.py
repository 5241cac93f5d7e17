"""Visits recorded on a phone without signal arrive later through the upload endpoint.

The phone gives each visit an id of its own (a UUID) when it is typed; the server takes an id
once, so a retry, a double tap or two tabs sending the same queue store one visit.
"""

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from reminders.delivery import Outcome, deliver
from reminders.models import Notification, Reminder
from tests.factories import PairingFactory, VisitFactory
from units.models import Pairing, Visit

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def pairing(unit_a):
    return PairingFactory(unit=unit_a, community__name="万联测试村")


_NEW = object()


def _upload(client, pairing, client_id=_NEW, **overrides):
    data = {
        "client_id": str(uuid.uuid4() if client_id is _NEW else client_id),
        "visited_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "channel": "onsite",
        "visitors": "财政局党支部 张三",
        "households_visited": "4",
        "activities": "田头党支部座谈",
        "follow_up": "",
        "services": ["door", "help"],
    }
    data.update(overrides)
    return client.post(reverse("units:visit-upload", args=[pairing.pk]), data, **JSON)


def test_it_stores_a_queued_visit_with_the_date_it_happened(liaison_client, liaison, pairing):
    response = _upload(liaison_client, pairing)
    assert response.status_code == 201
    body = response.json()
    assert body["ok"] is True and body["duplicate"] is False
    visit = Visit.objects.get()
    assert visit.visited_on == timezone.localdate() - datetime.timedelta(days=3)
    assert visit.recorded_by == liaison
    assert visit.services == ["door", "help"]
    assert body["visit"] == {"id": visit.pk, "visited_on": visit.visited_on.isoformat()}


def test_it_takes_one_visit_id_once(liaison_client, pairing):
    client_id = uuid.uuid4()
    first = _upload(liaison_client, pairing, client_id)
    again = _upload(liaison_client, pairing, client_id, activities="the retry's copy")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert Visit.objects.count() == 1
    assert Visit.objects.get().activities == "田头党支部座谈"


def test_the_ordinary_form_takes_a_visit_id_once_too(liaison_client, pairing):
    """A double tap on 保存 while the signal comes and goes."""
    client_id = uuid.uuid4()
    url = reverse("units:visit-create", args=[pairing.pk])
    data = {
        "client_id": str(client_id),
        "visited_on": timezone.localdate().isoformat(),
        "channel": "onsite",
        "visitors": "张三",
        "households_visited": "1",
        "activities": "走访",
    }
    assert liaison_client.post(url, data).status_code == 302
    assert liaison_client.post(url, data).status_code == 302
    assert Visit.objects.count() == 1


def test_it_refuses_a_visit_for_a_pairing_ended_meanwhile_and_says_why(liaison_client, pairing):
    Pairing.objects.filter(pk=pairing.pk).update(
        status=Pairing.Status.ENDED, ended_on=timezone.localdate()
    )
    response = _upload(liaison_client, pairing)
    assert response.status_code == 409
    assert "结对已结束" in response.json()["error"]
    assert not Visit.objects.exists()


def test_it_answers_bad_fields_with_chinese_errors_by_field(liaison_client, pairing):
    response = _upload(liaison_client, pairing, visited_on="2099-01-01", activities="")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "走访日期不能晚于今天" in " ".join(errors["visited_on"])
    assert "必填" in " ".join(errors["activities"])
    assert "不能晚于今天" in response.json()["error"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize("client_id", ["", "not-a-uuid", "\x00"])
def test_it_needs_a_visit_id_from_the_phone(liaison_client, pairing, client_id):
    response = _upload(liaison_client, pairing, client_id)
    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_another_units_visit_id_is_not_taken_as_this_ones(liaison_client, pairing, unit_b):
    taken = VisitFactory(pairing=PairingFactory(unit=unit_b), client_id=uuid.uuid4())
    response = _upload(liaison_client, pairing, taken.client_id)
    assert response.status_code == 409
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("who,expected", [("other_liaison", 404), ("anon", 401)])
def test_others_cannot_upload_to_the_pairing(persona_clients, pairing, who, expected):
    response = _upload(persona_clients[who], pairing)
    assert response.status_code == expected
    assert "error" in response.json()
    assert not Visit.objects.exists()


def test_the_upload_needs_the_csrf_token(liaison, pairing):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison)
    assert _upload(client, pairing).status_code == 403
    assert not Visit.objects.exists()


def test_a_queued_overdue_reminder_is_settled_when_the_visit_arrives(
    liaison_client, liaison, pairing
):
    """The sweep queued an overdue reminder while the visit waited on the phone."""
    VisitFactory(pairing=pairing, visited_on=timezone.localdate() - datetime.timedelta(days=200))
    pairing.refresh_from_db()
    reminder = Reminder.objects.create(
        recipient=liaison,
        kind=Reminder.Kind.VISIT_OVERDUE,
        subject_type=ContentType.objects.get_for_model(Pairing),
        subject_id=pairing.pk,
        due_on=Pairing.objects.get(pk=pairing.pk).next_due,
    )
    assert _upload(liaison_client, pairing).status_code == 201
    assert deliver(reminder.pk) == Outcome.CANCELLED
    assert not Notification.objects.filter(user=liaison).exists()
