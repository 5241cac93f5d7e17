"""The resource form on a phone: communities as ticks under their district, each 40 px."""

import pytest

from tests.factories import PASSWORD, CommunityFactory, DistrictFactory

pytestmark = pytest.mark.browser


def test_a_liaison_ticks_communities_grouped_by_district(phone_page, liaison):
    for position, name in enumerate(["城南片区", "城东片区", "东片"]):
        district = DistrictFactory(name=name, position=position)
        for i in range(8):
            CommunityFactory(name=f"{name[:2]}第{i}居民区", district=district)
    page = phone_page
    page.login("bob", PASSWORD)
    assert page.goto("/my/resources/new/").status == 200
    field = page.locator("#field-communities")
    field.scroll_into_view_if_needed()
    heights = page.eval_on_selector_all(
        "#field-communities input[type=checkbox]",
        "els => els.map(e => Math.round(e.closest('label').getBoundingClientRect().height))",
    )
    assert len(heights) == 24 and min(heights) >= 40, heights
    page.check("#field-communities label:has-text('城东第3居民区') input")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    field.screenshot(path="test-artifacts/resource-form-communities-375.png")
    assert page.errors == []
