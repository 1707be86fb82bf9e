"""The council version of the participation report hides every count of children from 1 to
4 and every ratio whose numerator or denominator is hidden or from 1 to 4, on the page, in
both downloads and in the API alike: a municipality where one child attended one session
reads no "1 van 1" and no 100 %, and a booked class of three pupils reads "< 5"."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core import domain_events
from enrolment import events
from enrolment.models import Attendance, AttendanceStatus, Authority, ConsentText, EnrolmentStatus
from enrolment.services import (
    ChildInput,
    GuardianInput,
    consent_answer,
    email_confirm,
    submission_create,
)
from programmes.models import EnrolmentMode
from reports.participation import ParticipationReport, ProgrammeParticipation
from reports.suppression import HIDDEN, SUPPRESSED, shown_ratio, suppress_participation
from scheduler.models import Group, GroupStatus, SessionKind
from scheduler.services import group_create, group_transition
from tests import factories
from tests.clock import on_day
from tests.reports.test_participation_pages import key_figures, tables_of

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

API = "/api/v1/reports/participation/"
PERCENTAGE_NOTE = "Een percentage waarvan het deel of het geheel 1 tot en met 4 is, staat als “*”."


# --- a small municipality, built through the services -------------------------------------


def published_group(programme: Any, school: Any, **extra: Any) -> Group:
    year = factories.SchoolYearFactory(label="2026-2027")
    trainer = factories.TrainerFactory(qualifications=[programme])
    group = group_create(
        programme=programme,
        host_school=school,
        school_year=year,
        round_label="voorjaar 2027",
        weekday=0,
        start_time=dt.time(13, 0),
        first_date=dt.date(2027, 1, 11),
        trainers=[trainer],
        enrolment_opens_on=dt.date(2026, 12, 1),
        enrolment_closes_on=dt.date(2027, 1, 8),
        **extra,
    ).group
    return group_transition(group=group, to=GroupStatus.PUBLISHED)


def confirmed_child(group: Group, school: Any) -> Any:
    """One child enrolled by two parents with joint authority, both consenting."""
    seen: list[Any] = []
    domain_events.subscribe(object, seen.append)
    try:
        text, _ = ConsentText.objects.get_or_create(
            version="2026-1",
            defaults={
                "text_nl": "Ik geef toestemming voor deelname.",
                "text_en": "I consent to taking part.",
                "active_from": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            },
        )
        result = submission_create(
            children=[
                ChildInput(
                    first_name="Sam",
                    last_name="de Boer",
                    date_of_birth=dt.date(2017, 3, 1),
                    school=school,
                    grade=4,
                    group=group,
                )
            ],
            enroller=GuardianInput(
                name="Anna de Boer", email="anna@example.org", authority=Authority.JOINT
            ),
            other_guardians=[
                GuardianInput(
                    name="Bram de Boer", email="bram@example.org", authority=Authority.JOINT
                )
            ],
            consent_text=text,
        )
        received = next(e for e in seen if isinstance(e, events.EnrolmentReceived))
        email_confirm(token=received.confirm_token, consent_given=True)
        requested = next(e for e in seen if isinstance(e, events.ConsentRequested))
        consent_answer(token=requested.token, given=True)
    finally:
        domain_events.unsubscribe(object, seen.append)
    enrolment = result.enrolments[0]
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    return enrolment


@pytest.fixture
def one_child_attended() -> dict[str, Any]:
    """KIES at one school: one child placed, marked present at the one session recorded."""
    kies = factories.ProgrammeFactory(
        code="kies-raad",
        name_nl="KIES",
        name_en="KIES",
        age_min=7,
        age_max=12,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )
    horizon = factories.SchoolFactory(name="Basisschool De Horizon")
    group = published_group(kies, horizon, capacity=8)
    sam = confirmed_child(group, horizon)
    first = group.sessions.filter(kind=SessionKind.CHILD).order_by("starts_at").first()
    Attendance.objects.create(session=first, enrolment=sam, status=AttendanceStatus.PRESENT)
    return {"year": group.school_year}


@pytest.fixture
def class_of_three() -> dict[str, Any]:
    """THINK op school booked for one class of three pupils, nothing else."""
    think = factories.ProgrammeFactory(
        code="think-raad",
        name_nl="THINK op school",
        name_en="THINK at school",
        audience="vo",
        grade_min=1,
        grade_max=2,
        age_min=11,
        age_max=15,
        enrolment_mode=EnrolmentMode.CLASS,
        consent_guardians="none",
        consent_child="none",
        child_sessions=6,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        group_size_min=1,
        group_size_max=32,
    )
    school = factories.SchoolFactory(name="Thorbecke Scholengemeenschap", school_type="vo")
    group = published_group(
        think, school, capacity=3, class_name="1B", class_size=3, mentor_name="J. de Wit"
    )
    return {"year": group.school_year}


def council(client: Client, world: dict[str, Any]) -> Any:
    response = client.get(reverse("participation-council"), {"school_year": world["year"].pk})
    assert response.status_code == 200
    return response


def download(client: Client, name: str, world: dict[str, Any]) -> dict[str, Any]:
    """The download as {what: value} for the rows about all programmes or one programme."""
    response = client.get(reverse(name), {"school_year": world["year"].pk})
    assert response.status_code == 200
    if name.endswith("csv"):
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return {(row[1], row[3]): row[4] for row in rows[1:] if not row[2]}


def api(client: Client, world: dict[str, Any]) -> dict[str, Any]:
    response = client.get(API, {"school_year": world["year"].pk})
    assert response.status_code == 200
    return response.json()


DOWNLOADS = ["participation-export-csv", "participation-export-xlsx"]


# --- one child, one mark of attendance ----------------------------------------------------


def test_the_council_page_shows_no_attendance_of_one_in_one(
    as_alice: Client, one_child_attended: dict[str, Any]
) -> None:
    response = council(as_alice, one_child_attended)
    assert key_figures(response)["Aanwezigheid"] == "* (< 5 van < 5 registraties)"
    html = response.content.decode()
    assert "1 van 1" not in html
    assert "100,0%" not in html


def test_the_council_page_says_that_a_percentage_of_small_numbers_shows_as_a_star(
    as_alice: Client, one_child_attended: dict[str, Any]
) -> None:
    assert PERCENTAGE_NOTE in council(as_alice, one_child_attended).content.decode()


@pytest.mark.parametrize("name", DOWNLOADS)
def test_the_downloads_show_no_attendance_rate_of_one_in_one(
    as_alice: Client, one_child_attended: dict[str, Any], name: str
) -> None:
    figures = download(as_alice, name, one_child_attended)
    assert figures[("alle programma's", "Aanwezigheid in procenten")] == HIDDEN
    assert 100 not in figures.values() and "100.0" not in figures.values()


def test_the_api_shows_no_attendance_of_one_in_one(
    as_alice: Client, one_child_attended: dict[str, Any]
) -> None:
    answer = api(as_alice, one_child_attended)
    assert answer["attendance_present"] == SUPPRESSED
    assert answer["attendance_recorded"] == SUPPRESSED
    assert answer["attendance_rate"] == HIDDEN


# --- a booked class of three pupils -------------------------------------------------------


def test_the_council_page_hides_a_class_of_three_pupils(
    as_alice: Client, class_of_three: dict[str, Any]
) -> None:
    response = council(as_alice, class_of_three)
    assert key_figures(response)["Leerlingen in geboekte klassen"] == "< 5"
    rows = tables_of(response)["Bezetting per programma"][1:]
    assert [row[-1] for row in rows] == ["klassikaal: < 5 leerlingen"]


@pytest.mark.parametrize("name", DOWNLOADS)
def test_the_downloads_hide_a_class_of_three_pupils(
    as_alice: Client, class_of_three: dict[str, Any], name: str
) -> None:
    figures = download(as_alice, name, class_of_three)
    assert figures[("alle programma's", "Leerlingen in geboekte klassen")] == SUPPRESSED
    assert figures[("THINK op school", "Leerlingen in geboekte klassen")] == SUPPRESSED


def test_the_api_hides_a_class_of_three_pupils(
    as_alice: Client, class_of_three: dict[str, Any]
) -> None:
    answer = api(as_alice, class_of_three)
    assert answer["pupils_in_classes"] == SUPPRESSED
    assert [line["pupils_in_classes"] for line in answer["programmes"]] == [SUPPRESSED]


# --- the one rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (1, 1, HIDDEN),  # "1 van 1": 100 % of one child
        (3, 40, HIDDEN),  # a small numerator
        (0, 4, HIDDEN),  # a small denominator
        (SUPPRESSED, 40, HIDDEN),
        (HIDDEN, 40, HIDDEN),
        (5, 5, 1.0),
        (0, 8, 0.0),  # a 0 stays 0, and so does its ratio
    ],
)
def test_a_ratio_of_a_count_from_one_to_four_is_hidden(
    numerator: Any, denominator: int, shown: Any
) -> None:
    rate = (numerator / denominator) if isinstance(numerator, int) else 0.5
    assert shown_ratio(rate, numerator, denominator) == shown


def _report(**figures: Any) -> ParticipationReport:
    year = factories.SchoolYearFactory.build(label="2026-2027")
    return ParticipationReport(
        **{
            "school_year": year,
            "programme": None,
            "groups_planned": 0,
            "groups_running": 3,
            "groups_completed": 0,
            "groups_cancelled": 0,
            "seats_offered": 4,
            "seats_filled": 0,
            "enrolments_by_status": {},
            "waitlist_length": 0,
            "median_days_to_consent": None,
            "attendance_present": 0,
            "attendance_recorded": 0,
            **figures,
        }
    )


def _class_programme(programme_id: int, pupils: int) -> ProgrammeParticipation:
    return ProgrammeParticipation(
        programme_id=programme_id,
        programme_name=f"klassikaal {programme_id}",
        class_mode=True,
        groups_planned=0,
        groups_running=1,
        groups_completed=0,
        groups_cancelled=0,
        seats_offered=0,
        seats_filled=0,
        pupils_in_classes=pupils,
    )


def test_one_hidden_class_hides_the_total_of_pupils_in_classes_too() -> None:
    shown = suppress_participation(
        _report(pupils_in_classes=3 + 26),
        [_class_programme(1, 3), _class_programme(2, 26)],
        [],
        viewer_is_manager_operational=False,
    )
    # 29 minus the 26 beside it would give the class of three back.
    assert shown.pupils_in_classes == HIDDEN
    assert [shown.programme_pupils_in_classes(line) for line in shown.programmes] == [
        SUPPRESSED,
        26,
    ]
    assert shown.has_second_hidden


def test_four_seats_offered_hide_the_fill_rate_even_when_none_is_filled() -> None:
    shown = suppress_participation(
        _report(seats_offered=4), [], [], viewer_is_manager_operational=False
    )
    assert shown.fill_rate == HIDDEN
