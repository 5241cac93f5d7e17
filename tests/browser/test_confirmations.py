"""The confirmation steps on a 375x812 phone (and the office's 1366 desk): completing a
project, reopening it, and the pages around them, each with a screenshot."""

import datetime

import pytest

from projects.models import ProgressUpdate, Project
from tests.factories import (
    PASSWORD,
    AdoptionFactory,
    JointMeetingFactory,
    MilestoneFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.browser

#: The smallest visible control (button, link styled as one, input) in main.
SMALLEST_CONTROL = """() => Math.min(...[...document.querySelectorAll(
  'main button, main .btn, main input:not([type=hidden]), main textarea')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => el.getBoundingClientRect().height))"""


@pytest.fixture
def nearly_done(unit_a):
    project = ProjectFactory(title="社区老年助餐点", status=Project.Status.IN_PROGRESS, adopted_count=1)
    AdoptionFactory(project=project, unit=unit_a)
    MilestoneFactory(project=project, title="场地改造", done_on=datetime.date(2026, 3, 1))
    ProgressUpdate.objects.create(project=project, text="主体施工中，预计下月封顶")
    return project


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(SMALLEST_CONTROL) >= 40


def test_it_asks_the_liaison_before_completing_a_project_on_a_phone(
    new_browser_page, liaison, nearly_done
):
    page = new_browser_page(width=375, height=812)
    page.sign_in_as(liaison)
    page.goto(f"/my/projects/{nearly_done.pk}/")
    page.click("text=标记项目已完成")
    page.wait_for_load_state()
    assert "将会发生什么" in page.content() and "预计下月封顶" in page.content()
    nearly_done.refresh_from_db()
    assert nearly_done.status == Project.Status.IN_PROGRESS
    page.screenshot("confirm-complete-liaison-375")
    _fits(page, 375)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    nearly_done.refresh_from_db()
    assert nearly_done.status == Project.Status.COMPLETED
    assert page.errors == []


@pytest.mark.parametrize("width", [375, 1366])
def test_it_lets_staff_reopen_a_completed_project_after_saying_why(
    new_browser_page, staff, nearly_done, width
):
    nearly_done.transition_to(Project.Status.COMPLETED)
    page = new_browser_page(width=width, height=812)
    page.sign_in_as(staff)
    page.goto(f"/office/projects/{nearly_done.pk}/edit/")
    page.click("text=重新打开…")
    page.wait_for_load_state()
    page.screenshot(f"confirm-reopen-staff-{width}")
    _fits(page, width)
    page.fill("textarea[name=reason], input[name=reason]", "尚未封顶，误标完成")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    nearly_done.refresh_from_db()
    assert nearly_done.status == Project.Status.IN_PROGRESS
    page.click("text=状态记录")
    page.screenshot(f"project-status-history-{width}")
    assert "尚未封顶，误标完成" in page.content()
    assert page.errors == []


def test_it_asks_before_cancelling(new_browser_page, staff, nearly_done):
    page = new_browser_page(width=375, height=812)
    page.sign_in_as(staff)
    page.goto(f"/office/projects/{nearly_done.pk}/status/?status=cancelled")
    page.screenshot("confirm-cancel-staff-375")
    _fits(page, 375)
    assert "此操作不能撤销" in page.content()


def test_the_login_page_from_a_qr_code_names_the_project(new_browser_page, liaison):
    project = ProjectFactory(title="社区老年助餐点", status=Project.Status.OPEN)
    JointMeetingFactory(adoption_open=True)
    page = new_browser_page(width=375, height=812)
    page.goto(f"/projects/{project.pk}/adopt/")
    page.wait_for_load_state()
    assert "社区老年助餐点" in page.content() and "忘记密码" in page.content()
    page.screenshot("login-from-qr-375")
    _fits(page, 375)
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/projects/{project.pk}/adopt/")


@pytest.mark.parametrize("width", [375, 1366])
def test_the_meeting_page_warns_about_a_loopback_site_address(
    new_browser_page, staff, settings, width
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    meeting = JointMeetingFactory()
    page = new_browser_page(width=width, height=812)
    page.sign_in_as(staff)
    page.goto("/office/meetings/")
    assert "手机无法访问" in page.content()
    page.screenshot(f"meetings-site-address-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"/office/meetings/{meeting.pk}/qr/")
    page.screenshot(f"qr-sheet-site-address-{width}")


def test_the_password_form_keeps_the_right_current_password(new_browser_page, liaison):
    page = new_browser_page(width=375, height=812)
    page.sign_in_as(liaison)
    page.goto("/accounts/password/")
    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "short1")
    page.fill("input[name=new_password2]", "short1")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.screenshot("password-change-errors-375")
    assert page.input_value("input[name=old_password]") == PASSWORD
    assert page.locator("#field-new_password1 .error").count() >= 1
