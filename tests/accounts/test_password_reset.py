import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Xinlianxin-reset-2026"


def _url(user):
    return reverse("accounts:password-reset", args=[user.pk])


def test_it_lets_staff_set_a_liaisons_password(staff_client, liaison):
    response = staff_client.post(_url(liaison), {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    liaison.refresh_from_db()
    assert liaison.check_password(NEW)


def test_it_logs_the_liaison_out_elsewhere(staff_client, liaison, liaison_client):
    assert liaison_client.get(reverse("accounts:password-change")).status_code == 200
    staff_client.post(_url(liaison), {"new_password1": NEW, "new_password2": NEW})
    assert liaison_client.get(reverse("accounts:password-change")).status_code == 302


def test_it_rejects_a_weak_password_in_chinese(staff_client, liaison):
    response = staff_client.post(_url(liaison), {"new_password1": "1234", "new_password2": "1234"})
    assert response.status_code == 200
    assert "密码长度太短" in response.content.decode()
    liaison.refresh_from_db()
    assert liaison.check_password(PASSWORD)


def test_it_lifts_a_lockout(client, staff_client, liaison):
    login = reverse("accounts:login")
    for _ in range(5):
        client.post(login, {"username": "bob", "password": "nope"})
    assert client.post(login, {"username": "bob", "password": PASSWORD}).status_code == 429

    staff_client.post(_url(liaison), {"new_password1": NEW, "new_password2": NEW})
    assert client.post(login, {"username": "bob", "password": NEW}).status_code == 302


def test_it_never_touches_staff_accounts(staff_client, staff):
    assert staff_client.get(_url(staff)).status_code == 404


def test_it_is_for_staff_only(other_liaison_client, liaison):
    response = other_liaison_client.post(_url(liaison), {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 403
    liaison.refresh_from_db()
    assert liaison.check_password(PASSWORD)
