"""A parent books a prevention talk without an account: a confirmation with an iTIP REQUEST,
moved (same UID, higher SEQUENCE) or cancelled (CANCEL) through their link, a reminder the
day before; the worker sees the booking on their start page."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import OutboxMessage
from referrals.models import BookingStatus, Referral, ReferralStatus, TalkBooking
from referrals.services import (
    referral_send,
    talk_book,
    talk_reminders_send,
    talk_slot_cancel,
    talk_slot_create,
)
from referrals.tasks import talk_reminders
from tests.clock import on_day
from tests.referrals.world import TALK_LINK, client_for, in_days, mail_to, token_in

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


@pytest.fixture
def slots(wendy: Any) -> list[Any]:
    return [
        talk_slot_create(worker=wendy, starts_at=in_days(3, hour=hour), minutes=45)
        for hour in (9, 11)
    ]


def _book_through_the_page(client: Any, slot: Any, email: str) -> Any:
    return client.post(
        reverse("talk-slots"), {"slot": str(slot.uid), "email": email, "language": "nl"}
    )


def test_a_booking_is_confirmed_with_a_calendar_request(client: Any, slots: list[Any]) -> None:
    response = _book_through_the_page(client, slots[0], "ouder@example.org")
    assert response.status_code == 302
    message = mail_to("ouder@example.org", "talk_booked")
    assert message.ics_method == "REQUEST"
    assert "METHOD:REQUEST" in message.ics and "SEQUENCE:0" in message.ics
    assert "TZID:Europe/Amsterdam" in message.ics
    assert "scheiding" not in message.subject.lower()
    assert client.get(response["Location"]).status_code == 200


def test_a_taken_slot_is_refused_in_clear_words(client: Any, slots: list[Any]) -> None:
    _book_through_the_page(client, slots[0], "een@example.org")
    refused = _book_through_the_page(client, slots[0], "twee@example.org")
    assert refused.status_code == 400
    assert "Deze tijd is net door iemand anders geboekt" in refused.content.decode()
    assert TalkBooking.objects.count() == 1


def test_two_parents_of_one_child_book_separate_talks(slots: list[Any]) -> None:
    talk_book(slot_id=slots[0].pk, email="moeder@example.org")
    talk_book(slot_id=slots[1].pk, email="vader@example.org", language="en")
    assert TalkBooking.objects.filter(status=BookingStatus.BOOKED).count() == 2
    assert mail_to("vader@example.org", "talk_booked").language == "en"


def test_moving_keeps_the_uid_and_raises_the_sequence(client: Any, slots: list[Any]) -> None:
    _book_through_the_page(client, slots[0], "ouder@example.org")
    token = token_in(mail_to("ouder@example.org", "talk_booked"), TALK_LINK)
    first = mail_to("ouder@example.org", "talk_booked").ics
    response = client.post(reverse("talk-booking", args=[token]), {"slot": slots[1].pk})
    assert response.status_code == 302
    moved = mail_to("ouder@example.org", "talk_moved").ics
    uid = next(line for line in first.splitlines() if line.startswith("UID:"))
    assert uid in moved and "SEQUENCE:1" in moved and "METHOD:REQUEST" in moved
    assert TalkBooking.objects.get().slot == slots[1]


def test_cancelling_through_the_link_sends_a_calendar_cancel(client: Any, slots: list[Any]) -> None:
    _book_through_the_page(client, slots[0], "ouder@example.org")
    token = token_in(mail_to("ouder@example.org", "talk_booked"), TALK_LINK)
    client.post(reverse("talk-booking-cancel", args=[token]))
    client.post(reverse("talk-booking-cancel", args=[token]))  # twice: one message
    cancelled = OutboxMessage.objects.filter(kind="talk_cancelled")
    assert cancelled.count() == 1
    assert "METHOD:CANCEL" in cancelled.get().ics and "SEQUENCE:1" in cancelled.get().ics
    # The slot is free again.
    talk_book(slot_id=slots[0].pk, email="ander@example.org")


def test_a_worker_who_cancels_a_slot_tells_the_parent(slots: list[Any]) -> None:
    talk_book(slot_id=slots[0].pk, email="ouder@example.org")
    talk_slot_cancel(slot=slots[0])
    assert mail_to("ouder@example.org", "talk_cancelled").ics_method == "CANCEL"
    with pytest.raises(ValidationError):
        talk_book(slot_id=slots[0].pk, email="ander@example.org")


def test_the_reminder_goes_once_the_day_before(slots: list[Any]) -> None:
    talk_book(slot_id=slots[0].pk, email="ouder@example.org")
    assert talk_reminders_send() == 0  # three days ahead: not yet
    with time_machine.travel(in_days(2, hour=8)):
        assert talk_reminders() == 1
        assert talk_reminders() == 0
    assert OutboxMessage.objects.filter(kind="talk_reminder").count() == 1


def test_a_slot_beyond_the_booking_window_cannot_be_booked(wendy: Any) -> None:
    slot = talk_slot_create(worker=wendy, starts_at=in_days(20), book_days_ahead=14)
    with pytest.raises(ValidationError):
        talk_book(slot_id=slot.pk, email="ouder@example.org")


def test_the_worker_sees_the_booking_on_the_start_page(wendy: Any, slots: list[Any]) -> None:
    talk_book(slot_id=slots[0].pk, email="ouder@example.org", name="Anna")
    page = client_for(wendy.user).get(reverse("start-wijkteam"))
    assert page.status_code == 200
    assert "ouder@example.org" in page.content.decode()


def test_a_referral_by_the_worker_offers_her_slots(
    client: Any, wendy: Any, slots: list[Any], kies: Any, host: Any
) -> None:
    referral_send(referrer=wendy.user, programme=kies, school=host, email="ouder@example.org")
    token = token_in(mail_to("ouder@example.org", "referral_invitation"))
    page = client.get(reverse("referral-talk", args=[token]))
    assert str(slots[0].uid) in page.content.decode()
    assert Referral.objects.get().status == ReferralStatus.SENT  # looking is not acting
    booked = client.post(
        reverse("referral-talk", args=[token]),
        {"slot": str(slots[1].uid), "email": "ouder@example.org", "language": "nl"},
    )
    assert booked.status_code == 302
    assert TalkBooking.objects.get().referral is not None
    assert Referral.objects.get().status == ReferralStatus.OPENED


def test_many_booking_attempts_from_one_address_are_held_back(
    client: Any, slots: list[Any], settings: Any
) -> None:
    settings.TALK_BOOKINGS_PER_ADDRESS = 2
    for n in range(2):
        _book_through_the_page(client, slots[1], f"o{n}@example.org")
    assert _book_through_the_page(client, slots[0], "x@example.org").status_code == 429
    assert not TalkBooking.objects.filter(slot=slots[0]).exists()


def test_the_worker_subscribes_to_her_booked_talks_behind_a_secret_link(
    client: Any, wendy: Any, slots: list[Any]
) -> None:
    talk_book(slot_id=slots[0].pk, email="ouder@example.org", name="Anna")
    staff = client_for(wendy.user)
    page = staff.post(reverse("talk-feed-regenerate")).content.decode()
    found = re.search(r"https?://[^<\s]+/agenda/gesprekken/([^<\s/]+)\.ics", page)
    assert found, page
    feed = client.get(reverse("calendar-feeds:talk-feed", args=[found.group(1)]))
    assert feed.status_code == 200
    body = feed.content.decode()
    assert "BEGIN:VEVENT" in body and "Anna" in body and "ouder@example.org" not in body
    assert "METHOD" not in body
    staff.post(reverse("talk-feed-revoke"))
    assert client.get(reverse("calendar-feeds:talk-feed", args=[found.group(1)])).status_code == (
        404
    )
