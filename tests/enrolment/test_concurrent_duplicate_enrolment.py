"""The same child submitted by several senders at once: every sender gets the ordinary
answer (issue 15), the database keeps one active enrolment outside the flagged ones."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from enrolment.models import Enrolment
from enrolment.services import GuardianInput, submission_create
from tests.enrolment.world import child
from tests.factories import letters

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_senders_of_one_child_at_once_all_succeed_and_nine_are_flagged(
    group: Any, host: Any, consent_text: Any
) -> None:
    assert connection.vendor == "postgresql"
    start = threading.Barrier(10)
    failures: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            start.wait()
            submission_create(
                children=[child(group, host, first="Hugo")],
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

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []  # no refusal, no IntegrityError: the race answers like any submission
    flags = list(Enrolment.objects.filter(group=group).values_list("possible_duplicate", flat=True))
    assert len(flags) == 10
    assert flags.count(False) == 1
