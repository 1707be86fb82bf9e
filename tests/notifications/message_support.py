"""Building blocks for the message tests: a discreet programme, a published group at a school
with a coordinator, families enrolled through the real services, and checks that every
outbox row must pass (discreet subject, both parts, Reply-To)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
import time_machine

from enrolment import events as enrolment_events
from enrolment.models import Authority, Enrolment
from enrolment.services import GuardianInput, email_confirm, submission_create
from notifications.models import OutboxMessage
from tests import factories
from tests.enrolment.world import child, make_published_group

# Enrolment is open; the group's first child session is Monday 2 November 2026.
TODAY = dt.datetime(2026, 10, 1, 10, 0, tzinfo=dt.UTC)
COORDINATOR_EMAIL = "bob@example.org"
LANGUAGES = ["nl", "en"]

MOTHER = GuardianInput(name="Anna de Boer", email="anna@example.org", authority=Authority.JOINT)
FATHER = GuardianInput(name="Bram de Boer", email="bram@example.org", authority=Authority.JOINT)
SOLE = GuardianInput(name="Carla Smit", email="carla@example.org", authority=Authority.SOLE)


def speaking(guardian: GuardianInput, language: str) -> GuardianInput:
    return dataclasses.replace(guardian, language=language)


@pytest.fixture
def on_enrolment_day() -> Any:
    """The clock stands on 1 October 2026, 12:00 in Amsterdam (modules ask for it with
    `usefixtures`; the conftest makes it available without making it autouse)."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mail_programme(db: None) -> Any:
    """A programme whose real name says what it is about, with discreet titles on."""
    return factories.ProgrammeFactory(
        code="kies-mail",
        name_nl="KIES Kinderen in Scheiding",
        name_en="KIES Children of Divorce",
        age_min=7,
        age_max=17,
        grade_min=1,
        grade_max=8,
        parent_meetings_before=1,
        parent_meetings_after=1,
        trainers_per_group=1,
        discreet_titles=True,
        discreet_name="Groepsbijeenkomst",
    )


@pytest.fixture
def mail_group(mail_programme: Any, school_a: Any, bob: Any) -> Any:
    """Published, hosted by school A (Basisschool De Esch), whose coordinator is bob."""
    return make_published_group(mail_programme, school_a, capacity=2)


TITLE = "Groepsbijeenkomst Basisschool De Esch"


def events_of(emitted: list[Any], kind: type) -> list[Any]:
    return [e for e in emitted if isinstance(e, kind)]


def enrol(
    group: Any,
    consent_text: Any,
    enroller: GuardianInput = SOLE,
    *others: GuardianInput,
    first: str = "Sam",
    born: dt.date = dt.date(2017, 3, 1),
) -> Enrolment:
    school = group.host_school
    result = submission_create(
        children=[child(group, school, first=first, born=born)],
        enroller=enroller,
        other_guardians=others,
        consent_text=consent_text,
    )
    return result.enrolments[0]


def confirm_email(emitted: list[Any], enrolment: Enrolment, *, given: bool = True) -> None:
    token = next(
        e.confirm_token
        for e in events_of(emitted, enrolment_events.EnrolmentReceived)
        if e.submission_id == enrolment.submission_id
    )
    email_confirm(token=token, consent_given=given)


def enrol_confirmed(
    group: Any,
    consent_text: Any,
    emitted: list[Any],
    *,
    language: str = "nl",
    first: str = "Sam",
    email: str = "carla@example.org",
) -> Enrolment:
    """A child whose parent holds sole authority, confirmed by the parent's e-mail link."""
    enroller = dataclasses.replace(SOLE, language=language, email=email)
    enrolment = enrol(group, consent_text, enroller, first=first)
    confirm_email(emitted, enrolment)
    enrolment.refresh_from_db()
    return enrolment


def rows(kind: str | None = None, **filters: Any) -> list[OutboxMessage]:
    queryset = OutboxMessage.objects.order_by("pk")
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(queryset.filter(**filters))


def only_row(kind: str, **filters: Any) -> OutboxMessage:
    found = rows(kind, **filters)
    assert len(found) == 1, [(r.kind, r.to_email) for r in rows()]
    return found[0]


SENSITIVE = ("scheiding", "divorce", "kies", "de boer", "smit")


def assert_good_message(
    row: OutboxMessage,
    *,
    to: str,
    language: str,
    contains: list[str] = (),  # type: ignore[assignment]
    reply_to: str = COORDINATOR_EMAIL,
    absent: list[str] = (),  # type: ignore[assignment]
) -> None:
    """The checks every message passes: recipient, language, a subject without sensitive
    words or surnames, a text and an HTML part that both carry `contains`, Reply-To."""
    assert row.to_email == to
    assert row.language == language
    subject = row.subject.lower()
    for word in SENSITIVE:
        assert word not in subject, row.subject
    assert "\n" not in row.subject and row.subject.strip()
    assert row.body_text.strip() and row.body_html.strip()
    assert row.body_html.lstrip().startswith("<!DOCTYPE html>")
    assert f'lang="{language}"' in row.body_html
    for piece in contains:
        assert piece in row.body_text, (piece, row.body_text)
        assert piece in row.body_html, (piece, row.body_html)
    for piece in absent:
        assert piece not in row.body_text and piece not in row.body_html, piece
    assert row.reply_to == reply_to
