"""No double booking under load: 20 parents book the same talk slot at once, on PostgreSQL.
One gets the slot; the other 19 get a clear refusal, and no second booking exists."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from referrals.models import TalkBooking
from referrals.services import talk_book, talk_slot_create
from tests.clock import on_day
from tests.referrals.world import in_days

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), on_day("2026-10-01")]

PARENTS = 20


def test_twenty_parents_booking_one_slot_at_once_give_one_booking_and_nineteen_refusals(
    wendy: Any,
) -> None:
    assert connection.vendor == "postgresql"
    slot = talk_slot_create(worker=wendy, starts_at=in_days(3), minutes=45)
    start = threading.Barrier(PARENTS)
    booked: list[int] = []
    refusals: list[str] = []
    failures: list[BaseException] = []

    def book(n: int) -> None:
        try:
            start.wait()
            booking, _token = talk_book(slot_id=slot.pk, email=f"ouder{n}@example.org")
            booked.append(booking.pk)
        except ValidationError as error:
            refusals.append(error.message_dict["slot"][0])
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(PARENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(booked) == 1
    assert len(refusals) == PARENTS - 1
    assert set(refusals) == {"Deze tijd is net door iemand anders geboekt. Kies een andere tijd."}
    assert TalkBooking.objects.filter(slot=slot).count() == 1
