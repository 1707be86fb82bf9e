"""Messages about an enrolment: received, consent, invitation, waitlist, offers, withdrawal,
erasure. Each in Dutch and English, checked in the outbox row the event wrote."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from core import domain_events
from enrolment import events as enrolment_events
from enrolment.services import (
    consent_answer,
    enrolment_withdraw,
    holds_and_offers_expire,
    offer_answer,
)
from enrolment.services.retention import ErasureReason, enrolment_erase
from notifications.messages import link_url
from tests.notifications.message_support import (
    COORDINATOR_EMAIL,
    FATHER,
    LANGUAGES,
    MOTHER,
    SOLE,
    assert_good_message,
    confirm_email,
    enrol,
    enrol_confirmed,
    events_of,
    only_row,
    rows,
    speaking,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_enrolment_day")]

SITE = "http://testserver.example"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_enroller_gets_received_with_the_absolute_confirmation_link(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(mail_group, consent_text, speaking(MOTHER, language), speaking(FATHER, language))
    token = events_of(emitted, enrolment_events.EnrolmentReceived)[0].confirm_token
    row = only_row("enrolment_received")
    words = {"nl": "Aanmelding bevestigen", "en": "Confirm your enrolment"}[language]
    held_until = {
        "nl": "donderdag 8 oktober 2026 om 12:00",
        "en": "Thursday 8 October 2026 at 12:00",
    }[language]
    assert_good_message(
        row,
        to="anna@example.org",
        language=language,
        contains=[f"{SITE}/aanmelden/link/{token}/", "Sam", words, held_until],
        absent=["Sam de Boer"],
    )
    assert link_url(token) == f"{SITE}/aanmelden/link/{token}/"
    assert f'<a href="{SITE}/aanmelden/link/{token}/">{words}</a>' in row.body_html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_other_parent_gets_a_consent_request_with_their_own_link(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(mail_group, consent_text, MOTHER, speaking(FATHER, language))
    confirm_email(emitted, enrolment)
    request = events_of(emitted, enrolment_events.ConsentRequested)[0]
    row = only_row("consent_request")
    assert_good_message(
        row,
        to="bram@example.org",
        language=language,
        contains=[link_url(request.token), "Sam"],
        # The first mail to an address the mother typed names nobody but the child.
        absent=["Sam de Boer", "Anna de Boer", "Bram de Boer"],
    )
    assert {"nl": "toestemming", "en": "consent"}[language] in row.subject.lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_child_of_twelve_gets_its_own_link_through_the_enroller(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(mail_group, consent_text, speaking(SOLE, language), born=dt.date(2014, 1, 15))
    confirm_email(emitted, enrolment)
    request = next(e for e in events_of(emitted, enrolment_events.ConsentRequested) if e.for_child)
    row = only_row("consent_request_child")
    assert_good_message(
        row, to="carla@example.org", language=language, contains=[link_url(request.token), "Sam"]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_enroller_hears_of_a_consent_that_leaves_the_enrolment_waiting(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    """Mother and father consent, the child of 12 has not yet: the enroller is told."""
    enrolment = enrol(
        mail_group,
        consent_text,
        speaking(MOTHER, language),
        FATHER,
        born=dt.date(2014, 1, 15),
    )
    confirm_email(emitted, enrolment)
    assert not rows("consent_given")  # the enroller's own consent is no news to them
    father = next(
        e for e in events_of(emitted, enrolment_events.ConsentRequested) if not e.for_child
    )
    consent_answer(token=father.token, given=True)
    row = only_row("consent_given")
    waiting = {"nl": "wachten nog", "en": "still waiting"}[language]
    assert_good_message(
        row, to="anna@example.org", language=language, contains=["Bram de Boer", "Sam", waiting]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_reaches_the_enroller_and_the_asked_parent_in_neutral_words(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(
        mail_group, consent_text, speaking(MOTHER, language), speaking(FATHER, language)
    )
    confirm_email(emitted, enrolment)
    request = events_of(emitted, enrolment_events.ConsentRequested)[0]
    consent_answer(token=request.token, given=False)
    refused = rows("consent_refused")
    assert sorted(r.to_email for r in refused) == ["anna@example.org", "bram@example.org"]
    for row in refused:
        assert_good_message(row, to=row.to_email, language=language, contains=["Sam"])
    to_enroller = next(r for r in refused if r.to_email == "anna@example.org")
    assert "Bram" not in to_enroller.body_text  # nobody is named as the one who refused


def test_a_refusal_by_the_enroller_does_not_tell_a_parent_who_was_never_asked(
    mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(mail_group, consent_text, MOTHER, FATHER)
    confirm_email(emitted, enrolment, given=False)
    assert [r.to_email for r in rows("consent_refused")] == ["anna@example.org"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_sends_every_guardian_the_invitation_with_a_request_calendar(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(mail_group, consent_text, speaking(MOTHER, language), speaking(FATHER, "nl"))
    confirm_email(emitted, enrolment)
    consent_answer(token=events_of(emitted, enrolment_events.ConsentRequested)[0].token, given=True)
    invitations = {r.to_email: r for r in rows("invitation")}
    assert set(invitations) == {"anna@example.org", "bram@example.org"}
    # The parent meeting opens the group on 2 November; the children start a week later.
    first_session = {
        "nl": "maandag 9 november 2026 om 13:00",
        "en": "Monday 9 November 2026 at 13:00",
    }
    parent_meeting = {
        "nl": "maandag 2 november 2026 om 19:30",
        "en": "Monday 2 November 2026 at 19:30",
    }
    assert_good_message(
        invitations["anna@example.org"],
        to="anna@example.org",
        language=language,
        contains=["Sam", first_session[language], parent_meeting[language]],
    )
    assert invitations["bram@example.org"].language == "nl"
    for row in invitations.values():
        assert row.ics_method == "REQUEST"
        assert "METHOD:REQUEST" in row.ics
        assert f"mailto:{row.to_email}" in row.ics.replace("\r\n ", "").lower()
        assert "Scheiding" not in row.ics and "Divorce" not in row.ics


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_full_group_puts_the_child_on_the_waitlist_with_its_position(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol(mail_group, consent_text, dataclasses.replace(SOLE, email="a@example.org"), first="A")
    enrol(mail_group, consent_text, dataclasses.replace(SOLE, email="b@example.org"), first="B")
    cas = enrol(
        mail_group,
        consent_text,
        dataclasses.replace(SOLE, email="c@example.org", language=language),
        first="Cas",
    )
    dex = enrol(
        mail_group, consent_text, dataclasses.replace(SOLE, email="d@example.org"), first="Dex"
    )
    # Each parent confirms their address first: until then no waitlist mail goes out.
    assert rows("waitlisted") == []
    confirm_email(emitted, cas)
    confirm_email(emitted, dex)
    third = only_row("waitlisted", to_email="c@example.org")
    position = {"nl": "plaats 1", "en": "position 1"}[language]
    assert_good_message(third, to="c@example.org", language=language, contains=["Cas", position])
    assert "2" in only_row("waitlisted", to_email="d@example.org").body_text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_freed_seat_is_offered_with_the_offer_link_and_its_expiry(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    first = enrol(mail_group, consent_text, dataclasses.replace(SOLE, email="a@example.org"))
    enrol(mail_group, consent_text, dataclasses.replace(SOLE, email="b@example.org"), first="B")
    cas = enrol(
        mail_group,
        consent_text,
        dataclasses.replace(SOLE, email="c@example.org", language=language),
        first="Cas",
    )
    confirm_email(emitted, first)
    confirm_email(emitted, cas)
    enrolment_withdraw(enrolment=first)
    offer = events_of(emitted, enrolment_events.SeatOffered)[0]
    row = only_row("seat_offered")
    # Offers last 48 hours: until Saturday 3 October 2026, 12:00 in Amsterdam.
    expiry = {"nl": "zaterdag 3 oktober 2026 om 12:00", "en": "Saturday 3 October 2026 at 12:00"}
    assert_good_message(
        row,
        to="c@example.org",
        language=language,
        contains=[link_url(offer.token), "Cas", expiry[language]],
    )
    withdrawn = only_row("withdrawn")
    assert_good_message(withdrawn, to="a@example.org", language="nl", contains=["Sam"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_offer_left_unanswered_expires_with_a_message(
    language: str,
    mail_group: Any,
    consent_text: Any,
    emitted: list[Any],
    on_enrolment_day: Any,
) -> None:
    first = enrol(mail_group, consent_text, dataclasses.replace(SOLE, email="a@example.org"))
    enrol(mail_group, consent_text, dataclasses.replace(SOLE, email="b@example.org"), first="B")
    cas = enrol(
        mail_group,
        consent_text,
        dataclasses.replace(SOLE, email="c@example.org", language=language),
        first="Cas",
    )
    confirm_email(emitted, first)
    confirm_email(emitted, cas)
    enrolment_withdraw(enrolment=first)
    on_enrolment_day.shift(dt.timedelta(hours=49))
    holds_and_offers_expire()
    row = only_row("offer_expired")
    assert_good_message(row, to="c@example.org", language=language, contains=["Cas"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_withdrawing_tells_the_enroller(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol_confirmed(mail_group, consent_text, emitted, language=language)
    enrolment_withdraw(enrolment=enrolment)
    row = only_row("withdrawn")
    assert_good_message(row, to="carla@example.org", language=language, contains=["Sam"])
    # She had the invitation: the withdrawal takes the group out of her calendar.
    assert row.ics_method == "CANCEL" and "METHOD:CANCEL" in row.ics


def test_withdrawing_before_confirmation_sends_no_calendar_file(
    mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(mail_group, consent_text, MOTHER, FATHER)
    enrolment_withdraw(enrolment=enrolment)
    # Nobody confirmed an address: the confirmation mail stays the only mail, without a
    # calendar file, and the withdrawal writes nothing (issue 15, item 2).
    assert rows("withdrawn") == []
    family = {MOTHER.email, FATHER.email}
    assert [(r.kind, r.to_email, r.ics) for r in rows() if r.to_email in family] == [
        ("enrolment_received", "anna@example.org", "")
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_erasing_the_data_is_confirmed_to_the_enroller_whose_address_was_just_blanked(
    language: str, mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol_confirmed(mail_group, consent_text, emitted, language=language)
    enrolment_erase(enrolment=enrolment, reason=ErasureReason.GUARDIAN_REQUEST)
    assert enrolment.submission.guardians.get().email == ""
    row = only_row("erased")
    words = {"nl": "verwijderd", "en": "erased"}[language]
    assert_good_message(row, to="carla@example.org", language=language, contains=[words])
    assert "Carla" not in row.body_text  # the name was erased with the rest


def test_offer_accept_link_page_is_where_the_offer_link_points(
    mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    first = enrol(mail_group, consent_text, dataclasses.replace(SOLE, email="a@example.org"))
    enrol(mail_group, consent_text, dataclasses.replace(SOLE, email="b@example.org"), first="B")
    # Two parents: the father's consent is still to come when the offer is accepted.
    third = enrol(
        mail_group,
        consent_text,
        dataclasses.replace(MOTHER, email="c@example.org"),
        FATHER,
        first="C",
    )
    confirm_email(emitted, third)
    enrolment_withdraw(enrolment=first)
    offer = events_of(emitted, enrolment_events.SeatOffered)[0]
    assert link_url(offer.token) in only_row("seat_offered").body_text
    assert offer_answer(token=offer.token, accept=True).status == "awaiting_consent"


def test_replaying_an_event_writes_no_second_message(
    mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol_confirmed(mail_group, consent_text, emitted)
    before = len(rows())
    replayable = [
        e
        for e in emitted
        if isinstance(
            e,
            enrolment_events.EnrolmentReceived
            | enrolment_events.SeatConfirmed
            | enrolment_events.ConsentGiven,
        )
    ]
    assert replayable
    for event in replayable:
        domain_events.emit(event)
    assert len(rows()) == before
    assert len(rows("invitation")) == 1 and rows("invitation")[0].to_email == SOLE.email
    assert enrolment.status == "confirmed"


def test_every_enrolment_message_goes_out_with_the_coordinator_as_reply_to(
    mail_group: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrol_confirmed(mail_group, consent_text, emitted)
    family_rows = [r for r in rows() if r.to_email == SOLE.email]
    # The parent meetings travel in the invitation itself (one event, one e-mail).
    assert {r.kind for r in family_rows} == {"enrolment_received", "invitation"}
    assert {r.reply_to for r in family_rows} == {COORDINATOR_EMAIL}
