"""The co-financing arithmetic with Decimal: percentage, fixed, capped; cents half up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from programmes.models import CoFinancingAgreement
from reports.ledger import municipal_share, school_share
from reports.money import format_euro, to_cents


def agreement(**fields: object) -> CoFinancingAgreement:
    return CoFinancingAgreement(price=Decimal(fields.pop("price", "1000.00")), **fields)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0", "€ 0,00"),
        ("5", "€ 5,00"),
        ("999.99", "€ 999,99"),
        ("1234.56", "€ 1.234,56"),
        ("1234567.8", "€ 1.234.567,80"),
        ("-12.5", "€ -12,50"),
        ("0.005", "€ 0,01"),
    ],
)
def test_amounts_are_shown_the_dutch_way(amount: str, shown: str) -> None:
    assert format_euro(Decimal(amount)) == shown


def test_rounding_to_cents_goes_half_up_not_to_even() -> None:
    assert to_cents(Decimal("0.125")) == Decimal("0.13")
    assert to_cents(Decimal("0.135")) == Decimal("0.14")
    assert to_cents(Decimal("0.124")) == Decimal("0.12")


def test_a_percentage_share_is_a_part_of_price_times_units() -> None:
    deal = agreement(price="1250.00", school_share_percentage=Decimal("40"))
    assert school_share(deal, 3) == Decimal("1500.00")
    assert municipal_share(deal, 3) == Decimal("2250.00")


def test_a_percentage_share_rounds_half_up_to_cents_and_the_halves_add_up() -> None:
    # 33.33 % of 100.05 = 33.346665 -> 33.35; the municipality pays the remaining 66.70.
    deal = agreement(price="100.05", school_share_percentage=Decimal("33.33"))
    assert school_share(deal, 1) == Decimal("33.35")
    assert municipal_share(deal, 1) == Decimal("66.70")
    # 12.5 % of 0.20 = 0.025 exactly: half up gives 0.03 where banker's rounding gives 0.02.
    tiny = agreement(price="0.20", school_share_percentage=Decimal("12.5"))
    assert school_share(tiny, 1) == Decimal("0.03")


def test_a_fixed_share_is_paid_per_delivered_unit() -> None:
    deal = agreement(price="1000.00", school_share_fixed=Decimal("250.00"))
    assert school_share(deal, 4) == Decimal("1000.00")
    assert municipal_share(deal, 4) == Decimal("3000.00")
    assert school_share(deal, 0) == Decimal("0.00")


def test_a_fixed_share_never_exceeds_the_cost() -> None:
    deal = agreement(price="100.00", school_share_fixed=Decimal("150.00"))
    assert school_share(deal, 2) == Decimal("200.00")
    assert municipal_share(deal, 2) == Decimal("0.00")


def test_a_cap_limits_the_schools_share_and_the_municipality_pays_the_rest() -> None:
    deal = agreement(
        price="1000.00", school_share_percentage=Decimal("50"), school_share_cap=Decimal("1200")
    )
    assert school_share(deal, 2) == Decimal("1000.00")  # under the cap
    assert school_share(deal, 5) == Decimal("1200.00")  # 2500 capped
    assert municipal_share(deal, 5) == Decimal("3800.00")


def test_a_cap_applies_to_a_fixed_share_too() -> None:
    deal = agreement(
        price="1000.00", school_share_fixed=Decimal("400"), school_share_cap=Decimal("1000")
    )
    assert school_share(deal, 3) == Decimal("1000.00")
    assert municipal_share(deal, 3) == Decimal("2000.00")
