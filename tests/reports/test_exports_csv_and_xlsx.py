"""The report downloads, opened again with the csv module and openpyxl and compared cell
by cell: semicolons, UTF-8 with BOM, formulas defused, Decimal as euro numbers, dates as
dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from reports.exports import EURO_FORMAT, csv_response, xlsx_response
from tests.clock import on_day

pytestmark = on_day("2026-12-06")

HEADERS = ["School", "Bedrag", "Verzonden", "Opmerking", "Groepen"]
ROWS = [
    ["Basisschool Ëlckerlyc", Decimal("1234.56"), dt.date(2026, 10, 1), "betaald", 3],
    ['=HYPERLINK("http://x")', Decimal("0.05"), None, "+31 6 1234", 0],
    ["@SUM(A1)", Decimal("-10.00"), dt.date(2027, 1, 31), "-korting", 12],
]


def test_the_csv_is_a_semicolon_separated_utf8_attachment_with_a_bom() -> None:
    response = csv_response(ROWS, HEADERS, "deelname-2026-2027.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="deelname-2026-2027.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert b";" in response.content.splitlines()[0]


def test_the_csv_read_back_holds_every_cell_with_formulas_defused() -> None:
    content = csv_response(ROWS, HEADERS, "x.csv").content.decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert read == [
        HEADERS,
        ["Basisschool Ëlckerlyc", "1234.56", "2026-10-01", "betaald", "3"],
        ['\'=HYPERLINK("http://x")', "0.05", "", "'+31 6 1234", "0"],
        ["'@SUM(A1)", "-10.00", "2027-01-31", "'-korting", "12"],
    ]


def test_the_xlsx_is_an_attachment() -> None:
    response = xlsx_response(ROWS, HEADERS, "deelname.xlsx", "Deelname")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="deelname.xlsx"'


def test_the_xlsx_read_back_holds_numbers_dates_and_text_never_formulas() -> None:
    content = xlsx_response(ROWS, HEADERS, "deelname.xlsx", "Deelname 2026-2027").content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Deelname 2026-2027"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values == [
        HEADERS,
        ["Basisschool Ëlckerlyc", 1234.56, dt.datetime(2026, 10, 1), "betaald", 3],
        ['=HYPERLINK("http://x")', 0.05, None, "+31 6 1234", 0],
        ["@SUM(A1)", -10, dt.datetime(2027, 1, 31), "-korting", 12],
    ]
    assert sheet["B2"].number_format == EURO_FORMAT
    assert sheet["C2"].is_date
    assert sheet["A3"].data_type == "s"  # stored as text: a spreadsheet shows, never runs it
    assert sheet.freeze_panes == "A2"


def test_an_aware_datetime_is_written_in_local_time() -> None:
    moment = dt.datetime(2026, 10, 1, 8, 30, tzinfo=dt.UTC)
    content = xlsx_response([["x", moment]], ["A", "B"], "t.xlsx", "T").content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["B2"].value == dt.datetime(2026, 10, 1, 10, 30)  # Europe/Amsterdam, summer


def test_a_long_sheet_title_is_cut_to_the_31_characters_excel_allows() -> None:
    content = xlsx_response([], HEADERS, "t.xlsx", "Deelname per school en programma 2026").content
    assert load_workbook(io.BytesIO(content)).active.title == "Deelname per school en programm"
