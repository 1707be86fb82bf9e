"""Listeners of the decisions about a group below its minimum (`scheduler.services.viability`):
a postponed group's confirmed families and trainers get one updated invitation with the whole
moved series, and its families still waiting (for consent, an intake, an offer or on the
waitlist) the same news without a calendar file; a pooled group's families get the new
group's place and times as an invitation and are asked to confirm or withdraw, each
guardian with authority on a link of their own (`enrolment.services.pool_answer`). (A group
that does not start is cancelled: `on_group_cancelled` answers, with the programme's other
open groups.)

Each recipient gets one e-mail per decision. A confirmed family of a pooled group also has
the old group's dates in their calendar: iTIP allows one UID per calendar file and iMIP
one method per mail, so the invitation the mail shows is the new group's REQUEST, and the
new group's parent meetings (REQUEST) and the old group's series and parent meetings
(CANCEL) ride along in the same mail, each as a calendar file of its own with its own
METHOD (`message_write`'s `meetings` and `also`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from enrolment import events as enrolment_events
from enrolment.catalogue import open_groups_with_seats
from enrolment.models import Enrolment, EnrolmentStatus, Guardian
from notifications import calendar
from notifications.audience import confirmed_families, group_trainers, mailable_guardians
from notifications.listeners.loading import (
    REQUEST,
    calendar_for,
    enrolments_loaded,
    group_revision,
    invitation_for,
    load_group,
    schedule_of,
    write_to_guardian,
)
from notifications.messages import (
    Recipient,
    absolute_url,
    link_url,
    message_write,
    reply_to_for,
)
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


# Families who hold no confirmed seat yet but hear what happens to the group.
WAITING = (
    EnrolmentStatus.AWAITING_CONSENT,
    EnrolmentStatus.AWAITING_INTAKE,
    EnrolmentStatus.OFFERED,
    EnrolmentStatus.WAITLISTED,
)


def waiting_families(group: Group) -> list[tuple[Enrolment, Guardian, Guardian | None]]:
    """Each guardian (with an address) of each waiting enrolment of the group, with the
    enroller of their submission (so `may_mail` needs no query); two queries."""
    waiting = list(enrolments_loaded().filter(group=group, status__in=WAITING).order_by("pk"))
    family: dict[int, list[Guardian]] = {}
    for guardian in Guardian.objects.filter(
        submission_id__in={e.submission_id for e in waiting}
    ).exclude(email=""):
        family.setdefault(guardian.submission_id, []).append(guardian)
    found = []
    for enrolment in waiting:
        guardians = family.get(enrolment.submission_id, [])
        enroller = next((g for g in guardians if g.is_enroller), None)
        found.extend((enrolment, guardian, enroller) for guardian in guardians)
    return found


def on_group_postponed(event: scheduler_events.GroupPostponed) -> None:
    group = load_group(event.group_id)
    if group is None or group.is_cancelled:
        return
    audience: list[tuple[Recipient, list[str]]] = confirmed_families(group) + [
        (t, []) for t in group_trainers(group)
    ]
    schedule = schedule_of(group)
    meetings = calendar.parent_meetings_of(group)
    for recipient, children in audience:
        message_write(
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
            meetings=meetings,
        )
    for enrolment, guardian, enroller in waiting_families(group):
        write_to_guardian(
            "group_postponed",
            "group-postponed-waiting",
            enrolment,
            guardian,
            revision=event.revision,
            enroller=enroller,
            children=[enrolment.child.first_name],
            old_first_date=event.old_first_date,
            waiting=True,
            **schedule,
        )


def on_enrolments_pooled(event: enrolment_events.EnrolmentsPooled) -> None:
    """Every guardian (who may be mailed) of each moved child: the new group's place and
    times, in one e-mail each, asking to confirm or withdraw on their own link; a confirmed
    child's family gets the new group's calendar in it, and the old group's cancellation
    beside it."""
    into = load_group(event.into_group_id)
    old = load_group(event.from_group_id)
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
    new_meetings = calendar.parent_meetings_of(into)
    # Each guardian with authority confirms or withdraws on their own link.
    tokens = dict(event.links)
    # The old group's dates leave a confirmed family's calendar: the series, then each
    # parent meeting, cancelled under the UIDs the family knows them by.
    old_dates = [calendar_for(calendar.group_cancellation, group=old)] + [
        calendar_for(calendar.session_cancellation, session=meeting)
        for meeting in calendar.parent_meetings_of(old)
    ]
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
                meetings=new_meetings if confirmed else (),
                also=old_dates if confirmed else (),
                old_school=old.host_school.name,
                old_group=old,
                old_dates_removed=confirmed,
                answer_url=link_url(tokens[guardian.pk]) if guardian.pk in tokens else "",
                **schedule,
            )
