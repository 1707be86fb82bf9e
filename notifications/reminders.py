"""Reminders, found by periodic sweeps and sent exactly once.

Beat runs each sweep often (see `CELERY_BEAT_SCHEDULE`); a sweep looks at what is due
*now* and writes an outbox row for every reminder that has not been sent. Nothing is
scheduled days ahead with a countdown: a countdown that outlives the broker's visibility
timeout is replayed by Redis, and a session that moves after the countdown was set would
be reminded at the old time.

How a reminder is claimed once, without a table of its own: the reminder's outbox key
names what it is about and when, e.g. ``reminder-first-session:<group>:guardian-<id>:<date>``.
The key is unique in the database, so `message_enqueue` writes the row once and returns None
for every later attempt; the INSERT on the unique key is the conditional update that claims
the reminder. Two sweeps running at once race on that key and only one writes. A sweep that
runs twice in an hour, or a beat that fires twice, sends nothing twice, and a sweep that was
missed is made good by the next one. When a reminder's subject changes (a first session
moved to another date), its key changes with it and the new date gets its own reminder.

Each reminder is written in its own transaction, so one bad row does not hold up the rest.
The beat's Celery tasks live at the end, beside the sweeps they call.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime

from enrolment.models import (
    ACTIVE,
    AccessLink,
    Consent,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    LinkPurpose,
)
from enrolment.services import (
    consent_asked_of,
    consent_link_renew,
    pool_answer_open,
    pool_link_guardians,
    pool_link_renew,
)
from notifications.audience import confirmed_families, may_mail
from notifications.messages import (
    absolute_url,
    guardian_recipient,
    link_url,
    message_write,
    reply_to_for,
    trainer_recipient,
    user_recipient,
)
from notifications.models import OutboxMessage
from programmes.access import MANAGER_GROUP
from programmes.models import Trainer
from scheduler.models import Group, GroupStatus, Session, SessionKind, SessionStatus
from scheduler.selectors import groups_below_minimum

# Parents hear about a session this many days before it.
DAYS_AHEAD = 2
# A guardian who has not answered a consent request after this long gets one reminder.
CONSENT_REMINDER_AFTER = dt.timedelta(days=3)
# Groups whose sessions are real: not a draft, not cancelled, not over.
LIVE_GROUPS = (GroupStatus.PUBLISHED, GroupStatus.ENROLMENT_CLOSED, GroupStatus.RUNNING)
# Enrolments for which consent may still be given.
AWAITING_ANSWER = (
    EnrolmentStatus.AWAITING_CONSENT,
    EnrolmentStatus.WAITLISTED,
    EnrolmentStatus.OFFERED,
)


def _start_of_local_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """From now to the end of the local day `DAYS_AHEAD` days on: a session in it is due
    for its reminder (a sweep that missed the exact day still catches it before it starts)."""
    today = localtime(now).date()
    return now, _start_of_local_day(today + dt.timedelta(days=DAYS_AHEAD + 1))


def _claimed(key: str) -> bool:
    """A cheap look before doing work; the unique key stays the real claim."""
    return OutboxMessage.objects.filter(key=key).exists()


def first_session_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind every guardian of a confirmed child, two days before the group's first child
    session. Returns how many reminders were written."""
    now = now or timezone.now()
    start, end = _window(now)
    groups = (
        Group.objects.filter(status__in=LIVE_GROUPS)
        .annotate(
            first_start=Min(
                "sessions__starts_at",
                filter=Q(
                    sessions__kind=SessionKind.CHILD,
                    sessions__status=SessionStatus.SCHEDULED,
                ),
            )
        )
        .filter(first_start__gt=start, first_start__lt=end)
        .select_related("programme", "host_school")
        .order_by("pk")
    )
    written = 0
    for group in groups:
        session = (
            group.sessions.filter(kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED)
            .order_by("starts_at")
            .first()
        )
        if session is None:
            continue
        written += _remind_families(
            kind="reminder_first_session",
            event="reminder-first-session",
            object_id=group.pk,
            group=group,
            session=session,
        )
    return written


def parent_meeting_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind every guardian of a confirmed child, two days before each parent meeting."""
    now = now or timezone.now()
    start, end = _window(now)
    meetings = (
        Session.objects.filter(
            kind=SessionKind.PARENT,
            status=SessionStatus.SCHEDULED,
            starts_at__gt=start,
            starts_at__lt=end,
            group__status__in=LIVE_GROUPS,
        )
        .select_related("group__programme", "group__host_school")
        .order_by("starts_at", "pk")
    )
    written = 0
    for session in meetings:
        written += _remind_families(
            kind="reminder_parent_meeting",
            event="reminder-parent-meeting",
            object_id=session.pk,
            group=session.group,
            session=session,
        )
    return written


def _remind_families(
    *, kind: str, event: str, object_id: int, group: Group, session: Session
) -> int:
    revision = localtime(session.starts_at).date().isoformat()
    reply_to = reply_to_for(group.host_school)
    written = 0
    for recipient, children in confirmed_families(group):
        if _claimed(f"{event}:{object_id}:{recipient.key}:{revision}"):
            continue
        with transaction.atomic():
            row = message_write(
                kind=kind,
                event=event,
                object_id=object_id,
                recipient=recipient,
                revision=revision,
                context={"group": group, "session": session, "children": children},
                reply_to=reply_to,
            )
        written += row is not None
    return written


def trainer_agendas_send(*, now: dt.datetime | None = None) -> int:
    """On Monday, send each trainer the sessions of their live groups in this week (Monday to
    Sunday), only to trainers who have any. Other days send nothing."""
    now = now or timezone.now()
    monday = localtime(now).date()
    if monday.weekday() != 0:
        return 0
    sessions = (
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            starts_at__gte=_start_of_local_day(monday),
            starts_at__lt=_start_of_local_day(monday + dt.timedelta(days=7)),
            group__status__in=LIVE_GROUPS,
        )
        .select_related("group__programme", "group__host_school")
        .prefetch_related("group__trainers")
        .order_by("starts_at", "pk")
    )
    per_trainer: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        for trainer in session.group.trainers.all():
            per_trainer[trainer.pk].append(session)
    trainers = Trainer.objects.filter(pk__in=list(per_trainer)).select_related("user")
    week = monday.isocalendar().week
    written = 0
    for trainer in trainers.order_by("pk"):
        recipient = trainer_recipient(trainer)
        with transaction.atomic():
            row = message_write(
                kind="trainer_agenda",
                event="reminder-trainer-agenda",
                object_id=monday.isoformat(),
                recipient=recipient,
                context={"sessions": per_trainer[trainer.pk], "week": week},
            )
        written += row is not None
    return written


def coordinator_digests_send(*, now: dt.datetime | None = None) -> int:
    """Send each coordinator the enrolments of their schools' pupils made yesterday (local
    day); a coordinator whose schools had none gets nothing."""
    now = now or timezone.now()
    day = localtime(now).date() - dt.timedelta(days=1)
    enrolments = list(
        Enrolment.objects.filter(
            created_at__gte=_start_of_local_day(day),
            created_at__lt=_start_of_local_day(day + dt.timedelta(days=1)),
            erased_at__isnull=True,
        )
        .select_related("child__school", "group__programme", "group__host_school")
        .order_by("created_at", "pk")
    )
    if not enrolments:
        return 0
    school_ids = {e.child.school_id for e in enrolments}
    coordinators = (
        get_user_model()
        .objects.filter(coordinated_schools__in=school_ids, is_active=True)
        .exclude(email="")
        .distinct()
        .prefetch_related("coordinated_schools")
        .order_by("pk")
    )
    overview_url = absolute_url(reverse("staff-overview"))
    written = 0
    for user in coordinators:
        own = {school.pk for school in user.coordinated_schools.all()}
        theirs = [e for e in enrolments if e.child.school_id in own]
        if not theirs:
            continue
        with transaction.atomic():
            row = message_write(
                kind="coordinator_digest",
                event="reminder-coordinator-digest",
                object_id=day.isoformat(),
                recipient=user_recipient(user),
                context={"day": day, "enrolments": theirs, "overview_url": overview_url},
            )
        written += row is not None
    return written


def consent_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind, once, each guardian who was asked for consent at least three days ago and has
    not answered while the enrolment still waits. The reminder carries a fresh link (the
    first one's token is not stored); when the reminder turns out to be sent already, its
    transaction is rolled back, so no unused link is left behind."""
    now = now or timezone.now()
    links = (
        AccessLink.objects.filter(
            purpose=LinkPurpose.CONSENT,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
            created_at__lte=now - CONSENT_REMINDER_AFTER,
            enrolment__status__in=AWAITING_ANSWER,
        )
        .exclude(guardian__email="")
        .select_related(
            "guardian",
            "enrolment__child",
            "enrolment__submission",
            "enrolment__group__programme",
            "enrolment__group__host_school",
        )
        .order_by("created_at", "pk")
    )
    answered = set(
        Consent.objects.filter(
            enrolment__status__in=AWAITING_ANSWER, guardian__isnull=False
        ).values_list("enrolment_id", "guardian_id")
    )
    written = 0
    done: set[tuple[int, int]] = set()
    for link in links:
        pair = (link.enrolment_id, link.guardian_id)
        if pair in answered or pair in done:
            continue
        done.add(pair)
        recipient = guardian_recipient(link.guardian)
        key = f"reminder-consent:{link.enrolment_id}:{recipient.key}:0"
        if _claimed(key):
            continue
        written += _remind_consent(link, recipient)
    return written


def _children_asked(link: AccessLink) -> list[str]:
    """First names of the children of the link's submission that still wait for this
    guardian's consent (the one link answers for all of them)."""
    waiting = Enrolment.objects.filter(
        submission_id=link.submission_id, status__in=AWAITING_ANSWER
    ).select_related("child", "group__programme", "submission")
    asked = consent_asked_of(link.guardian, list(waiting.order_by("pk")))
    return [e.child.first_name for e in asked] or [link.enrolment.child.first_name]


def _remind_consent(link: AccessLink, recipient: Any) -> int:
    enrolment = link.enrolment
    enroller = enrolment.submission.guardians.filter(is_enroller=True).first()
    with transaction.atomic():
        token = consent_link_renew(link=link)
        row = message_write(
            kind="consent_reminder",
            event="reminder-consent",
            object_id=enrolment.pk,
            recipient=recipient,
            context={
                "group": enrolment.group,
                "enrolment": enrolment,
                "child": enrolment.child.first_name,
                # The link covers the siblings that need this guardian's consent too.
                "children": _children_asked(link),
                "consent_url": link_url(token),
                "enroller_name": enroller.name if enroller else "",
            },
            reply_to=reply_to_for(enrolment.group.host_school),
        )
        if row is None:
            transaction.set_rollback(True)
    return int(row is not None)


def pool_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind, once, each guardian with authority of a child moved by a pooling whose family
    has neither confirmed nor withdrawn `ENROLMENT_POOL_REMINDER_DAYS` after the pooling,
    while the new group has not started. The reminder carries a fresh link of their own
    (the first one's token is not stored); a reminder sent already rolls back its
    transaction, so no unused link is left behind. No answer removes no one."""
    now = now or timezone.now()
    after = dt.timedelta(days=settings.ENROLMENT_POOL_REMINDER_DAYS)
    waiting = list(
        Enrolment.objects.select_related("child", "group__programme", "group__host_school")
        .filter(
            pooled_from__isnull=False,
            pool_confirmed_at__isnull=True,
            status__in=sorted(ACTIVE),
            pooled_from__decided_at__lte=now - after,
        )
        .order_by("pk")
    )
    waiting = [e for e in waiting if pool_answer_open(e)]
    family: dict[int, list[Guardian]] = defaultdict(list)
    for guardian in pool_link_guardians(e.submission_id for e in waiting):
        family[guardian.submission_id].append(guardian)
    enrollers = {
        g.submission_id: g
        for g in Guardian.objects.filter(
            submission_id__in={e.submission_id for e in waiting}, is_enroller=True
        )
    }
    written = 0
    for enrolment in waiting:
        enroller = enrollers.get(enrolment.submission_id)
        for guardian in family.get(enrolment.submission_id, []):
            if not may_mail(guardian, enroller=enroller):
                continue
            key = (
                f"reminder-pool:{enrolment.pk}:{guardian_recipient(guardian).key}:"
                f"{enrolment.pooled_from_id}"
            )
            if _claimed(key):
                continue
            written += _remind_pool(enrolment, guardian)
    return written


def _remind_pool(enrolment: Enrolment, guardian: Guardian) -> int:
    first = (
        enrolment.group.sessions.filter(kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED)
        .order_by("starts_at")
        .first()
    )
    with transaction.atomic():
        token = pool_link_renew(guardian=guardian)
        row = message_write(
            kind="pool_reminder",
            event="reminder-pool",
            object_id=enrolment.pk,
            recipient=guardian_recipient(guardian),
            revision=enrolment.pooled_from_id,
            context={
                "group": enrolment.group,
                "enrolment": enrolment,
                "child": enrolment.child.first_name,
                "answer_url": link_url(token),
                "first_session": first,
            },
            reply_to=reply_to_for(enrolment.group.host_school),
        )
        if row is None:
            transaction.set_rollback(True)
    return int(row is not None)


def decision_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Every day until it is decided, remind the host school's coordinators and the programme
    managers of each group below its minimum on its decision day
    (`scheduler.selectors.groups_below_minimum`): one mail per person per day listing their
    groups. Nothing is decided here: the decision is a person's (`services.viability`)."""
    now = now or timezone.now()
    today = localtime(now).date()
    groups = groups_below_minimum(None, today=today)
    if not groups:
        return 0
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    managers = list(
        users.filter(Q(is_superuser=True) | Q(groups__name=MANAGER_GROUP)).distinct().order_by("pk")
    )
    coordinators = list(
        users.filter(coordinated_schools__in={g.host_school_id for g in groups})
        .distinct()
        .prefetch_related("coordinated_schools")
        .order_by("pk")
    )
    theirs: dict[int, tuple[Any, list[Group], str]] = {}
    for user in managers:
        theirs[user.pk] = (user, list(groups), "start-manager")
    for user in coordinators:
        if user.pk in theirs:
            continue
        own = {school.pk for school in user.coordinated_schools.all()}
        mine = [g for g in groups if g.host_school_id in own]
        if mine:
            theirs[user.pk] = (user, mine, "start-coordinator")
    written = 0
    for user, mine, start in theirs.values():
        with transaction.atomic():
            row = message_write(
                kind="decision_reminder",
                event="reminder-group-decision",
                object_id=today.isoformat(),
                recipient=user_recipient(user),
                context={"groups": mine, "start_url": absolute_url(reverse(start))},
            )
        written += row is not None
    return written


# --- Celery tasks (beat sweeps; each reminder is claimed once by its outbox key) ---------


@shared_task(name="notifications.remind_parents", ignore_result=True)
def remind_parents() -> int:
    """Parents: two days before the first session and before each parent meeting."""
    return first_session_reminders_send() + parent_meeting_reminders_send()


@shared_task(name="notifications.remind_trainers_weekly", ignore_result=True)
def remind_trainers_weekly() -> int:
    """Trainers: the week's agenda, on Monday morning (other days send nothing)."""
    return trainer_agendas_send()


@shared_task(name="notifications.remind_coordinators_daily", ignore_result=True)
def remind_coordinators_daily() -> int:
    """Coordinators: yesterday's new enrolments of their schools' pupils, when there are any."""
    return coordinator_digests_send()


@shared_task(name="notifications.remind_consent", ignore_result=True)
def remind_consent() -> int:
    """Guardians who have not answered a consent request after three days: one reminder."""
    return consent_reminders_send()


@shared_task(name="notifications.remind_pool_answers", ignore_result=True)
def remind_pool_answers() -> int:
    """Families of a pooled group who have not confirmed or withdrawn: one reminder."""
    return pool_reminders_send()


@shared_task(name="notifications.remind_group_decisions", ignore_result=True)
def remind_group_decisions() -> int:
    """Coordinators and managers: each day, the groups below their minimum still undecided."""
    return decision_reminders_send()
