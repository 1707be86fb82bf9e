"""The ledger: units delivered follow the scheduler, shares follow, invoices add up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.models import CostBasis, EnrolmentMode
from programmes.services import (
    invoice_create,
    invoice_mark_paid,
    invoice_mark_sent,
)
from reports.ledger import delivered_units, ledger_rows
from scheduler.models import GroupStatus
from scheduler.services import group_cancel
from tests import factories
from tests.clock import on_day
from tests.reports.cofinancing_support import Classes, agree, make_think, vo_school

pytestmark = on_day("2026-12-06")


@pytest.fixture
def think(db: None) -> Any:
    return make_think("think-ledger")


@pytest.fixture
def year(db: None) -> Any:
    return factories.SchoolYearFactory(label="2026-2027")


@pytest.fixture
def classes(think: Any, year: Any) -> Classes:
    return Classes(think, year)


def test_only_classes_that_run_or_ran_are_delivered(think: Any, year: Any, classes: Any) -> None:
    school = vo_school()
    agreement = agree(school, think, year)
    classes.add(school, status=GroupStatus.DRAFT)
    classes.add(school, status=GroupStatus.PUBLISHED)
    assert delivered_units(agreement) == 0
    classes.add(school, status=GroupStatus.RUNNING)
    classes.add(school, status=GroupStatus.COMPLETED)
    assert delivered_units(agreement) == 2


def test_a_cancelled_class_stops_counting(think: Any, year: Any, classes: Any) -> None:
    school = vo_school()
    agreement = agree(school, think, year)
    running = classes.add(school)
    classes.add(school)
    assert delivered_units(agreement) == 2
    group_cancel(group=running, reason="Te weinig animo")
    assert delivered_units(agreement) == 1


def test_other_schools_years_and_programmes_do_not_count(
    think: Any, year: Any, classes: Any
) -> None:
    school = vo_school()
    agreement = agree(school, think, year)
    classes.add(vo_school())
    next_year = factories.SchoolYearFactory(label="2027-2028")
    later = Classes(think, next_year, monday=dt.date(2027, 10, 4))
    later.add(school)  # a class of this school, but in the next school year
    other = factories.ProgrammeFactory(
        audience="vo",
        grade_min=1,
        grade_max=2,
        enrolment_mode=EnrolmentMode.CLASS,
        consent_guardians="none",
        consent_child="none",
        child_sessions=6,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        group_size_max=32,
        co_financed=True,
    )
    Classes(other, year).add(school)  # this school and year, another programme
    assert delivered_units(agreement) == 0


def test_per_pupil_counts_the_class_sizes(think: Any, year: Any, classes: Any) -> None:
    school = vo_school()
    agreement = agree(school, think, year, cost_basis=CostBasis.PER_PUPIL, price=Decimal("30"))
    classes.add(school, size=24)
    classes.add(school, size=27)
    cancelled = classes.add(school, size=30)
    group_cancel(group=cancelled)
    assert delivered_units(agreement) == 51


def test_the_ledger_shows_agreed_delivered_shares_and_invoices(
    think: Any, year: Any, classes: Any, alice: Any
) -> None:
    school = vo_school(name="Greijdanus")
    agreement = agree(school, think, year, units_agreed=4)
    for _ in range(3):
        classes.add(school)
    sent = invoice_create(agreement=agreement, reference="F-1", amount=Decimal("600.00"))
    invoice_mark_sent(invoice=sent, date_sent=dt.date(2026, 11, 1))
    paid = invoice_create(agreement=agreement, reference="F-2", amount=Decimal("400.00"))
    invoice_mark_sent(invoice=paid, date_sent=dt.date(2026, 11, 1))
    invoice_mark_paid(invoice=paid, date_paid=dt.date(2026, 11, 20))
    invoice_create(agreement=agreement, reference="F-3", amount=Decimal("999.00"))  # concept

    ledger = ledger_rows(year, alice)

    [row] = ledger.rows
    assert row.agreement == agreement
    assert (row.units_agreed, row.units_delivered, row.units_difference) == (4, 3, -1)
    assert row.school_share == Decimal("1200.00")
    assert row.municipal_share == Decimal("1200.00")
    assert row.invoiced == Decimal("1000.00")  # the concept is not invoiced yet
    assert row.paid == Decimal("400.00")
    assert row.outstanding == Decimal("600.00")


def test_the_ledger_totals_add_up_over_schools(
    think: Any, year: Any, classes: Any, alice: Any
) -> None:
    first, second = vo_school(), vo_school()
    agree(first, think, year, units_agreed=2)
    agree(
        second,
        think,
        year,
        units_agreed=3,
        school_share_percentage=None,
        school_share_fixed=Decimal("100.00"),
    )
    classes.add(first)
    classes.add(second)
    classes.add(second)

    totals = ledger_rows(year, alice).totals

    assert totals["units_agreed"] == 5
    assert totals["units_delivered"] == 3
    assert totals["school_share"] == Decimal("400.00") + Decimal("200.00")
    assert totals["municipal_share"] == Decimal("400.00") + Decimal("1400.00")
    assert totals["outstanding"] == Decimal("0.00")


def test_a_coordinator_sees_only_their_own_schools_agreements(
    think: Any, year: Any, bob: Any, school_a: Any, eve: Any
) -> None:
    school_a.school_type = "vo"
    school_a.save()
    own = agree(school_a, think, year)
    agree(vo_school(), think, year)

    assert [row.agreement for row in ledger_rows(year, bob).rows] == [own]
    assert ledger_rows(year, eve).rows == []


def test_the_ledger_costs_the_same_number_of_queries_for_2_or_10_agreements(
    think: Any, year: Any, classes: Any, alice: Any
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            school = vo_school()
            agreement = agree(school, think, year)
            classes.add(school)
            invoice = invoice_create(
                agreement=agreement, reference=f"Q-{agreement.pk}", amount=Decimal("1")
            )
            invoice_mark_sent(invoice=invoice, date_sent=dt.date(2026, 11, 1))

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = ledger_rows(year, alice).rows
            [row.agreement.school.name for row in rows]
        return len(captured.captured_queries), len(rows)

    ledger_rows(year, alice)  # the first call also looks up alice's roles; not per row
    add(2)
    few_queries, few_rows = count()
    add(8)
    many_queries, many_rows = count()
    assert (few_rows, many_rows) == (2, 10)
    assert many_queries == few_queries
