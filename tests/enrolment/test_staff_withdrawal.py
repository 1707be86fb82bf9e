from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.models import AuditEntry, EnrolmentStatus
from tests.enrolment.staff_support import enrol
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(
    kies: Any, host: Any, school_a: Any, dave: Any, consent_text: Any, emitted: Any
) -> dict[str, Any]:
    group = make_published_group(kies, host, capacity=1, admitted_schools=[school_a])
    group.trainers.add(dave)
    seated = enrol(group, school_a, consent_text, emitted, first="Sara")
    waiting = enrol(group, host, consent_text, emitted, first="Wachtend")
    assert (seated.status, waiting.status) == (
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.WAITLISTED,
    )
    return {"group": group, "seated": seated, "waiting": waiting}


def withdraw_url(enrolment: Any) -> str:
    return reverse("staff-withdraw", args=[enrolment.public_id])


def test_the_pupils_coordinator_confirms_and_the_seat_goes_to_the_next_child(
    full: dict[str, Any], as_bob: Client, bob: Any, emitted: list[Any]
) -> None:
    seated, waiting = full["seated"], full["waiting"]
    page = as_bob.get(withdraw_url(seated)).content.decode()
    assert "Sara" in page and "Ja, afmelden" in page
    seated.refresh_from_db()
    assert seated.status == EnrolmentStatus.CONFIRMED  # asking changes nothing
    response = as_bob.post(withdraw_url(seated))
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-roster", args=[full["group"].pk])
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == EnrolmentStatus.WITHDRAWN
    assert waiting.status == EnrolmentStatus.OFFERED
    assert any(isinstance(e, events.Withdrawn) and e.enrolment_id == seated.pk for e in emitted)
    assert any(isinstance(e, events.SeatOffered) and e.enrolment_id == waiting.pk for e in emitted)
    entry = AuditEntry.objects.get(action=AuditAction.ENROLMENT_VIEWED)
    assert (entry.actor, entry.target) == (bob, f"enrolment {seated.pk}")


def test_the_manager_may_withdraw_any_enrolment(full: dict[str, Any], as_alice: Client) -> None:
    as_alice.post(withdraw_url(full["waiting"]))
    full["waiting"].refresh_from_db()
    assert full["waiting"].status == EnrolmentStatus.WITHDRAWN


def test_a_trainer_of_the_group_may_not_withdraw(full: dict[str, Any], as_dave: Client) -> None:
    assert as_dave.post(withdraw_url(full["seated"])).status_code == 403
    full["seated"].refresh_from_db()
    assert full["seated"].status == EnrolmentStatus.CONFIRMED


def test_a_coordinator_of_another_school_gets_404(full: dict[str, Any], as_carol: Client) -> None:
    assert as_carol.post(withdraw_url(full["seated"])).status_code == 404
    full["seated"].refresh_from_db()
    assert full["seated"].status == EnrolmentStatus.CONFIRMED


def test_withdrawing_twice_says_the_enrolment_has_ended(
    full: dict[str, Any], as_bob: Client
) -> None:
    as_bob.post(withdraw_url(full["seated"]))
    response = as_bob.post(withdraw_url(full["seated"]), follow=True)
    assert "loopt niet meer" in response.content.decode()
    page = as_bob.get(withdraw_url(full["seated"])).content.decode()
    assert "Ja, afmelden" not in page


def test_the_roster_offers_withdrawal_only_to_those_who_may(
    full: dict[str, Any], as_bob: Client, as_dave: Client
) -> None:
    roster = reverse("staff-roster", args=[full["group"].pk])
    assert withdraw_url(full["seated"]) in as_bob.get(roster).content.decode()
    assert "/afmelden/" not in as_dave.get(roster).content.decode()
