from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.models import (
    AuditEntry,
    ConsentMethod,
    ConsentParty,
    EnrolmentStatus,
    Intake,
    IntakeOutcome,
    IntakeReason,
)
from enrolment.services import intake_record
from tests.enrolment.staff_support import enrol
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db

NOTES = "Moeder vertelt over spanningen bij de overdracht."


@pytest.fixture
def intake_group(kies: Any, host: Any, school_a: Any, dave: Any) -> Any:
    kies.requires_intake = True
    kies.save()
    group = make_published_group(kies, host, capacity=1, admitted_schools=[school_a])
    group.trainers.add(dave)
    return group


@pytest.fixture
def awaiting(intake_group: Any, school_a: Any, consent_text: Any, emitted: Any) -> Any:
    enrolment = enrol(intake_group, school_a, consent_text, emitted, first="Jesse")
    assert enrolment.status == EnrolmentStatus.AWAITING_INTAKE
    return enrolment


def intake_url(enrolment: Any) -> str:
    return reverse("staff-intake", args=[enrolment.public_id])


def test_the_groups_trainer_records_a_suitable_intake_which_confirms_the_seat(
    awaiting: Any, as_dave: Client, dave: Any
) -> None:
    response = as_dave.post(
        intake_url(awaiting),
        {"intake-outcome": IntakeOutcome.SUITABLE, "intake-notes": NOTES, "intake": "1"},
    )
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == EnrolmentStatus.CONFIRMED
    intake = Intake.objects.get(enrolment=awaiting)
    assert (intake.outcome, intake.notes, intake.recorded_by) == (
        IntakeOutcome.SUITABLE,
        NOTES,
        dave.user,
    )


def test_not_suitable_needs_a_reason_and_then_frees_the_seat_for_the_next_child(
    awaiting: Any,
    intake_group: Any,
    host: Any,
    consent_text: Any,
    emitted: Any,
    as_bob: Client,
) -> None:
    waiting = enrol(intake_group, host, consent_text, emitted, first="Wachtend")
    assert waiting.status == EnrolmentStatus.WAITLISTED
    response = as_bob.post(intake_url(awaiting), {"intake-outcome": IntakeOutcome.NOT_SUITABLE})
    assert response.status_code == 200
    assert "Kies een reden" in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == EnrolmentStatus.AWAITING_INTAKE
    as_bob.post(
        intake_url(awaiting),
        {"intake-outcome": IntakeOutcome.NOT_SUITABLE, "intake-reason": IntakeReason.UNSAFE_HOME},
    )
    awaiting.refresh_from_db()
    waiting.refresh_from_db()
    assert awaiting.status == EnrolmentStatus.NOT_SUITABLE
    assert waiting.status == EnrolmentStatus.OFFERED
    assert any(isinstance(e, events.SeatOffered) and e.enrolment_id == waiting.pk for e in emitted)


@pytest.mark.parametrize("persona", ["alice", "dave", "bob"])
def test_intake_notes_show_to_the_trainers_the_coordinator_and_the_manager_and_are_audited(
    persona: str, awaiting: Any, alice: Any, dave: Any, request: Any
) -> None:
    intake_record(
        enrolment=awaiting, outcome=IntakeOutcome.SUITABLE, notes=NOTES, recorded_by=alice
    )
    user = {"alice": alice, "dave": dave.user, "bob": request.getfixturevalue("bob")}[persona]
    client = Client()
    client.force_login(user)
    response = client.get(intake_url(awaiting))
    assert response.status_code == 200
    assert NOTES in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.INTAKE_VIEWED)
    assert (entry.actor, entry.target) == (user, f"enrolment {awaiting.pk}")


def test_intake_notes_never_appear_on_the_roster_or_its_exports(
    awaiting: Any, intake_group: Any, alice: Any, as_alice: Client
) -> None:
    intake_record(
        enrolment=awaiting, outcome=IntakeOutcome.SUITABLE, notes=NOTES, recorded_by=alice
    )
    for name in ("staff-roster", "staff-roster-csv", "staff-roster-print"):
        body = as_alice.get(reverse(name, args=[intake_group.pk])).content.decode("utf-8-sig")
        assert NOTES not in body
        assert "passend" in body


@pytest.mark.parametrize("persona", ["carol", "other_trainer"])
def test_others_cannot_open_the_intake(
    persona: str, awaiting: Any, kies: Any, school_b: Any, request: Any
) -> None:
    user = (
        request.getfixturevalue("carol")
        if persona == "carol"
        else make_published_group(kies, school_b).trainers.get().user
    )
    client = Client()
    client.force_login(user)
    assert client.get(intake_url(awaiting)).status_code == 404
    assert client.post(intake_url(awaiting), {"intake-outcome": "suitable"}).status_code == 404
    assert not Intake.objects.exists()


def test_a_programme_without_intake_has_no_intake_page(
    group: Any, host: Any, consent_text: Any, emitted: Any, as_alice: Client
) -> None:
    enrolment = enrol(group, host, consent_text, emitted)
    assert as_alice.get(intake_url(enrolment)).status_code == 404


def test_the_childs_own_consent_can_be_recorded_at_the_intake(
    intake_group: Any, school_a: Any, consent_text: Any, emitted: Any, as_dave: Client, dave: Any
) -> None:
    enrolment = enrol(
        intake_group,
        school_a,
        consent_text,
        emitted,
        first="Tim",
        born=dt.date(2013, 5, 1),
        grade=8,
    )
    assert enrolment.status == EnrolmentStatus.AWAITING_CONSENT
    page = as_dave.get(intake_url(enrolment)).content.decode()
    assert "Toestemming van het kind" in page
    as_dave.post(intake_url(enrolment), {"child-given": "yes", "child_consent": "1"})
    consent = enrolment.consents.get(party=ConsentParty.CHILD)
    assert (consent.given, consent.method, consent.recorded_by) == (
        True,
        ConsentMethod.INTAKE,
        dave.user,
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.AWAITING_INTAKE
    as_dave.post(intake_url(enrolment), {"intake-outcome": IntakeOutcome.SUITABLE})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED
