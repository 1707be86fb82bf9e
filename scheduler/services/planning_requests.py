"""Planning requests: a coordinator asks for a programme at their school within a window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programmes.models import EnrolmentMode, Programme, School, SchoolYear
from scheduler.models import PlanningRequest, PlanningRequestStatus


@transaction.atomic
def planning_request_create(
    *,
    school: School,
    programme: Programme,
    school_year: SchoolYear,
    round_label: str,
    window_start: dt.date,
    window_end: dt.date,
    preferred_weekdays: Sequence[int],
    expected_children: int,
    earliest_start: dt.time = dt.time(8, 30),
    latest_start: dt.time = dt.time(15, 0),
    class_name: str = "",
    notes: str = "",
    requested_by: Any | None = None,
) -> PlanningRequest:
    """A coordinator's request for a programme at their school within a window."""
    weekdays = sorted(set(preferred_weekdays))
    errors: dict[str, str] = {}
    if not weekdays or any(d not in range(5) for d in weekdays):
        errors["preferred_weekdays"] = _(
            "Kies minstens één schooldag (maandag tot en met vrijdag)."
        )
    if not (school_year.contains(window_start) and school_year.contains(window_end)):
        errors["window_start"] = _("De periode moet binnen schooljaar %(label)s liggen.") % {
            "label": school_year.label
        }
    if not programme.active:
        errors["programme"] = _("Dit programma wordt niet meer aangeboden.")
    if programme.enrolment_mode == EnrolmentMode.CLASS and not class_name:
        errors["class_name"] = _("Vul de klas in, bijvoorbeeld 7B.")
    if errors:
        raise ValidationError(errors)
    request = PlanningRequest(
        school=school,
        programme=programme,
        school_year=school_year,
        round_label=round_label,
        window_start=window_start,
        window_end=window_end,
        preferred_weekdays=weekdays,
        earliest_start=earliest_start,
        latest_start=latest_start,
        expected_children=expected_children,
        class_name=class_name,
        notes=notes,
        requested_by=requested_by,
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def planning_request_withdraw(*, request: PlanningRequest) -> PlanningRequest:
    if request.status != PlanningRequestStatus.OPEN:
        raise ValidationError(_("Alleen een open verzoek kan worden ingetrokken."))
    request.status = PlanningRequestStatus.WITHDRAWN
    request.save(update_fields=["status"])
    return request
