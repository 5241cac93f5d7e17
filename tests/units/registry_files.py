"""Workbooks for the registry import tests, written cell by cell with openpyxl."""

import io

from openpyxl import Workbook

COMMUNITY_HEADERS = ["编号", "名称", "类型", "片区", "在册"]
UNIT_HEADERS = [
    "编号", "名称", "类别", "级别", "党组织名称", "片区", "加入年份", "联络人", "联络电话", "联络邮箱",
]  # fmt: skip
PAIRING_HEADERS = [
    "编号", "村居", "成员单位", "结对村居", "共建方式", "结对项目", "开始日期", "协议签订日期",
    "走访周期（天）", "状态", "结束日期", "备注",
]  # fmt: skip


def xlsx(sheets):
    """Bytes of a workbook from ``{title: [header, row, ...]}``; cells may be formulas."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unit_row(name, category="新经济组织", level="", district="", year=2020, **extra):
    row = dict(zip(UNIT_HEADERS, [None, name, category, level, "", district, year, "", "", ""]))
    row.update(extra)
    return [row[h] for h in UNIT_HEADERS]


def pairing_row(community, unit="", partner="", mode="", started="2024-01-01", **extra):
    values = [None, community, unit, partner, mode, "", started, None, 90, "有效", None, ""]
    row = dict(zip(PAIRING_HEADERS, values))
    row.update(extra)
    return [row[h] for h in PAIRING_HEADERS]
