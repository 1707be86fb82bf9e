"""A coordinator (or the manager) sends the request for a missing consent again: a fresh
link to each person whose consent is still missing, the old link revoked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.audit import AuditAction, audit_record
from enrolment.models import AccessLink, Enrolment, EnrolmentStatus, Guardian, LinkPurpose
from enrolment.services.consent import consent_state
from enrolment.services.links import _make_link
from enrolment.services.seats import LOCKED_WITH_ENROLMENT
from enrolment.services.transitions import _now

# A family is not to be flooded: one fresh link per person per day.
RESEND_INTERVAL = dt.timedelta(days=1)


@dataclass(frozen=True)
class ConsentResend:
    enrolment: Enrolment
    sent_to: list[str]  # who got a fresh link ("guardian <id>", "child")
    message: str


def _purpose_for(guardian: Guardian, *, for_child: bool) -> str:
    if for_child:
        return LinkPurpose.CHILD_CONSENT
    return LinkPurpose.CONFIRM if guardian.is_enroller else LinkPurpose.CONSENT


def _last_sent(guardian: Guardian, purpose: str, enrolment: Enrolment) -> AccessLink | None:
    links = AccessLink.objects.filter(guardian=guardian, purpose=purpose)
    if purpose == LinkPurpose.CHILD_CONSENT:
        links = links.filter(enrolment=enrolment)
    return links.order_by("-created_at").first()


@transaction.atomic
def consent_request_resend(*, enrolment: Enrolment, actor: Any) -> ConsentResend:
    """Send the consent request again to everyone whose consent `enrolment` still misses:
    another guardian gets a fresh consent link, an enroller who has not confirmed a fresh
    confirmation link, a child of 12 or over a fresh link of their own (through the
    enroller). Each earlier link of that purpose is revoked, so only the newest works.
    Emits ConsentRequestResent per person and writes an audit entry (the actor, target
    "enrolment <id>").

    Refuses (ValidationError, nothing changes): an enrolment that does not wait for consent,
    and a request sent to each missing person less than a day ago (at most once a day per
    person; the message says from when it can be sent again).
    """
    enrolment = (
        Enrolment.objects.select_for_update(of=LOCKED_WITH_ENROLMENT)
        .select_related("group__programme", "child", "submission")
        .get(pk=enrolment.pk)
    )
    if enrolment.status != EnrolmentStatus.AWAITING_CONSENT:
        raise ValidationError(
            _("Deze inschrijving wacht niet (meer) op toestemming; er is niets om te sturen."),
            code="not_awaiting_consent",
        )
    state = consent_state(enrolment)
    guardians = list(enrolment.submission.guardians.all())
    enroller = next((g for g in guardians if g.is_enroller), None)
    if enroller is not None and enroller.email_confirmed_at is None:
        # Until the enroller confirmed their address nobody else is asked (nor mailed): the
        # confirmation link is what to send again.
        targets = [(enroller, False)]
    else:
        targets = [(g, False) for g in state["missing_guardians"]]
        if state["child_missing"] and enroller is not None:
            targets.append((enroller, True))
    now = _now()
    sent: list[str] = []
    waits: list[dt.datetime] = []
    for guardian, for_child in targets:
        purpose = _purpose_for(guardian, for_child=for_child)
        last = _last_sent(guardian, purpose, enrolment)
        if last is not None and last.created_at > now - RESEND_INTERVAL:
            waits.append(last.created_at + RESEND_INTERVAL)
            continue
        old = AccessLink.objects.filter(guardian=guardian, purpose=purpose, revoked_at__isnull=True)
        if for_child:
            old = old.filter(enrolment=enrolment)
        old.update(revoked_at=now)
        token = _make_link(
            purpose=purpose,
            guardian=guardian,
            enrolment=None if purpose == LinkPurpose.CONFIRM else enrolment,
        )
        emit(
            events.ConsentRequestResent(
                enrolment_id=enrolment.pk,
                guardian_id=guardian.pk,
                token=token,
                for_child=for_child,
            )
        )
        sent.append("child" if for_child else f"guardian {guardian.pk}")
    if not sent:
        if waits:
            raise ValidationError(
                _(
                    "De vraag om toestemming is minder dan een dag geleden verstuurd. Opnieuw "
                    "sturen kan vanaf %(when)s."
                )
                % {"when": date_format(localtime(max(waits)), "l j F, H:i")},
                code="resent_recently",
            )
        raise ValidationError(
            _("Er ontbreekt geen toestemming waarvoor een link gestuurd kan worden."),
            code="nothing_to_send",
        )
    audit_record(actor=actor, action=AuditAction.CONSENT_RESENT, target=f"enrolment {enrolment.pk}")
    message = _("De vraag om toestemming voor %(name)s is opnieuw verstuurd.") % {
        "name": enrolment.child.first_name
    }
    return ConsentResend(enrolment, sent_to=sent, message=message)
