"""One definition each of who is asking: office staff, liaison, client address, partial."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from core.access import client_ip, is_liaison, is_office_staff, wants_partial
from core.context_processors import site
from tests.factories import UserFactory


def _request(**headers):
    request = RequestFactory().get("/", **headers)
    request.htmx = HtmxDetails(request)
    return request


def test_it_counts_only_active_staff_accounts_as_office_staff(staff, liaison, db):
    gone = UserFactory(username="dave", is_staff=True, is_active=False)

    assert is_office_staff(staff)
    assert not is_office_staff(liaison)
    assert not is_office_staff(gone)
    assert not is_office_staff(AnonymousUser())
    assert not is_office_staff(None)


def test_it_counts_only_active_accounts_linked_to_a_unit_as_liaisons(staff, liaison, unit_a):
    gone = UserFactory(username="erin", unit=unit_a, is_active=False)

    assert is_liaison(liaison)
    assert not is_liaison(staff)
    assert not is_liaison(gone)
    assert not is_liaison(AnonymousUser())


def test_it_gives_the_templates_the_same_answer_as_the_views(unit_a, db):
    request = _request()
    request.user = UserFactory(username="frank", is_staff=True, unit=unit_a, is_active=False)

    assert site(request)["is_office_staff"] is False
    assert site(request)["is_liaison"] is False


def test_it_takes_the_address_the_nearest_trusted_proxy_saw(settings):
    request = _request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    settings.NUM_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"


def test_it_throttles_logins_by_the_same_client_address(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.access.client_ip"


@pytest.mark.parametrize(
    ("headers", "partial"),
    [
        ({}, False),
        ({"HTTP_HX_REQUEST": "true"}, True),
        ({"HTTP_HX_REQUEST": "true", "HTTP_HX_BOOSTED": "true"}, False),
        ({"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}, False),
    ],
)
def test_it_answers_with_the_partial_only_for_an_htmx_swap(headers, partial):
    assert wants_partial(_request(**headers)) is partial


def test_it_gives_the_unit_list_whole_on_a_history_restore(staff_client):
    response = staff_client.get(
        reverse("units:unit-list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert b"<html" in response.content
