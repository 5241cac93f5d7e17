"""The import preview with errors, the open data page and the calendar page fit a phone
and a desk: nothing scrolls sideways, the preview passes axe-core, and the screenshots are
kept for review."""

import pytest

from tests.browser.axe import serious_violations
from tests.factories import PASSWORD, CommunityFactory, DistrictFactory, PairingFactory, UserFactory
from tests.units.registry_files import PAIRING_HEADERS, UNIT_HEADERS, pairing_row, unit_row, xlsx

pytestmark = pytest.mark.browser

WIDTHS = [(375, 812), (1366, 900)]


@pytest.mark.parametrize("width, height", WIDTHS)
def test_the_preview_of_a_file_with_errors_fits(new_browser_page, tmp_path, width, height):
    UserFactory(username="alice", is_staff=True)
    CommunityFactory(name="南圩居民区", district=DistrictFactory(name="城南"))
    path = tmp_path / "bad.xlsx"
    path.write_bytes(
        xlsx(
            {
                "成员单位": [UNIT_HEADERS, unit_row("外星机构有限责任公司朱泾分公司第一党支部", "外星组织"),
                         unit_row("好单位", year="=2000+1")],
                "结对": [PAIRING_HEADERS, pairing_row("不存在的村", unit="好单位", started="1990-01-01")],
            }
        )  # fmt: skip
    )
    # axe is injected as a script, so this page runs with the CSP bypassed; the import
    # journey runs the same page with it enforced.
    page = new_browser_page(width=width, height=height, bypass_csp=True)
    page.login("alice", PASSWORD)
    page.goto("/registry/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("#preview-title")
    text = page.locator("#import-result").inner_text()
    assert "3 行有错误" in text and "未知的值“外星组织”" in text
    assert page.locator("form[action='/registry/import/confirm/']").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(f"registry-import-errors-{width}")
    assert serious_violations(page) == []
    assert page.errors == []


@pytest.mark.parametrize("width, height", WIDTHS)
def test_the_open_data_page_fits(new_browser_page, width, height):
    page = new_browser_page(width=width, height=height)
    assert page.goto("/data/").status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(f"open-data-{width}")
    assert page.errors == []


@pytest.mark.parametrize("width, height", WIDTHS)
def test_the_calendar_page_fits(new_browser_page, liaison, width, height):
    PairingFactory(unit=liaison.unit)
    page = new_browser_page(width=width, height=height)
    page.login("bob", PASSWORD)
    page.goto("/my/pairings/")
    page.get_by_role("link", name="把到期日加入我的手机日历").click()
    page.wait_for_url("**/my/calendar/")
    url = page.locator("#feed-url").inner_text()
    assert "/data/calendar/" in url
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(f"my-calendar-{width}")
    page.get_by_role("button", name="生成新地址").click()
    page.wait_for_url("**/my/calendar/")
    assert page.locator("#feed-url").inner_text() != url
    assert page.errors == []
