"""Listeners of the schedule changes: a session moved, cancelled or added, a group cancelled,
a trainer assigned or removed. Every guardian of a confirmed child and every trainer of
the group gets the update with a calendar file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from enrolment.models import EnrolmentStatus, Guardian
from notifications import calendar
from notifications.audience import confirmed_families, group_trainers
from notifications.listeners.loading import (
    CANCEL,
    REQUEST,
    calendar_for,
    enrolments_loaded,
    group_revision,
    invitation_for,
    load_group,
    load_session,
    schedule_of,
    write_to_guardian,
)
from notifications.listeners.viability import other_open_groups
from notifications.messages import Recipient, message_write, reply_to_for, trainer_recipient
from programmes.models import Trainer
from scheduler import events as scheduler_events
from scheduler.models import Group, GroupStatus, Session


def _audience(group: Group) -> list[tuple[Recipient, list[str]]]:
    return confirmed_families(group) + [(t, []) for t in group_trainers(group)]


def _write_schedule_change(
    *,
    kind: str,
    event: str,
    object_id: int,
    revision: int,
    group: Group,
    ics: Callable[[Recipient], str],
    ics_method: str,
    meetings: Sequence[Session] = (),
    **extra: Any,
) -> None:
    reply_to = reply_to_for(group.host_school)
    for recipient, children in _audience(group):
        message_write(
            meetings=meetings,
            kind=kind,
            event=event,
            object_id=object_id,
            recipient=recipient,
            revision=revision,
            context={"group": group, "children": children, **extra},
            reply_to=reply_to,
            ics=ics,
            ics_method=ics_method,
        )


def _session_update_write(
    event: scheduler_events.SessionMoved | scheduler_events.SessionAdded,
    *,
    kind: str,
    key: str,
    **extra: Any,
) -> None:
    """A session moved or added: the REQUEST that puts it in every calendar as it is now."""
    session = load_session(event.session_id)
    if session is None or session.group.is_cancelled:
        return
    _write_schedule_change(
        kind=kind,
        event=key,
        object_id=session.pk,
        revision=event.revision,
        group=session.group,
        ics=calendar_for(calendar.session_update, session=session),
        ics_method=REQUEST,
        session=session,
        **extra,
    )


def on_session_moved(event: scheduler_events.SessionMoved) -> None:
    _session_update_write(
        event, kind="session_moved", key="session-moved", old_starts_at=event.old_starts_at
    )


def on_session_added(event: scheduler_events.SessionAdded) -> None:
    _session_update_write(event, kind="session_added", key="session-added")


def on_session_cancelled(event: scheduler_events.SessionCancelled) -> None:
    session = load_session(event.session_id)
    if session is None or session.group.is_cancelled:
        return
    replacement = Session.objects.filter(pk=event.replacement_id).first()
    _write_schedule_change(
        kind="session_cancelled",
        event="session-cancelled",
        object_id=session.pk,
        revision=event.revision,
        group=session.group,
        ics=calendar_for(calendar.session_cancellation, session=session),
        ics_method=CANCEL,
        session=session,
        replacement=replacement,
    )


def on_group_cancelled(event: scheduler_events.GroupCancelled) -> None:
    """Confirmed families and trainers get the calendar cancellation; families still waiting
    (for consent, an offer, a waitlist seat) get the same news without a calendar file.
    Families are offered the programme's other open groups for the host school's pupils."""
    group = load_group(event.group_id)
    if group is None:
        return
    offered = other_open_groups(group)
    _write_schedule_change(
        kind="group_cancelled",
        event="group-cancelled",
        object_id=group.pk,
        revision=0,
        group=group,
        ics=calendar_for(calendar.group_cancellation, group=group),
        ics_method=CANCEL,
        meetings=calendar.parent_meetings_of(group),
        **offered,
    )
    waiting = list(
        enrolments_loaded()
        .filter(
            group=group,
            status__in=[
                EnrolmentStatus.AWAITING_CONSENT,
                EnrolmentStatus.AWAITING_INTAKE,
                EnrolmentStatus.OFFERED,
                EnrolmentStatus.WAITLISTED,
            ],
        )
        .order_by("pk")
    )
    guardians_of: dict[int, list[Guardian]] = {}
    # One query for the guardians of every waiting family (in the default order).
    for guardian in Guardian.objects.filter(
        submission_id__in={e.submission_id for e in waiting}
    ).exclude(email=""):
        guardians_of.setdefault(guardian.submission_id, []).append(guardian)
    for enrolment in waiting:
        family = guardians_of.get(enrolment.submission_id, [])
        enroller = next((g for g in family if g.is_enroller), None)
        for guardian in family:
            write_to_guardian(
                "group_cancelled",
                "group-cancelled-waiting",
                enrolment,
                guardian,
                children=[enrolment.child.first_name],
                enroller=enroller,
                **offered,
            )


def _trainer_and_group(event: Any) -> tuple[Trainer | None, Group | None]:
    trainer = Trainer.objects.select_related("user").filter(pk=event.trainer_id).first()
    return trainer, load_group(event.group_id)


def on_trainer_assigned(event: scheduler_events.TrainerAssigned) -> None:
    trainer, group = _trainer_and_group(event)
    if trainer is None or group is None or group.status == GroupStatus.CANCELLED:
        return
    message_write(
        kind="trainer_assigned",
        event="trainer-assigned",
        object_id=group.pk,
        recipient=trainer_recipient(trainer),
        revision=group_revision(group),
        context={"group": group, **schedule_of(group)},
        reply_to=reply_to_for(group.host_school),
        ics=invitation_for(group),
        ics_method=REQUEST,
        meetings=calendar.parent_meetings_of(group),
    )


def on_trainer_removed(event: scheduler_events.TrainerRemoved) -> None:
    trainer, group = _trainer_and_group(event)
    if trainer is None or group is None:
        return
    message_write(
        kind="trainer_removed",
        event="trainer-removed",
        object_id=group.pk,
        recipient=trainer_recipient(trainer),
        revision=group_revision(group),
        context={"group": group},
        reply_to=reply_to_for(group.host_school),
        ics=calendar_for(calendar.group_cancellation, group=group),
        ics_method=CANCEL,
        meetings=calendar.parent_meetings_of(group),
    )
