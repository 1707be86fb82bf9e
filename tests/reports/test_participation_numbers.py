"""The participation report's numbers on a small scenario built through the services:
groups in every state (one cancelled), enrolments confirmed, awaiting consent and
waitlisted, attendance, and parents' interest per school."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from enrolment.models import Attendance, AttendanceStatus, Enrolment, EnrolmentStatus, Interest
from enrolment.services import interest_register, submission_create
from reports.participation import participation, participation_by_school_and_programme
from scheduler.models import GroupStatus, SessionKind
from scheduler.services import group_transition
from tests import factories
from tests.enrolment.test_api_public_enrolment_flow import confirmed_enrolment
from tests.enrolment.world import (  # noqa: F401 (fixtures)
    SOLE,
    TODAY,
    _today,
    child,
    host,
    kies,
    make_published_group,
)

pytestmark = pytest.mark.django_db


def sole(first: str) -> Any:
    return SOLE.__class__(**{**SOLE.__dict__, "email": f"{first.lower()}@example.org"})


@pytest.fixture
def scenario(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The enrolment tests' fixtures (time frozen at 1 October 2026), used by name."""
    programme = request.getfixturevalue("kies")
    horizon = request.getfixturevalue("host")
    text = request.getfixturevalue("consent_text")
    seen = request.getfixturevalue("emitted")
    linde = factories.SchoolFactory(name="Basisschool De Linde", brin="44DD")
    wilg = factories.SchoolFactory(name="Basisschool De Wilg", brin="55EE")

    published = make_published_group(programme, horizon, capacity=6)
    sam = confirmed_enrolment(published, horizon, text, seen, first="Sam")
    noor = confirmed_enrolment(published, horizon, text, seen, first="Noor")
    waiting = submission_create(
        children=[child(published, horizon, first="Lotte")],
        enroller=sole("Lotte"),
        consent_text=text,
    ).enrolments[0]
    for first in ("Mila", "Bo", "Jip", "Daan"):  # fill the group; Daan lands on the waitlist
        submission_create(
            children=[child(published, horizon, first=first)],
            enroller=sole(first),
            consent_text=text,
        )

    running = make_published_group(programme, linde, capacity=7)
    finn = confirmed_enrolment(running, linde, text, seen, first="Finn")
    group_transition(group=running, to=GroupStatus.RUNNING)

    completed = make_published_group(programme, linde, capacity=9)
    group_transition(group=completed, to=GroupStatus.RUNNING)
    group_transition(group=completed, to=GroupStatus.COMPLETED)

    draft = make_published_group(programme, horizon, capacity=10)
    group_transition(group=draft, to=GroupStatus.DRAFT)

    cancelled = make_published_group(programme, horizon, capacity=8)
    group_transition(group=cancelled, to=GroupStatus.CANCELLED)

    other_programme = factories.ProgrammeFactory(
        code="think", age_min=7, age_max=17, trainers_per_group=1
    )
    make_published_group(other_programme, horizon, capacity=10)

    interest_register(school=horizon, programme=programme)
    interest_register(school=horizon, programme=programme)
    interest_register(school=wilg, programme=programme)
    interest_register(school=wilg, programme=other_programme)
    last_year = interest_register(school=linde, programme=programme)
    Interest.objects.filter(pk=last_year.pk).update(
        created_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    )

    return {
        "year": published.school_year,
        "kies": programme,
        "published": published,
        "sam": sam,
        "noor": noor,
        "finn": finn,
        "waiting": waiting,
        "schools": (horizon, linde, wilg),
    }


def test_groups_are_counted_by_state_and_cancelled_seats_are_not_offered(
    scenario: dict[str, Any],
) -> None:
    report = participation(school_year=scenario["year"], programme=scenario["kies"])
    assert (
        report.groups_planned,
        report.groups_running,
        report.groups_completed,
        report.groups_cancelled,
    ) == (2, 1, 1, 1)
    assert report.seats_offered == 6 + 7 + 9 + 10  # not the cancelled group's 8
    assert report.seats_filled == 3
    assert report.fill_rate == pytest.approx(3 / 32)


def test_enrolments_are_counted_by_state_and_the_waitlist_is_who_waits_now(
    scenario: dict[str, Any],
) -> None:
    report = participation(school_year=scenario["year"], programme=scenario["kies"])
    assert report.enrolments_by_status[EnrolmentStatus.CONFIRMED] == 3
    assert report.enrolments_by_status[EnrolmentStatus.AWAITING_CONSENT] == 4
    assert report.enrolments_by_status[EnrolmentStatus.WAITLISTED] == 1
    assert report.enrolments_by_status[EnrolmentStatus.WITHDRAWN] == 0
    assert report.waitlist_length == 1


def test_an_erased_enrolment_still_counts(scenario: dict[str, Any]) -> None:
    Enrolment.objects.filter(pk=scenario["sam"].pk).update(erased_at=TODAY)
    report = participation(school_year=scenario["year"], programme=scenario["kies"])
    assert report.enrolments_by_status[EnrolmentStatus.CONFIRMED] == 3
    assert report.seats_filled == 3


def test_the_median_days_to_full_consent_counts_only_complete_consents(
    scenario: dict[str, Any],
) -> None:
    for key, days in (("sam", 1), ("noor", 2), ("finn", 6)):
        Enrolment.objects.filter(pk=scenario[key].pk).update(
            created_at=TODAY - dt.timedelta(days=days), consent_complete_at=TODAY
        )
    Enrolment.objects.filter(pk=scenario["waiting"].pk).update(
        created_at=TODAY - dt.timedelta(days=30)
    )
    report = participation(school_year=scenario["year"], programme=scenario["kies"])
    assert report.median_days_to_consent == 2.0


def test_without_complete_consents_there_is_no_median(
    scenario: dict[str, Any],
) -> None:
    Enrolment.objects.update(consent_complete_at=None)
    report = participation(school_year=scenario["year"], programme=scenario["kies"])
    assert report.median_days_to_consent is None


def test_the_attendance_rate_is_present_over_all_recorded_marks(
    scenario: dict[str, Any],
) -> None:
    sessions = list(
        scenario["published"].sessions.filter(kind=SessionKind.CHILD).order_by("starts_at")[:3]
    )
    for session in sessions:
        Attendance.objects.create(
            session=session, enrolment=scenario["sam"], status=AttendanceStatus.PRESENT
        )
    Attendance.objects.create(
        session=sessions[0], enrolment=scenario["noor"], status=AttendanceStatus.EXCUSED
    )
    Attendance.objects.create(
        session=sessions[1], enrolment=scenario["noor"], status=AttendanceStatus.ABSENT
    )
    report = participation(school_year=scenario["year"], programme=scenario["kies"])
    assert (report.attendance_present, report.attendance_recorded) == (3, 5)
    assert report.attendance_rate == pytest.approx(0.6)


def test_no_attendance_recorded_means_no_rate(scenario: dict[str, Any]) -> None:
    report = participation(school_year=scenario["year"], programme=scenario["kies"])
    assert report.attendance_rate is None


def test_interest_per_school_stands_beside_the_groups_offered_there(
    scenario: dict[str, Any],
) -> None:
    found = participation_by_school_and_programme(
        school_year=scenario["year"], programme=scenario["kies"]
    )
    lines = [(s.school_name, s.interest, s.groups_offered, s.pupils_enrolled) for s in found]
    assert lines == [
        ("Basisschool De Horizon", 2, 2, 2),  # published and draft; not the cancelled one
        ("Basisschool De Linde", 0, 2, 1),  # last year's interest does not count
        ("Basisschool De Wilg", 1, 0, 0),
    ]


def test_without_a_programme_the_report_covers_every_programme(
    scenario: dict[str, Any],
) -> None:
    report = participation(school_year=scenario["year"])
    assert report.seats_offered == 6 + 7 + 9 + 10 + 10
    assert report.groups_planned == 3
    lines = participation_by_school_and_programme(school_year=scenario["year"])
    wilg = [s.interest for s in lines if s.school_name == "Basisschool De Wilg"]
    assert wilg == [1, 1]  # KIES and the other programme, each on its own line


def test_another_school_year_is_empty(scenario: dict[str, Any]) -> None:
    other_year = factories.SchoolYearFactory(label="2027-2028")
    report = participation(school_year=other_year, programme=scenario["kies"])
    assert report.seats_offered == 0
    assert report.fill_rate is None
    assert sum(report.enrolments_by_status.values()) == 0
    assert participation_by_school_and_programme(school_year=other_year) == []
