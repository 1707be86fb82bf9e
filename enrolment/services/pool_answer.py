"""A pooled family's answer: a group below its minimum was pooled with another
(`enrolment.pooling` moved the children and marked each moved enrolment `pooled_from`), and
the family confirms that their child goes along, or withdraws (`enrolment_withdraw_by_link`,
which clears the mark). No answer removes no one: the seat stays, and the school's
coordinator and the manager see who has not answered (`selectors.pool_answers_missing`).

Every guardian with authority gets a link of their own for it (`pool_links_issue`, when the
children move; `pool_link_renew`, for the reminder)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enrolment.models import ACTIVE, Authority, Enrolment, Guardian, LinkPurpose
from enrolment.services.links import _make_link, link_resolve
from enrolment.services.transitions import _now
from scheduler.models import Group, SessionKind, SessionStatus

# The links on which a guardian sees their submission and may confirm a pooling.
POOL_PURPOSES = (LinkPurpose.CONFIRM, LinkPurpose.MANAGE, LinkPurpose.CONSENT)


@dataclass(frozen=True)
class PoolAnswer:
    enrolment: Enrolment
    recorded: bool  # False: confirmed before, nothing changed
    message: str


def first_session_start(group: Group) -> dt.datetime | None:
    """When the group's first scheduled child session starts (None: none scheduled)."""
    return (
        group.sessions.filter(kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def pool_answer_open(enrolment: Enrolment) -> bool:
    """Whether the family may still confirm: moved by a pooling, unanswered, still active
    and the new group's first session has not started."""
    if not enrolment.awaits_pool_answer:
        return False
    start = first_session_start(enrolment.group)
    return start is None or start > _now()


@transaction.atomic
def pool_confirm(*, token: str, enrolment_public_id: str) -> PoolAnswer:
    """A guardian with authority confirms, with their own link, that their child goes along
    to the group theirs was pooled into. Once: a second confirm changes nothing and says so.

    Refuses (ValidationError): a link not theirs to use, a guardian without authority, an
    enrolment not of the link's submission or not moved by a pooling, one that no longer
    runs, and a confirm after the new group's first session has started."""
    link = link_resolve(token, purposes=POOL_PURPOSES)
    if not link.guardian.has_authority:
        raise ValidationError(_("Alleen een ouder met gezag kan dit bevestigen."))
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("child", "group")
        .filter(submission_id=link.submission_id, public_id=enrolment_public_id)
        .first()
    )
    if enrolment is None:
        raise ValidationError(
            {"enrolment": _("Deze inschrijving hoort niet bij deze link.")}, code="invalid"
        )
    name = enrolment.child.first_name
    if enrolment.pooled_from_id is None:
        raise ValidationError(
            _("%(name)s is niet naar een andere groep verplaatst; er valt niets te bevestigen.")
            % {"name": name}
        )
    if enrolment.status not in ACTIVE:
        raise ValidationError(_("Deze aanmelding loopt niet meer."))
    if enrolment.pool_confirmed_at is not None:
        return PoolAnswer(
            enrolment,
            recorded=False,
            message=_("U had al bevestigd dat %(name)s meegaat naar de nieuwe groep.")
            % {"name": name},
        )
    start = first_session_start(enrolment.group)
    if start is not None and start <= _now():
        raise ValidationError(
            _(
                "De nieuwe groep is al begonnen; bevestigen kan niet meer. "
                "Neem contact op met de school."
            )
        )
    enrolment.pool_confirmed_at = _now()
    enrolment.save(update_fields=["pool_confirmed_at"])
    return PoolAnswer(
        enrolment,
        recorded=True,
        message=_("Dank u. %(name)s gaat mee naar de nieuwe groep.") % {"name": name},
    )


def pool_link_guardians(submission_ids: Iterable[int]) -> list[Guardian]:
    """The guardians who answer for a pooled child: with authority and an address."""
    return list(
        Guardian.objects.filter(submission_id__in=set(submission_ids))
        .exclude(authority=Authority.NONE)
        .exclude(email="")
        .order_by("pk")
    )


def pool_links_issue(submission_ids: Iterable[int]) -> tuple[tuple[int, str], ...]:
    """A link of their own (to their submission's page) for each guardian who answers for
    a pooled child: (guardian id, raw token). Runs in the caller's transaction; the raw
    tokens exist only in memory, on their way into the e-mails."""
    return tuple(
        (guardian.pk, _make_link(purpose=LinkPurpose.MANAGE, guardian=guardian))
        for guardian in pool_link_guardians(submission_ids)
    )


def pool_link_renew(*, guardian: Guardian) -> str:
    """A fresh link for the pooling reminder (the first one's token is not stored). Runs in
    the caller's transaction, which rolls it back when the reminder was sent already."""
    return _make_link(purpose=LinkPurpose.MANAGE, guardian=guardian)


__all__ = [
    "POOL_PURPOSES",
    "PoolAnswer",
    "first_session_start",
    "pool_answer_open",
    "pool_confirm",
    "pool_link_renew",
    "pool_links_issue",
]
