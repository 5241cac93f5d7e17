"""Each signed-in user's site header is rendered once per state of what it shows and then
reused (core.pagecache, ``HEADER_MEMO``): what it shows must still be that user's, now.

Each test signs in, opens a shared signed-in page (the header is rendered and kept), changes
one thing the header shows, and opens the page again: the header must show the change. A
memo keyed by too little (the user alone, or without the unread count, the name or the
office's to-dos) fails here.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Need
from reminders.models import Notification
from tests.factories import NeedFactory, UserFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("projects:project-list")


def _header(client):
    response = client.get(BOARD)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_new_notification_shows_in_the_badge(staff, staff_client):
    assert 'class="badge"' not in _header(staff_client).split("site-menu")[0]
    Notification.objects.create(user=staff, title="新通知")
    assert '<span class="badge" aria-hidden="true">1</span>' in _header(staff_client)


def test_a_new_name_shows_in_the_logout_button(staff, staff_client):
    assert "党建办小王" in _header(staff_client)
    staff.display_name = "党建办小李"
    staff.save()
    header = _header(staff_client)
    assert "党建办小李" in header and "党建办小王" not in header


def test_two_users_of_one_role_each_see_their_own(staff, staff_client):
    assert "党建办小王" in _header(staff_client)
    other = _signed_in(UserFactory(username="dave", is_staff=True, display_name="党建办小赵"))
    header = _header(other)
    assert "党建办小赵" in header and "党建办小王" not in header


def test_a_new_need_moves_the_office_badge(staff_client):
    inbox = reverse("projects:need-inbox")
    before = _header(staff_client)
    assert f'<a href="{inbox}">' in before
    NeedFactory(status=Need.Status.PENDING)
    after = _header(staff_client)
    item = after[after.index(f'<a href="{inbox}">') :]
    assert '<span class="badge">1<' in item[: item.index("</a>")]


def test_each_request_gets_its_own_csrf_token_in_the_logout_form(staff_client):
    token = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
    first, second = token.findall(_header(staff_client)), token.findall(_header(staff_client))
    assert first and second and first != second  # masked per request, as Django renders them
    other = _signed_in(UserFactory(username="erin", is_staff=True))
    response = other.post(
        reverse("accounts:logout"), {"csrfmiddlewaretoken": token.findall(_header(other))[0]}
    )
    assert response.status_code == 302
