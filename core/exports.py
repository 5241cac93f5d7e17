"""Every spreadsheet the app writes goes through here, so user text stays text.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return
before one) is read by Excel, WPS and LibreOffice as a formula: a unit name like
``=cmd|' /C calc'!A0`` or a commitment like ``=HYPERLINK(...)`` would run on the office's
PC. XLSX cells are written with the string type, which keeps the text exactly as typed; CSV
has no types, so such text gets a leading apostrophe, the mark spreadsheet programs read as
"this is text" (OWASP's advice for CSV injection). Every cell also loses the control
characters a spreadsheet cannot hold (``core.text.printable``).
"""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from core.text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value):
    """The text as a CSV cell: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    value = printable(value)
    if is_formula_like(value):
        return "'" + value
    return value


def append_row(sheet, values):
    """Append one row to an openpyxl sheet, every string stored as a string, never a formula."""
    sheet.append([printable(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = TYPE_STRING
    return sheet.max_row


def workbook(sheets):
    """A Workbook from ``[(title, header, rows, widths)]``; widths may be None."""
    book = Workbook()
    book.remove(book.active)
    for title, header, rows, widths in sheets:
        sheet = book.create_sheet(title=str(title)[:31])
        append_row(sheet, [str(h) for h in header])
        for row in rows:
            append_row(sheet, row)
        for index, width in enumerate(widths or (), start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    return book


def xlsx_response(filename, sheets):
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook(sheets).save(response)
    return response


def csv_lines(header, rows):
    """CSV, one line at a time (a BOM first, so Excel on Chinese Windows reads UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line([csv_safe(str(h)) for h in header])
    for row in rows:
        yield line([csv_safe(v) for v in row])


def csv_text(header, rows):
    """CSV as text with a BOM, so Excel on Chinese Windows reads it as UTF-8."""
    return "".join(csv_lines(header, rows))


def csv_streaming_response(filename, header, rows):
    """The CSV sent as it is written: memory stays flat however many ``rows`` there are."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename, header, rows):
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
