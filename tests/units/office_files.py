"""Registry files shaped the way town offices keep them, one kind of mess each.

Each builder returns the file's bytes, written with the library an office's program would
leave behind in effect: openpyxl for .xlsx (titles, merged cells, hidden sheets and rows,
the 1904 date system), xlwt for .xls, plain bytes in GBK or UTF-8 for CSV.
"""

import csv
import datetime
import io

import xlwt
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

TITLE = "朱泾镇区域化党建成员单位名单（2019年）"
#: The columns an office's own unit list has: its running number, other names, a line break.
OFFICE_UNIT_HEADERS = [
    "序号",
    "单位名称",
    "单位类别",
    "所属片区",
    "加入年份",
    "联系人",
    "联系\n电话",
]


def office_unit_row(n, name, category="新经济组织", district="城南", year=2019,
                    person="张三", phone="13900000000"):  # fmt: skip
    return [n, name, category, district, year, person, phone]


def workbook_bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def titled_sheet(book, title, headers, rows, *, blank_rows=1, merge_title=True):
    """A sheet with the office's title above the header (merged across), then a blank row."""
    sheet = book.create_sheet(title)
    sheet.append([TITLE])
    if merge_title:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for _ in range(blank_rows):
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    return sheet


def new_book():
    book = Workbook()
    book.remove(book.active)
    return book


def office_units_xlsx(rows, *, hidden_rows=(), stale_copy=None, epoch1904=False):
    """An office unit list: title, blank row, header in row 3, data from row 4.

    ``hidden_rows`` are sheet row numbers hidden as a filter would; ``stale_copy`` rows go
    to a hidden sheet of the same kind placed first, as an old copy left in the file.
    """
    book = new_book()
    if epoch1904:
        book.epoch = CALENDAR_MAC_1904
    if stale_copy is not None:
        old = titled_sheet(book, "成员单位（旧）", OFFICE_UNIT_HEADERS, stale_copy)
        old.sheet_state = "hidden"
    sheet = titled_sheet(book, "成员单位", OFFICE_UNIT_HEADERS, rows)
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    return workbook_bytes(book)


def xls(sheets, *, hidden_sheets=(), hidden_rows=None, title=True):
    """An old .xls workbook from ``{title: [header, row, ...]}``; dates as date cells."""
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        if name in hidden_sheets:
            sheet.visibility = 1
        offset = 0
        if title:
            sheet.write_merge(0, 0, 0, len(rows[0]) - 1, TITLE)
            offset = 2
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime.date):
                    sheet.write(r + offset, c, value, date_style)
                elif value is not None:
                    sheet.write(r + offset, c, value)
        for number in (hidden_rows or {}).get(name, ()):
            sheet.row(number - 1).hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8", bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def as_wps(data):
    """An .xlsx as WPS Office saves it: its application name, text as inline strings (as
    openpyxl writes them too) and a sheet dimension that says only A1."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1"/>', body)
            elif info.filename == "docProps/app.xml":
                body = re.sub(
                    rb"<Application>.*?</Application>",
                    "<Application>WPS 表格</Application>".encode(),
                    body,
                )
            target.writestr(info, body)
    return out.getvalue()
