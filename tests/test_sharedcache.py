"""Signed-in pages from a shared copy: fast for everyone, each header their own."""

import pytest
from django.urls import reverse

from tests.factories import (
    AdoptionFactory,
    MemberUnitFactory,
    NeedFactory,
    PairingFactory,
    ProjectFactory,
)
from tests.queries import capture_queries
from tests.test_pagecache import _page_cache_on  # noqa: F401 - the same fresh cache, autouse

pytestmark = pytest.mark.django_db


def _get(client, url, status=200):
    with capture_queries() as queries:
        response = client.get(url)
    assert response.status_code == status, str(queries)
    return response, queries


def test_it_serves_the_second_liaison_the_shared_board_with_their_own_header(
    liaison_client, other_liaison_client
):
    ProjectFactory(title="测试共享看板项目")
    first, _ = _get(liaison_client, reverse("projects:project-list"))
    assert first["X-Page-Cache"] == "miss"

    second, queries = _get(other_liaison_client, reverse("projects:project-list"))
    html = second.content.decode()
    assert second["X-Page-Cache"] == "hit"
    assert "测试共享看板项目" in html
    assert "法庭联络员" in html  # carol's own logout button
    assert "财政局联络员" not in html  # never bob's
    assert "-placeholder__" not in html
    assert not [q for q in queries.captured if "projects_project" in q["sql"]], str(queries)


def test_it_keeps_the_staff_copy_apart_from_the_liaisons(staff_client, liaison_client):
    ProjectFactory(title="测试草稿项目", status="draft")
    staff_page, _ = _get(staff_client, reverse("projects:project-list"))
    assert "测试草稿项目" in staff_page.content.decode()

    liaison_page, _ = _get(liaison_client, reverse("projects:project-list"))
    assert liaison_page["X-Page-Cache"] == "miss"
    assert "测试草稿项目" not in liaison_page.content.decode()


def test_it_keeps_each_units_own_pages_apart(liaison, other_liaison, liaison_client, other_liaison_client):
    PairingFactory(unit=liaison.unit, community__name="测试鲍家村")
    PairingFactory(unit=other_liaison.unit, community__name="测试秀州村")
    _get(liaison_client, reverse("units:my-pairings"))
    page, _ = _get(other_liaison_client, reverse("units:my-pairings"))
    assert page["X-Page-Cache"] == "miss"
    assert "测试秀州村" in page.content.decode()
    assert "测试鲍家村" not in page.content.decode()


def test_it_shares_a_units_pages_between_its_liaisons(liaison, liaison_client):
    from tests.conftest import _client_for
    from tests.factories import UserFactory

    AdoptionFactory(unit=liaison.unit, project__title="测试本单位项目")
    _get(liaison_client, reverse("projects:my-projects"))
    colleague = _client_for(UserFactory(username="bob2", unit=liaison.unit, display_name="同事"))
    page, _ = _get(colleague, reverse("projects:my-projects"))
    assert page["X-Page-Cache"] == "hit"
    assert "测试本单位项目" in page.content.decode()


def test_it_still_checks_access_before_the_cache(staff_client, liaison_client):
    _get(staff_client, reverse("units:unit-list"))
    _get(liaison_client, reverse("units:unit-list"), status=403)


def test_it_shows_a_committed_change_at_once(staff_client, django_capture_on_commit_callbacks):
    unit = MemberUnitFactory(name="测试旧名单位")
    _get(staff_client, reverse("units:unit-list"))
    with django_capture_on_commit_callbacks(execute=True):
        unit.name = "测试新名单位"
        unit.save()
    page, _ = _get(staff_client, reverse("units:unit-list"))
    assert page["X-Page-Cache"] == "miss"
    assert "测试新名单位" in page.content.decode()


def test_it_gives_every_user_their_own_working_csrf_token(staff, staff_client):
    from tests.conftest import _client_for
    from tests.factories import UserFactory

    NeedFactory()
    _get(staff_client, reverse("projects:need-inbox"))
    colleague = _client_for(UserFactory(username="dave", is_staff=True, display_name="党建办小李"))
    colleague.handler.enforce_csrf_checks = True
    page, _ = _get(colleague, reverse("projects:need-inbox"))
    assert page["X-Page-Cache"] == "hit"
    token = colleague.cookies["csrftoken"].value if "csrftoken" in colleague.cookies else None
    html = page.content.decode()
    assert "党建办小李" in html and "党建办小王" not in html
    assert "-placeholder__" not in html
    answer = colleague.post(reverse("set_language"), {"language": "en", "next": "/"}, HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 302


def test_it_never_shares_a_page_that_shows_a_flash_message(staff_client):
    from tests.conftest import _client_for
    from tests.factories import UserFactory

    need = NeedFactory()
    staff_client.post(reverse("projects:need-decline", args=[need.pk]), {"reply": "测试答复居民"})
    shown, _ = _get(staff_client, reverse("projects:need-inbox"))
    assert "message-success" in shown.content.decode()

    colleague = _client_for(UserFactory(username="dave", is_staff=True, display_name="党建办小李"))
    page, _ = _get(colleague, reverse("projects:need-inbox"))
    assert "message-success" not in page.content.decode()


def test_it_shows_each_request_the_users_current_unread_count(liaison, liaison_client):
    from reminders.models import Notification

    _get(liaison_client, reverse("projects:project-list"))
    before, _ = _get(liaison_client, reverse("projects:project-list"))
    Notification.objects.create(user=liaison, title="测试新通知")
    after, _ = _get(liaison_client, reverse("projects:project-list"))
    assert after["X-Page-Cache"] == "hit"
    assert 'class="badge" aria-hidden="true"' not in before.content.decode()
    assert 'class="badge" aria-hidden="true"' in after.content.decode()


def test_it_shows_staff_a_new_pending_need_on_the_next_page(staff_client, django_capture_on_commit_callbacks):
    _get(staff_client, reverse("projects:project-list"))
    before, _ = _get(staff_client, reverse("projects:project-list"))
    with django_capture_on_commit_callbacks(execute=True):
        NeedFactory(status="pending")
    after, queries = _get(staff_client, reverse("projects:project-list"))
    assert 'class="badge"' not in before.content.decode()
    assert 'class="badge"' in after.content.decode()


def test_it_serves_a_staff_page_from_the_shared_copy_with_two_queries(staff_client):
    _get(staff_client, reverse("units:unit-list"))
    _get(staff_client, reverse("units:unit-list"))
    page, queries = _get(staff_client, reverse("units:unit-list"))
    assert page["X-Page-Cache"] == "hit"
    # The session and the user (with the unread count); no pending-needs count.
    assert len(queries) <= 2, str(queries)
