"""A burst of concurrent need submissions from one address gets exactly the limit through."""

import threading

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.urls import reverse

from projects.models import Need
from projects.views.common import NEED_RATE_LIMIT
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db(transaction=True)
BURST = 20


def test_twenty_concurrent_submissions_from_one_address_save_exactly_the_limit():
    cache.clear()
    community = CommunityFactory(name="五龙村")
    barrier = threading.Barrier(BURST)
    statuses = []

    def submit(i):
        try:
            client = Client(REMOTE_ADDR="10.9.9.9")
            barrier.wait()
            response = client.post(reverse("projects:need-create"), {
                "community": community.pk, "category": "construction",
                "text": f"第{i}条：爱五路没有路灯，晚上出行不便。", "contact_name": "",
                "contact_phone": "",
            })
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cache.clear()

    assert sorted(statuses) == [302] * NEED_RATE_LIMIT + [429] * (BURST - NEED_RATE_LIMIT)
    assert Need.objects.count() == NEED_RATE_LIMIT
