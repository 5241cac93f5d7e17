"""Spreadsheet files as grids of cells: .xlsx (Excel, WPS), .xls and CSV.

Each format is read by a kept library: openpyxl for .xlsx, xlrd for .xls, the csv module
for CSV with its encoding found by charset-normalizer (Excel on Chinese Windows writes
GBK; our own export writes UTF-8 with a BOM). What comes out is the same for all of them:
the visible sheets, each as numbered visible rows of plain Python values (text, numbers,
dates), plus what was left out (hidden sheets and rows) so the preview can say so.

Nothing here knows about the registry; ``units.dataio`` finds the header and the columns.
"""

import csv
import datetime
import io
import logging
import zipfile
from dataclasses import dataclass, field

import xlrd
from charset_normalizer import from_bytes
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Encodings of the Chinese Windows family: read as their superset GB18030.
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


class FileError(Exception):
    """The file as a whole cannot be read; the message is for the office."""


class Formula(str):
    """A cell that holds a formula: refused, its result could be anything."""


@dataclass
class Grid:
    """One visible sheet: ``rows`` are ``(row number, [values])`` of the visible rows."""

    title: str
    rows: list
    hidden_rows: list = field(default_factory=list)
    #: Merged ranges as ``(first row, last row, "A1:B2")``.
    merged: list = field(default_factory=list)
    #: The day Excel's serial numbers count from (the 1904 date system moves it).
    epoch: datetime.datetime = datetime.datetime(1899, 12, 30)


@dataclass
class Book:
    format: str
    grids: list
    #: ``(sheet title, why)`` for every sheet not read.
    skipped: list = field(default_factory=list)


def read_book(data, *, max_bytes, max_unzipped, max_rows):
    """The file's visible sheets, or ``FileError`` saying in Chinese what is wrong."""
    if not data:
        raise FileError(_("The file is empty."))
    if len(data) > max_bytes:
        raise FileError(
            _("The file is larger than %(size)s MB; split it or remove what is not registry data.")
            % {"size": max_bytes // (1024 * 1024)}
        )
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, max_unzipped, max_rows)
    if data.startswith(XLS_MAGIC):
        return _read_xls(data, max_rows)
    return _read_csv(data, max_rows)


def _not_a_spreadsheet():
    return _(
        "This is not a spreadsheet we can read. Save it from Excel or WPS as .xlsx, .xls or "
        "CSV and try again."
    )


def _too_many_rows(title, max_rows):
    return _("The sheet “%(sheet)s” has more than %(rows)s rows.") % {
        "sheet": title,
        "rows": max_rows,
    }


def _read_xlsx(data, max_unzipped, max_rows):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > max_unzipped:
                raise FileError(_("The workbook unpacks to too much data to be a registry."))
        book = load_workbook(io.BytesIO(data), data_only=False)
    except FileError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise FileError(_not_a_spreadsheet()) from None
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        logger.warning("unreadable workbook", exc_info=True)
        raise FileError(_("The workbook is damaged and cannot be read.")) from None
    epoch = datetime.datetime(1904, 1, 1) if book.epoch.year == 1904 else Grid.epoch
    grids, skipped = [], []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            skipped.append((sheet.title, _("hidden sheet")))
            continue
        if sheet.max_row > max_rows + 10:
            raise FileError(_too_many_rows(sheet.title, max_rows))
        grid = Grid(sheet.title, [], epoch=epoch)
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            if sheet.row_dimensions[number].hidden:
                if any(c.value not in (None, "") for c in cells):
                    grid.hidden_rows.append(number)
                continue
            grid.rows.append(
                (number, [Formula(c.value) if c.data_type == "f" else c.value for c in cells])
            )
        grid.merged = [(r.min_row, r.max_row, r.coord) for r in sheet.merged_cells.ranges]
        grids.append(grid)
    return Book("xlsx", grids, skipped)


def _read_xls(data, max_rows):
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception:  # xlrd raises its own and struct errors on damaged files
        logger.warning("unreadable xls workbook", exc_info=True)
        raise FileError(_("The workbook is damaged and cannot be read.")) from None
    epoch = datetime.datetime(1904, 1, 1) if book.datemode == 1 else Grid.epoch
    grids, skipped = [], []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if sheet.visibility:
            skipped.append((sheet.name, _("hidden sheet")))
            continue
        if sheet.nrows > max_rows + 10:
            raise FileError(_too_many_rows(sheet.name, max_rows))
        grid = Grid(sheet.name, [], epoch=epoch)
        for r in range(sheet.nrows):
            values = [_xls_value(cell, book.datemode) for cell in sheet.row(r)]
            info = sheet.rowinfo_map.get(r)
            if info is not None and info.hidden:
                if any(v not in (None, "") for v in values):
                    grid.hidden_rows.append(r + 1)
                continue
            grid.rows.append((r + 1, values))
        grid.merged = [
            (r0 + 1, r1, _merged_coord(r0, r1, c0, c1)) for r0, r1, c0, c1 in sheet.merged_cells
        ]
        grids.append(grid)
    return Book("xls", grids, skipped)


def _merged_coord(r0, r1, c0, c1):
    return f"{get_column_letter(c0 + 1)}{r0 + 1}:{get_column_letter(c1)}{r1}"


def _xls_value(cell, datemode):
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    return cell.value


def decode_text(data):
    """The text of a CSV file: UTF-8 (with or without BOM) first, else the detected charset.
    Excel's "Unicode text" is UTF-16 with a BOM."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FileError(_not_a_spreadsheet()) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    encoding = (best.encoding if best is not None else "").replace("_", "").lower()
    if not encoding or encoding in GB_FAMILY or encoding.startswith("gb"):
        encoding = "gb18030"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        raise FileError(_not_a_spreadsheet()) from None


def _read_csv(data, max_rows):
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileError(_not_a_spreadsheet())
    text, _encoding = decode_text(data)
    # Excel's "CSV" is comma-separated; its "Unicode text" is tab-separated.
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    grid = Grid("CSV", [])
    try:
        for number, values in enumerate(
            csv.reader(io.StringIO(text), delimiter=delimiter), start=1
        ):
            if number > max_rows + 10:
                raise FileError(_too_many_rows("CSV", max_rows))
            grid.rows.append((number, [_csv_value(v) for v in values]))
    except csv.Error:
        raise FileError(_not_a_spreadsheet()) from None
    if not any(values for _, values in grid.rows):
        raise FileError(_("The file is empty."))
    return Book("csv", [grid])


def _csv_value(text):
    """A CSV cell as typed: empty is nothing; our export's ``'`` before ``=+-@`` comes off."""
    if text == "":
        return None
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:]
    return text
