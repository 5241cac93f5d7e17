"""Every control the issue named is at least 40 px tall on a 375 px phone: the year links
on the unit record, 标为已读, the needs inbox's tick, 撤销 on the record form, the small
buttons."""

import datetime

import pytest

from projects.models import Adoption
from reminders.models import Notification
from tests.factories import (
    PASSWORD,
    AdoptionFactory,
    JointMeetingFactory,
    NeedFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.browser
YEAR = datetime.date.today().year


def _heights(page, selector):
    return page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => Math.round(e.getBoundingClientRect().height))",
    )


def test_the_named_controls_are_40_px_to_tap(phone_page, staff, unit_a):
    meeting = JointMeetingFactory(adoption_open=True)
    AdoptionFactory(meeting=meeting, unit=unit_a, project=ProjectFactory(status="adopted"),
                    kind=Adoption.Kind.NEW)  # fmt: skip
    NeedFactory.create_batch(2)
    Notification.objects.create(user=staff, title="走访提醒", body="请按期走访")
    page = phone_page
    page.login("alice", PASSWORD)
    checks = {
        f"/registry/units/{unit_a.pk}/record/{YEAR}/": ".year-nav a",
        "/inbox/": ".inbox-meta .link-button",
        "/office/needs/": ".need-row .tick",
        f"/office/meetings/{meeting.pk}/record/": ".recent-list .link-button",
        f"/office/assessment/{YEAR}/": ".btn-small",
    }
    for path, selector in checks.items():
        assert page.goto(path).status == 200, path
        heights = _heights(page, selector)
        assert heights, (path, selector)
        assert min(heights) >= 40, (path, selector, heights)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        page.screenshot("tap-targets-" + path.strip("/").replace("/", "-"))
    assert page.errors == []
