"""The office pages this round changed, at a desk (1366) and on a phone (375): the needs
inbox with a unit's offer, the three lists with linked counts, the menu's to-dos."""

import pytest

from tests.factories import PASSWORD, CommunityFactory, DistrictFactory, MatchFactory, NeedFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1366])
def test_the_changed_office_pages_fit_and_read(new_browser_page, staff, width):
    district = DistrictFactory(name="城南片区")
    village = CommunityFactory(name="南圩居民区", district=district)
    for i in range(6):
        need = NeedFactory(community=village, text=f"希望小区加装第{i}处楼道扶手，方便老人上下楼")
        if i % 2 == 0:
            MatchFactory(need=need)
    page = new_browser_page(width=width, height=812)
    page.login("alice", PASSWORD)
    for name, path in {"needs": "/office/needs/", "three-lists": "/office/lists/"}.items():
        assert page.goto(path).status == 200, path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        page.screenshot(f"office-{name}-{width}")
    if width == 375:
        page.click("summary.menu-button")
        page.screenshot("office-menu-375", full_page=False)
        assert page.locator(".site-nav a:has-text('结对活跃度')").is_visible()
    else:
        # At a desk the needs are not one sparse column: cards sit side by side.
        page.goto("/office/needs/")
        boxes = [page.locator(".need-row").nth(i).bounding_box() for i in range(2)]
        assert boxes[0]["y"] == boxes[1]["y"], boxes
    assert page.errors == []
