"""The reminder settings page and the robot's admin page, looked at on a phone and a desk."""

import pytest

from reminders.models import NotificationPreference, RobotMessage, WeComRobot
from tests.reminders.conftest import ROBOT_KEY

pytestmark = pytest.mark.browser


def no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def small_targets(page, selector):
    """Visible controls under 40 px tall (the label around a checkbox is its target)."""
    return page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
            .filter(e => e.offsetParent !== null)
            .filter(e => e.getBoundingClientRect().height < 40)
            .map(e => e.outerHTML.slice(0, 80))""",
        selector,
    )


@pytest.mark.parametrize("width,height", [(375, 812), (1366, 900)])
def test_a_liaison_sets_reminder_channels_on_a_phone_and_a_desk(new_browser_page, liaison, settings, width, height):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    settings.SMS_TEMPLATES = {"visit_overdue": "SMS_100", "meeting": "SMS_200"}
    NotificationPreference.objects.create(user=None, kind="visit_overdue", sms=True)
    page = new_browser_page(width=width, height=height)
    page.sign_in_as(liaison)
    page.goto("/accounts/reminders/")
    page.get_by_role("heading", name="提醒设置").wait_for()
    page.screenshot(f"reminder-settings-{width}")
    no_sideways_scroll(page, width)
    assert small_targets(page, ".reminder-prefs .field-group label, .reminder-prefs button") == []
    page.locator('#field-meeting label:has-text("短信")').click()
    page.locator('#field-visit_due label:has-text("邮件")').click()
    page.get_by_role("button", name="保存").click()
    page.get_by_text("提醒设置已保存").wait_for()
    assert NotificationPreference.for_user(liaison)["meeting"] == (True, True)
    assert NotificationPreference.for_user(liaison)["visit_due"] == (False, False)
    assert page.console_errors == []


@pytest.mark.parametrize("width,height", [(375, 812), (1366, 900)])
def test_the_office_sees_a_robot_with_its_key_masked_and_sends_a_test(new_browser_page, staff, width, height, settings):
    from tests.fakes import FakeServer

    fake = FakeServer().start()
    settings.WECOM_WEBHOOK_URL = f"{fake.url}/cgi-bin/webhook/send"
    try:
        staff.is_superuser = True
        staff.save()
        robot = WeComRobot.objects.create(name="党建办工作群", webhook_key=ROBOT_KEY,
                                          kinds=["visit_escalation", "digest"])
        RobotMessage.objects.create(robot=robot, content="x", state="sent", attempts=1)
        page = new_browser_page(width=width, height=height)
        page.sign_in_as(staff)
        page.goto(f"/admin/reminders/wecomrobot/{robot.pk}/change/")
        assert ROBOT_KEY not in page.content()
        page.get_by_role("button", name="发送测试消息").click()
        page.get_by_text("测试消息已发送").wait_for()
        page.screenshot(f"robot-admin-{width}")
        assert ROBOT_KEY not in page.content()
        assert len(fake.robot_accepted) == 1
        no_sideways_scroll(page, width)
        assert page.console_errors == []
    finally:
        fake.stop()
