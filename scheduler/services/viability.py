"""Groups that start only when viable: the decision about a group below its programme's
minimum on its decision day (`selectors.groups_below_minimum` finds them).

Three decisions, each taken by a person (nothing happens on its own; the reminder sweep
of `notifications.reminders` mails until one is taken):

- `group_pool`: the group joins another group of the same programme and round in the same
  municipality; its children move there (enrolment listens to GroupPooled) and it is
  cancelled (`group_cancel`, so its trainers' calendars are cleared);
- `group_postpone`: the whole series moves to a later first date (one GroupPostponed, so a
  family gets one updated invitation, not a message per session);
- `group_not_started`: the group is cancelled (`group_cancel`: the existing "group
  cancelled" message, with the programme's other open groups offered).

Each records the decision and its reason on the group, so the planner and the reports
count the groups that did not start, and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.domain_events import emit
from programmes.dates import day_text
from scheduler import events
from scheduler.conflicts import ConflictChecker, Slot
from scheduler.models import Group, GroupDecision, Session, SessionStatus
from scheduler.selectors import UNDECIDED_STATUSES, children_in
from scheduler.series import first_weekday_on_or_after
from scheduler.services.groups import group_cancel, series_preview
from scheduler.services.overrides import record_overrides, resolve_conflicts


def _locked_undecided(group: Group) -> Group:
    """The group, locked, if a decision about its start may still be taken."""
    group = (
        Group.objects.select_for_update(of=("self",))
        .select_related("programme", "host_school", "school_year")
        .get(pk=group.pk)
    )
    if group.status not in UNDECIDED_STATUSES:
        raise ValidationError(
            _("Over deze groep valt niets meer te beslissen: ze is %(status)s.")
            % {"status": group.get_status_display()}
        )
    return group


def _decided(group: Group, *, decision: str, reason: str, by: Any | None) -> None:
    group.decision = decision
    group.decision_reason = reason.strip()[:300]
    group.decided_at = timezone.now()
    group.decided_by = by if getattr(by, "pk", None) else None


@transaction.atomic
def group_pool(*, group: Group, into: Group, decided_by: Any | None, reason: str = "") -> Group:
    """Pool `group` with `into`: its children (and its host school's pupils from now on)
    join `into`, and `group` is cancelled. Emits GroupPooled (enrolment moves the children
    and announces it; families get the new place and times as an updated invitation), then
    GroupCancelled through `group_cancel` (the trainers' calendars).

    Refuses (field "into"): the group itself, a group of another programme, of another
    school year or round, in another municipality, one that no longer takes children, and
    one without seats for every child of both groups. Refuses a group already decided or
    started. Returns `into`.
    """
    group = _locked_undecided(group)
    into = Group.objects.select_related("programme", "host_school").get(pk=into.pk)
    error = _pool_error(group, into)
    if error:
        raise ValidationError({"into": error})
    into.admits_host_only = False
    into.save(update_fields=["admits_host_only", "updated_at"])
    into.admitted_schools.add(group.host_school, *group.admitted_schools.all())
    _decided(group, decision=GroupDecision.POOLED, reason=reason, by=decided_by)
    group.pooled_into = into
    group.save(
        update_fields=[
            "decision",
            "decision_reason",
            "decided_at",
            "decided_by",
            "pooled_into",
            "updated_at",
        ]
    )
    emit(events.GroupPooled(group_id=group.pk, into_group_id=into.pk))
    group_cancel(group=group, reason=reason)
    return into


def _pool_error(group: Group, into: Group) -> str | None:
    if into.pk == group.pk:
        return _("Kies een andere groep om mee samen te voegen.")
    if into.programme_id != group.programme_id:
        return _(
            "Samenvoegen kan alleen met een groep van hetzelfde programma (%(programme)s)."
        ) % {"programme": group.programme.name}
    if into.school_year_id != group.school_year_id or into.round_label != group.round_label:
        return _("Samenvoegen kan alleen met een groep van dezelfde ronde (%(round)s).") % {
            "round": group.round_label
        }
    if into.host_school.municipality != group.host_school.municipality:
        return _("Samenvoegen kan alleen met een groep in dezelfde gemeente (%(place)s).") % {
            "place": group.host_school.municipality
        }
    if into.status not in UNDECIDED_STATUSES or into.decision == GroupDecision.POOLED:
        return _("%(group)s neemt geen kinderen meer op.") % {"group": into}
    counted = children_in([group.pk, into.pk])
    together = counted.get(group.pk, 0) + counted.get(into.pk, 0)
    if together > into.capacity:
        return _("Samen zijn het %(children)s kinderen; %(group)s heeft %(capacity)s plaatsen.") % {
            "children": together,
            "group": into,
            "capacity": into.capacity,
        }
    return None


@transaction.atomic
def group_postpone(
    *,
    group: Group,
    first_date: dt.date,
    decided_by: Any | None,
    reason: str = "",
    override_by: Any | None = None,
) -> Group:
    """Postpone `group`: its series starts on the first of its weekdays on or after
    `first_date`, planned around the host school's closed days like a new group; every
    scheduled session moves (a higher revision each, the same calendar UID). Emits one
    GroupPostponed, so each family and trainer gets one updated invitation. The group gets
    a new decision day with its new first date.

    Refuses (field "first_date"): a day not after today, not after the current first date,
    or outside the group's school year; hard conflicts of the new series (soft ones need
    `override_by`, and are recorded). Refuses a group already decided or started.
    """
    group = _locked_undecided(group)
    new_first = first_weekday_on_or_after(first_date, group.weekday)
    _refuse_postponement(group, first_date=first_date, new_first=new_first)
    plan = series_preview(
        programme=group.programme,
        host_school=group.host_school,
        first_date=new_first,
        weekday=group.weekday,
        start_time=group.start_time,
        parent_meeting_time=group.parent_meeting_time,
    )
    current = list(group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("starts_at"))
    trainers = list(group.trainers.all())
    overridden = _series_conflicts(group, trainers, plan.sessions, current, override_by)
    moved = _sessions_move(group, _pair_by_kind(current, plan.sessions))
    if overridden:
        by_start = {s.starts_at: s for s in moved}
        for conflict in overridden:
            if conflict.starts_at in by_start:
                record_overrides(by_start[conflict.starts_at], [conflict], override_by)
    old_first = group.first_date
    group.first_date = new_first
    _decided(group, decision=GroupDecision.POSTPONED, reason=reason, by=decided_by)
    group.save(
        update_fields=[
            "first_date",
            "decision",
            "decision_reason",
            "decided_at",
            "decided_by",
            "updated_at",
        ]
    )
    revision = group.sessions.aggregate(total=Sum("revision"))["total"] or 0
    emit(events.GroupPostponed(group_id=group.pk, revision=revision, old_first_date=old_first))
    return group


def _refuse_postponement(group: Group, *, first_date: dt.date, new_first: dt.date) -> None:
    """Refuse (field "first_date") a day not after today, a new first date not after the
    current one, or one outside the group's school year."""
    if first_date <= timezone.localdate():
        raise ValidationError(
            {
                "first_date": _(
                    "Uitstellen kan alleen naar een dag na vandaag; %(date)s is al voorbij of "
                    "vandaag."
                )
                % {"date": day_text(first_date)}
            }
        )
    if new_first <= group.first_date:
        raise ValidationError(
            {
                "first_date": _("Uitstellen betekent later beginnen: kies een dag na %(date)s.")
                % {"date": day_text(group.first_date)}
            }
        )
    if not group.school_year.contains(new_first):
        raise ValidationError(
            {
                "first_date": _("De eerste datum ligt niet in schooljaar %(label)s.")
                % {"label": group.school_year.label}
            }
        )


def _sessions_move(group: Group, pairs: list[tuple[Any, Any]]) -> list[Session]:
    """Move each scheduled session of `group` to its planned counterpart (a higher revision),
    add the planned sessions that have none and cancel the sessions that have none; returns
    the sessions of the new series."""
    moved = []
    for session, planned in pairs:
        if session is None:  # the new series has a session more: add it
            moved.append(
                Session.objects.create(
                    group=group,
                    kind=planned.kind,
                    sequence=planned.sequence,
                    starts_at=planned.starts_at,
                    ends_at=planned.ends_at,
                )
            )
        elif planned is None:  # one less: it lapses
            session.status = SessionStatus.CANCELLED
            session.revision += 1
            session.save(update_fields=["status", "revision"])
        else:
            session.starts_at, session.ends_at = planned.starts_at, planned.ends_at
            session.sequence = planned.sequence
            session.revision += 1
            session.save(update_fields=["starts_at", "ends_at", "sequence", "revision"])
            moved.append(session)
    return moved


def _series_conflicts(
    group: Group,
    trainers: list[Any],
    planned: list[Any],
    current: list[Session],
    override_by: Any | None,
) -> list[Any]:
    """The conflicts of the new series with everything but the group's own sessions."""
    if not planned:
        return []
    checker = ConflictChecker(
        school=group.host_school,
        trainers=trainers,
        start=planned[0].date,
        end=planned[-1].date,
        exclude_session_ids=[s.pk for s in current],
        programme=group.programme,
    )
    found = []
    for item in planned:
        slot = Slot(
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            school_id=group.host_school_id,
            room=group.room,
            trainer_ids=tuple(t.pk for t in trainers),
            label=str(item.kind),
        )
        found.extend(checker.check(slot))
        checker.accept(slot)
    return resolve_conflicts(found, override_by=override_by)


def _pair_by_kind(current: list[Session], planned: list[Any]) -> list[tuple[Any, Any]]:
    """Each scheduled session with the planned one of its kind in the same place in order
    (so a session keeps its calendar UID); a missing partner is None."""
    pairs: list[tuple[Any, Any]] = []
    for kind in {s.kind for s in current} | {str(p.kind) for p in planned}:
        mine = [s for s in current if s.kind == kind]
        theirs = [p for p in planned if str(p.kind) == kind]
        for index in range(max(len(mine), len(theirs))):
            pairs.append(
                (
                    mine[index] if index < len(mine) else None,
                    theirs[index] if index < len(theirs) else None,
                )
            )
    return pairs


@transaction.atomic
def group_not_started(*, group: Group, decided_by: Any | None, reason: str = "") -> Group:
    """The group does not start for too few children: it is cancelled through
    `group_cancel` (GroupCancelled: families hear it in neutral words, with the programme's
    other open groups offered; trainers get their calendars' cancellation) and the decision
    and its reason are recorded. Refuses a group already decided or started."""
    group = _locked_undecided(group)
    _decided(group, decision=GroupDecision.CANCELLED, reason=reason, by=decided_by)
    group.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
    return group_cancel(group=group, reason=reason)
