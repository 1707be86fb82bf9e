"""What the listeners share: loading what a message shows by id, and writing one message
to a guardian of an enrolment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Sum

from enrolment.models import Enrolment, Guardian
from notifications import calendar
from notifications.audience import may_mail
from notifications.messages import Recipient, guardian_recipient, message_write, reply_to_for
from programmes.models import reply_to_subquery
from scheduler.models import Group, Session, SessionKind, SessionStatus

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def enrolments_loaded() -> Any:
    """Enrolments with what every message about them shows, and their reply-to address.

    The submission is not joined: only its id is needed (`guardians_of`)."""
    return Enrolment.objects.select_related(
        "child", "group__programme", "group__host_school"
    ).annotate(host_reply_to=reply_to_subquery("group__host_school"))


def load_enrolment(enrolment_id: int) -> Enrolment | None:
    # A primary-key look-up needs no ORDER BY (which `.first()` would add).
    return next(iter(enrolments_loaded().filter(pk=enrolment_id).order_by()), None)


def guardians_of(enrolment: Enrolment) -> Any:
    """The guardians of the enrolment's submission, enroller first."""
    return Guardian.objects.filter(submission_id=enrolment.submission_id)


def reply_to_of(enrolment: Enrolment) -> str:
    """The reply-to of the group's host school, loaded with the enrolment when it could be
    (else looked up once and kept on the object for the next message about it)."""
    preloaded = getattr(enrolment, "host_reply_to", None)
    if preloaded is None:  # a group locked for a new enrolment brings it along
        preloaded = getattr(enrolment.group, "host_reply_to", None)
    if preloaded is None:
        preloaded = enrolment.host_reply_to = reply_to_for(enrolment.group.host_school)
    return preloaded


def enroller_of(enrolment: Enrolment) -> Guardian | None:
    return next(iter(guardians_of(enrolment).filter(is_enroller=True).order_by()), None)


def load_group(group_id: int) -> Group | None:
    return Group.objects.select_related("programme", "host_school").filter(pk=group_id).first()


def load_session(session_id: int) -> Session | None:
    return (
        Session.objects.select_related("group__programme", "group__host_school")
        .filter(pk=session_id)
        .first()
    )


def schedule_of(group: Group) -> dict[str, list[Session]]:
    sessions = list(group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("starts_at"))
    return {
        "child_sessions": [s for s in sessions if s.kind == SessionKind.CHILD],
        "parent_meetings": [s for s in sessions if s.kind == SessionKind.PARENT],
    }


def group_revision(group: Group) -> int:
    """A number that rises with every change to the group's sessions (and its trainers:
    replacing a trainer bumps the coming sessions)."""
    return group.sessions.aggregate(total=Sum("revision"))["total"] or 0


def enrolment_context(enrolment: Enrolment, **extra: Any) -> dict[str, Any]:
    return {
        "group": enrolment.group,
        "enrolment": enrolment,
        "child": enrolment.child.first_name,
        **extra,
    }


def write_to_guardian(
    kind: str,
    event: str,
    enrolment: Enrolment,
    guardian: Guardian | None,
    *,
    revision: Any = 0,
    ics: Callable[[Recipient], str] | None = None,
    ics_method: str = "",
    meetings: Sequence[Session] = (),
    also: Sequence[Callable[[Recipient], str]] = (),
    first_contact: bool = False,
    enroller: Guardian | None = None,
    **extra: Any,
) -> Any:
    if guardian is None or not may_mail(guardian, enroller=enroller):
        return None
    return message_write(
        meetings=meetings,
        kind=kind,
        event=event,
        object_id=enrolment.pk,
        recipient=guardian_recipient(guardian, first_contact=first_contact),
        revision=revision,
        context=enrolment_context(enrolment, **extra),
        reply_to=reply_to_of(enrolment),
        ics=ics,
        ics_method=ics_method,
        also=also,
    )


def calendar_for(make: Callable[..., str], **about: Any) -> Callable[[Recipient], str]:
    """The recipient's own calendar file: iTIP wants them as the only attendee."""
    return lambda r: make(recipient_email=r.email, recipient_name=r.name, **about)


def invitation_for(group: Group) -> Callable[[Recipient], str]:
    return calendar_for(calendar.group_invitation, group=group)
