"""The co-financing downloads, opened again with the csv module and openpyxl: the same
figures as the page, only what the user may see, linked from the overview."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.exports import EURO_FORMAT
from reports.money import format_euro
from tests import factories
from tests.reports.test_cofinancing_pages import (
    OVERVIEW,
    TODAY,
    Classes,
    _today,
    agree,
    classes,
    invoice,
    make_vo,
    row_text,
    think,
    totals_text,
    vo_school,
    year,
)

__all__ = ["_today", "classes", "think", "year"]  # fixtures used by the tests below

OVERVIEW_HEADERS = [
    "School",
    "BRIN",
    "Programma",
    "Kostenbasis",
    "Prijs per eenheid",
    "Eenheden afgesproken",
    "Eenheden geleverd",
    "Verschil geleverd en afgesproken",
    "Aandeel school",
    "Aandeel gemeente",
    "Gefactureerd",
    "Betaald",
    "Openstaand",
    "Facturen te laat",
]
INVOICE_HEADERS = [
    "School",
    "Programma",
    "Factuurnummer",
    "Bedrag",
    "Status",
    "Aangemaakt op",
    "Verstuurd op",
    "Te betalen uiterlijk",
    "Betaald op",
]


def read_csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response: Any) -> Any:
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def csv_euro(text: str) -> Decimal:
    """ "1851,84" (as Dutch Excel reads a number) back to a Decimal."""
    return Decimal(text.replace(",", "."))


@pytest.fixture
def ledger(think: Any, year: Any, classes: Classes, settings: Any) -> dict[str, Any]:
    """Two schools in 2026-2027 with classes and invoices, and one in the next year."""
    settings.COFINANCING_PAYMENT_TERM_DAYS = 30
    greijdanus, meander = vo_school(name="Greijdanus"), vo_school(name="Meander")
    first = agree(greijdanus, think, year, price=Decimal("1234.56"), units_agreed=4)
    second = agree(
        meander,
        think,
        year,
        units_agreed=1,
        school_share_percentage=None,
        school_share_fixed=Decimal("100.00"),
    )
    for _ in range(3):
        classes.add(greijdanus)
    classes.add(meander)
    classes.add(meander)
    invoice(first, "F-1", "1000.00", sent=dt.date(2026, 10, 1))  # overdue by 20 November
    invoice(first, "F-2", "500.00", sent=dt.date(2026, 11, 1), paid=dt.date(2026, 11, 10))
    invoice(second, "=F-3", "99.00")  # a concept, with a reference that looks like a formula
    later = factories.SchoolYearFactory(label="2027-2028")
    next_year = agree(greijdanus, think, later)
    invoice(next_year, "F-NEXT", "1.00")
    return {"first": first, "second": second}


def test_the_overview_csv_holds_the_page_figures(as_alice: Client, ledger: Any) -> None:
    page = as_alice.get(OVERVIEW)
    response = as_alice.get(reverse("cofinancing-overview-csv"), {"schooljaar": "2026-2027"})

    assert response["Content-Disposition"] == (
        'attachment; filename="cofinanciering-2026-2027.csv"'
    )
    header, *rows, total = read_csv(response)
    assert header == OVERVIEW_HEADERS
    assert [row[0] for row in rows] == ["Greijdanus", "Meander"]
    for row, agreement in zip(rows, [ledger["first"], ledger["second"]], strict=True):
        # Every amount, shown the Dutch way, is on the agreement's row of the page.
        shown = row_text(page, agreement)
        units = f"{row[5]} {row[6]} {int(row[7]):+d}".replace("+0", "0")
        assert units in shown
        for cell in row[8:13]:
            assert format_euro(csv_euro(cell)) in shown
    assert rows[0][4:14] == [
        "1234,56", "4", "3", "-1", "1851,84", "1851,84", "1500,00", "500,00", "1000,00", "1",
    ]  # fmt: skip
    assert rows[1][4:14] == [
        "800,00", "1", "2", "1", "200,00", "1400,00", "0,00", "0,00", "0,00", "0",
    ]  # fmt: skip
    assert total[0] == "Totaal"
    totals = totals_text(page)
    for cell in total[8:13]:
        assert format_euro(csv_euro(cell)) in totals
    assert total[5:8] == ["5", "5", "0"]


def test_the_overview_xlsx_holds_the_same_figures_as_numbers(as_alice: Client, ledger: Any) -> None:
    response = as_alice.get(reverse("cofinancing-overview-xlsx"))  # the current year
    assert response["Content-Disposition"] == (
        'attachment; filename="cofinanciering-2026-2027.xlsx"'
    )
    sheet = read_xlsx(response)
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == OVERVIEW_HEADERS
    assert values[1][0] == "Greijdanus"
    assert [Decimal(str(v)) for v in values[1][8:13]] == [
        Decimal("1851.84"),
        Decimal("1851.84"),
        Decimal("1500.00"),
        Decimal("500.00"),
        Decimal("1000.00"),
    ]
    assert values[1][5:8] == [4, 3, -1]
    assert values[3][0] == "Totaal"
    assert [Decimal(str(v)) for v in values[3][8:13]] == [
        Decimal("2051.84"),
        Decimal("3251.84"),
        Decimal("1500.00"),
        Decimal("500.00"),
        Decimal("1000.00"),
    ]
    assert sheet["I2"].number_format == EURO_FORMAT
    assert len(values) == 4  # header, two agreements, totals: not the next year's


def test_the_invoices_csv_lists_every_invoice_of_the_year_with_its_status(
    as_alice: Client, ledger: Any
) -> None:
    response = as_alice.get(reverse("cofinancing-invoices-csv"), {"schooljaar": "2026-2027"})
    assert response["Content-Disposition"] == 'attachment; filename="facturen-2026-2027.csv"'
    header, *rows = read_csv(response)
    assert header == INVOICE_HEADERS
    assert rows == [
        [
            "Greijdanus", "THINK op school", "F-1", "1000,00", "te laat",
            TODAY.isoformat(), "2026-10-01", "2026-10-31", "",
        ],
        [
            "Greijdanus", "THINK op school", "F-2", "500,00", "betaald",
            TODAY.isoformat(), "2026-11-01", "2026-12-01", "2026-11-10",
        ],
        [
            "Meander", "THINK op school", "'=F-3", "99,00", "concept",
            TODAY.isoformat(), "", "", "",
        ],
    ]  # fmt: skip


def test_the_invoices_xlsx_has_amounts_as_numbers_and_dates_as_dates(
    as_alice: Client, ledger: Any
) -> None:
    sheet = read_xlsx(as_alice.get(reverse("cofinancing-invoices-xlsx")))
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == INVOICE_HEADERS
    assert [row[2] for row in values[1:]] == ["F-1", "F-2", "=F-3"]
    assert sheet["C4"].data_type == "s"  # shown as text, never run as a formula
    assert values[1][3:5] == [1000, "te laat"]
    assert values[2][6:9] == [
        dt.datetime(2026, 11, 1),
        dt.datetime(2026, 12, 1),
        dt.datetime(2026, 11, 10),
    ]
    assert sheet["D2"].number_format == EURO_FORMAT


def test_a_coordinators_downloads_hold_only_their_own_school(
    as_bob: Client, school_a: Any, think: Any, year: Any, ledger: Any
) -> None:
    own = agree(make_vo(school_a), think, year, units_agreed=2)
    invoice(own, "EIGEN-1", "10.00")

    _header, *rows, total = read_csv(as_bob.get(reverse("cofinancing-overview-csv")))
    _header, *invoices = read_csv(as_bob.get(reverse("cofinancing-invoices-csv")))
    sheet = read_xlsx(as_bob.get(reverse("cofinancing-invoices-xlsx")))

    assert [row[0] for row in rows] == [school_a.name]
    assert total[5] == "2"
    assert [row[2] for row in invoices] == ["EIGEN-1"]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["EIGEN-1"]


def test_an_unknown_school_year_is_not_found(as_alice: Client, ledger: Any) -> None:
    response = as_alice.get(reverse("cofinancing-overview-csv"), {"schooljaar": "1999-2000"})
    assert response.status_code == 404


def test_the_overview_links_to_the_four_downloads_of_the_chosen_year(
    as_alice: Client, ledger: Any
) -> None:
    html = as_alice.get(OVERVIEW, {"schooljaar": "2027-2028"}).content.decode()
    for name in (
        "cofinancing-overview-csv",
        "cofinancing-overview-xlsx",
        "cofinancing-invoices-csv",
        "cofinancing-invoices-xlsx",
    ):
        assert f'href="{reverse(name)}?schooljaar=2027-2028"' in html


@pytest.mark.parametrize(
    "name",
    [
        "cofinancing-overview-csv",
        "cofinancing-overview-xlsx",
        "cofinancing-invoices-csv",
        "cofinancing-invoices-xlsx",
    ],
)
def test_a_download_costs_the_same_number_of_queries_for_2_or_10_agreements(
    as_alice: Client, think: Any, year: Any, classes: Classes, name: str
) -> None:
    url = reverse(name)

    def add(n: int) -> None:
        for _ in range(n):
            school = vo_school()
            agreement = agree(school, think, year)
            classes.add(school)
            invoice(agreement, f"Q-{agreement.pk}", "10.00", sent=dt.date(2026, 9, 1))
            invoice(agreement, f"R-{agreement.pk}", "10.00")

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = as_alice.get(url)
        lines = len(read_csv(response)) if name.endswith("csv") else read_xlsx(response).max_row
        return len(captured.captured_queries), lines

    add(2)
    few, few_lines = count()
    add(8)
    many, many_lines = count()
    assert many_lines > few_lines
    assert many == few
