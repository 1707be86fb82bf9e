"""Referrals and talk bookings are erased like enrolments: a referral that led to nothing
after its expiry plus a short time, an enrolled one after the retention months, a booking
some days after the talk. The report's counts stay the same."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.conf import settings

from enrolment.services import submission_create
from enrolment.services.retention import enrolment_erase
from referrals.models import Referral, ReferralStatus, TalkBooking
from referrals.selectors import referral_counts
from referrals.services import referral_send, referrals_mark_enrolled, talk_book, talk_slot_create
from referrals.tasks import retention_daily
from tests.clock import on_day
from tests.enrolment.world import SOLE, child
from tests.referrals.world import TODAY, in_days

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


def test_a_referral_that_led_to_nothing_is_erased_after_expiry_plus_the_keep_days(
    hank: Any, host: Any, kies: Any
) -> None:
    referral_send(referrer=hank, programme=kies, school=host, email="a@example.org", note="Hoi")
    days = settings.REFERRAL_LINK_DAYS + settings.REFERRAL_KEEP_DAYS_AFTER_EXPIRY
    with time_machine.travel(in_days(days - 1)):
        assert retention_daily() == 0
    with time_machine.travel(in_days(days + 1)):
        assert retention_daily() == 1
        assert retention_daily() == 0
    erased = Referral.objects.get()
    assert (erased.email, erased.note) == ("", "")
    assert erased.erased_at is not None


def test_an_enrolled_referral_is_kept_longer_and_still_counted_after_erasure(
    hank: Any, host: Any, kies: Any
) -> None:
    referral_send(referrer=hank, programme=kies, school=host, email="a@example.org")
    referrals_mark_enrolled(email="a@example.org", pairs=[(kies.pk, host.pk)])
    days = settings.REFERRAL_LINK_DAYS + settings.REFERRAL_KEEP_DAYS_AFTER_EXPIRY + 1
    with time_machine.travel(in_days(days)):
        assert retention_daily() == 0
    with time_machine.travel(in_days(31 * settings.ENROLMENT_RETENTION_MONTHS)):
        assert retention_daily() == 1
    assert Referral.objects.get().status == ReferralStatus.ENROLLED
    counts = referral_counts(since=TODAY.replace(month=8), until=in_days(400))
    assert [(row["sent"], row["enrolled"]) for row in counts] == [(1, 1)]


def test_a_booking_is_erased_some_days_after_the_talk(wendy: Any) -> None:
    slot = talk_slot_create(worker=wendy, starts_at=in_days(3))
    talk_book(slot_id=slot.pk, email="ouder@example.org", name="Anna")
    with time_machine.travel(in_days(3 + settings.TALK_KEEP_DAYS + 1)):
        assert retention_daily() == 1
    booking = TalkBooking.objects.get()
    assert (booking.email, booking.name) == ("", "")


def test_both_tasks_are_scheduled() -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"referrals.talk_reminders", "referrals.retention_daily"} <= tasks


def test_erasing_a_familys_enrolment_erases_their_referral_and_talk_too(
    hank: Any, host: Any, kies: Any, group: Any, wendy: Any, consent_text: Any
) -> None:
    referral_send(referrer=hank, programme=kies, school=host, email=SOLE.email, note="Hoi")
    other = referral_send(referrer=hank, programme=kies, school=host, email="else@example.org")
    slot = talk_slot_create(worker=wendy, starts_at=in_days(3))
    talk_book(slot_id=slot.pk, email=SOLE.email.upper(), name="Carla")
    result = submission_create(
        children=[child(group, host)], enroller=SOLE, consent_text=consent_text
    )
    enrolment = result.enrolments[0]
    enrolment_erase(enrolment=enrolment, reason="guardian_request")
    erased = Referral.objects.exclude(pk=other.pk).get()
    assert (erased.email, erased.note, erased.erased_at is not None) == ("", "", True)
    assert Referral.objects.get(pk=other.pk).email == "else@example.org"
    booking = TalkBooking.objects.get()
    assert (booking.email, booking.name) == ("", "")
