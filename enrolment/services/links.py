"""Secret links to parents (confirm, consent, offer, manage): made, resolved and renewed.

Only a token's hash is stored; the raw token exists in the mail that carries it."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enrolment.models import AccessLink, Enrolment, Guardian, LinkPurpose
from enrolment.services.transitions import _now


def _make_link(
    *,
    purpose: str,
    guardian: Guardian,
    enrolment: Enrolment | None = None,
    hours: float | None = None,
) -> str:
    token = AccessLink.new_token()
    now = _now()
    AccessLink.objects.create(
        token_hash=AccessLink.hash(token),
        purpose=purpose,
        guardian=guardian,
        submission_id=guardian.submission_id,
        enrolment=enrolment,
        created_at=now,
        expires_at=now
        + (dt.timedelta(hours=hours) if hours else dt.timedelta(days=settings.ENROLMENT_LINK_DAYS)),
    )
    return token


def link_resolve(token: str, *, purposes: Iterable[str]) -> AccessLink:
    """The usable link for `token`, or ValidationError with a message a parent understands.

    The token is looked up by its hash and compared in constant time.
    """
    digest = AccessLink.hash(token or "")
    link = (
        AccessLink.objects.select_related("guardian", "submission", "enrolment")
        .filter(token_hash=digest)
        .first()
    )
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        raise ValidationError(_("Deze link is niet (meer) geldig."), code="invalid_link")
    if link.purpose not in set(purposes):
        raise ValidationError(_("Deze link is niet bedoeld voor deze pagina."), code="wrong_link")
    if link.revoked_at is not None:
        raise ValidationError(_("Deze link is ingetrokken."), code="revoked_link")
    if link.expires_at <= _now():
        raise ValidationError(
            _("Deze link is verlopen. Neem contact op met de school als u hulp nodig heeft."),
            code="expired_link",
        )
    return link


def consent_link_renew(*, link: AccessLink) -> str:
    """A fresh consent link for the guardian and enrolment of `link`, for a reminder e-mail.

    Runs in the caller's transaction (the reminder rolls it back when the reminder was sent
    already) and returns the raw token, which exists only in memory. The earlier link stays
    valid until it expires. Refuses (ValidationError) a link that is not a guardian's consent
    link of an enrolment.
    """
    if link.purpose != LinkPurpose.CONSENT or link.enrolment_id is None:
        raise ValidationError(_("Alleen een toestemmingslink kan vernieuwd worden."))
    return _make_link(purpose=LinkPurpose.CONSENT, guardian=link.guardian, enrolment=link.enrolment)
