"""The import preview with errors, the open data page and the calendar page fit a phone
and a desk: nothing scrolls sideways, the preview passes axe-core, and the screenshots are
kept for review."""

import pytest

from tests.browser.axe import serious_violations
from units.models import MemberUnit
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    DistrictFactory,
    MemberUnitFactory,
    PairingFactory,
    UserFactory,
)
from tests.units.office_files import new_book, titled_sheet, workbook_bytes
from tests.units.registry_files import PAIRING_HEADERS, UNIT_HEADERS, pairing_row, unit_row, xlsx

pytestmark = pytest.mark.browser

WIDTHS = [(375, 812), (1366, 900)]


def _preview(page, path):
    """alice uploads ``path`` and sees its preview. axe is injected as a script, so these
    pages run with the CSP bypassed; the import journey runs the same page with it enforced."""
    page.login("alice", PASSWORD)
    page.goto("/registry/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("#preview-title")
    return page


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
    page = _preview(new_browser_page(width=width, height=height, bypass_csp=True), path)
    text = page.locator("#import-result").inner_text()
    assert "3 行有错误" in text and "未知的值“外星组织”" in text
    assert page.locator("form[action='/registry/import/confirm/']").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(f"registry-import-errors-{width}")
    assert serious_violations(page) == []
    assert page.errors == []


def _messy_office_file(court_id):
    """A title above the header, other column names, a 序号 and an unknown column, a hidden
    stale sheet, a filtered row, a rename by 编号 and a typo of an existing name."""
    book = new_book()
    stale = book.create_sheet("成员单位（旧）")
    stale.append(UNIT_HEADERS)
    stale.sheet_state = "hidden"
    headers = ["序号", "编号", "单位名称", "单位类别", "所属片区", "加入年份", "联系人", "联系\n电话", "备注"]
    sheet = titled_sheet(book, "成员单位", headers, [
        [1, court_id, "上海市金山区人民法院朱泾人民法庭", "辖区单位", "城南", 2008, "", "", ""],
        [2, None, "金山区财正局", "辖区单位", "城南", 2005, "", "", "笔误"],
        [3, None, "筛掉的单位", "新经济组织", "城南", 2019, "", "", ""],
        [4, None, "朱泾镇社区卫生服务中心（东院）", "辖区单位", "城南", 2012, "王芳",
         "57321234", ""],
    ])  # fmt: skip
    sheet.row_dimensions[6].hidden = True
    return workbook_bytes(book)


@pytest.mark.parametrize("width, height", WIDTHS)
def test_the_preview_of_a_messy_office_file_fits(new_browser_page, tmp_path, width, height):
    UserFactory(username="alice", is_staff=True)
    district = DistrictFactory(name="城南")
    MemberUnitFactory(name="金山区财政局", category="organ", level="district", district=district)
    court = MemberUnitFactory(name="朱泾法庭", category="stationed", level="", district=district,
                              joined_year=2008, liaison_name="", liaison_phone="")  # fmt: skip
    path = tmp_path / "朱泾镇区域化党建成员单位名单（2019年）.xlsx"
    path.write_bytes(_messy_office_file(court.pk))
    page = _preview(new_browser_page(width=width, height=height, bypass_csp=True), path)
    text = page.locator("#import-result").inner_text()
    for expected in ["成员单位（旧）", "隐藏的工作表", "序号", "备注", "联系 电话 → 联络电话",
                     "确认改名", "是否指：“金山区财政局”？", "不是，按新记录导入", "57321234"]:  # fmt: skip
        assert expected in text, expected
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for box in page.locator("label.tick").all():
        assert box.bounding_box()["height"] >= 40
    page.screenshot(f"registry-import-messy-{width}")
    assert serious_violations(page) == []
    # Ticking the rename and the near name imports them; the filtered row stays out.
    for box in page.locator("label.tick input").all():
        box.check()
    page.get_by_role("button", name="导入 3 条新增或修改的行").click()
    page.wait_for_url("**/registry/units/")
    court.refresh_from_db()
    assert court.name == "上海市金山区人民法院朱泾人民法庭"
    assert MemberUnit.objects.filter(name="金山区财正局").exists()
    assert not MemberUnit.objects.filter(name="筛掉的单位").exists()
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
