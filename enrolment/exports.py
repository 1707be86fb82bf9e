"""Roster exports: CSV for Dutch Excel and XLSX.

Both hold the same table (`roster_table`): the participants, then the waitlist in order.
The CSV is semicolon-separated UTF-8 with a byte order mark, which is what Excel with
Dutch regional settings opens without mangling "ë" or splitting on commas.

Values typed by parents (names, phone numbers) could start with "=", "+", "-" or "@",
which a spreadsheet would run as a formula; in the CSV such a cell gets a leading
apostrophe, in the XLSX every text cell is stored as text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

from enrolment.selectors import Roster

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def roster_table(roster: Roster) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of a roster: one row per child, its guardians side by side."""
    most_guardians = max((len(row.guardians) for row in roster.rows), default=1) or 1
    header = [
        _("Voornaam"),
        _("Achternaam"),
        _("School"),
        _("Groep/klas"),
        _("Leeftijd"),
        _("Status"),
        _("Plaats op wachtlijst"),
        _("Toestemming"),
        _("Intake"),
    ]
    for number in range(1, most_guardians + 1):
        header += [
            _("Ouder/verzorger %(n)s naam") % {"n": number},
            _("Ouder/verzorger %(n)s e-mail") % {"n": number},
            _("Ouder/verzorger %(n)s telefoon") % {"n": number},
        ]
    rows: list[list[Any]] = []
    for row in roster.rows:
        values: list[Any] = [
            row.child.first_name,
            row.child.last_name,
            row.child.school.name,
            row.child.grade,
            row.age,
            str(row.enrolment.get_status_display()),
            row.waitlist_position or "",
            row.consent_summary,
            row.intake_label,
        ]
        for index in range(most_guardians):
            if index < len(row.guardians):
                guardian = row.guardians[index]
                values += [guardian.name, guardian.email, guardian.phone]
            else:
                values += ["", "", ""]
        rows.append(values)
    return [str(h) for h in header], rows


def csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def roster_csv(roster: Roster) -> bytes:
    header, rows = roster_table(roster)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for values in rows:
        writer.writerow([csv_safe(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def roster_xlsx(roster: Roster) -> bytes:
    header, rows = roster_table(roster)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Deelnemers")[:31]
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever a parent typed
    for index, title in enumerate(header, start=1):
        width = max([len(title), *(len(str(v[index - 1])) for v in rows)]) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 50)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_filename(roster: Roster, extension: str) -> str:
    """A file name without personal data: the programme and the group's number."""
    code = "".join(c for c in roster.group.programme.code if c.isalnum() or c == "-")
    return f"deelnemers-{code or 'groep'}-{roster.group.pk}.{extension}"
