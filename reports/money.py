"""Money as Decimal euros: rounding to cents and the Dutch way of showing it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Round to whole cents, half up (0.005 -> 0.01), as invoices do."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_euro(amount: Decimal) -> str:
    """Show an amount the Dutch way: `€ 1.234,56`, `€ -12,50`, `€ 0,00`."""
    cents = to_cents(amount)
    sign = "-" if cents < 0 else ""
    whole, _, fraction = f"{abs(cents):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"€ {sign}{'.'.join(groups)},{fraction}"
