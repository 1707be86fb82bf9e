"""The coordinator's start page lists consents still missing with a resend button: a fresh
link to whoever has not answered, the old link revoked, at most once a day per person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.models import AuditEntry, EnrolmentStatus
from enrolment.services import (
    consent_answer,
    consent_request_resend,
    email_confirm,
    link_resolve,
    submission_create,
)
from notifications.models import OutboxMessage
from tests import factories
from tests.enrolment.world import FATHER, MOTHER, TODAY, child

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator(host: Any) -> Any:
    user = factories.UserFactory(email="coordinator@school.example")
    host.coordinators.set([user])
    return user


@pytest.fixture
def waiting(group: Any, host: Any, consent_text: Any, emitted: list[Any]) -> dict[str, Any]:
    """Anna enrolled Sam and consented; Bram has not answered his consent request."""
    result = submission_create(
        children=[child(group, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    received = next(e for e in emitted if isinstance(e, events.EnrolmentReceived))
    email_confirm(token=received.confirm_token, consent_given=True)
    first = next(e for e in emitted if isinstance(e, events.ConsentRequested)).token
    return {"enrolment": result.enrolments[0], "first_token": first}


def resent(emitted: list[Any]) -> list[Any]:
    return [e for e in emitted if isinstance(e, events.ConsentRequestResent)]


def test_a_day_later_the_resend_sends_a_fresh_link_and_revokes_the_old_one(
    waiting: dict[str, Any], coordinator: Any, emitted: list[Any]
) -> None:
    with time_machine.travel(TODAY + dt.timedelta(days=1, minutes=1), tick=False):
        result = consent_request_resend(enrolment=waiting["enrolment"], actor=coordinator)
        assert len(result.sent_to) == 1
        with pytest.raises(ValidationError):
            link_resolve(waiting["first_token"], purposes=["consent"])
        fresh = resent(emitted)[0].token
        consent_answer(token=fresh, given=True)
    waiting["enrolment"].refresh_from_db()
    assert waiting["enrolment"].status == EnrolmentStatus.CONFIRMED
    mails = OutboxMessage.objects.filter(kind="consent_reminder")
    assert [m.to_email for m in mails] == ["bram@example.org"]
    assert fresh in mails[0].body_text
    assert AuditEntry.objects.filter(action=AuditAction.CONSENT_RESENT).count() == 1


def test_within_a_day_of_the_last_link_the_resend_is_refused_with_when_it_can(
    waiting: dict[str, Any], coordinator: Any, emitted: list[Any]
) -> None:
    with pytest.raises(ValidationError) as refused:
        consent_request_resend(enrolment=waiting["enrolment"], actor=coordinator)
    assert "minder dan een dag geleden" in refused.value.messages[0]
    assert "vrijdag 2 oktober, 12:00" in refused.value.messages[0]
    assert not resent(emitted)
    with time_machine.travel(TODAY + dt.timedelta(days=1, minutes=1), tick=False):
        consent_request_resend(enrolment=waiting["enrolment"], actor=coordinator)
        with pytest.raises(ValidationError):
            consent_request_resend(enrolment=waiting["enrolment"], actor=coordinator)
    assert len(resent(emitted)) == 1


def test_before_the_enroller_confirmed_only_their_confirmation_link_goes_again(
    group: Any, host: Any, consent_text: Any, coordinator: Any, emitted: list[Any]
) -> None:
    result = submission_create(
        children=[child(group, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    with time_machine.travel(TODAY + dt.timedelta(days=2), tick=False):
        consent_request_resend(enrolment=result.enrolments[0], actor=coordinator)
    rows = OutboxMessage.objects.filter(kind="consent_reminder")
    assert [m.to_email for m in rows] == ["anna@example.org"]
    fresh = resent(emitted)[0].token
    assert link_resolve(fresh, purposes=["confirm"]).guardian.is_enroller


def test_the_start_page_button_and_the_api_give_the_same_answer(
    client: Client, waiting: dict[str, Any], coordinator: Any
) -> None:
    client.force_login(coordinator)
    start = client.get("/start/coordinator/")
    enrolment = waiting["enrolment"]
    url = f"/inschrijvingen/{enrolment.public_id}/toestemming-opnieuw/"
    assert start.status_code == 200
    assert url in start.content.decode()
    page = client.post(url, {"next": "/start/coordinator/"}, follow=True)
    assert page.redirect_chain[0][0] == "/start/coordinator/"
    page_words = [str(m) for m in page.context["messages"]]
    api = client.post(f"/api/v1/enrolments/{enrolment.public_id}/consent-resend/")
    assert api.status_code == 400
    assert [api.json()["non_field_errors"][0]] == page_words


def test_a_coordinator_of_another_school_cannot_resend(
    client: Client, waiting: dict[str, Any]
) -> None:
    other = factories.UserFactory()
    factories.SchoolFactory().coordinators.set([other])
    client.force_login(other)
    public_id = waiting["enrolment"].public_id
    assert client.post(f"/inschrijvingen/{public_id}/toestemming-opnieuw/").status_code == 404
    assert client.post(f"/api/v1/enrolments/{public_id}/consent-resend/").status_code == 404
