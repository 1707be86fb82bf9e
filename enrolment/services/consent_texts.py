"""The consent text parents read and agree to: the version in force, and its versions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enrolment import public_cache
from enrolment.models import Consent, ConsentText, Submission
from enrolment.services.transitions import _now

# The one refusal of a post made against an older consent text, page and API alike.
STALE_CONSENT_TEXT = gettext_noop(
    "De tekst over toestemming is net veranderd. Lees de nieuwe tekst en geef daarna "
    "opnieuw toestemming."
)


def consent_text_current() -> ConsentText:
    """The consent text in force now; refuses when there is none yet.

    Cached (`enrolment.public_cache`): every parent reads it, and it changes about once a
    year. A saved or deleted text drops the entry; no entry outlives the moment the next
    version takes effect."""
    text = public_cache.cached(public_cache.CONSENT_TEXT_KEY, _consent_text_in_force)
    if text is None:
        raise ValidationError(_("Er is nog geen toestemmingstekst vastgesteld."))
    return text


def _consent_text_or_none() -> ConsentText | None:
    """`consent_text_current`, or None while no text is in force."""
    try:
        return consent_text_current()
    except ValidationError:
        return None


def _consent_text_in_force() -> tuple[ConsentText | None, float | None]:
    """The text in force now, and when the next version (if any) takes over."""
    now = _now()
    text = ConsentText.objects.filter(active_from__lte=now).order_by("-active_from").first()
    upcoming = (
        ConsentText.objects.filter(active_from__gt=now)
        .order_by("active_from")
        .values_list("active_from", flat=True)
        .first()
    )
    return text, upcoming.timestamp() if upcoming else None


def consent_text_in_use(consent_text: ConsentText) -> bool:
    """A version that a submission showed or a consent recorded is a fact; it is never edited."""
    return consent_text.pk is not None and (
        Submission.objects.filter(consent_text_id=consent_text.pk).exists()
        or Consent.objects.filter(consent_text_id=consent_text.pk).exists()
    )


@transaction.atomic
def consent_text_save(*, consent_text: ConsentText) -> ConsentText:
    """Add a new consent text version, or correct one that nobody has seen yet.

    Refuses to change a version already used by a submission or consent: publish a new
    version instead. Validates (`full_clean`) before saving.
    """
    if consent_text_in_use(consent_text):
        raise ValidationError(
            _("Deze versie van de toestemmingstekst is al gebruikt; maak een nieuwe versie.")
        )
    consent_text.full_clean()
    consent_text.save()
    return consent_text
