"""One co-financing agreement as its page shows it: the groups that delivered for it, the
school's share in words, and its history as "who, when, what" in Dutch."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import gettext as _

from programmes.models import (
    CoFinancingAction,
    CoFinancingAgreement,
    CoFinancingChange,
    CostBasis,
    EnrolmentMode,
    Invoice,
    InvoiceStatus,
)
from reports.ledger import COUNTED_ENROLMENTS, DELIVERED_STATUSES
from reports.money import format_euro
from scheduler.models import Group


@dataclass(frozen=True)
class DeliveringGroup:
    group: Group
    counts: bool
    units: int


def groups_of(agreement: CoFinancingAgreement) -> list[DeliveringGroup]:
    """The agreement's school's groups of that year and programme, and what each delivered.

    The same rule as `reports.ledger`: only running and completed groups count; per pupil
    a class counts its size and an individual group its confirmed and completed pupils.
    """
    groups = (
        Group.objects.filter(
            host_school_id=agreement.school_id,
            school_year_id=agreement.school_year_id,
            programme_id=agreement.programme_id,
        )
        .annotate(
            n_counted=Count("enrolments", filter=Q(enrolments__status__in=COUNTED_ENROLMENTS))
        )
        .order_by("first_date", "pk")
    )
    per_pupil = agreement.cost_basis == CostBasis.PER_PUPIL
    by_class = agreement.programme.enrolment_mode == EnrolmentMode.CLASS
    result = []
    for group in groups:
        counts = group.status in DELIVERED_STATUSES
        if not counts:
            units = 0
        elif per_pupil:
            units = (group.class_size or 0) if by_class else group.n_counted
        else:
            units = 1
        result.append(DeliveringGroup(group=group, counts=counts, units=units))
    return result


MONEY_FIELDS = {"price", "school_share_fixed", "school_share_cap", "amount"}
DATE_FIELDS = {"date_sent", "date_paid"}


def _field_label(name: str) -> str:
    for model in (CoFinancingAgreement, Invoice):
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
        # "prijs per eenheid (€)" -> "prijs per eenheid": the value shows the unit already.
        return re.sub(r"\s*\([€%]\)$", "", label)
    return name


def history_value(name: str, value: Any) -> str:
    """A stored history value as the page shows it, in Dutch notation."""
    if value is None or value == "":
        return _("(leeg)")
    try:
        if name in MONEY_FIELDS:
            return format_euro(Decimal(value))
        if name == "school_share_percentage":
            return f"{formats.number_format(Decimal(value), 2)} %"
        if name in DATE_FIELDS:
            return formats.date_format(dt.date.fromisoformat(value), "j F Y")
        if name == "cost_basis":
            return str(CostBasis(value).label)
        if name == "status":
            return str(InvoiceStatus(value).label)
    except (ValueError, ArithmeticError):
        pass  # an unexpected value is shown as it was stored
    return str(value)


@dataclass(frozen=True)
class HistoryEntry:
    change: CoFinancingChange
    summary: str
    who: str
    lines: list[tuple[str, str | None, str]]  # (field label, old or None, new)


def history_of(agreement: CoFinancingAgreement) -> list[HistoryEntry]:
    """The agreement's changes, newest first, as "who, when, what" in Dutch."""
    entries = []
    for change in agreement.changes.select_related("invoice").order_by("-at", "-pk"):
        reference = change.invoice.reference if change.invoice else ""
        summary = {
            CoFinancingAction.CREATED: _("Afspraak gemaakt"),
            CoFinancingAction.UPDATED: _("Afspraak gewijzigd"),
            CoFinancingAction.INVOICE_ADDED: _("Factuur %(reference)s toegevoegd"),
            CoFinancingAction.INVOICE_SENT: _("Factuur %(reference)s verstuurd"),
            CoFinancingAction.INVOICE_PAID: _("Factuur %(reference)s betaald"),
        }.get(change.action, change.action)
        if "%(reference)s" in summary:
            summary = summary % {"reference": reference}
        lines = []
        for name, (old, new) in (change.changes or {}).items():
            if name == "reference":
                continue  # already in the summary
            shown_old = None if change.action == CoFinancingAction.CREATED or old is None else old
            lines.append(
                (
                    _field_label(name).capitalize(),
                    history_value(name, shown_old) if shown_old is not None else None,
                    history_value(name, new),
                )
            )
        entries.append(
            HistoryEntry(
                change=change,
                summary=summary,
                who=change.actor_label or _("het systeem"),
                lines=lines,
            )
        )
    return entries


def share_text(agreement: CoFinancingAgreement) -> str:
    if agreement.school_share_percentage is not None:
        text = _("%(percentage)s %% van de kosten") % {
            "percentage": formats.number_format(agreement.school_share_percentage, 2)
        }
    else:
        text = _("%(amount)s per eenheid") % {"amount": format_euro(agreement.school_share_fixed)}
    if agreement.school_share_cap is not None:
        text += ", " + _("maximaal %(cap)s") % {"cap": format_euro(agreement.school_share_cap)}
    return text
