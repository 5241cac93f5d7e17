"""A visit and the notices it settles are one write (units.actions.record_visit)."""

import datetime

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from reminders.models import NotificationQuerySet
from tests.factories import PairingFactory
from units.models import Visit

pytestmark = pytest.mark.django_db


def test_it_stores_no_visit_when_settling_its_notices_fails(liaison, unit_a, monkeypatch):
    pairing = PairingFactory(unit=unit_a)

    def settle_fails(self, pairing):
        raise DatabaseError("the database went away while settling")

    monkeypatch.setattr(NotificationQuerySet, "settle_visit", settle_fails)
    client = Client(raise_request_exception=False)
    client.force_login(liaison)
    response = client.post(
        reverse("units:visit-create", args=[pairing.pk]),
        {
            "visited_on": datetime.date.today().isoformat(),
            "channel": "onsite",
            "visitors": "小李",
            "households_visited": "2",
            "activities": "走访慰问困难群众",
        },
    )
    assert response.status_code == 500
    assert Visit.objects.count() == 0
