"""A guardian's own details, changed through their own link: phone and language at once, a
new e-mail address once it is confirmed from that address (as every address in this product
is: the enroller's by the confirm link, another guardian's by answering their consent link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.audit import AuditAction, audit_record
from enrolment.models import AccessLink, Guardian, Language, LinkPurpose
from enrolment.services.links import _make_link, link_resolve
from enrolment.services.transitions import _now

# The guardian's own links (not the child's, not an offer): where they keep their details.
CONTACT_PURPOSES = (LinkPurpose.CONFIRM, LinkPurpose.MANAGE, LinkPurpose.CONSENT)
# As on the enrolment form (`forms_public.GuardianForm.phone`).
PHONE = re.compile(r"^[0-9+()\- ]{6,20}$")
EMAIL_CHANGE_LINK_HOURS = 48


@dataclass(frozen=True)
class ContactChange:
    """What a change did (the doors show `message`)."""

    guardian: Guardian
    changed: bool  # phone or language changed
    email_pending: bool  # a confirmation went to the new address
    message: str


def _contact_errors(*, email: str, phone: str, language: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")]
    if len(email) > 254:
        errors["email"] = [_("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")]
    if phone and not PHONE.match(phone):
        errors["phone"] = [
            _("Vul een telefoonnummer in met alleen cijfers, bijvoorbeeld 06 12345678.")
        ]
    if language not in Language.values:
        errors["language"] = [_("Kies een taal.")]
    return errors


@transaction.atomic
def guardian_contact_change(*, token: str, email: str, phone: str, language: str) -> ContactChange:
    """The holder of a guardian's own link (confirm, manage or consent) changes their phone,
    their language (the language of their future mail and of their link pages) and their
    e-mail address.

    Phone and language change at once. A new e-mail address is kept apart (`pending_email`)
    and a link to confirm it goes to that address (emits GuardianEmailChangeRequested; an
    earlier such link is revoked); until it is confirmed, mail goes to the old address.
    Writes an audit entry (actor "guardian <id>") when anything changed. Refuses
    (ValidationError with field messages, nothing changes) an invalid address, phone or
    language, and a link that is not a guardian's own.
    """
    link = link_resolve(token, purposes=CONTACT_PURPOSES)
    email, phone = email.strip(), phone.strip()
    errors = _contact_errors(email=email, phone=phone, language=language)
    if errors:
        raise ValidationError(errors)
    guardian = Guardian.objects.select_for_update().get(pk=link.guardian_id)
    changed = (guardian.phone, guardian.language) != (phone, language)
    guardian.phone, guardian.language = phone, language
    new_address = email.lower() != guardian.email.lower()
    if new_address:
        AccessLink.objects.filter(
            guardian=guardian, purpose=LinkPurpose.EMAIL_CHANGE, revoked_at__isnull=True
        ).update(revoked_at=_now())
        guardian.pending_email = email
        emit(
            events.GuardianEmailChangeRequested(
                guardian_id=guardian.pk,
                token=_make_link(
                    purpose=LinkPurpose.EMAIL_CHANGE,
                    guardian=guardian,
                    hours=EMAIL_CHANGE_LINK_HOURS,
                ),
                new_email=email,
            )
        )
    guardian.save(update_fields=["phone", "language", "pending_email"])
    if changed or new_address:
        audit_record(
            actor=f"guardian {guardian.pk}",
            action=AuditAction.CONTACT_CHANGED,
            target=f"guardian {guardian.pk}" + (" email requested" if new_address else ""),
        )
    if new_address:
        message = _(
            "We hebben een e-mail gestuurd naar %(email)s. Klik op de link daarin om het "
            "nieuwe adres te bevestigen. Tot dan sturen we e-mail naar het oude adres."
        ) % {"email": email}
    elif changed:
        message = _("Uw gegevens zijn opgeslagen.")
    else:
        message = _("Er is niets veranderd.")
    return ContactChange(guardian, changed=changed, email_pending=new_address, message=message)


@transaction.atomic
def guardian_email_change_confirm(*, token: str) -> Guardian:
    """The guardian confirms their new address with the link that was sent to it: it
    becomes their address (confirmed now), the link is used up. Audited. Refuses
    (ValidationError) a link that is not valid, or a change that was replaced or is done."""
    link = link_resolve(token, purposes=[LinkPurpose.EMAIL_CHANGE])
    guardian = Guardian.objects.select_for_update().get(pk=link.guardian_id)
    if link.used_at is not None or not guardian.pending_email:
        raise ValidationError(
            _("Dit nieuwe e-mailadres is al bevestigd of vervangen. U hoeft niets te doen."),
            code="email_change_done",
        )
    guardian.email, guardian.pending_email = guardian.pending_email, ""
    guardian.email_confirmed_at = _now()
    guardian.save(update_fields=["email", "pending_email", "email_confirmed_at"])
    link.used_at = _now()
    link.save(update_fields=["used_at"])
    audit_record(
        actor=f"guardian {guardian.pk}",
        action=AuditAction.CONTACT_CHANGED,
        target=f"guardian {guardian.pk} email confirmed",
    )
    return guardian
