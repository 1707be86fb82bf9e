"""The questionnaire invitations: `evaluations` issues a personal link, this writes the mail.

A guardian gets their own link (in their language). A child of 12 or over gets their own
link through the enrolling guardian, who passes it on (as with the child's own consent).
The mentor of a class gets the teacher's link (in Dutch); so does a child's teacher whom
the school's coordinator invited, about that child (named by first name only), at the
address kept on the invitation. A reminder is the same message
with a new link and the word "herinnering"; the first link no longer works then.
No mail goes to a guardian the enrolment app may not mail yet (`may_mail`).
"""

from __future__ import annotations

from django.urls import reverse

from core.domain_events import subscribe
from enrolment.models import Guardian
from evaluations import events as evaluation_events
from evaluations.models import Invitation, Respondent
from notifications.audience import may_mail
from notifications.messages import (
    Recipient,
    absolute_url,
    guardian_recipient,
    message_write,
    reply_to_for,
    teacher_recipient,
)

KIND = "evaluation_invitation"


def evaluation_url(token: str) -> str:
    return absolute_url(reverse("evaluation-answer", kwargs={"token": token}))


def _recipient(invitation: Invitation) -> Recipient | None:
    key = invitation.pair_key
    if key is None:
        if not invitation.email:
            return None
        name = invitation.group.mentor_name
        return Recipient(f"mentor-{invitation.group_id}", invitation.email, name)
    if key.respondent == Respondent.TEACHER:
        if not invitation.email:
            return None
        return teacher_recipient(enrolment_id=key.enrolment_id, email=invitation.email)
    guardian = key.guardian
    if key.respondent == Respondent.CHILD:
        guardian = Guardian.objects.filter(
            submission_id=key.enrolment.submission_id, is_enroller=True
        ).first()
    if guardian is None or not guardian.email or not may_mail(guardian):
        return None
    return guardian_recipient(guardian)


def on_invitation_issued(event: evaluation_events.InvitationIssued) -> None:
    invitation = (
        Invitation.objects.select_related(
            "group__programme",
            "group__host_school",
            "pair_key__guardian",
            "pair_key__enrolment__child__school",
            "questionnaire",
        )
        .filter(pk=event.invitation_id)
        .first()
    )
    if invitation is None:
        return
    recipient = _recipient(invitation)
    if recipient is None:
        return
    key = invitation.pair_key
    message_write(
        kind=KIND,
        event="evaluation-reminder" if event.reminder else "evaluation-invitation",
        object_id=invitation.pk,
        recipient=recipient,
        context={
            "group": invitation.group,
            "respondent": key.respondent if key else Respondent.TEACHER,
            "child": key.enrolment.child.first_name if key else "",
            "moment": invitation.moment,
            "evaluation_url": evaluation_url(event.token),
            "closes_at": invitation.expires_at,
            "reminder": event.reminder,
        },
        # A child's teacher replies to the coordinator of the child's school, who invited.
        reply_to=reply_to_for(
            key.enrolment.child.school
            if key and key.respondent == Respondent.TEACHER
            else invitation.group.host_school
        ),
    )


def register() -> None:
    subscribe(evaluation_events.InvitationIssued, on_invitation_issued)
