"""Every guardian, and the child from 12, withdraws their own consent through their own link:
the page asks first, the seat goes to the next child, the others hear it once, in neutral
words, and the log says so."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from enrolment import events
from enrolment.audit import AuditAction
from enrolment.audit_words import audit_lines
from enrolment.models import AuditEntry, Consent, EnrolmentStatus
from enrolment.services import consent_answer, consent_withdraw, email_confirm, submission_create
from notifications.models import OutboxMessage
from programmes.models import GuardianConsent
from tests import factories
from tests.enrolment.world import FATHER, MOTHER, SOLE, child, make_published_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def of(emitted: list[Any], kind: type) -> list[Any]:
    return [e for e in emitted if isinstance(e, kind)]


def enrol(group: Any, school: Any, consent_text: Any, *guardians: Any, **child_kw: Any) -> Any:
    enroller, *others = guardians or (MOTHER, FATHER)
    return submission_create(
        children=[child(group, school, **child_kw)],
        enroller=enroller,
        other_guardians=others,
        consent_text=consent_text,
    )


def confirm(emitted: list[Any], submission_id: int) -> None:
    token = next(
        e.confirm_token
        for e in of(emitted, events.EnrolmentReceived)
        if e.submission_id == submission_id
    )
    email_confirm(token=token, consent_given=True)


@pytest.fixture
def world(kies: Any, host: Any, consent_text: Any, emitted: list[Any]) -> dict[str, Any]:
    """One seat: Sam (both parents consented, confirmed) holds it, Lot waits behind him; the
    host school has a coordinator."""
    coordinator = factories.UserFactory(email="coordinator@school.example")
    host.coordinators.set([coordinator])
    group = make_published_group(kies, host, capacity=1)
    sam = enrol(group, host, consent_text).enrolments[0]
    confirm(emitted, sam.submission_id)
    father_token = of(emitted, events.ConsentRequested)[0].token
    consent_answer(token=father_token, given=True)
    lot = enrol(group, host, consent_text, SOLE, first="Lot").enrolments[0]
    confirm(emitted, lot.submission_id)
    sam.refresh_from_db()
    lot.refresh_from_db()
    assert (sam.status, lot.status) == (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED)
    return {"sam": sam, "lot": lot, "father_token": father_token, "coordinator": coordinator}


def rows(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


def test_a_second_guardian_withdraws_consent_and_the_seat_goes_to_the_next_child_as_an_offer(
    world: dict[str, Any],
) -> None:
    before = {kind: len(rows(kind)) for kind in ("seat_offered", "withdrawn", "consent_refused")}
    result = consent_withdraw(
        token=world["father_token"], enrolment_public_id=str(world["sam"].public_id)
    )
    sam, lot = world["sam"], world["lot"]
    sam.refresh_from_db()
    lot.refresh_from_db()
    assert result.ended
    assert sam.status == EnrolmentStatus.WITHDRAWN
    assert lot.status == EnrolmentStatus.OFFERED
    offered = rows("seat_offered")
    assert len(offered) == before["seat_offered"] + 1
    assert offered[-1].to_email == "carla@example.org"
    # Neutral words, once to each: the other parent, the coordinator; the parent who withdrew
    # gets their receipt. Both calendars lose the sessions.
    told = rows("consent_withdrawn")
    assert [m.to_email for m in told] == ["anna@example.org"]
    receipt = rows("consent_withdrawn_receipt")
    assert [m.to_email for m in receipt] == ["bram@example.org"]
    assert all(m.ics_method == "CANCEL" for m in told + receipt)
    assert "Bram" not in told[0].body_text and "ingetrokken" in told[0].body_text
    coordinator = rows("consent_withdrawn_coordinator")
    assert [m.to_email for m in coordinator] == ["coordinator@school.example"]
    assert "Sam" in coordinator[0].body_text
    # Not also a withdrawal or a refusal mail on top.
    assert len(rows("withdrawn")) == before["withdrawn"]
    assert len(rows("consent_refused")) == before["consent_refused"]


def test_withdrawing_twice_is_refused_and_writes_nothing_more(world: dict[str, Any]) -> None:
    consent_withdraw(token=world["father_token"], enrolment_public_id=str(world["sam"].public_id))
    count = OutboxMessage.objects.count()
    with pytest.raises(ValidationError) as refused:
        consent_withdraw(
            token=world["father_token"], enrolment_public_id=str(world["sam"].public_id)
        )
    assert "loopt niet meer" in " ".join(refused.value.messages)
    assert OutboxMessage.objects.count() == count
    assert AuditEntry.objects.filter(action=AuditAction.CONSENT_WITHDRAWN).count() == 1


def test_the_withdrawal_is_in_the_audit_log_as_a_sentence(world: dict[str, Any]) -> None:
    consent_withdraw(token=world["father_token"], enrolment_public_id=str(world["sam"].public_id))
    entry = AuditEntry.objects.get(action=AuditAction.CONSENT_WITHDRAWN)
    assert entry.target == f"enrolment {world['sam'].pk}"
    sentence = audit_lines([entry])[0].sentence
    assert sentence.startswith("Een ouder, via de eigen link, trok de toestemming in voor Sam")


def test_the_consent_row_stays_as_the_record_and_counts_as_not_given(
    world: dict[str, Any],
) -> None:
    consent_withdraw(token=world["father_token"], enrolment_public_id=str(world["sam"].public_id))
    withdrawn = Consent.objects.get(enrolment=world["sam"], guardian__email="bram@example.org")
    assert withdrawn.given and withdrawn.withdrawn_at == dt.datetime(
        2026, 10, 1, 10, 0, tzinfo=dt.UTC
    )


def test_the_page_asks_first_and_only_the_post_withdraws(
    client: Client, world: dict[str, Any]
) -> None:
    link = f"/aanmelden/link/{world['father_token']}/"
    status_page = client.get(link)
    assert status_page.status_code == 200
    url = f"{link}toestemming-intrekken/{world['sam'].public_id}/"
    assert url in status_page.content.decode()
    asked = client.get(url)
    assert asked.status_code == 200
    assert "Weet u zeker" in asked.content.decode() or "Are you sure" in asked.content.decode()
    world["sam"].refresh_from_db()
    assert world["sam"].status == EnrolmentStatus.CONFIRMED
    done = client.post(url, follow=True)
    world["sam"].refresh_from_db()
    assert world["sam"].status == EnrolmentStatus.WITHDRAWN
    assert done.redirect_chain[0][0] == link
    assert len(rows("consent_withdrawn_coordinator")) == 1


def test_the_second_guardians_page_shows_every_child_but_not_the_enrollers_buttons(
    client: Client, world: dict[str, Any]
) -> None:
    page = client.get(f"/aanmelden/link/{world['father_token']}/").content.decode()
    assert "Sam" in page
    assert "/afmelden/" not in page  # withdrawing the child is the enroller's
    # Their consent link does not open the data pages itself: a POST gives a data link.
    assert "/gegevens/mijn-gegevens/" not in page
    token = world["father_token"]
    assert f'action="/aanmelden/link/{token}/gegevens/"' in page


def test_the_api_withdraws_with_the_same_message(client: Client, world: dict[str, Any]) -> None:
    answer = client.post(
        "/api/v1/public/links/consent/withdraw/",
        {"token": world["father_token"], "enrolment": str(world["sam"].public_id)},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["message"].startswith("Uw toestemming is ingetrokken. Sam doet daarom niet")
    assert body["enrolments"][0]["status"] == EnrolmentStatus.WITHDRAWN


def test_a_link_of_another_family_cannot_withdraw(
    client: Client, world: dict[str, Any], emitted: list[Any]
) -> None:
    lot_token = of(emitted, events.EnrolmentReceived)[-1].confirm_token
    with pytest.raises(ValidationError):
        consent_withdraw(token=lot_token, enrolment_public_id=str(world["sam"].public_id))
    answer = client.get(
        f"/aanmelden/link/{lot_token}/toestemming-intrekken/{world['sam'].public_id}/"
    )
    assert answer.status_code == 404


def test_with_one_guardians_consent_enough_the_other_consent_keeps_the_place(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    kies.consent_guardians = GuardianConsent.ONE_GUARDIAN
    kies.save()
    group = make_published_group(kies, host)
    sam = enrol(group, host, consent_text).enrolments[0]
    confirm(emitted, sam.submission_id)
    sam.refresh_from_db()
    assert sam.status == EnrolmentStatus.CONFIRMED
    mother_token = of(emitted, events.EnrolmentReceived)[0].confirm_token
    result = consent_withdraw(token=mother_token, enrolment_public_id=str(sam.public_id))
    sam.refresh_from_db()
    assert result.ended and sam.status == EnrolmentStatus.WITHDRAWN  # no consent left


def test_a_child_of_13_withdraws_their_own_consent_and_no_longer_takes_part(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    sam = enrol(group, host, consent_text, SOLE, born=dt.date(2013, 5, 1), grade=8).enrolments[0]
    confirm(emitted, sam.submission_id)
    child_token = next(e.token for e in of(emitted, events.ConsentRequested) if e.for_child)
    consent_answer(token=child_token, given=True)
    sam.refresh_from_db()
    assert sam.status == EnrolmentStatus.CONFIRMED
    page = client.get(f"/aanmelden/link/{child_token}/").content.decode()
    url = f"/aanmelden/link/{child_token}/toestemming-intrekken/{sam.public_id}/"
    assert url in page
    assert "Jij mag dat zelf zeggen" in client.get(url).content.decode()
    client.post(url)
    sam.refresh_from_db()
    assert sam.status == EnrolmentStatus.WITHDRAWN
    assert [m.to_email for m in rows("consent_withdrawn")] == ["carla@example.org"]
    entry = AuditEntry.objects.get(action=AuditAction.CONSENT_WITHDRAWN)
    assert entry.actor_label == f"child {sam.child_id}"
    assert audit_lines([entry])[0].sentence.startswith("Het kind zelf, via de eigen link,")


def test_from_16_the_young_person_decides_alone_and_a_parent_has_no_consent_to_withdraw(
    kies: Any, consent_text: Any, emitted: list[Any]
) -> None:
    kies.audience, kies.grade_min, kies.grade_max = "vo", 1, 6
    kies.save()
    vo = factories.SchoolFactory(school_type="vo")
    group = make_published_group(kies, vo)
    sam = enrol(group, vo, consent_text, MOTHER, born=dt.date(2010, 1, 5), grade=4).enrolments[0]
    confirm(emitted, sam.submission_id)
    mother_token = of(emitted, events.EnrolmentReceived)[0].confirm_token
    with pytest.raises(ValidationError) as refused:
        consent_withdraw(token=mother_token, enrolment_public_id=str(sam.public_id))
    assert "geen toestemming gegeven" in " ".join(refused.value.messages)
    child_token = next(e.token for e in of(emitted, events.ConsentRequested) if e.for_child)
    consent_answer(token=child_token, given=True)
    sam.refresh_from_db()
    assert sam.status == EnrolmentStatus.CONFIRMED
    consent_withdraw(token=child_token, enrolment_public_id=str(sam.public_id))
    sam.refresh_from_db()
    assert sam.status == EnrolmentStatus.WITHDRAWN
