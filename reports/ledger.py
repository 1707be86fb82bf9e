"""The co-financing ledger: what was agreed, delivered, due, invoiced and paid.

Delivered units come from the scheduler: only groups that ran or are running
(status `running` or `completed`) count. Draft, published and enrolment-closed
groups have not delivered anything yet, and cancelled groups never will; a group
cancelled while running therefore stops counting.

Units per cost basis:
- per group and per class: one unit per delivered group (a class-mode group is one class);
- per pupil: a class-mode group counts its `class_size`; an individual-mode group
  counts its confirmed and completed enrolments.

The school's share is a percentage of the gross cost (price x delivered units) or
a fixed amount per delivered unit, never more than the gross cost, and never more
than the cap where one was agreed. The municipality pays the rest. Every amount
is rounded to cents, half up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from enrolment.models import EnrolmentStatus
from programmes import access
from programmes.models import (
    CoFinancingAgreement,
    CostBasis,
    EnrolmentMode,
    Invoice,
    InvoiceStatus,
    SchoolYear,
)
from reports.money import to_cents
from scheduler.models import Group, GroupStatus

DELIVERED_STATUSES = (GroupStatus.RUNNING, GroupStatus.COMPLETED)
COUNTED_ENROLMENTS = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED)
ZERO = Decimal("0.00")


def gross_cost(agreement: CoFinancingAgreement, delivered_units: int) -> Decimal:
    """Price times delivered units, in cents."""
    return to_cents(agreement.price * delivered_units)


def school_share(agreement: CoFinancingAgreement, delivered_units: int) -> Decimal:
    """What the school owes for `delivered_units`: percentage or fixed, at most the cost and cap."""
    gross = gross_cost(agreement, delivered_units)
    if agreement.school_share_percentage is not None:
        share = to_cents(gross * agreement.school_share_percentage / 100)
    else:
        share = min(to_cents(agreement.school_share_fixed * delivered_units), gross)
    if agreement.school_share_cap is not None:
        share = min(share, to_cents(agreement.school_share_cap))
    return share


def municipal_share(agreement: CoFinancingAgreement, delivered_units: int) -> Decimal:
    """What the municipality pays: the gross cost minus the school's share."""
    return gross_cost(agreement, delivered_units) - school_share(agreement, delivered_units)


def _delivered_groups() -> Any:
    return Group.objects.filter(status__in=DELIVERED_STATUSES)


def _units_of(basis: str, groups: int, pupils: int) -> int:
    return pupils if basis == CostBasis.PER_PUPIL else groups


def _group_totals(groups: Any) -> Any:
    """Per (school, year, programme): delivered groups and pupils (see module docstring)."""
    enrolled = Count("enrolments", filter=Q(enrolments__status__in=COUNTED_ENROLMENTS))
    return groups.values("host_school_id", "school_year_id", "programme_id").annotate(
        n_groups=Count("id", distinct=True),
        n_class_pupils=Coalesce(
            Subquery(
                Group.objects.filter(
                    status__in=DELIVERED_STATUSES,
                    programme__enrolment_mode=EnrolmentMode.CLASS,
                    host_school_id=OuterRef("host_school_id"),
                    school_year_id=OuterRef("school_year_id"),
                    programme_id=OuterRef("programme_id"),
                )
                .values("host_school_id")
                .annotate(total=Sum("class_size"))
                .values("total"),
                output_field=IntegerField(),
            ),
            0,
        ),
        n_enrolled=enrolled,
    )


def _pupils(row: dict[str, Any], mode: str) -> int:
    return row["n_class_pupils"] if mode == EnrolmentMode.CLASS else row["n_enrolled"]


def delivered_units(agreement: CoFinancingAgreement) -> int:
    """Units delivered under `agreement`, from its school's groups of that year and programme."""
    groups = _delivered_groups().filter(
        host_school_id=agreement.school_id,
        school_year_id=agreement.school_year_id,
        programme_id=agreement.programme_id,
    )
    row = next(iter(_group_totals(groups)), None)
    if row is None:
        return 0
    return _units_of(
        agreement.cost_basis, row["n_groups"], _pupils(row, agreement.programme.enrolment_mode)
    )


@dataclass(frozen=True)
class LedgerRow:
    agreement: CoFinancingAgreement
    units_agreed: int
    units_delivered: int
    school_share: Decimal
    municipal_share: Decimal
    invoiced: Decimal
    paid: Decimal

    @property
    def units_difference(self) -> int:
        """Delivered minus agreed: negative when less was delivered than agreed."""
        return self.units_delivered - self.units_agreed

    @property
    def outstanding(self) -> Decimal:
        """Invoiced but not yet paid."""
        return self.invoiced - self.paid


@dataclass(frozen=True)
class Ledger:
    rows: list[LedgerRow]

    def _total(self, name: str) -> Any:
        return sum((getattr(row, name) for row in self.rows), start=ZERO)

    @property
    def totals(self) -> dict[str, Any]:
        return {
            "units_agreed": sum(row.units_agreed for row in self.rows),
            "units_delivered": sum(row.units_delivered for row in self.rows),
            "school_share": self._total("school_share"),
            "municipal_share": self._total("municipal_share"),
            "invoiced": self._total("invoiced"),
            "paid": self._total("paid"),
            "outstanding": self._total("outstanding"),
        }


def _invoice_sum(statuses: Iterable[str]) -> Coalesce:
    money = DecimalField(max_digits=12, decimal_places=2)
    return Coalesce(
        Subquery(
            Invoice.objects.filter(agreement=OuterRef("pk"), status__in=list(statuses))
            .values("agreement")
            .annotate(total=Sum("amount"))
            .values("total"),
            output_field=money,
        ),
        ZERO,
        output_field=money,
    )


def agreements_visible_to(user: Any) -> Any:
    """Managers see every agreement; a coordinator only those of their own schools."""
    return CoFinancingAgreement.objects.filter(school__in=access.schools_visible_to(user))


def with_invoice_sums(agreements: Any) -> Any:
    """`agreements` (a queryset) with what `figures_for` needs besides the groups: `invoiced`
    (sent and paid invoices; concepts are not invoiced yet) and `paid_total`, as subqueries,
    so the invoices cost no query of their own."""
    return agreements.annotate(
        invoiced=_invoice_sum([InvoiceStatus.SENT, InvoiceStatus.PAID]),
        paid_total=_invoice_sum([InvoiceStatus.PAID]),
    )


def figures_for(agreements: Sequence[CoFinancingAgreement]) -> list[LedgerRow]:
    """The ledger row of every agreement, in the order given, in one query however many
    agreements and school years there are (none for no agreements).

    The agreements must come from `with_invoice_sums` with their programme selected
    (`select_related("programme")`), as `ledger_rows` and the API fetch them. Delivered
    units follow the module docstring; "outstanding" is invoiced minus paid.
    """
    if not agreements:
        return []
    groups = _delivered_groups().filter(
        school_year_id__in={a.school_year_id for a in agreements},
        host_school_id__in={a.school_id for a in agreements},
        programme_id__in={a.programme_id for a in agreements},
    )
    totals = {
        (row["host_school_id"], row["school_year_id"], row["programme_id"]): row
        for row in _group_totals(groups)
    }
    rows = []
    for agreement in agreements:
        found = totals.get((agreement.school_id, agreement.school_year_id, agreement.programme_id))
        units = (
            _units_of(
                agreement.cost_basis,
                found["n_groups"],
                _pupils(found, agreement.programme.enrolment_mode),
            )
            if found
            else 0
        )
        rows.append(
            LedgerRow(
                agreement=agreement,
                units_agreed=agreement.units_agreed,
                units_delivered=units,
                school_share=school_share(agreement, units),
                municipal_share=municipal_share(agreement, units),
                invoiced=to_cents(agreement.invoiced),
                paid=to_cents(agreement.paid_total),
            )
        )
    return rows


def ledger_rows(school_year: SchoolYear, user: Any) -> Ledger:
    """The ledger of `school_year` as `user` may see it, in two queries whatever its size.

    "Invoiced" counts sent and paid invoices (concepts are not invoiced yet);
    "outstanding" is invoiced minus paid.
    """
    agreements = list(
        with_invoice_sums(
            agreements_visible_to(user).filter(school_year=school_year)
        ).select_related("school", "programme", "school_year")
    )
    return Ledger(rows=figures_for(agreements))
