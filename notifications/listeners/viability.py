"""Listeners of the decisions about a group below its minimum (`scheduler.services.viability`):
a postponed group's families and trainers get one updated invitation with the whole moved
series; a pooled group's families get the new group's place and times as an invitation and
are asked to let the school know if it does not suit them. (A group that does not start is
cancelled: `on_group_cancelled` answers, with the programme's other open groups.)"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from enrolment import events as enrolment_events
from enrolment.catalogue import open_groups_with_seats
from enrolment.models import EnrolmentStatus, Guardian
from notifications import calendar
from notifications.audience import confirmed_families, group_trainers, mailable_guardians
from notifications.listeners.loading import (
    REQUEST,
    enrolments_loaded,
    group_revision,
    invitation_for,
    load_group,
    schedule_of,
    write_to_guardian,
)
from notifications.messages import Recipient, absolute_url, message_write, reply_to_for
from scheduler import events as scheduler_events
from scheduler.models import Group


def other_open_groups(group: Group) -> dict[str, Any]:
    """What a family of a group that does not go on is offered: the programme's other open
    groups their school's pupils may join (`open_groups_with_seats`, the one answer the
    school page gives) and the address of that page."""
    found = open_groups_with_seats(group.host_school_id, programme_id=group.programme_id)
    others = [g for g in (found.groups if found else []) if g.pk != group.pk]
    url = absolute_url(reverse("enrol-school", args=[group.host_school_id])) if others else ""
    return {"open_groups": others, "enrol_url": url}


def on_group_postponed(event: scheduler_events.GroupPostponed) -> None:
    group = load_group(event.group_id)
    if group is None or group.is_cancelled:
        return
    audience: list[tuple[Recipient, list[str]]] = confirmed_families(group) + [
        (t, []) for t in group_trainers(group)
    ]
    schedule = schedule_of(group)
    for recipient, children in audience:
        message_write(
            meetings=calendar.parent_meetings_of(group),
            kind="group_postponed",
            event="group-postponed",
            object_id=group.pk,
            recipient=recipient,
            revision=event.revision,
            context={
                "group": group,
                "children": children,
                "old_first_date": event.old_first_date,
                **schedule,
            },
            reply_to=reply_to_for(group.host_school),
            ics=invitation_for(group),
            ics_method=REQUEST,
        )


def on_enrolments_pooled(event: enrolment_events.EnrolmentsPooled) -> None:
    """Every guardian (who may be mailed) of each moved child: the new group's place and
    times; a confirmed child's family gets the new group's calendar too."""
    into = load_group(event.into_group_id)
    old = Group.objects.select_related("host_school").filter(pk=event.from_group_id).first()
    if into is None or old is None:
        return
    enrolments = list(enrolments_loaded().filter(pk__in=event.enrolment_ids).order_by("pk"))
    guardians: dict[int, list[Guardian]] = {}
    for guardian in mailable_guardians(
        Guardian.objects.filter(submission_id__in={e.submission_id for e in enrolments})
    ).exclude(email=""):
        guardians.setdefault(guardian.submission_id, []).append(guardian)
    schedule = schedule_of(into)
    revision = group_revision(into)
    for enrolment in enrolments:
        confirmed = enrolment.status == EnrolmentStatus.CONFIRMED
        for guardian in guardians.get(enrolment.submission_id, []):
            write_to_guardian(
                "group_pooled",
                "group-pooled",
                enrolment,
                guardian,
                revision=f"{old.pk}-{revision}",
                ics=invitation_for(into) if confirmed else None,
                ics_method=REQUEST if confirmed else "",
                meetings=calendar.parent_meetings_of(into) if confirmed else (),
                old_school=old.host_school.name,
                **schedule,
            )
