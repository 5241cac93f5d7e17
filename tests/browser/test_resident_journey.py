"""A resident on a phone (375x812): browse the board, raise a need, follow its tracking link."""

import pytest

from projects.models import Need, Project
from tests.factories import CommunityFactory, ProjectFactory

pytestmark = pytest.mark.browser


def test_it_lets_a_resident_browse_raise_a_need_and_track_it(phone_page, new_browser_page):
    community = CommunityFactory(name="测试秀州村")
    ProjectFactory(
        title="测试老年助餐点", community=community, status=Project.Status.OPEN, year=2026
    )
    page = phone_page

    page.goto("/projects/")
    assert page.locator("text=测试老年助餐点").is_visible()
    page.screenshot("resident-board")

    page.click("text=测试老年助餐点")
    page.wait_for_url("**/projects/*/")
    assert page.locator("h1", has_text="测试老年助餐点").is_visible()
    page.screenshot("resident-project")

    page.goto("/needs/new/")
    page.select_option("select[name=community]", str(community.pk))
    page.select_option("select[name=category]", "care_aid")
    page.fill("textarea[name=text]", "希望村口的路灯晚上能亮起来")
    page.fill("input[name=contact_phone]", "13800001234")
    page.screenshot("resident-need-form")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/needs/track/*/")

    need = Need.objects.get()
    assert need.status == Need.Status.PENDING
    assert "待审核" in page.content()
    page.screenshot("resident-need-tracking")

    # Later, from the link alone, on another phone: the status, never the phone number.
    tracking_url = page.url
    later = new_browser_page()
    response = later.goto(tracking_url)
    assert response.status == 200
    assert "待审核" in later.content()
    assert "13800001234" not in later.content()
    assert page.errors == [] and later.errors == []
