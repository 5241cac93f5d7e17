"""The district roll-up and the district report on a phone and at a desk: nothing scrolls
sideways, axe finds nothing serious, and the screenshots are kept for review."""

import pytest

from tests.browser.axe import serious_violations
from tests.district.conftest import (  # noqa: F401 - fixtures
    YEAR,
    dora,
    finalised,
    fengjing,
    two_councils,
    zhujing,
)

pytestmark = pytest.mark.browser

WIDTHS = [(375, 812), (1366, 900)]


def _page(new_browser_page, dora, width, height):
    # axe is injected as a script: the page runs with the CSP bypassed for it.
    page = new_browser_page(width=width, height=height, bypass_csp=True)
    page.sign_in_as(dora)
    return page


@pytest.mark.parametrize("width, height", WIDTHS)
def test_the_roll_up_fits(new_browser_page, dora, two_councils, width, height):
    page = _page(new_browser_page, dora, width, height)
    page.goto(f"/district/?year={YEAR}")

    text = page.locator("main").inner_text()
    assert "朱泾镇" in text and "枫泾镇" in text and "全区合计" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(f"district-rollup-{width}")
    assert serious_violations(page) == []
    assert page.errors == []


@pytest.mark.parametrize("width, height", WIDTHS)
def test_the_district_report_fits(new_browser_page, dora, finalised, width, height):
    page = _page(new_browser_page, dora, width, height)
    page.goto(f"/district/report/{YEAR}/")

    text = page.locator("main").inner_text()
    assert "尚未定稿" in text and "石化街道" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(f"district-report-{width}")
    assert serious_violations(page) == []
    assert page.errors == []


def test_district_staff_find_the_roll_up_in_the_menu(new_browser_page, dora, two_councils):
    page = _page(new_browser_page, dora, 375, 812)
    page.goto("/")
    page.get_by_text("菜单").click()
    page.get_by_role("link", name="全区汇总").click()
    page.wait_for_url("**/district/")
    assert page.locator("h1").inner_text().endswith("年全区汇总")
