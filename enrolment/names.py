"""What a person's name may hold: the one rule for every name a parent types.

Names reach the municipality's e-mails (the child's first name in nearly every message to
the family, a guardian's name in a greeting), so a name is checked as a name: letters
(any script, with accents), spaces, hyphens, apostrophes (' and ’) and the dots of
initials ("J.P. de Vries", "Th.J. Bakker"), as issue 15 item 2 asks. Refused: digits
("Kind 2", "Sam3", "10.0.0.1": a name holds no number), line breaks and other control
characters, any other punctuation (so no "https://", no "@", no "<a href>"), a dot that
does not follow a letter, a name without a letter, and a domain such as "evil.example" or
"www.evil.example". The form, the API serializer and `services.submission_create` all
ask `person_name_error`, so every door refuses the same names with the same words.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Apostrophes as keyboards and phones type them: ' ’ ‘ ʼ
_APOSTROPHES = "'\u2019\u2018\u02bc"
_ALLOWED_MARKS = set(" -." + _APOSTROPHES)
# Two letters, a dot, two more: a domain name, never initials ("J.P.", "Th.J.").
_DOMAIN = re.compile(r"[^\W\d_]{2,}\.[^\W\d_]{2,}")


def _is_letter(char: str) -> bool:
    # L*: letters of any script; M*: the combining accents of a decomposed "é".
    return unicodedata.category(char)[0] in {"L", "M"}


def _is_allowed(char: str) -> bool:
    return _is_letter(char) or char in _ALLOWED_MARKS


def _dots_are_initials(text: str) -> bool:
    # An initial's dot follows its letter: "J.P.", not ".J", "- ." or "J..".
    return all(i > 0 and _is_letter(text[i - 1]) for i, char in enumerate(text) if char == ".")


def person_name_error(value: str) -> str | None:
    """The message for a name that is not a name, or None when it is one."""
    if any(char in value for char in "\r\n\t\v\f\u2028\u2029"):
        return _("Een naam past op één regel. Vul de naam in zonder regeleinden.")
    text = value.strip()
    if not text:
        return None  # "required" is the field's own question
    if (
        not all(_is_allowed(char) for char in text)
        or not any(_is_letter(char) for char in text)
        or not _dots_are_initials(text)
        or _DOMAIN.search(text)
    ):
        return _("Vul een naam in met alleen letters, spaties, koppeltekens en apostrofs.")
    return None


def validate_person_name(value: str) -> None:
    """A Django/DRF validator for `person_name_error`."""
    message = person_name_error(value)
    if message:
        raise ValidationError(message, code="invalid_name")
