import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password-change")
NEW = "Lianluo-changed-2026"


def test_it_lets_a_liaison_change_their_password(liaison_client, liaison):
    response = liaison_client.post(
        URL, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change-done")
    liaison.refresh_from_db()
    assert liaison.check_password(NEW)
    # Still logged in on this device.
    assert liaison_client.get(reverse("accounts:password-change-done")).status_code == 200


def test_it_needs_the_old_password(liaison_client, liaison):
    response = liaison_client.post(
        URL, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200
    assert "旧密码" in response.content.decode()
    liaison.refresh_from_db()
    assert liaison.check_password(PASSWORD)


def test_it_rejects_a_common_password_in_chinese(liaison_client):
    response = liaison_client.post(
        URL, {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"}
    )
    assert "这个密码太常见了" in response.content.decode()


def test_it_needs_a_login(anon):
    assert anon.get(URL).status_code == 302


def _errors_under(html, field):
    """The error paragraphs of one field (components/field.html)."""
    block = html.split(f'id="field-{field}"', 1)[1].split('<div class="field', 1)[0]
    return block.count('class="error"'), block


def test_it_puts_a_rule_error_under_the_new_password_and_keeps_the_right_old_one(
    liaison_client,
):
    short = "短密码abc"
    html = liaison_client.post(
        URL, {"old_password": PASSWORD, "new_password1": short, "new_password2": short}
    ).content.decode()
    count, block = _errors_under(html, "new_password1")
    assert count >= 1 and "密码长度太短" in block
    assert _errors_under(html, "new_password2")[0] == 0
    # The current password was right: not cleared; the rejected new ones are.
    assert f'name="old_password" value="{PASSWORD}"' in html
    assert f'value="{short}"' not in html


def test_it_puts_a_mismatch_under_the_confirmation_and_clears_a_wrong_old_password(
    liaison_client,
):
    html = liaison_client.post(
        URL, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW + "x"}
    ).content.decode()
    assert _errors_under(html, "new_password2")[0] == 1
    assert 'value="wrong"' not in html
