"""Lockout is per username+IP: at the joint meeting every unit shares the venue's network."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

VENUE_IP = "10.8.0.20"
HOME_IP = "10.9.0.7"


def _login(client, username, password, ip=VENUE_IP):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def _fail(client, username, times, ip=VENUE_IP):
    for _ in range(times):
        response = _login(client, username, "wrong-password", ip)
        assert response.status_code in (200, 429)
    return response


def test_it_locks_bob_out_after_five_failures_from_one_ip(client, liaison):
    response = _fail(client, "bob", 4)
    assert response.status_code == 200  # still the login form, with its error

    response = _fail(client, "bob", 1)
    assert response.status_code == 429
    assert "登录尝试次数过多" in response.content.decode()

    # Even the right password is refused now.
    response = _login(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_carol_out_on_the_same_ip(client, liaison, other_liaison):
    _fail(client, "bob", 5)

    response = _login(client, "carol", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_liaison.pk)


def test_it_does_not_lock_bob_out_from_another_ip(client, liaison):
    _fail(client, "bob", 5)

    response = _login(client, "bob", PASSWORD, ip=HOME_IP)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(liaison.pk)


def test_it_lets_bob_in_again_after_the_cool_off(client, liaison):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, "bob", 5)
        assert _login(client, "bob", PASSWORD).status_code == 429

    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert _login(client, "bob", PASSWORD).status_code == 429

    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        response = _login(client, "bob", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(liaison.pk)


def test_it_forgets_failures_after_a_successful_login(client, liaison):
    _fail(client, "bob", 4)
    assert _login(client, "bob", PASSWORD).status_code == 302
    client.logout()

    response = _fail(client, "bob", 4)
    assert response.status_code == 200


def test_it_throttles_the_admin_login_too(client, staff):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "alice", "password": "nope"}, REMOTE_ADDR=VENUE_IP)
    response = client.post(url, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=VENUE_IP)
    assert response.status_code == 429


def test_it_keeps_the_test_clients_login_working(client, liaison):
    assert client.login(username="bob", password=PASSWORD)
    assert client.get(reverse("accounts:password-change")).status_code == 200


def test_it_uses_the_address_the_trusted_proxy_saw(client, liaison, settings):
    settings.NUM_PROXIES = 1
    proxy = "172.18.0.5"
    for _ in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": "bob", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {VENUE_IP}",  # the first entry is the client's lie
        )
    locked = client.post(
        reverse("accounts:login"),
        {"username": "bob", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=VENUE_IP,
    )
    assert locked.status_code == 429

    # Another phone, through the same proxy: its own address, not locked out.
    other = client.post(
        reverse("accounts:login"),
        {"username": "bob", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=HOME_IP,
    )
    assert other.status_code == 302
