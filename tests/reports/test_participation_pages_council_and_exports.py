"""The council page and the CSV/XLSX downloads leave the operational context: every count
of children from 1 to 4 shows as "< 5" there (0 stays 0, 5 and more show), totals too, and
a second count hides as "*" where a total would give a single hidden one back; groups and
seats offered match the manager's page. The downloads are opened again with the csv
module and openpyxl and compared with the pages; no child is named anywhere."""

# ruff: noqa: F811 (the imported fixtures are used as arguments)

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from enrolment.services import interest_register
from tests.enrolment.world import (  # noqa: F401 (fixtures)
    _today,
    host,
    kies,
)
from tests.reports.test_participation_numbers import scenario  # noqa: F401 (fixture)
from tests.reports.test_participation_pages import (
    CHILD_AND_PARENT_NAMES,
    key_figures,
    read_page,
    school_table,
    tables_of,
    url_for,
)

pytestmark = pytest.mark.django_db

SUPPRESSED_SCHOOL_ROWS = [
    ["Basisschool De Horizon", "KIES", "< 5", "2", "< 5"],
    ["Basisschool De Linde", "KIES", "0", "2", "< 5"],
    ["Basisschool De Wilg", "KIES", "< 5", "0", "0"],
]


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def by_key(rows: list[list[Any]]) -> dict[tuple[str, str, str], Any]:
    """Export rows (school year, programme, school, what, value) by (programme, school, what)."""
    return {(programme, school or "", what): value for _, programme, school, what, value in rows}


# --- the council page --------------------------------------------------------------------


def test_the_council_page_hides_counts_of_one_to_four_per_school_per_programme(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    rows = school_table(as_alice.get(url_for("participation-council", scenario)))
    assert rows == SUPPRESSED_SCHOOL_ROWS


def test_the_council_page_shows_a_count_of_five_or_more(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    horizon, linde, _ = scenario["schools"]
    for _ in range(3):
        interest_register(school=horizon, programme=scenario["kies"])
    interest_register(school=linde, programme=scenario["kies"])
    rows = school_table(as_alice.get(url_for("participation-council", scenario)))
    assert [row[2] for row in rows] == ["5", "< 5", "< 5"]  # De Linde and De Wilg: 1 each


def test_a_single_hidden_count_hides_a_second_one_and_the_page_says_why(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    horizon = scenario["schools"][0]
    for _ in range(3):
        interest_register(school=horizon, programme=scenario["kies"])
    response = as_alice.get(url_for("participation-council", scenario))
    # Interest: De Horizon 5, De Linde 0, De Wilg 1. With De Horizon's 5 in view, the 1
    # of De Wilg would follow from a total of 6; so the 5 is hidden too, as "*".
    assert [row[2] for row in school_table(response)] == ["*", "0", "< 5"]
    content = response.content.decode()
    assert "Om terugrekenen te voorkomen is ook een tweede waarde verborgen" in content
    operational = as_alice.get(url_for("participation-report", scenario))
    assert [row[2] for row in school_table(operational)] == ["5", "0", "1"]
    assert "terugrekenen" not in operational.content.decode()


def test_the_council_page_hides_the_totals_of_children_below_five_as_well(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    council = tables_of(as_alice.get(url_for("participation-council", scenario)))
    operational = tables_of(as_alice.get(url_for("participation-report", scenario)))
    assert council["Groepen per status"] == operational["Groepen per status"]
    figures = dict(council["Kerncijfers"])
    assert figures["Plaatsen aangeboden"] == "32"
    assert figures["Plaatsen bezet"] == "< 5"  # 3 on the operational page
    # 9,4% of 32 would give the 3 back.
    assert figures["Bezettingsgraad"] == "* (< 5 van 32 plaatsen)"
    assert figures["Wachtlijst"] == "< 5 kinderen"
    assert council["Bezetting per programma"][1:] == [["KIES", "4", "32", "< 5", "*"]]
    statuses = dict(council["Inschrijvingen per status"][1:])
    assert (statuses["Bevestigd"], statuses["Wacht op toestemming"]) == ("< 5", "< 5")
    assert (statuses["Op de wachtlijst"], statuses["Afgemeld"]) == ("< 5", "0")
    assert dict(operational["Kerncijfers"])["Bezettingsgraad"] == "9,4% (3 van 32 plaatsen)"


def test_the_council_page_draws_no_bar_for_a_hidden_fill_rate(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    council = read_page(as_alice.get(url_for("participation-council", scenario)).content.decode())
    assert [svg["title"] for svg in council.svgs] == ["Groepen per status, schooljaar 2026-2027"]


def test_the_council_page_is_printable_with_its_date_and_says_what_it_hides(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    content = as_alice.get(url_for("participation-council", scenario)).content.decode()
    assert re.search(r'href="[^"]*css/print\.css" media="print"', content)
    assert "Opgesteld op 1 oktober 2026, 12:00." in content  # 10:00 UTC in Amsterdam
    assert "Aantallen van 1 tot en met 4 per school per programma staan als “&lt; 5”" in content
    assert "< 5" not in content  # escaped everywhere, never raw markup
    assert 'class="gp-no-print"' in content  # the choices and the print hint stay off paper


def test_the_council_page_names_no_child_or_parent(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    content = as_alice.get(url_for("participation-council", scenario)).content.decode()
    for name in CHILD_AND_PARENT_NAMES:
        assert not re.search(rf"\b{name}\b", content), name


# --- the downloads -----------------------------------------------------------------------


def test_the_csv_holds_the_page_figures_with_small_counts_hidden(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    response = as_alice.get(url_for("participation-export-csv", scenario))
    assert response["Content-Disposition"] == (
        'attachment; filename="deelname-2026-2027-kies-enrol-20261001.csv"'
    )
    header, *rows = csv_rows(response)
    assert header == ["Schooljaar", "Programma", "School", "Kengetal", "Waarde"]
    assert {row[0] for row in rows} == {"2026-2027"}
    values = by_key(rows)
    page = key_figures(as_alice.get(url_for("participation-report", scenario)))
    assert values[("KIES", "", "Opgesteld op")] == "2026-10-01"
    assert values[("KIES", "", "Plaatsen aangeboden")] == page["Plaatsen aangeboden"] == "32"
    assert page["Plaatsen bezet"] == "3"  # the operational page shows it; the download not
    assert values[("KIES", "", "Plaatsen bezet")] == "< 5"
    assert values[("KIES", "", "Bezettingsgraad in procenten")] == "*"
    assert page["Bezettingsgraad"].startswith("9,4%")
    assert values[("KIES", "", "Groepen: gepland")] == "2"
    assert values[("KIES", "", "Inschrijvingen: wacht op toestemming")] == "< 5"
    assert values[("KIES", "", "Inschrijvingen: afgemeld")] == "0"
    assert values[("KIES", "", "Wachtlijst")] == "< 5"
    assert values[("KIES", "", "Aanwezigheid in procenten")] == ""  # nothing recorded yet
    council = school_table(as_alice.get(url_for("participation-council", scenario)))
    for school, programme, interest, offered, enrolled in council:
        assert values[(programme, school, "Belangstelling")] == interest
        assert values[(programme, school, "Groepen aangeboden")] == offered
        assert values[(programme, school, "Leerlingen geplaatst")] == enrolled
    assert values[("KIES", "Basisschool De Horizon", "Leerlingen geplaatst")] == "< 5"


def test_the_xlsx_holds_numbers_and_the_same_hidden_counts(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    response = as_alice.get(url_for("participation-export-xlsx", scenario))
    assert response["Content-Disposition"] == (
        'attachment; filename="deelname-2026-2027-kies-enrol-20261001.xlsx"'
    )
    header, *rows = xlsx_rows(response)
    assert header == ["Schooljaar", "Programma", "School", "Kengetal", "Waarde"]
    values = by_key(rows)
    assert values[("KIES", "", "Opgesteld op")] == dt.datetime(2026, 10, 1)
    assert values[("KIES", "", "Plaatsen aangeboden")] == 32
    assert values[("KIES", "", "Plaatsen bezet")] == "< 5"
    assert values[("KIES", "", "Bezettingsgraad in procenten")] == "*"
    assert values[("KIES", "", "Groepen: geannuleerd")] == 1
    assert values[("KIES", "", "Aanwezigheid in procenten")] is None
    suppressed = {
        (programme, school): [
            values[(programme, school, what)]
            for what in ("Belangstelling", "Groepen aangeboden", "Leerlingen geplaatst")
        ]
        for _, programme, school, _, _ in rows
        if school
    }
    assert suppressed == {
        ("KIES", "Basisschool De Horizon"): ["< 5", 2, "< 5"],
        ("KIES", "Basisschool De Linde"): [0, 2, "< 5"],
        ("KIES", "Basisschool De Wilg"): ["< 5", 0, 0],
    }


def test_the_csv_and_the_xlsx_hold_the_same_rows(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    from_csv = csv_rows(
        as_alice.get(url_for("participation-export-csv", scenario, all_programmes=True))
    )
    from_xlsx = xlsx_rows(
        as_alice.get(url_for("participation-export-xlsx", scenario, all_programmes=True))
    )
    assert len(from_csv) == len(from_xlsx) > 40
    for csv_row, xlsx_row in zip(from_csv[2:], from_xlsx[2:], strict=True):  # after the date
        *text, value = xlsx_row
        assert csv_row[:4] == ["" if v is None else v for v in text]
        if isinstance(value, (int, float)):
            assert float(csv_row[4]) == value
        else:
            assert csv_row[4] == ("" if value is None else value)


def test_the_download_for_every_programme_has_a_line_per_programme_and_school(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    response = as_alice.get(url_for("participation-export-csv", scenario, all_programmes=True))
    assert 'filename="deelname-2026-2027-20261001.csv"' in response["Content-Disposition"]
    values = by_key(csv_rows(response)[1:])
    assert values[("alle programma's", "", "Plaatsen aangeboden")] == "42"
    assert values[("KIES", "", "Plaatsen aangeboden")] == "32"
    think = next(p for p, s, w in values if p not in ("KIES", "alle programma's"))
    assert values[(think, "", "Plaatsen aangeboden")] == "10"
    assert values[(think, "Basisschool De Wilg", "Belangstelling")] == "< 5"


@pytest.mark.parametrize("name", ["participation-export-csv", "participation-export-xlsx"])
def test_the_downloads_name_no_child_or_parent(
    as_alice: Client, scenario: dict[str, Any], name: str
) -> None:
    response = as_alice.get(url_for(name, scenario, all_programmes=True))
    if name.endswith("csv"):
        text = " ".join(" ".join(row) for row in csv_rows(response))
    else:
        text = " ".join(" ".join(str(v) for v in row) for row in xlsx_rows(response))
    for child_name in CHILD_AND_PARENT_NAMES:
        assert not re.search(rf"\b{child_name}\b", text), child_name
