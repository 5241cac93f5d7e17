import pytest

from reminders.models import Notification

pytestmark = pytest.mark.browser


def test_it_marks_a_notification_read_with_htmx_on_a_phone(phone_page, liaison):
    page = phone_page
    entry = Notification.objects.create(user=liaison, title="节点已逾期：完成采购", body="请尽快完成")
    Notification.objects.create(user=liaison, title="联席会议将召开", body="请准时参加")
    page.sign_in_as(liaison)

    page.goto("/inbox/")
    assert page.locator("#inbox-link .badge").inner_text() == "2"
    page.locator(f"#notification-{entry.pk} button").click()
    page.locator(f"#notification-{entry.pk}:not(.inbox-entry-unread)").wait_for()
    assert page.locator("#inbox-link .badge").inner_text() == "1"
    assert page.url.endswith("/inbox/")  # no full page load: htmx swapped the entry
    entry.refresh_from_db()
    assert entry.read_at is not None

    page.get_by_role("button", name="全部标为已读").click()
    page.locator("#inbox-link .badge").wait_for(state="detached")
    assert Notification.objects.filter(user=liaison, read_at=None).count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.console_errors == []
