"""Sessions: moving, adding and cancelling one session (with a replacement), each
conflict-checked and kept in the group's order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.domain_events import emit
from programmes.calendar import SchoolCalendar
from programmes.dates import moment_text
from scheduler import events
from scheduler.conflicts import Conflict, ConflictChecker, Slot
from scheduler.models import Group, GroupStatus, Session, SessionKind, SessionStatus
from scheduler.series import at_amsterdam, first_weekday_on_or_after, series_last_day
from scheduler.services.overrides import record_overrides, resolve_conflicts

# When a session may be.
# A session (moved, added, or a replacement) never lies in the past, nor outside its group's
# order: the parents' meetings before (the information meetings) come before every child
# session, the parents' meetings after (the evaluation) after every one. Whether a stored
# parents' meeting is one "before" or "after" follows from where it lies now: before the
# group's first child session or not.

_BEFORE, _AFTER = "before", "after"


def _refuse_in_past(starts_at: dt.datetime) -> None:
    if starts_at <= timezone.now():
        raise ValidationError(
            {
                "starts_at": _("%(when)s is al voorbij. Kies een datum en tijd die nog komen.")
                % {"when": moment_text(starts_at)}
            }
        )


def _refuse_out_of_order(
    *,
    group: Group,
    kind: str,
    starts_at: dt.datetime,
    moving: Session | None = None,
    phase_of: Session | None = None,
) -> None:
    """Refuse a `kind` session at `starts_at` that breaks the group's order.

    `moving`: the session being moved (left out of the others). `phase_of`: the stored
    parents' meeting whose place (before or after the children) this one keeps: itself
    when moved, the cancelled one for its replacement; a new one takes the place it lands in.
    """
    timeline = list(
        group.sessions.filter(status=SessionStatus.SCHEDULED).only("pk", "kind", "starts_at")
    )
    first_child = min((s.starts_at for s in timeline if s.kind == SessionKind.CHILD), default=None)

    def phase(session: Session) -> str:
        before = first_child is not None and session.starts_at < first_child
        return _BEFORE if before else _AFTER

    others = [s for s in timeline if moving is None or s.pk != moving.pk]
    children = [s.starts_at for s in others if s.kind == SessionKind.CHILD]
    parents = [s for s in others if s.kind == SessionKind.PARENT]
    if kind == SessionKind.CHILD:
        before = [p.starts_at for p in parents if phase(p) == _BEFORE]
        after = [p.starts_at for p in parents if phase(p) == _AFTER]
        if before and starts_at <= max(before):
            message = _(
                "Een bijeenkomst met de kinderen komt na de ouderbijeenkomst vooraf van "
                "%(when)s. Kies een moment daarna, of verplaats eerst die ouderbijeenkomst "
                "naar een eerdere datum."
            ) % {"when": moment_text(max(before))}
        elif after and starts_at >= min(after):
            message = _(
                "Een bijeenkomst met de kinderen komt vóór de ouderbijeenkomst achteraf van "
                "%(when)s. Kies een moment daarvoor, of verplaats eerst die ouderbijeenkomst "
                "naar een latere datum."
            ) % {"when": moment_text(min(after))}
        else:
            return
    else:
        if not children:
            return
        if phase_of is not None:
            own = phase(phase_of)
        else:
            own = _BEFORE if starts_at < min(children) else _AFTER
        if own == _BEFORE and starts_at >= min(children):
            message = _(
                "Deze ouderbijeenkomst komt vóór de eerste bijeenkomst met de kinderen, op "
                "%(when)s. Kies een moment daarvoor."
            ) % {"when": moment_text(min(children))}
        elif own == _AFTER and starts_at <= max(children):
            message = _(
                "Deze ouderbijeenkomst komt na de laatste bijeenkomst met de kinderen, op "
                "%(when)s. Kies een moment daarna."
            ) % {"when": moment_text(max(children))}
        else:
            return
    raise ValidationError({"starts_at": message})


def _renumber(group: Group) -> None:
    """Number the group's sessions of each kind 1, 2, ... in date order.

    After a move or an addition the numbers follow the dates again, so session 8 is never
    listed before session 7: that is what the coordinator, the trainers and the parents
    read on the pages and in the mails. A cancelled session keeps its place in the count
    (it was planned as that meeting); a session's number is not part of its calendar event,
    so renumbering changes no revision."""
    counters: dict[str, int] = {}
    changed: list[Session] = []
    for session in group.sessions.order_by("starts_at", "pk").only("pk", "kind", "sequence"):
        counters[session.kind] = counters.get(session.kind, 0) + 1
        if session.sequence != counters[session.kind]:
            session.sequence = counters[session.kind]
            changed.append(session)
    if changed:
        Session.objects.bulk_update(changed, ["sequence"])


def _slot_conflicts(
    *,
    group: Group,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    label: str,
    exclude_session_ids: Sequence[int] = (),
) -> list[Conflict]:
    day = localtime(starts_at).date()
    trainers = list(group.trainers.all())
    checker = ConflictChecker(
        school=group.host_school,
        trainers=trainers,
        start=day,
        end=day,
        exclude_session_ids=list(exclude_session_ids),
        programme=group.programme,
    )
    slot = Slot(
        starts_at=starts_at,
        ends_at=ends_at,
        school_id=group.host_school_id,
        room=group.room,
        trainer_ids=tuple(t.pk for t in trainers),
        label=label,
    )
    return checker.check(slot)


def _refuse_outside_school_year(group: Group, starts_at: dt.datetime) -> None:
    year = group.school_year
    if starts_at.tzinfo is not None and not year.contains(localtime(starts_at).date()):
        raise ValidationError(
            {
                "starts_at": _("De nieuwe datum ligt niet in schooljaar %(label)s.")
                % {"label": year.label}
            }
        )


def _refuse_bad_times(starts_at: dt.datetime, ends_at: dt.datetime | None) -> None:
    if starts_at.tzinfo is None:
        raise ValidationError({"starts_at": _("Geef een tijd met tijdzone.")})
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Het einde moet na het begin liggen.")})


def session_conflicts(
    *, session: Session, starts_at: dt.datetime, ends_at: dt.datetime | None = None
) -> list[Conflict]:
    """The conflicts `session` would have at a new time. Saves nothing.

    Refuses a time outside the group's school year.
    """
    _refuse_outside_school_year(session.group, starts_at)
    ends_at = ends_at or starts_at + (session.ends_at - session.starts_at)
    return _slot_conflicts(
        group=session.group,
        starts_at=starts_at,
        ends_at=ends_at,
        label=str(session),
        exclude_session_ids=[session.pk],
    )


def session_move_check(
    *,
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    override_by: Any | None = None,
) -> list[Conflict]:
    """Everything `session_move` refuses, without changing anything; returns the soft
    conflicts `override_by` accepts. The admin's form asks it before saving."""
    if session.is_cancelled or session.group.is_cancelled:
        raise ValidationError(_("Een vervallen bijeenkomst kan niet verplaatst worden."))
    _refuse_bad_times(starts_at, ends_at)
    ends_at = ends_at or starts_at + (session.ends_at - session.starts_at)
    _refuse_bad_times(starts_at, ends_at)
    _refuse_in_past(starts_at)
    _refuse_outside_school_year(session.group, starts_at)
    _refuse_out_of_order(
        group=session.group,
        kind=session.kind,
        starts_at=starts_at,
        moving=session,
        phase_of=session,
    )
    return resolve_conflicts(
        session_conflicts(session=session, starts_at=starts_at, ends_at=ends_at),
        override_by=override_by,
    )


@transaction.atomic
def session_move(
    *,
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    override_by: Any | None = None,
) -> Session:
    """Move one session (keeping its length unless `ends_at` is given), conflict-checked.

    Bumps the revision and emits SessionMoved; the group's sessions are numbered again in
    date order (see `_renumber`). Refuses a cancelled session or group, a time outside the
    group's school year, a time in the past, a child session before a parents' meeting
    that comes first or after one that comes last, and such a parents' meeting on the
    wrong side of the child sessions; each message says what to choose instead.
    """
    session = (
        Session.objects.select_for_update(of=("self", "group"))
        .select_related("group__host_school", "group__programme", "group__school_year")
        .get(pk=session.pk)
    )
    overridden = session_move_check(
        session=session, starts_at=starts_at, ends_at=ends_at, override_by=override_by
    )
    ends_at = ends_at or starts_at + (session.ends_at - session.starts_at)
    old_starts_at = session.starts_at
    session.starts_at, session.ends_at = starts_at, ends_at
    session.revision += 1
    session.save(update_fields=["starts_at", "ends_at", "revision"])
    record_overrides(session, overridden, override_by)
    _renumber(session.group)
    session.refresh_from_db(fields=["sequence"])
    emit(
        events.SessionMoved(
            session_id=session.pk,
            revision=session.revision,
            old_starts_at=old_starts_at,
            new_starts_at=starts_at,
        )
    )
    return session


def _session_length(group: Group, kind: str) -> dt.timedelta:
    programme = group.programme
    minutes = (
        programme.session_minutes if kind == SessionKind.CHILD else programme.parent_meeting_minutes
    )
    return dt.timedelta(minutes=minutes)


def session_add_check(
    *,
    group: Group,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    override_by: Any | None = None,
) -> list[Conflict]:
    """Everything `session_add` refuses, without changing anything; returns the soft
    conflicts `override_by` accepts. The admin's form asks it before saving."""
    if group.status in {GroupStatus.CANCELLED, GroupStatus.COMPLETED}:
        raise ValidationError(
            _("Deze groep is %(status)s; er kunnen geen bijeenkomsten bij.")
            % {"status": group.get_status_display()}
        )
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("Kies een bijeenkomst of een ouderbijeenkomst.")})
    _refuse_bad_times(starts_at, ends_at)
    ends_at = ends_at or starts_at + _session_length(group, kind)
    _refuse_bad_times(starts_at, ends_at)
    _refuse_in_past(starts_at)
    _refuse_outside_school_year(group, starts_at)
    _refuse_out_of_order(group=group, kind=kind, starts_at=starts_at)
    return resolve_conflicts(
        _slot_conflicts(
            group=group, starts_at=starts_at, ends_at=ends_at, label=str(SessionKind(kind).label)
        ),
        override_by=override_by,
    )


@transaction.atomic
def session_add(
    *,
    group: Group,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    override_by: Any | None = None,
) -> Session:
    """Add one session to a group (the programme's length unless `ends_at` is given).

    Numbers the group's sessions again in date order and emits SessionAdded. Refuses a
    cancelled or completed group, a time in the past or outside the school year, a time
    that breaks the group's order (see `session_move`) and hard conflicts; soft conflicts
    need `override_by`, which is recorded.
    """
    group = (
        Group.objects.select_for_update(of=("self",))
        .select_related("host_school", "programme", "school_year")
        .get(pk=group.pk)
    )
    overridden = session_add_check(
        group=group, kind=kind, starts_at=starts_at, ends_at=ends_at, override_by=override_by
    )
    session = Session.objects.create(
        group=group,
        kind=kind,
        sequence=group.sessions.filter(kind=kind).count() + 1,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + _session_length(group, kind),
    )
    record_overrides(session, overridden, override_by)
    _renumber(group)
    session.refresh_from_db(fields=["sequence"])
    emit(events.SessionAdded(session_id=session.pk, revision=session.revision))
    return session


@transaction.atomic
def session_cancel(
    *, session: Session, add_replacement: bool = False, override_by: Any | None = None
) -> Session | None:
    """Cancel one session; optionally add a replacement in the first free open week after the
    last session of its part of the series (the parents' meetings before, the child
    sessions, or the parents' meetings after) and after today. Emits SessionCancelled (and
    SessionAdded). Returns the replacement, if any.

    A replacement never lands in the past nor out of the group's order: a child session's
    replacement comes before the parents' meeting after the children; when no week is free
    before it, the refusal says to move that meeting to a later week first.
    """
    session = (
        Session.objects.select_for_update(of=("self", "group"))
        .select_related("group__host_school", "group__programme", "group__school_year")
        .get(pk=session.pk)
    )
    if session.is_cancelled:
        raise ValidationError(_("Deze bijeenkomst is al vervallen."))
    replacement = None
    if add_replacement:
        replacement = _session_add_replacement(session=session, override_by=override_by)
    session.status = SessionStatus.CANCELLED
    session.revision += 1
    session.save(update_fields=["status", "revision"])
    if replacement:
        _renumber(session.group)
        replacement.refresh_from_db(fields=["sequence"])
    emit(
        events.SessionCancelled(
            session_id=session.pk,
            revision=session.revision,
            replacement_id=replacement.pk if replacement else None,
        )
    )
    if replacement:
        emit(events.SessionAdded(session_id=replacement.pk, revision=replacement.revision))
    return replacement


def _replacement_window(session: Session) -> tuple[dt.date, Session | None]:
    """The first day a replacement of `session` may take (a week after the last scheduled
    session of its part of the series, and after today), and the session it must come
    before, if any (the first parents' meeting after the children for a child session,
    the first child session for a parents' meeting before)."""
    timeline = list(
        session.group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("starts_at", "pk")
    )
    children = [s for s in timeline if s.kind == SessionKind.CHILD]
    first_child = children[0].starts_at if children else None
    before = [
        s
        for s in timeline
        if s.kind == SessionKind.PARENT and first_child is not None and s.starts_at < first_child
    ]
    after = [s for s in timeline if s.kind == SessionKind.PARENT and s not in before]
    if session.kind == SessionKind.CHILD:
        part, limit = children, (after[0] if after else None)
    elif session in before:
        part, limit = before, (children[0] if children else None)
    else:
        part, limit = after + children[-1:], None
    last = max(s.starts_at for s in part) if part else session.starts_at
    day = localtime(last).date() + dt.timedelta(weeks=1)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    if day < tomorrow:
        day = first_weekday_on_or_after(tomorrow, day.weekday())
    return day, limit


def _session_add_replacement(*, session: Session, override_by: Any | None) -> Session:
    group = session.group
    taken_days = {
        localtime(s).date()
        for s in group.sessions.filter(status=SessionStatus.SCHEDULED).values_list(
            "starts_at", flat=True
        )
    }
    day, limit = _replacement_window(session)
    calendar = SchoolCalendar(group.host_school, day, series_last_day(day))
    time = localtime(session.starts_at).time()
    duration = session.ends_at - session.starts_at
    while True:
        if limit is not None and at_amsterdam(day, time) >= limit.starts_at:
            if limit.kind == SessionKind.PARENT:
                message = _(
                    "Er is geen vrije week meer vóór de ouderbijeenkomst achteraf van "
                    "%(when)s. Verplaats eerst die ouderbijeenkomst naar een latere week; dan "
                    "komt de vervangende bijeenkomst ervoor."
                )
            else:
                message = _(
                    "Er is geen vrije week meer vóór de eerste bijeenkomst met de kinderen, "
                    "op %(when)s. Verplaats deze ouderbijeenkomst naar een eerdere datum in "
                    "plaats van haar te laten vervallen."
                )
            raise ValidationError(message % {"when": moment_text(limit.starts_at)})
        if day > calendar.end:
            raise ValidationError(
                _("Er is binnen een jaar geen vrije week voor een vervangende bijeenkomst.")
            )
        if calendar.is_open(day) and day not in taken_days:
            starts_at = at_amsterdam(day, time)
            conflicts = session_conflicts(session=session, starts_at=starts_at)
            if not any(c.is_hard for c in conflicts):
                break
        day += dt.timedelta(weeks=1)
    _refuse_in_past(starts_at)
    _refuse_out_of_order(
        group=group, kind=session.kind, starts_at=starts_at, moving=session, phase_of=session
    )
    overridden = resolve_conflicts(conflicts, override_by=override_by)
    sequence = (group.sessions.filter(kind=session.kind).aggregate(m=Max("sequence"))["m"] or 0) + 1
    replacement = Session.objects.create(
        group=group,
        kind=session.kind,
        sequence=sequence,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        replaces=session,
    )
    record_overrides(replacement, overridden, override_by)
    return replacement
