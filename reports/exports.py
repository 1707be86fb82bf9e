"""Download responses for the reports: CSV for Dutch Excel and XLSX.

The CSV follows the roster export (`enrolment.exports`): semicolon-separated UTF-8 with a
byte order mark, text starting with "=", "+", "-" or "@" prefixed with an apostrophe so a
spreadsheet never runs it as a formula. In the XLSX every text cell is stored as text,
Decimal amounts are numbers in a euro format and dates are real dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

from enrolment.exports import csv_safe

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EURO_FORMAT = '"€" #,##0.00'
DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_bytes(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> bytes:
    """The table as semicolon-separated UTF-8 with BOM, formula-looking text defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_safe(str(h)) for h in headers])
    for values in rows:
        writer.writerow([csv_safe(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def csv_response(
    rows: Iterable[Sequence[Any]], headers: Sequence[str], filename: str
) -> HttpResponse:
    """A CSV download (`Content-Disposition: attachment`) of `headers` and `rows`."""
    return _attachment(csv_bytes(rows, headers), CSV_TYPE, filename)


def _cell_value(value: Any) -> tuple[Any, str | None]:
    """The value openpyxl stores and the number format it needs, if any."""
    if isinstance(value, Decimal):
        return value, EURO_FORMAT
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value, DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if value is None:
        return None, None  # an empty cell
    if isinstance(value, (bool, int, float, str)):
        return value, None
    return str(value), None


def xlsx_bytes(rows: Iterable[Sequence[Any]], headers: Sequence[str], sheet_title: str) -> bytes:
    """The table as one XLSX sheet with a frozen header row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(sheet_title)[:31]
    sheet.append([str(h) for h in headers])
    widths = [len(str(h)) for h in headers]
    for row_number, values in enumerate(rows, start=2):
        for column, raw in enumerate(values, start=1):
            value, number_format = _cell_value(raw)
            cell = sheet.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever was typed
            if number_format:
                cell.number_format = number_format
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], len(str(value or "")))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, 50)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    rows: Iterable[Sequence[Any]], headers: Sequence[str], filename: str, sheet_title: str
) -> HttpResponse:
    """An XLSX download (`Content-Disposition: attachment`) of `headers` and `rows`."""
    return _attachment(xlsx_bytes(rows, headers, sheet_title), XLSX_TYPE, filename)
