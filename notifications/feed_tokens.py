"""Calendar feed links: making, revoking and resolving their secret tokens, and what a
feed holds.

A token is 256 random bits (43 URL-safe characters); only its SHA-256 is stored, so a
link is shown once, when it is made. A staff member's feeds (their own trainer
schedule, a group, a school) are checked against `programmes.access` /
`scheduler.access` on every request, so a link stops working when its owner loses
access. An enrolment's feed (for its guardians) works while the enrolment is confirmed
or completed and not erased.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tokens import new_token, token_hash
from enrolment.models import Enrolment, EnrolmentStatus
from notifications.calendar import feed_fingerprint
from notifications.models import CalendarEventStamp, CalendarFeedToken, FeedKind
from programmes import access
from programmes.models import School, Trainer
from scheduler import access as scheduler_access
from scheduler.models import Group, Session, SessionStatus

# Scheduled sessions stay in a feed this long after they started (a term's history).
FEED_PAST = dt.timedelta(days=180)
# Cancelled sessions stay as STATUS:CANCELLED this long after their start, so every
# subscribed calendar sees the cancellation before the event disappears.
FEED_CANCELLED_KEPT = dt.timedelta(days=14)
FEED_ENROLMENT_STATUSES = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED)


hash_token = token_hash


@dataclass(frozen=True)
class FeedLink:
    """A freshly made link: the only moment its token exists outside the request."""

    token: CalendarFeedToken
    raw: str

    @property
    def path(self) -> str:
        return reverse("calendar-feeds:feed", kwargs={"token": self.raw})

    @property
    def https_url(self) -> str:
        """The web address (https in production; http under `make run`)."""
        return feed_urls(self.raw)[0]

    @property
    def scheme(self) -> str:
        """The scheme of the web address, so the page labels what it shows."""
        return self.https_url.split("://", 1)[0]

    @property
    def webcal_url(self) -> str:
        return feed_urls(self.raw)[1]


def feed_urls(raw: str) -> tuple[str, str]:
    """The https and webcal addresses of a feed token, from SITE_URL."""
    path = reverse("calendar-feeds:feed", kwargs={"token": raw})
    base = settings.SITE_URL.rstrip("/")
    https = f"{base}{path}"
    webcal = "webcal://" + https.split("://", 1)[1]
    return https, webcal


# --- changing --------------------------------------------------------------------------


def _targets(
    kind: str,
    *,
    trainer: Trainer | None = None,
    group: Group | None = None,
    school: School | None = None,
) -> dict[str, Any]:
    return {
        "trainer": trainer if kind == FeedKind.TRAINER else None,
        "group": group if kind == FeedKind.GROUP else None,
        "school": school if kind == FeedKind.SCHOOL else None,
    }


def staff_feed_allowed(
    user: Any,
    kind: str,
    *,
    trainer: Trainer | None = None,
    group: Group | None = None,
    school: School | None = None,
) -> bool:
    """Whether `user` may (still) subscribe to this feed, by the access modules' rules."""
    if not getattr(user, "is_active", False):
        return False
    if kind == FeedKind.TRAINER:
        return trainer is not None and trainer.user_id == user.pk and trainer.active
    if kind == FeedKind.GROUP:
        return (
            group is not None
            and scheduler_access.groups_visible_to(user).filter(pk=group.pk).exists()
        )
    if kind == FeedKind.SCHOOL:
        return school is not None and access.schools_visible_to(user).filter(pk=school.pk).exists()
    return False


@transaction.atomic
def feed_token_regenerate(
    *,
    owner: Any,
    kind: str,
    trainer: Trainer | None = None,
    group: Group | None = None,
    school: School | None = None,
    language: str = "nl",
) -> FeedLink:
    """Make a new link for one of `owner`'s feeds and revoke the previous ones for it.

    Refuses (PermissionError) a feed outside the owner's scope. The returned `FeedLink`
    holds the raw token; it is not stored and cannot be shown again.
    """
    targets = _targets(kind, trainer=trainer, group=group, school=school)
    if kind == FeedKind.ENROLMENT or not staff_feed_allowed(owner, kind, **targets):
        raise PermissionError("feed outside the owner's scope")
    now = timezone.now()
    CalendarFeedToken.objects.filter(
        owner=owner, kind=kind, revoked_at__isnull=True, **targets
    ).update(revoked_at=now)
    raw = new_token()
    token = CalendarFeedToken.objects.create(
        token_hash=hash_token(raw), kind=kind, owner=owner, language=language, **targets
    )
    return FeedLink(token=token, raw=raw)


@transaction.atomic
def feed_token_revoke(
    *,
    owner: Any,
    kind: str,
    trainer: Trainer | None = None,
    group: Group | None = None,
    school: School | None = None,
) -> int:
    """Revoke every active link of one of `owner`'s feeds; returns how many. Their
    addresses answer 404 from now on."""
    targets = _targets(kind, trainer=trainer, group=group, school=school)
    return CalendarFeedToken.objects.filter(
        owner=owner, kind=kind, revoked_at__isnull=True, **targets
    ).update(revoked_at=timezone.now())


@transaction.atomic
def enrolment_feed_token_create(*, enrolment: Enrolment, language: str = "nl") -> FeedLink:
    """A new feed link for an enrolment's guardians (the group's sessions and parent
    meetings), for the confirmation e-mail. Each call makes another link; earlier ones
    stay valid until revoked. The feed answers while the enrolment is confirmed or
    completed and not erased. Nothing is emitted.
    """
    raw = new_token()
    token = CalendarFeedToken.objects.create(
        token_hash=hash_token(raw),
        kind=FeedKind.ENROLMENT,
        enrolment=enrolment,
        language=language if language in dict(settings.LANGUAGES) else "nl",
    )
    return FeedLink(token=token, raw=raw)


@transaction.atomic
def enrolment_feed_tokens_revoke(*, enrolment: Enrolment) -> int:
    """Revoke every feed link of an enrolment (e.g. from the guardian's manage page)."""
    return CalendarFeedToken.objects.filter(
        enrolment=enrolment, kind=FeedKind.ENROLMENT, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


# --- reading ---------------------------------------------------------------------------


def feed_token_resolve(raw: str) -> CalendarFeedToken | None:
    """The active token for `raw` whose feed may still be served, or None (then: 404)."""
    if not raw or len(raw) > 100:
        return None
    token = (
        CalendarFeedToken.objects.select_related(
            "owner", "trainer__user", "group", "school", "enrolment"
        )
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    if token.kind == FeedKind.ENROLMENT:
        enrolment = token.enrolment
        if enrolment.status not in FEED_ENROLMENT_STATUSES or enrolment.erased_at is not None:
            return None
        return token
    targets = _targets(token.kind, trainer=token.trainer, group=token.group, school=token.school)
    if not staff_feed_allowed(token.owner, token.kind, **targets):
        return None
    return token


@dataclass(slots=True)
class FeedSession:
    """One session as a feed needs it: the fields of `Session` that a calendar event
    shows, its group (with programme and host school) and its recorded stamp.

    Reading these as values instead of model instances keeps a 500-session feed fast."""

    pk: int
    uid: uuid.UUID
    kind: str
    status: str
    revision: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    group: Group
    stamp_fingerprint: str | None
    stamp_changed_at: dt.datetime | None


# What an event shows of its group (`notifications.calendar.feed_fingerprint`, the title and
# the location): the rest of the group, programme and school rows stays unread.
FEED_GROUP_FIELDS = (
    "status",
    "location",
    "room",
    "class_name",
    "programme__discreet_titles",
    "programme__discreet_name",
    "programme__name_nl",
    "programme__name_en",
    "host_school__name",
)


def feed_sessions(token: CalendarFeedToken, *, now: dt.datetime | None = None) -> list[FeedSession]:
    """The sessions a feed shows, in start order, in two queries: scheduled ones from
    `FEED_PAST` ago on, cancelled ones until `FEED_CANCELLED_KEPT` after their start."""
    now = now or timezone.now()
    if token.kind == FeedKind.TRAINER:
        scope = Q(group__in=Group.objects.filter(trainers=token.trainer_id).values("pk"))
    elif token.kind == FeedKind.GROUP:
        scope = Q(group_id=token.group_id)
    elif token.kind == FeedKind.SCHOOL:
        groups = Group.objects.filter(
            Q(host_school_id=token.school_id) | Q(admitted_schools=token.school_id)
        )
        scope = Q(group__in=groups.values("pk"))
    else:
        scope = Q(group_id=token.enrolment.group_id)
    window = Q(status=SessionStatus.SCHEDULED, starts_at__gte=now - FEED_PAST) | Q(
        status=SessionStatus.CANCELLED, starts_at__gte=now - FEED_CANCELLED_KEPT
    )
    rows = list(
        Session.objects.filter(scope & window)
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "uid",
            "kind",
            "status",
            "revision",
            "starts_at",
            "ends_at",
            "group_id",
            "calendar_stamp__fingerprint",
            "calendar_stamp__changed_at",
        )
    )
    groups = (
        Group.objects.select_related("programme", "host_school")
        .only(*FEED_GROUP_FIELDS)
        .in_bulk({row[7] for row in rows})
    )
    return [
        FeedSession(
            pk=pk,
            uid=uid,
            kind=kind,
            status=status,
            revision=revision,
            starts_at=starts_at,
            ends_at=ends_at,
            group=groups[group_id],
            stamp_fingerprint=fingerprint,
            stamp_changed_at=changed_at,
        )
        for (
            pk,
            uid,
            kind,
            status,
            revision,
            starts_at,
            ends_at,
            group_id,
            fingerprint,
            changed_at,
        ) in rows
    ]


def feed_name(token: CalendarFeedToken) -> str:
    if token.kind == FeedKind.TRAINER:
        return _("Rooster %(name)s") % {"name": token.trainer.display_name}
    if token.kind == FeedKind.SCHOOL:
        return _("Groepsprogramma's %(school)s") % {"school": token.school.name}
    if token.kind == FeedKind.GROUP:
        group = Group.objects.select_related("programme", "host_school").get(pk=token.group_id)
    else:
        group = Group.objects.select_related("programme", "host_school").get(
            pk=token.enrolment.group_id
        )
    return group.programme.public_title(group.host_school.name)


def event_stamps(
    sessions: list[FeedSession], *, now: dt.datetime | None = None
) -> dict[int, dt.datetime]:
    """Each session's DTSTAMP for feeds: when its content last changed, as first seen.

    Reads the stamps joined in by `feed_sessions`; writes new ones (one query) only for
    sessions whose content changed since, so the query count does not depend on the
    number of sessions.
    """
    now = (now or timezone.now()).replace(microsecond=0)
    stamps: dict[int, dt.datetime] = {}
    changed: list[CalendarEventStamp] = []
    for session in sessions:
        fingerprint = hashlib.sha256(feed_fingerprint(session).encode()).hexdigest()
        if session.stamp_fingerprint == fingerprint and session.stamp_changed_at is not None:
            stamps[session.pk] = session.stamp_changed_at
            continue
        changed.append(
            CalendarEventStamp(session_id=session.pk, fingerprint=fingerprint, changed_at=now)
        )
        stamps[session.pk] = now
    if changed:
        CalendarEventStamp.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["session"],
            update_fields=["fingerprint", "changed_at"],
        )
    return stamps


def feed_content_seen(
    token: CalendarFeedToken, content_hash: str, *, now: dt.datetime | None = None
) -> dt.datetime:
    """The feed's Last-Modified: when its body last changed (recorded on the token)."""
    if token.content_hash == content_hash and token.content_changed_at is not None:
        return token.content_changed_at
    changed_at = (now or timezone.now()).replace(microsecond=0)
    CalendarFeedToken.objects.filter(pk=token.pk).update(
        content_hash=content_hash, content_changed_at=changed_at
    )
    token.content_hash, token.content_changed_at = content_hash, changed_at
    return changed_at
