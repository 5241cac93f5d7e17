"""Office staff download the template, fill it in, upload it, check the preview, confirm
and find the new units in the registry: on a phone (375 px) and at a desk (1366 px)."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import PASSWORD, CommunityFactory, DistrictFactory, UserFactory
from units.models import MemberUnit, Pairing

pytestmark = pytest.mark.browser


def _fill(template, suffix):
    """The downloaded template with its example rows replaced by real ones."""
    book = load_workbook(io.BytesIO(template))
    units = book["成员单位"]
    headers = [c.value for c in units[1]]

    def put(sheet, values):
        row = {h: None for h in [c.value for c in sheet[1]]}
        row.update(values)
        for column, header in enumerate([c.value for c in sheet[1]], start=1):
            sheet.cell(row=2, column=column, value=row[header])

    put(units, {"名称": f"朱泾新华物业{suffix}", "类别": "新经济组织", "党组织名称": "新华物业党支部",
                "片区": "城南", "加入年份": 2024})  # fmt: skip
    units.append([None if h != "名称" else f"朱泾社工服务社{suffix}" for h in headers])
    last = units.max_row
    for column, header in enumerate(headers, start=1):
        value = {"类别": "新社会组织", "加入年份": 2025, "片区": "城南"}.get(header)
        if value is not None:
            units.cell(row=last, column=column, value=value)
    put(book["村居"], {"名称": f"新建村{suffix}", "类型": "村", "片区": "城南", "在册": "是"})
    put(book["结对"], {"村居": "南圩居民区", "成员单位": f"朱泾新华物业{suffix}", "结对村居": None,
                     "共建方式": None, "开始日期": "2025-03-01", "状态": "有效"})  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("width, height", [(375, 812), (1366, 900)])
def test_staff_import_units_from_the_template(new_browser_page, tmp_path, width, height):
    UserFactory(username="alice", is_staff=True, display_name="党建办小王")
    CommunityFactory(name="南圩居民区", district=DistrictFactory(name="城南"))
    page = new_browser_page(width=width, height=height)
    page.login("alice", PASSWORD)

    page.goto("/registry/units/")
    page.get_by_role("link", name="从 Excel 导入").click()
    page.wait_for_url("**/registry/import/")
    page.screenshot(f"registry-import-{width}")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载模板").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)

    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(_fill(template.read_bytes(), width))
    page.set_input_files("#id_file", str(filled))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector("#preview-title")
    preview = page.locator("#import-result").inner_text()
    assert f"朱泾新华物业{width}" in preview and f"朱泾社工服务社{width}" in preview
    assert "新增 2" in preview.replace("\n", " ")
    assert not MemberUnit.objects.filter(name=f"朱泾新华物业{width}").exists()
    # The upload's progress was shown (static/js/app.js follows htmx's progress events).
    assert page.locator("#import-progress-bar").evaluate("bar => bar.value") == 100
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(f"registry-import-preview-{width}")

    page.get_by_role("button", name="导入 4 条新增或修改的行").click()
    page.wait_for_url("**/registry/units/")
    assert "已导入 filled.xlsx" in page.content()
    page.fill("input[type=search]", f"{width}")
    page.wait_for_selector(f"text=朱泾社工服务社{width}")
    rows = page.locator("#unit-rows").inner_text()
    assert f"朱泾新华物业{width}" in rows and f"朱泾社工服务社{width}" in rows
    page.screenshot(f"registry-after-import-{width}")
    assert Pairing.objects.filter(unit__name=f"朱泾新华物业{width}").count() == 1
    assert page.errors == []
