"""Through their own link a guardian changes their own phone and language at once, and their
e-mail address once they confirm it from the new address; the page and the API say the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.audit_words import audit_lines
from enrolment.models import AuditEntry, Guardian
from enrolment.services import (
    email_confirm,
    guardian_contact_change,
    guardian_email_change_confirm,
    submission_create,
)
from notifications.models import OutboxMessage
from tests.enrolment.world import FATHER, MOTHER, child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bram_token(group: Any, host: Any, consent_text: Any, emitted: list[Any]) -> str:
    """Bram's consent link (the second guardian)."""
    submission_create(
        children=[child(group, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    received = next(e for e in emitted if isinstance(e, events.EnrolmentReceived))
    email_confirm(token=received.confirm_token, consent_given=True)
    return next(e for e in emitted if isinstance(e, events.ConsentRequested)).token


def bram() -> Guardian:
    return Guardian.objects.get(name="Bram de Boer")


def test_phone_and_language_change_at_once_and_the_next_mail_speaks_the_new_language(
    bram_token: str,
) -> None:
    result = guardian_contact_change(
        token=bram_token, email="bram@example.org", phone="06 12345678", language="nl"
    )
    assert result.changed and not result.email_pending
    assert (bram().phone, bram().language) == ("06 12345678", "nl")
    entry = AuditEntry.objects.get(action=AuditAction.CONTACT_CHANGED)
    assert audit_lines([entry])[0].sentence.startswith("Een ouder, via de eigen link, wijzigde")


def test_a_new_address_counts_only_once_confirmed_from_that_address(
    bram_token: str, emitted: list[Any]
) -> None:
    result = guardian_contact_change(
        token=bram_token, email="bram.new@example.org", phone="", language="en"
    )
    assert result.email_pending
    assert (bram().email, bram().pending_email) == ("bram@example.org", "bram.new@example.org")
    mail = OutboxMessage.objects.get(kind="email_change")
    assert mail.to_email == "bram.new@example.org"
    assert "Bram" not in mail.body_text
    token = next(e for e in emitted if isinstance(e, events.GuardianEmailChangeRequested)).token
    assert token in mail.body_text
    guardian_email_change_confirm(token=token)
    assert (bram().email, bram().pending_email) == ("bram.new@example.org", "")
    with pytest.raises(ValidationError):
        guardian_email_change_confirm(token=token)


def test_a_second_change_replaces_the_first_link(bram_token: str, emitted: list[Any]) -> None:
    guardian_contact_change(token=bram_token, email="one@example.org", phone="", language="en")
    guardian_contact_change(token=bram_token, email="two@example.org", phone="", language="en")
    first, second = [e.token for e in emitted if isinstance(e, events.GuardianEmailChangeRequested)]
    with pytest.raises(ValidationError):
        guardian_email_change_confirm(token=first)
    guardian_email_change_confirm(token=second)
    assert bram().email == "two@example.org"


def test_bad_input_is_refused_per_field_with_the_same_words_on_page_and_api(
    client: Client, bram_token: str
) -> None:
    body = {"token": bram_token, "email": "not-an-address", "phone": "call me", "language": "de"}
    api = client.post("/api/v1/public/links/contact/", body, content_type="application/json")
    assert api.status_code == 400
    errors = api.json()
    client.cookies["django_language"] = "nl"  # Bram reads English; the API speaks Dutch
    page = client.post(
        f"/aanmelden/link/{bram_token}/mijn-gegevens/",
        {"email": "not-an-address", "phone": "call me", "language": "de"},
    )
    assert page.status_code == 200
    form = page.context["form"]
    for field in ("email", "phone", "language"):
        assert form.errors[field] == errors[field]
    assert (bram().email, bram().phone, bram().language) == ("bram@example.org", "", "en")


def test_the_page_shows_the_guardians_own_details_and_saves_them(
    client: Client, bram_token: str
) -> None:
    url = f"/aanmelden/link/{bram_token}/mijn-gegevens/"
    page = client.get(url).content.decode()
    assert 'value="bram@example.org"' in page
    assert "anna@example.org" not in page
    done = client.post(url, {"email": "bram@example.org", "phone": "0612345678", "language": "nl"})
    assert done.status_code == 302
    assert bram().language == "nl"


def test_the_email_change_link_asks_first_and_confirms_on_post(
    client: Client, bram_token: str, emitted: list[Any]
) -> None:
    guardian_contact_change(token=bram_token, email="new@example.org", phone="", language="nl")
    token = next(e for e in emitted if isinstance(e, events.GuardianEmailChangeRequested)).token
    url = f"/aanmelden/link/{token}/"
    assert "new@example.org" in client.get(url).content.decode()
    assert bram().email == "bram@example.org"
    client.post(url)
    assert bram().email == "new@example.org"
