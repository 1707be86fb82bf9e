"""Erasing one enrolment's personal data: what goes, what stays, and that it happens once."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Count

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.models import (
    AccessLink,
    Attendance,
    AttendanceStatus,
    AuditEntry,
    Authority,
    Child,
    Consent,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    Intake,
    IntakeOutcome,
)
from enrolment.services import (
    GuardianInput,
    consent_answer,
    email_confirm,
    intake_record,
    submission_create,
)
from enrolment.services.retention import ERASED_DATE_OF_BIRTH, enrolment_erase
from tests.enrolment.world import child, make_published_group
from tests.factories import letters

pytestmark = pytest.mark.django_db

_phones = itertools.count(10)


def enrol_family(
    group: Any,
    school: Any,
    consent_text: Any,
    emitted: list[Any],
    *,
    first: str,
    siblings: tuple[str, ...] = (),
    confirm: bool = True,
) -> tuple[Any, dict[str, Any]]:
    """A family with joint authority; both parents consent when `confirm`. Returns the
    submission result and the personal values entered, to look for after erasure.

    A name holds no digits (enrolment/names.py): a numbered `first` such as "Kind3" (a
    caller's loop index) is entered with its number spelt in letters (`letters`): "Kindad".
    """
    first = re.sub(r"\d+", lambda number: letters(int(number.group())), first)
    tag = first.lower()
    values = {
        "names": [first, f"Achter{tag}", *siblings, f"Moeder{tag}", f"Vader{tag}"],
        "emails": [f"moeder.{tag}@example.org", f"vader.{tag}@example.org"],
        "phones": [f"06-1111{next(_phones):04d}", f"06-2222{next(_phones):04d}"],
    }
    kids = [child(group, school, first=name) for name in (first, *siblings)]
    kids = [
        type(kid)(**{**kid.__dict__, "last_name": f"Achter{tag}", "class_name": "7B"})
        for kid in kids
    ]
    result = submission_create(
        children=kids,
        enroller=GuardianInput(
            name=f"Moeder{tag} Achter{tag}",
            email=values["emails"][0],
            phone=values["phones"][0],
            relation="mother",
            authority=Authority.JOINT,
        ),
        other_guardians=[
            GuardianInput(
                name=f"Vader{tag} Achter{tag}",
                email=values["emails"][1],
                phone=values["phones"][1],
                relation="father",
                authority=Authority.JOINT,
            )
        ],
        consent_text=consent_text,
    )
    if confirm:
        confirm_all(result, emitted)
    return result, values


def confirm_address(result: Any, emitted: list[Any]) -> None:
    """The mother confirms her address (and consents) by the link in the received mail, as
    a family must before any other mail reaches it or a seat is offered to its child."""
    received = next(
        e
        for e in emitted
        if isinstance(e, events.EnrolmentReceived) and e.submission_id == result.submission.pk
    )
    email_confirm(token=received.confirm_token, consent_given=True)


def confirm_all(result: Any, emitted: list[Any]) -> None:
    confirm_address(result, emitted)
    ids = {e.pk for e in result.enrolments}
    for request in [
        e for e in emitted if isinstance(e, events.ConsentRequested) and e.enrolment_id in ids
    ]:
        consent_answer(token=request.token, given=True)
    for enrolment in result.enrolments:
        enrolment.refresh_from_db()


def text_values_left(values: list[str]) -> list[str]:
    """Every text column of the enrolment app that still contains one of `values`."""
    found = []
    for model in apps.get_app_config("enrolment").get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and field.concrete:
                for value in values:
                    if model.objects.filter(**{f"{field.name}__icontains": value}).exists():
                        found.append(f"{model.__name__}.{field.name}={value}")
    return found


def counts_by_status(group: Any) -> dict[str, int]:
    return dict(
        Enrolment.objects.filter(group=group)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


@pytest.fixture
def finished_group(kies: Any, host: Any) -> Any:
    """The group, but over: its status moved on so erasing keeps statuses as they are."""
    return make_published_group(kies, host)


def _with_intake_and_attendance(enrolment: Any, alice: Any) -> None:
    intake_record(
        enrolment=enrolment,
        outcome=IntakeOutcome.SUITABLE,
        notes="Ouders spreken elkaar niet meer",
        recorded_by=alice,
    )
    Attendance.objects.create(
        session=enrolment.group.sessions.first(),
        enrolment=enrolment,
        status=AttendanceStatus.EXCUSED,
        note="Bij vader dit weekend",
    )


def test_erasing_removes_names_contact_details_notes_and_links_and_keeps_the_facts(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], alice: Any
) -> None:
    result, values = enrol_family(group, host, consent_text, emitted, first="Noor")
    enrolment = result.enrolments[0]
    _with_intake_and_attendance(enrolment, alice)
    old_key = enrolment.child_key
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    assert AccessLink.objects.filter(submission=result.submission).exists()
    notes = ["Ouders spreken elkaar niet meer", "Bij vader dit weekend"]
    assert text_values_left(values["names"] + values["emails"] + values["phones"] + notes)

    enrolment_erase(enrolment=enrolment, reason="test")

    assert text_values_left(values["names"] + values["emails"] + values["phones"] + notes) == []
    assert not Child.objects.filter(date_of_birth=dt.date(2017, 3, 1)).exists()
    assert not Enrolment.objects.filter(child_key=old_key).exists()
    assert not AccessLink.objects.filter(submission=result.submission).exists()
    enrolment.refresh_from_db()
    assert enrolment.erased_at is not None
    # The anonymous facts stay: the child withdrew first (the group still runs), so the
    # seat went on; consents, intake outcome and attendance status remain.
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    assert enrolment.child.school == host and enrolment.child.grade == 4
    assert enrolment.child.date_of_birth == ERASED_DATE_OF_BIRTH
    assert sorted(
        Consent.objects.filter(enrolment=enrolment).values_list("given", "method", "party")
    ) == [(True, "link", "guardian"), (True, "link", "guardian")]
    assert {c.consent_text.version for c in enrolment.consents.all()} == {"2026-1"}
    assert Intake.objects.get(enrolment=enrolment).outcome == IntakeOutcome.SUITABLE
    assert Attendance.objects.get(enrolment=enrolment).status == AttendanceStatus.EXCUSED
    assert Guardian.objects.filter(submission=result.submission).count() == 2


def test_erasing_twice_changes_nothing_the_second_time(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    result, _values = enrol_family(group, host, consent_text, emitted, first="Jip")
    enrolment = enrolment_erase(enrolment=result.enrolments[0], reason="test")
    first_erased_at = enrolment.erased_at
    audit_count = AuditEntry.objects.filter(action=AuditAction.DATA_ERASED).count()
    erased_events = [e for e in emitted if isinstance(e, events.Erased)]
    _today.shift(dt.timedelta(days=1))

    again = enrolment_erase(enrolment=enrolment, reason="test")

    assert again.erased_at == first_erased_at
    assert AuditEntry.objects.filter(action=AuditAction.DATA_ERASED).count() == audit_count == 1
    assert [e for e in emitted if isinstance(e, events.Erased)] == erased_events
    assert erased_events == [events.Erased(enrolment_id=enrolment.pk)]


def test_erasing_in_a_group_that_ended_keeps_every_status_and_so_the_counts(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    confirmed, _ = enrol_family(group, host, consent_text, emitted, first="Bo")
    waiting, _ = enrol_family(group, host, consent_text, emitted, first="Fenna", confirm=False)
    refused, _ = enrol_family(group, host, consent_text, emitted, first="Guus", confirm=False)
    received = next(
        e
        for e in emitted
        if isinstance(e, events.EnrolmentReceived) and e.submission_id == refused.submission.pk
    )
    email_confirm(token=received.confirm_token, consent_given=False)
    before = counts_by_status(group)
    assert before == {"confirmed": 1, "awaiting_consent": 1, "refused": 1}
    _today.move_to(dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC))  # after the last session

    for result in (confirmed, waiting, refused):
        enrolment_erase(enrolment=result.enrolments[0], reason="test")

    assert counts_by_status(group) == before
    assert Enrolment.objects.filter(group=group, erased_at__isnull=True).count() == 0
    assert not [e for e in emitted if isinstance(e, events.Withdrawn)]


def test_a_siblings_running_enrolment_keeps_the_guardians_contact_details(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    group = make_published_group(kies, host)
    result, values = enrol_family(
        group, host, consent_text, emitted, first="Mees", siblings=("Pien",)
    )
    mees, pien = result.enrolments

    enrolment_erase(enrolment=mees, reason="test")

    mees_child = Child.objects.get(pk=mees.child_id)
    assert (mees_child.first_name, mees_child.last_name) == ("", "")
    assert not Child.objects.filter(first_name="Mees").exists()
    assert set(text_values_left(values["emails"])) == {
        f"Guardian.email={email}" for email in values["emails"]
    }
    pien.refresh_from_db()
    assert pien.status == EnrolmentStatus.CONFIRMED and pien.erased_at is None

    enrolment_erase(enrolment=pien, reason="test")

    assert text_values_left(values["names"] + values["emails"] + values["phones"]) == []
    assert not AccessLink.objects.filter(submission=result.submission).exists()


def test_erasing_a_running_enrolment_withdraws_it_and_offers_the_seat_to_the_next_child(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    group = make_published_group(kies, host, capacity=1)
    first, _ = enrol_family(group, host, consent_text, emitted, first="Ravi")
    second, _ = enrol_family(group, host, consent_text, emitted, first="Saar", confirm=False)
    assert second.enrolments[0].status == EnrolmentStatus.WAITLISTED
    confirm_address(second, emitted)

    enrolment_erase(enrolment=first.enrolments[0], reason="test")

    second.enrolments[0].refresh_from_db()
    assert second.enrolments[0].status == EnrolmentStatus.OFFERED
    assert [e.enrolment_id for e in emitted if isinstance(e, events.Withdrawn)] == [
        first.enrolments[0].pk
    ]
    assert [e.enrolment_id for e in emitted if isinstance(e, events.SeatOffered)] == [
        second.enrolments[0].pk
    ]
