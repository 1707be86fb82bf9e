"""Who may be mailed, and who hears about a group: its confirmed families and its trainers.

The listeners and the reminders both ask here, so the rule that nothing but the
confirmation mail goes to a submission whose enroller has not confirmed their address
lives once (`may_mail`; `mailable_guardians` says the same of a query)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from enrolment.models import Enrolment, EnrolmentStatus, Guardian
from notifications.messages import Recipient, guardian_recipient, trainer_recipient
from programmes.models import Trainer
from scheduler.models import Group


def may_mail(guardian: Guardian, *, enroller: Guardian | None = None) -> bool:
    """Whether a message (other than the confirmation mail) may go to `guardian`: only once
    the enroller of their submission has confirmed their own address. Before that, the
    addresses of a submission are only what someone typed, perhaps someone else's.

    `enroller`, when the caller has it loaded, saves a query for another guardian."""
    if guardian.is_enroller:
        enroller = guardian
    if enroller is None:
        return mailable_guardians(Guardian.objects.filter(pk=guardian.pk)).exists()
    return enroller.email_confirmed_at is not None


def mailable_guardians(guardians: Any) -> Any:
    """`may_mail` for a query of guardians."""
    return guardians.filter(
        Exists(
            Guardian.objects.filter(
                submission_id=OuterRef("submission_id"),
                is_enroller=True,
                email_confirmed_at__isnull=False,
            )
        )
    )


def confirmed_families(group: Group) -> list[tuple[Recipient, list[str]]]:
    """Every guardian (with an address) of a confirmed child of the group, with the first
    names of their children in it."""
    confirmed = list(
        Enrolment.objects.filter(group=group, status=EnrolmentStatus.CONFIRMED)
        .select_related("child")
        .order_by("pk")
    )
    children: dict[int, list[str]] = {}
    for enrolment in confirmed:
        children.setdefault(enrolment.submission_id, []).append(enrolment.child.first_name)
    guardians = mailable_guardians(
        Guardian.objects.filter(submission_id__in=list(children)).exclude(email="")
    ).order_by("pk")
    return [(guardian_recipient(g), children[g.submission_id]) for g in guardians]


def group_trainers(group: Group) -> list[Recipient]:
    trainers = Trainer.objects.filter(groups=group).select_related("user").order_by("pk")
    return [trainer_recipient(t) for t in trainers if t.user.email]
