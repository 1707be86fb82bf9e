"""Agreements: who may co-finance what, shares within bounds, one agreement per key."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import CoFinancingAgreement, CostBasis, EnrolmentMode
from programmes.services import agreement_create, agreement_update
from tests import factories
from tests.clock import on_day

pytestmark = on_day("2026-12-06")


@pytest.fixture
def think(db: None) -> Any:
    return factories.ProgrammeFactory(
        code="think-cofi",
        name_nl="THINK op school",
        audience="vo",
        grade_min=1,
        grade_max=2,
        age_min=11,
        age_max=15,
        enrolment_mode=EnrolmentMode.CLASS,
        consent_guardians="none",
        consent_child="none",
        co_financed=True,
    )


@pytest.fixture
def vo_school(db: None) -> Any:
    return factories.SchoolFactory(name="Greijdanus", school_type="vo")


@pytest.fixture
def year(db: None) -> Any:
    return factories.SchoolYearFactory(label="2026-2027")


def fields(think: Any, vo_school: Any, year: Any, **extra: Any) -> dict[str, Any]:
    return {
        "school": vo_school,
        "school_year": year,
        "programme": think,
        "cost_basis": CostBasis.PER_CLASS,
        "price": Decimal("800.00"),
        "school_share_percentage": Decimal("50"),
        "units_agreed": 4,
        **extra,
    }


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_a_vo_school_can_agree_to_co_finance_a_vo_programme(
    think: Any, vo_school: Any, year: Any
) -> None:
    agreement = agreement_create(**fields(think, vo_school, year))
    assert agreement.pk and agreement.school_share_percentage == Decimal("50")


def test_a_primary_school_cannot_co_finance_a_vo_programme(think: Any, year: Any) -> None:
    po_school = factories.SchoolFactory(school_type="po")
    with pytest.raises(ValidationError) as exc:
        agreement_create(**fields(think, po_school, year))
    assert "alleen VO-scholen" in messages(exc)
    assert not CoFinancingAgreement.objects.exists()


def test_a_programme_that_is_not_co_financed_gets_no_agreement(vo_school: Any, year: Any) -> None:
    free = factories.ProgrammeFactory(audience="vo", grade_min=1, grade_max=2, co_financed=False)
    with pytest.raises(ValidationError) as exc:
        agreement_create(**fields(free, vo_school, year))
    assert "niet door scholen medegefinancierd" in messages(exc)


@pytest.mark.parametrize("percentage", ["-0.01", "100.01", "150"])
def test_a_share_outside_0_to_100_percent_is_refused(
    think: Any, vo_school: Any, year: Any, percentage: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        agreement_create(
            **fields(think, vo_school, year, school_share_percentage=Decimal(percentage))
        )
    assert "tussen 0 en 100 %" in messages(exc)


@pytest.mark.parametrize("percentage", ["0", "100"])
def test_shares_of_exactly_0_and_100_percent_are_allowed(
    think: Any, vo_school: Any, year: Any, percentage: str
) -> None:
    agreement_create(**fields(think, vo_school, year, school_share_percentage=Decimal(percentage)))


def test_both_a_percentage_and_a_fixed_amount_is_refused(
    think: Any, vo_school: Any, year: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        agreement_create(**fields(think, vo_school, year, school_share_fixed=Decimal("100")))
    assert "percentage óf als vast bedrag" in messages(exc)


def test_neither_a_percentage_nor_a_fixed_amount_is_refused(
    think: Any, vo_school: Any, year: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        agreement_create(**fields(think, vo_school, year, school_share_percentage=None))
    assert "percentage óf als vast bedrag" in messages(exc)


def test_a_negative_price_is_refused(think: Any, vo_school: Any, year: Any) -> None:
    with pytest.raises(ValidationError):
        agreement_create(**fields(think, vo_school, year, price=Decimal("-1.00")))


def test_a_second_agreement_for_the_same_school_year_and_programme_is_refused(
    think: Any, vo_school: Any, year: Any
) -> None:
    agreement_create(**fields(think, vo_school, year))
    with pytest.raises(ValidationError) as exc:
        agreement_create(**fields(think, vo_school, year, units_agreed=9))
    assert "Er is al een afspraak" in messages(exc)
    assert CoFinancingAgreement.objects.count() == 1


def test_the_next_school_year_gets_its_own_agreement(think: Any, vo_school: Any, year: Any) -> None:
    agreement_create(**fields(think, vo_school, year))
    next_year = factories.SchoolYearFactory(label="2027-2028")
    agreement_create(**fields(think, vo_school, next_year))
    assert CoFinancingAgreement.objects.count() == 2


def test_an_update_is_validated_like_a_create(think: Any, vo_school: Any, year: Any) -> None:
    agreement = agreement_create(**fields(think, vo_school, year))
    with pytest.raises(ValidationError):
        agreement_update(agreement=agreement, school_share_percentage=Decimal("101"))
    agreement_update(
        agreement=agreement, school_share_percentage=None, school_share_fixed=Decimal("300")
    )
    agreement.refresh_from_db()
    assert agreement.school_share_fixed == Decimal("300.00")
    assert agreement.school_share_percentage is None


@pytest.mark.parametrize(
    "bad",
    [
        {"school_share_percentage": Decimal("101")},
        {"school_share_fixed": Decimal("10")},  # both kinds of share
        {"school_share_percentage": None},  # neither
        {"price": Decimal("-5")},
        {"school_share_cap": Decimal("-5")},
    ],
)
def test_the_database_refuses_what_the_services_refuse(
    think: Any, vo_school: Any, year: Any, bad: dict[str, Any]
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CoFinancingAgreement.objects.create(**fields(think, vo_school, year, **bad))
