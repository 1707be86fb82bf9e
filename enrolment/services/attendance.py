"""Attendance at child sessions, recorded by trainers and coordinators.

Class bookings are the scheduler's (`scheduler.services.class_booking_set`): they write
the group."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.models import Attendance, AttendanceStatus, Enrolment, EnrolmentStatus
from enrolment.services.transitions import _now
from scheduler.models import Session, SessionKind, SessionStatus

ATTENDANCE_NOTE_MAX = 200


def _previous_and_next_session_ids(session: Any) -> list[int]:
    """The group's child sessions just before and just after `session` (the latter only when
    it has started), so a new absence can complete a pair of consecutive absences."""
    siblings = Session.objects.filter(
        group_id=session.group_id, kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED
    ).exclude(pk=session.pk)
    before = (
        siblings.filter(
            Q(starts_at__lt=session.starts_at) | Q(starts_at=session.starts_at, pk__lt=session.pk)
        )
        .order_by("-starts_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    after = (
        siblings.filter(
            Q(starts_at__gt=session.starts_at) | Q(starts_at=session.starts_at, pk__gt=session.pk)
        )
        .filter(starts_at__lte=_now())
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return [pk for pk in (before, after) if pk is not None]


@transaction.atomic
def attendance_record(
    *, session: Any, marks: dict[int, tuple[str, str]], recorded_by: Any
) -> list[Any]:
    """Record who was present, absent or excused at one child session, with optional notes.

    `marks` maps enrolment ids to (status, note). All marks are saved or none: one row per
    (session, enrolment), updated when it exists. Refuses: a parent meeting, a cancelled
    session, a session on a later day, enrolments that are not confirmed children of the
    session's group, unknown statuses, notes over 200 characters. A child absent (not excused)
    at this session and at the session next to it emits AbsentTwice, once.
    Whether `recorded_by` may take attendance is the caller's check
    (`enrolment.access.can_take_attendance`).
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.kind != SessionKind.CHILD:
        raise ValidationError(_("Aanwezigheid houdt u bij voor bijeenkomsten met de kinderen."))
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Deze bijeenkomst is vervallen."))
    if localtime(session.starts_at).date() > localtime(_now()).date():
        raise ValidationError(_("Deze bijeenkomst is nog niet geweest."))
    attending = {EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED}
    known = set(
        Enrolment.objects.filter(
            group_id=session.group_id, pk__in=list(marks), status__in=attending
        ).values_list("pk", flat=True)
    )
    errors: list[str] = []
    if set(marks) - known:
        errors.append(_("Een of meer kinderen horen niet (meer) bij deze groep."))
    if any(status not in AttendanceStatus.values for status, _note in marks.values()):
        errors.append(_("Kies aanwezig, afwezig of afgemeld."))
    if any(len(note or "") > ATTENDANCE_NOTE_MAX for _status, note in marks.values()):
        errors.append(_("Een notitie is hoogstens %(max)s tekens.") % {"max": ATTENDANCE_NOTE_MAX})
    if errors:
        raise ValidationError(errors)
    before = dict(
        Attendance.objects.filter(session=session, enrolment_id__in=known).values_list(
            "enrolment_id", "status"
        )
    )
    now = _now()
    saved = []
    for enrolment_id in sorted(marks):
        status, note = marks[enrolment_id]
        attendance, _created = Attendance.objects.update_or_create(
            session=session,
            enrolment_id=enrolment_id,
            defaults={
                "status": status,
                "note": (note or "").strip(),
                "recorded_by": recorded_by,
                "recorded_at": now,
            },
        )
        saved.append(attendance)
    newly_absent = [
        pk
        for pk, (status, _note) in marks.items()
        if status == AttendanceStatus.ABSENT and before.get(pk) != AttendanceStatus.ABSENT
    ]
    if newly_absent:
        neighbours = _previous_and_next_session_ids(session)
        twice = set(
            Attendance.objects.filter(
                session_id__in=neighbours,
                enrolment_id__in=newly_absent,
                status=AttendanceStatus.ABSENT,
            ).values_list("enrolment_id", flat=True)
        )
        for enrolment_id in sorted(twice):
            emit(events.AbsentTwice(enrolment_id=enrolment_id))
    return saved
