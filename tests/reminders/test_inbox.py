import pytest
from django.urls import reverse

from tests.factories import UserFactory
from reminders.models import Notification

pytestmark = pytest.mark.django_db


def note(user, title="节点即将到期", **kwargs):
    return Notification.objects.create(user=user, title=title, body="请及时处理", **kwargs)


@pytest.mark.parametrize(
    "name,args,method",
    [
        ("reminders:inbox", [], "get"),
        ("reminders:badge", [], "get"),
        ("reminders:mark-all-read", [], "post"),
    ],
)
def test_it_sends_anonymous_visitors_to_log_in(anon, name, args, method):
    response = getattr(anon, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_shows_users_only_their_own_notifications(
    persona_clients, staff, liaison, other_liaison
):
    note(staff, "给党建办的")
    note(liaison, "给财政局的")
    note(other_liaison, "给法庭的")
    expected = {"staff": "给党建办的", "liaison": "给财政局的", "other_liaison": "给法庭的"}
    for persona, title in expected.items():
        page = persona_clients[persona].get(reverse("reminders:inbox")).content.decode()
        assert title in page
        for other in set(expected.values()) - {title}:
            assert other not in page
    assert persona_clients["anon"].get(reverse("reminders:inbox")).status_code == 302


def test_it_marks_one_read(liaison_client, liaison):
    entry = note(liaison)
    response = liaison_client.post(reverse("reminders:mark-read", args=[entry.pk]))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.read_at is not None


def test_it_answers_htmx_with_the_entry(liaison_client, liaison):
    entry = note(liaison)
    response = liaison_client.post(
        reverse("reminders:mark-read", args=[entry.pk]), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert f'id="notification-{entry.pk}"' in body
    assert "<html" not in body
    assert "已读" in body
    assert 'data-hx-swap-oob="true"' in body  # the header badge is refreshed with the entry


def test_it_refuses_to_mark_someone_elses_notification(other_liaison_client, liaison):
    entry = note(liaison)
    response = other_liaison_client.post(reverse("reminders:mark-read", args=[entry.pk]))
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.read_at is None


def test_it_needs_post_to_mark_read(liaison_client, liaison):
    entry = note(liaison)
    assert liaison_client.get(reverse("reminders:mark-read", args=[entry.pk])).status_code == 405


def test_it_marks_all_own_read(liaison_client, liaison, other_liaison):
    note(liaison)
    note(liaison)
    theirs = note(other_liaison)
    liaison_client.post(reverse("reminders:mark-all-read"))
    assert Notification.objects.filter(user=liaison, read_at=None).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_header_shows_the_unread_count_as_a_plain_link(liaison_client, liaison, other_liaison):
    note(liaison)
    note(liaison)
    note(other_liaison)
    page = liaison_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("reminders:inbox")}"' in page
    assert f'data-hx-get="{reverse("reminders:badge")}"' in page
    assert 'data-hx-trigger="every 30s"' in page
    assert '<span class="badge"' in page and ">2</span>" in page


def test_the_badge_partial_counts_only_unread(liaison_client, liaison):
    note(liaison)
    note(liaison).mark_read()
    body = liaison_client.get(reverse("reminders:badge")).content.decode()
    assert ">1</span>" in body
    assert "<html" not in body


def test_anonymous_pages_have_no_inbox_link(anon):
    assert reverse("reminders:inbox") not in anon.get(reverse("home")).content.decode()


@pytest.mark.parametrize("size", [3, 40])
def test_the_inbox_query_count_does_not_grow(
    liaison_client, liaison, size, django_assert_max_num_queries
):
    for i in range(size):
        note(liaison, f"提醒{i}")
    # the users' and inbox's data versions, user (with the header's unread count), unread
    # count (page), page count, rows; the session comes from Redis when there is one; the
    # address middleware reads the pages' data version and the councils once per version
    with django_assert_max_num_queries(8):
        assert liaison_client.get(reverse("reminders:inbox")).status_code == 200


def test_a_user_without_notifications_sees_an_empty_inbox(client):
    client.force_login(UserFactory(username="erin"))
    assert "还没有通知" in client.get(reverse("reminders:inbox")).content.decode()


def test_the_badge_stops_polling_for_a_signed_out_htmx_request(anon):
    response = anon.get(reverse("reminders:badge"), HTTP_HX_REQUEST="true")
    assert response.status_code == 286
    assert response.content == b""


def test_mark_all_read_answers_htmx_with_the_list(liaison_client, liaison):
    note(liaison, "第一条")
    response = liaison_client.post(reverse("reminders:mark-all-read"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="inbox-list"' in body and "第一条" in body and "<html" not in body
    assert "标为已读" not in body


def test_marking_read_follows_only_local_links(liaison_client, liaison):
    local = note(liaison, link="/my/pairings/")
    evil = note(liaison, link="https://evil.example/")
    assert liaison_client.post(reverse("reminders:mark-read", args=[local.pk]))["Location"] == (
        "/my/pairings/"
    )
    assert liaison_client.post(reverse("reminders:mark-read", args=[evil.pk]))["Location"] == (
        reverse("reminders:inbox")
    )
