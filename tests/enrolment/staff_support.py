"""Building blocks for the staff page tests: realistic enrolments made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from enrolment import events
from enrolment.models import Authority, Enrolment
from enrolment.services import ChildInput, GuardianInput, email_confirm, submission_create
from tests.factories import letters

# Mondays of the group made by `make_published_group`: 2, 9, 16 November 2026 ...
AFTER_THIRD_SESSION = dt.datetime(2026, 11, 16, 15, 0, tzinfo=dt.UTC)


def enrol(
    group: Any,
    school: Any,
    consent_text: Any,
    emitted: list[Any],
    *,
    first: str = "Sam",
    last: str = "de Boer",
    born: dt.date = dt.date(2017, 3, 1),
    grade: int = 4,
    confirm: bool = True,
    phone: str = "06-12345678",
) -> Enrolment:
    """One child with a parent holding sole authority; with `confirm` the parent follows the
    e-mail link and consents, which confirms the seat (or keeps the waitlist place)."""
    result = submission_create(
        children=[
            ChildInput(
                first_name=first,
                last_name=last,
                date_of_birth=born,
                school=school,
                grade=grade,
                group=group,
            )
        ],
        enroller=GuardianInput(
            name=f"Ouder van {first}",
            email=f"ouder.{slugify(first)}@example.org",
            phone=phone,
            authority=Authority.SOLE,
        ),
        consent_text=consent_text,
    )
    if confirm:
        token = next(
            e.confirm_token
            for e in emitted
            if isinstance(e, events.EnrolmentReceived) and e.submission_id == result.submission.pk
        )
        email_confirm(token=token, consent_given=True)
    enrolment = result.enrolments[0]
    enrolment.refresh_from_db()
    return enrolment


def enrol_many(
    group: Any, school: Any, consent_text: Any, emitted: list[Any], count: int, prefix: str = "K"
) -> list[Enrolment]:
    return [
        enrol(
            group, school, consent_text, emitted, first=f"{prefix}{letters(index)}", last="Jansen"
        )
        for index in range(count)
    ]


def query_count(func: Any) -> int:
    with CaptureQueriesContext(connection) as context:
        func()
    return len(context.captured_queries)
