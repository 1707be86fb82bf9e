"""The breakdowns the participation pages show: per programme (groups by state, seats,
fill rate; class programmes by pupils, not seats) and per school per programme (the level
at which small counts are hidden). They add up to the report's totals."""

# ruff: noqa: F811 (the imported fixtures are used as arguments)

from __future__ import annotations

from typing import Any

import pytest

from enrolment.services import interest_register
from programmes.models import EnrolmentMode
from reports.participation import (
    participation,
    participation_by_programme,
    participation_by_school_and_programme,
)
from reports.suppression import school_programme_display_rows, school_programme_headers
from scheduler.models import GroupStatus
from scheduler.services import group_transition
from tests import factories
from tests.enrolment.world import (  # noqa: F401 (fixtures)
    _today,
    host,
    kies,
    make_published_group,
)
from tests.reports.test_participation_numbers import scenario  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def class_programme_group(*, cancelled: bool = False, size: int = 24) -> Any:
    think = factories.ProgrammeFactory(
        code="think-class",
        name_nl="THINK op school",
        enrolment_mode=EnrolmentMode.CLASS,
        audience="vo",
        grade_min=1,
        grade_max=2,
        age_min=11,
        age_max=15,
        trainers_per_group=1,
    )
    school = factories.SchoolFactory(name="Thorbecke Scholengemeenschap", school_type="vo")
    group = make_published_group(
        think, school, capacity=size, class_name="1B", class_size=size, mentor_name="J. de Wit"
    )
    if cancelled:
        group_transition(group=group, to=GroupStatus.CANCELLED)
    return group


def test_per_programme_the_groups_seats_and_fill_rate(scenario: dict[str, Any]) -> None:
    lines = participation_by_programme(school_year=scenario["year"])
    assert len(lines) == 2
    kies = lines[0]
    assert kies.programme_name == "KIES"
    assert (
        kies.groups_planned,
        kies.groups_running,
        kies.groups_completed,
        kies.groups_cancelled,
    ) == (2, 1, 1, 1)
    assert (kies.seats_offered, kies.seats_filled) == (32, 3)
    assert kies.fill_rate == pytest.approx(3 / 32)
    other = lines[1]
    assert (other.groups_planned, other.seats_offered, other.seats_filled) == (1, 10, 0)
    assert other.fill_rate == 0


def test_the_programme_lines_add_up_to_the_report(scenario: dict[str, Any]) -> None:
    report = participation(school_year=scenario["year"])
    lines = participation_by_programme(school_year=scenario["year"])
    assert sum(line.seats_offered for line in lines) == report.seats_offered
    assert sum(line.seats_filled for line in lines) == report.seats_filled
    assert sum(line.groups_planned for line in lines) == report.groups_planned
    assert sum(line.groups_cancelled for line in lines) == report.groups_cancelled


def test_one_programme_chosen_gives_only_its_line(scenario: dict[str, Any]) -> None:
    lines = participation_by_programme(school_year=scenario["year"], programme=scenario["kies"])
    assert [line.programme_name for line in lines] == ["KIES"]


def test_a_class_programme_has_pupils_in_classes_and_no_seats(scenario: dict[str, Any]) -> None:
    class_programme_group(size=24)
    class_programme_group(size=30, cancelled=True)  # same programme: get_or_create by code
    report = participation(school_year=scenario["year"])
    assert report.seats_offered == 6 + 7 + 9 + 10 + 10  # the classes are no seats
    assert report.pupils_in_classes == 24  # the cancelled class does not count
    think = next(
        line for line in participation_by_programme(school_year=scenario["year"]) if line.class_mode
    )
    assert (think.seats_offered, think.pupils_in_classes, think.fill_rate) == (0, 24, None)
    assert (think.groups_planned, think.groups_cancelled) == (1, 1)


def test_per_school_and_programme_interest_groups_and_pupils(scenario: dict[str, Any]) -> None:
    lines = participation_by_school_and_programme(school_year=scenario["year"])
    table = [
        (
            line.school_name,
            line.programme_name,
            line.interest,
            line.groups_offered,
            line.pupils_enrolled,
        )
        for line in lines
    ]
    other = next(line.programme_name for line in lines if line.programme_name != "KIES")
    assert ("Basisschool De Horizon", "KIES", 2, 2, 2) in table
    assert ("Basisschool De Linde", "KIES", 0, 2, 1) in table  # last year's interest: not
    assert ("Basisschool De Wilg", "KIES", 1, 0, 0) in table
    assert ("Basisschool De Horizon", other, 0, 1, 0) in table
    assert ("Basisschool De Wilg", other, 1, 0, 0) in table
    assert len(table) == 5


def test_the_school_lines_add_up_to_the_programme_lines(scenario: dict[str, Any]) -> None:
    # The suppression rules rely on it: a programme's filled seats are its pupils placed.
    lines = participation_by_school_and_programme(school_year=scenario["year"])
    programmes = participation_by_programme(school_year=scenario["year"])
    for programme in programmes:
        mine = [line for line in lines if line.programme_id == programme.programme_id]
        assert sum(line.pupils_enrolled for line in mine) == programme.seats_filled
        assert sum(line.groups_offered for line in mine) == (
            programme.groups_total - programme.groups_cancelled
        )
    assert (
        sum(line.pupils_enrolled for line in lines)
        == participation(school_year=scenario["year"]).seats_filled
    )


def test_the_school_display_rows_hide_small_counts_outside_the_operational_page(
    scenario: dict[str, Any],
) -> None:
    interest_register(school=scenario["schools"][0], programme=scenario["kies"])
    lines = participation_by_school_and_programme(
        school_year=scenario["year"], programme=scenario["kies"]
    )
    assert school_programme_display_rows(lines, viewer_is_manager_operational=False) == [
        ["Basisschool De Horizon", "KIES", "< 5", 2, "< 5"],
        ["Basisschool De Linde", "KIES", 0, 2, "< 5"],
        ["Basisschool De Wilg", "KIES", "< 5", 0, 0],
    ]
    assert school_programme_display_rows(lines, viewer_is_manager_operational=True)[0] == [
        "Basisschool De Horizon",
        "KIES",
        3,
        2,
        2,
    ]
    assert len(school_programme_headers()) == 5
