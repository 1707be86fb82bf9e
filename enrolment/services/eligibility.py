"""Who may join which group: the open window, age on the first session day, grade, school;
and the key that recognises the same child entered twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from enrolment.models import age_on
from enrolment.services.transitions import _now
from programmes.dates import date_of_birth_error
from programmes.models import EnrolmentMode
from scheduler.models import Group, GroupStatus, SessionKind, SessionStatus

if TYPE_CHECKING:  # submitting calls eligibility, so its input shape is named for types only
    from enrolment.services.submissions import ChildInput


def child_key(first_name: str, last_name: str, date_of_birth: dt.date) -> str:
    """The same child entered twice (other spelling of case or accents) gives the same key."""

    def norm(text: str) -> str:
        stripped = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return " ".join(stripped.lower().split())

    raw = f"{norm(first_name)}|{norm(last_name)}|{date_of_birth.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()


def first_child_session_date(group: Group) -> dt.date:
    """The day of the group's first scheduled child session, else its planned first date.

    A group from the public catalogue (`enrolment.catalogue.catalogue_group`) carries it
    already as `first_day` (so do `enrolment.catalogue.open_groups`')."""
    known = getattr(group, "first_day", None)
    if known is not None:
        return known
    first = (
        group.sessions.filter(kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return localtime(first).date() if first else group.first_date


def group_open_for_enrolment(group: Group, today: dt.date | None = None) -> bool:
    today = today or localtime(_now()).date()
    if group.status != GroupStatus.PUBLISHED:
        return False
    if group.programme.enrolment_mode != EnrolmentMode.INDIVIDUAL:
        return False
    if group.enrolment_opens_on and today < group.enrolment_opens_on:
        return False
    return not (group.enrolment_closes_on and today > group.enrolment_closes_on)


def eligibility_errors(
    child: ChildInput, *, today: dt.date | None = None, first_day: dt.date | None = None
) -> list[str]:
    """Every reason this child cannot join this group, in words a parent understands.

    `first_day`: the group's `first_child_session_date`, when the caller already has it."""
    group, programme = child.group, child.group.programme
    errors: list[str] = []
    if not group_open_for_enrolment(group, today):
        errors.append(_("Aanmelden voor deze groep is nu niet mogelijk."))
    if first_day is None:
        first_day = first_child_session_date(group)
    age = age_on(child.date_of_birth, first_day)
    born_error = date_of_birth_error(child.date_of_birth, today)
    if born_error:
        errors.append(born_error)
    elif not programme.age_min <= age <= programme.age_max:
        errors.append(
            _(
                "%(name)s is op %(date)s %(age)s jaar; %(programme)s is voor kinderen van "
                "%(min)s tot en met %(max)s jaar."
            )
            % {
                "name": child.first_name,
                "date": first_day.strftime("%d-%m-%Y"),
                "age": age,
                "programme": programme.name,
                "min": programme.age_min,
                "max": programme.age_max,
            }
        )
    if not programme.grade_min <= child.grade <= programme.grade_max:
        errors.append(
            _("%(programme)s is voor groep/klas %(min)s tot en met %(max)s.")
            % {"programme": programme.name, "min": programme.grade_min, "max": programme.grade_max}
        )
    # The host school's pupils are always admitted; only others need the list (a query).
    if child.school.pk != group.host_school_id and child.school.pk not in {
        s.pk for s in group.admitted_schools.all()
    }:
        errors.append(
            _("Deze groep is niet open voor leerlingen van %(school)s.")
            % {"school": child.school.name}
        )
    return errors


def children_eligibility_errors(children: Sequence[ChildInput | None]) -> dict[str, list[str]]:
    """Why each child that was filled in correctly cannot join their group, while another
    part of the same form was wrong: so a parent hears every problem in one round, not the
    age after the e-mail address. Keyed as `submission_create` keys its errors
    ("children.0"); a None (a child whose own fields failed) is skipped."""
    errors: dict[str, list[str]] = {}
    first_days: dict[int, dt.date] = {}
    for index, child in enumerate(children):
        if child is None:
            continue
        if child.group.pk not in first_days:
            first_days[child.group.pk] = first_child_session_date(child.group)
        messages = eligibility_errors(child, first_day=first_days[child.group.pk])
        if messages:
            errors[f"children.{index}"] = messages
    return errors
