"""No overbooking under load: 50 parents submit at once for a group of 8 seats."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.services import GuardianInput, submission_create, waitlist_position
from tests.enrolment.world import child
from tests.factories import letters

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_concurrent_enrolments_fill_eight_seats_and_queue_the_rest(
    group: Any, host: Any, consent_text: Any
) -> None:
    assert connection.vendor == "postgresql"
    start = threading.Barrier(50)
    failures: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            start.wait()
            submission_create(
                children=[
                    child(
                        group,
                        host,
                        first=f"Kind{letters(n)}",
                        born=dt.date(2016, 1, 1) + dt.timedelta(days=n),
                    )
                ],
                enroller=GuardianInput(
                    name=f"Ouder {letters(n).title()}",
                    email=f"ouder{n}@example.org",
                    authority="sole",
                ),
                consent_text=consent_text,
            )
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    enrolments = list(Enrolment.objects.filter(group=group).order_by("pk"))
    seated = [e for e in enrolments if e.status == EnrolmentStatus.AWAITING_CONSENT]
    waiting = [e for e in enrolments if e.status == EnrolmentStatus.WAITLISTED]
    assert len(enrolments) == 50
    assert len(seated) == 8 and len(waiting) == 42
    # Arrival order at the seat lock: the 8 seated came first, the queue follows the rest.
    assert max(e.pk for e in seated) < min(e.pk for e in waiting)
    assert [waitlist_position(e) for e in waiting] == list(range(1, 43))


def test_the_same_idempotency_key_sent_ten_times_at_once_makes_one_enrolment(
    group: Any, host: Any, consent_text: Any
) -> None:
    start = threading.Barrier(10)
    ids: list[int] = []
    failures: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait()
            result = submission_create(
                children=[child(group, host)],
                enroller=GuardianInput(name="Anna", email="anna@example.org", authority="sole"),
                consent_text=consent_text,
                idempotency_key="double-click-1",
            )
            ids.append(result.submission.pk)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(set(ids)) == 1
    assert Enrolment.objects.filter(group=group).count() == 1
