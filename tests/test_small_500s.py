"""Small 500s found from outside become Chinese form errors or 400s."""

import datetime

import pytest
from django.urls import reverse

from core.access import client_ip
from tests.accounts.test_access import _request
from units.models import MemberUnit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("left_on", ["1996-12-31", "0001-01-01"])
def test_a_leaving_date_before_1997_is_a_form_error(staff_client, unit_a, left_on):
    url = reverse("units:unit-deactivate", args=[unit_a.pk])
    response = staff_client.post(url, {"left_on": left_on}, follow=True)
    assert response.status_code == 200
    assert "1997-01-01" in response.content.decode()
    unit_a.refresh_from_db()
    assert unit_a.is_active and unit_a.left_on is None


def test_a_plausible_leaving_date_still_deactivates(staff_client, unit_a):
    url = reverse("units:unit-deactivate", args=[unit_a.pk])
    staff_client.post(url, {"left_on": "2024-05-01"})
    unit_a.refresh_from_db()
    assert (unit_a.is_active, unit_a.left_on) == (False, datetime.date(2024, 5, 1))
    assert MemberUnit.objects.filter(pk=unit_a.pk).exists()


@pytest.mark.parametrize(
    "forwarded",
    ["not-an-ip", "1.2.3.4:5678", "<script>", "999.1.1.1", "a" * 300, "1.2.3.4, ::ffff:zz", "\x1b"],
)
def test_a_failed_login_with_a_junk_forwarded_header_is_not_a_500(client, liaison, settings, forwarded):
    settings.NUM_PROXIES = 1
    client.raise_request_exception = False
    response = client.post(
        reverse("accounts:login"),
        {"username": "bob", "password": "wrong"},
        REMOTE_ADDR="172.18.0.5",
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("not-an-ip", "10.0.0.1"),
        ("6.6.6.6, garbage", "10.0.0.1"),
        ("6.6.6.6, 2001:db8::1", "2001:db8::1"),
        ("6.6.6.6,  203.0.113.9 ", "203.0.113.9"),
    ],
)
def test_it_trusts_only_a_forwarded_entry_that_is_an_address(settings, forwarded, expected):
    settings.NUM_PROXIES = 1
    assert client_ip(_request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)) == expected
