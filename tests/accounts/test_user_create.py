import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

URL = reverse("accounts:user-create")


def _data(unit, password="Zhujing-2026-lianluo", **overrides):
    return {
        "username": "dave",
        "display_name": "新联络员",
        "unit": unit.pk if unit else "",
        "password1": password,
        "password2": password,
        **overrides,
    }


def test_it_creates_a_liaison_linked_to_a_unit(staff_client, unit_a):
    response = staff_client.post(URL, _data(unit_a))
    assert response.status_code == 302
    dave = User.objects.get(username="dave")
    assert dave.unit == unit_a
    assert not dave.is_staff
    assert dave.check_password("Zhujing-2026-lianluo")


@pytest.mark.parametrize(
    "password, message",
    [
        ("abc12", "密码长度太短"),
        ("password123", "这个密码太常见了"),
        ("582917463012", "密码只包含数字"),
    ],
)
def test_it_rejects_weak_passwords_in_chinese(staff_client, unit_a, password, message):
    response = staff_client.post(URL, _data(unit_a, password=password))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="dave").exists()


def test_it_requires_a_unit(staff_client):
    response = staff_client.post(URL, _data(None))
    assert response.status_code == 200
    assert not User.objects.filter(username="dave").exists()


def test_it_offers_only_active_units(staff_client, unit_a, unit_b):
    unit_b.deactivate()
    body = staff_client.get(URL).content.decode()
    assert unit_a.name in body
    assert unit_b.name not in body


def test_it_is_for_staff_only(liaison_client, unit_a):
    assert liaison_client.post(URL, _data(unit_a)).status_code == 403
    assert not User.objects.filter(username="dave").exists()
