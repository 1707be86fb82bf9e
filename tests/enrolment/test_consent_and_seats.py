from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from enrolment import events
from enrolment.models import Enrolment, EnrolmentStatus, IntakeOutcome
from enrolment.services import (
    consent_answer,
    email_confirm,
    enrolment_withdraw,
    holds_and_offers_expire,
    intake_record,
    offer_answer,
    submission_create,
    waitlist_position,
)
from tests import factories
from tests.enrolment.world import FATHER, MOTHER, SOLE, child, make_published_group

pytestmark = pytest.mark.django_db


def tokens(emitted: list[Any], kind: type) -> list[Any]:
    return [e for e in emitted if isinstance(e, kind)]


def confirm(emitted: list[Any], enrolment: Any) -> None:
    """The enroller confirms their address (and consents) by the link in the received mail:
    until then no mail reaches the family, and no seat is offered to the child."""
    received = tokens(emitted, events.EnrolmentReceived)
    token = next(e.confirm_token for e in received if e.submission_id == enrolment.submission_id)
    email_confirm(token=token, consent_given=True)


def enrol(group: Any, host: Any, consent_text: Any, *guardians: Any, **child_kw: Any) -> Any:
    enroller, *others = guardians or (MOTHER, FATHER)
    return submission_create(
        children=[child(group, host, **child_kw)],
        enroller=enroller,
        other_guardians=others,
        consent_text=consent_text,
    )


def test_joint_authority_needs_both_parents_before_the_seat_is_confirmed(
    group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    result = enrol(group, host, consent_text)
    enrolment = result.enrolments[0]
    assert enrolment.status == EnrolmentStatus.AWAITING_CONSENT
    assert enrolment.hold_expires_at == dt.datetime(2026, 10, 8, 10, 0, tzinfo=dt.UTC)
    confirm = tokens(emitted, events.EnrolmentReceived)[0].confirm_token
    email_confirm(token=confirm, consent_given=True)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.AWAITING_CONSENT
    request = tokens(emitted, events.ConsentRequested)
    assert len(request) == 1 and not request[0].for_child
    consent_answer(token=request[0].token, given=True)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    assert enrolment.consents.count() == 2
    assert {c.consent_text.version for c in enrolment.consents.all()} == {"2026-1"}


def test_a_parent_with_sole_authority_is_enough_alone(
    group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(group, host, consent_text, SOLE).enrolments[0]
    email_confirm(
        token=tokens(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    assert not tokens(emitted, events.ConsentRequested)


def test_joint_authority_without_the_other_parent_is_refused_with_a_clear_message(
    group: Any, host: Any, consent_text: Any
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        enrol(group, host, consent_text, MOTHER)
    assert "beide ouders" in str(excinfo.value.message_dict["other_guardians"])
    assert Enrolment.objects.count() == 0


def test_a_child_of_13_consents_too(
    group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(
        group, host, consent_text, SOLE, born=dt.date(2013, 5, 1), grade=8
    ).enrolments[0]
    email_confirm(
        token=tokens(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.AWAITING_CONSENT
    child_request = [e for e in tokens(emitted, events.ConsentRequested) if e.for_child]
    assert len(child_request) == 1
    consent_answer(token=child_request[0].token, given=True)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED


def test_from_16_the_childs_consent_alone_suffices(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    kies.audience, kies.grade_min, kies.grade_max = "vo", 1, 6
    kies.save()
    vo = factories.SchoolFactory(school_type="vo")
    group = make_published_group(kies, vo)
    enrolment = enrol(
        group, vo, consent_text, MOTHER, born=dt.date(2010, 1, 5), grade=4
    ).enrolments[0]
    email_confirm(
        token=tokens(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True
    )
    requests = tokens(emitted, events.ConsentRequested)
    assert [r.for_child for r in requests] == [True]
    consent_answer(token=requests[0].token, given=True)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED


def test_one_refusal_ends_the_enrolment_and_frees_the_seat_for_the_waitlist(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    group = make_published_group(kies, host, capacity=1)
    first = enrol(group, host, consent_text).enrolments[0]
    second = enrol(group, host, consent_text, first="Lotte").enrolments[0]
    assert second.status == EnrolmentStatus.WAITLISTED and waitlist_position(second) == 1
    email_confirm(
        token=tokens(emitted, events.EnrolmentReceived)[0].confirm_token, consent_given=True
    )
    request = tokens(emitted, events.ConsentRequested)[0]
    confirm(emitted, second)
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.WAITLISTED
    consent_answer(token=request.token, given=False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == EnrolmentStatus.REFUSED
    assert second.status == EnrolmentStatus.OFFERED
    assert second.offer_expires_at == dt.datetime(2026, 10, 3, 10, 0, tzinfo=dt.UTC)


def test_a_hold_expires_and_a_chain_of_offers_moves_on_when_one_expires(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    group = make_published_group(kies, host, capacity=1)
    held = enrol(group, host, consent_text, SOLE).enrolments[0]
    second = enrol(
        group, host, consent_text, SOLE, first="Ties", born=dt.date(2016, 1, 1)
    ).enrolments[0]
    # Two parents: the father's consent is still to come when the offer is accepted.
    third = enrol(
        group, host, consent_text, MOTHER, FATHER, first="Uma", born=dt.date(2016, 2, 2)
    ).enrolments[0]
    assert [waitlist_position(second), waitlist_position(third)] == [1, 2]
    confirm(emitted, second)
    confirm(emitted, third)
    _today.shift(dt.timedelta(days=7, minutes=1))
    assert holds_and_offers_expire() == 1
    held.refresh_from_db()
    second.refresh_from_db()
    assert held.status == EnrolmentStatus.EXPIRED
    assert second.status == EnrolmentStatus.OFFERED
    _today.shift(dt.timedelta(hours=49))
    assert holds_and_offers_expire() == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == EnrolmentStatus.EXPIRED
    assert third.status == EnrolmentStatus.OFFERED
    offer = next(e for e in tokens(emitted, events.SeatOffered) if e.enrolment_id == third.pk)
    offer_answer(token=offer.token, accept=True)
    third.refresh_from_db()
    assert third.status == EnrolmentStatus.AWAITING_CONSENT
    assert holds_and_offers_expire() == 0


def test_withdrawal_passes_the_seat_to_the_next_child(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    group = make_published_group(kies, host, capacity=1)
    first = enrol(group, host, consent_text, SOLE).enrolments[0]
    second = enrol(group, host, consent_text, SOLE, first="Ties").enrolments[0]
    confirm(emitted, second)
    enrolment_withdraw(enrolment=first)
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.OFFERED
    with pytest.raises(ValidationError):
        enrolment_withdraw(enrolment=first)


def test_intake_confirms_a_suitable_child_and_ends_an_unsuitable_one(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any], alice: Any
) -> None:
    kies.requires_intake = True
    kies.save()
    group = make_published_group(kies, host)
    one = enrol(group, host, consent_text, SOLE).enrolments[0]
    two = enrol(group, host, consent_text, SOLE, first="Ties").enrolments[0]
    for received in tokens(emitted, events.EnrolmentReceived):
        email_confirm(token=received.confirm_token, consent_given=True)
    one.refresh_from_db()
    assert one.status == EnrolmentStatus.AWAITING_INTAKE
    intake_record(enrolment=one, outcome=IntakeOutcome.SUITABLE, recorded_by=alice)
    one.refresh_from_db()
    assert one.status == EnrolmentStatus.CONFIRMED
    with pytest.raises(ValidationError):
        intake_record(enrolment=two, outcome=IntakeOutcome.NOT_SUITABLE, recorded_by=alice)
    intake_record(
        enrolment=two, outcome=IntakeOutcome.NOT_SUITABLE, reason="unsafe_home", recorded_by=alice
    )
    two.refresh_from_db()
    assert two.status == EnrolmentStatus.NOT_SUITABLE


def test_siblings_are_enrolled_in_one_submission_with_the_guardians_entered_once(
    group: Any, host: Any, consent_text: Any
) -> None:
    result = submission_create(
        children=[
            child(group, host),
            child(group, host, first="Noor", born=dt.date(2015, 6, 1), grade=6),
        ],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    assert len(result.enrolments) == 2
    assert result.submission.guardians.count() == 2
    assert {e.status for e in result.enrolments} == {EnrolmentStatus.AWAITING_CONSENT}


def test_the_same_child_enrolled_twice_is_stored_as_a_possible_duplicate(
    group: Any, host: Any, consent_text: Any
) -> None:
    # Refusing it would tell whoever sends the form that the child is enrolled (issue 15).
    first = enrol(group, host, consent_text).enrolments[0]
    second = enrol(group, host, consent_text).enrolments[0]
    assert second.status == first.status == EnrolmentStatus.AWAITING_CONSENT
    assert (first.possible_duplicate, second.possible_duplicate) == (False, True)


def test_a_repeated_idempotency_key_returns_the_first_submission(
    group: Any, host: Any, consent_text: Any
) -> None:
    kwargs = dict(
        children=[child(group, host)],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    first = submission_create(idempotency_key="abc-123", **kwargs)
    again = submission_create(idempotency_key="abc-123", **kwargs)
    assert again.replayed and again.submission.pk == first.submission.pk
    assert Enrolment.objects.count() == 1


@pytest.mark.parametrize(
    ("born", "ok"),
    [(dt.date(2019, 11, 2), True), (dt.date(2019, 11, 3), False)],
    ids=["turns-7-on-the-first-session", "turns-7-the-day-after"],
)
def test_the_minimum_age_counts_on_the_first_session_date(
    group: Any, host: Any, consent_text: Any, born: dt.date, ok: bool
) -> None:
    if ok:
        enrol(group, host, consent_text, born=born, grade=3)
    else:
        with pytest.raises(ValidationError, match="is op 02-11-2026 6 jaar"):
            enrol(group, host, consent_text, born=born, grade=3)


def test_a_pupil_of_a_school_the_group_does_not_admit_is_refused(
    group: Any, host: Any, consent_text: Any
) -> None:
    other = factories.SchoolFactory(name="Het Startpunt")
    with pytest.raises(ValidationError, match="niet open voor leerlingen van Het Startpunt"):
        enrol(group, other, consent_text)


def test_enrolment_outside_the_window_is_refused(
    group: Any, host: Any, consent_text: Any, _today: Any
) -> None:
    _today.move_to(dt.datetime(2026, 10, 31, 10, 0, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match="nu niet mogelijk"):
        enrol(group, host, consent_text)


def test_an_intake_before_consent_is_complete_can_end_the_enrolment(
    kies: Any, host: Any, consent_text: Any, alice: Any
) -> None:
    kies.requires_intake = True
    kies.save()
    group = make_published_group(kies, host)
    enrolment = enrol(group, host, consent_text).enrolments[0]
    assert enrolment.status == EnrolmentStatus.AWAITING_CONSENT
    intake_record(
        enrolment=enrolment,
        outcome=IntakeOutcome.NOT_SUITABLE,
        reason="severe_conflict",
        recorded_by=alice,
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.NOT_SUITABLE
