"""Small-number suppression: counts 1 to 4 that could point to a child are shown as "< 5",
except to the programme manager on the operational page; 0 and counts from 5 are shown."""

from __future__ import annotations

import pytest

from programmes.models import SchoolYear
from reports.participation import ParticipationReport, SchoolParticipation
from reports.suppression import school_display_rows, school_headers, suppress


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_a_count_below_five_is_shown_as_less_than_five(count: int) -> None:
    assert suppress(count, viewer_is_manager_operational=False) == "< 5"


@pytest.mark.parametrize("count", [5, 6, 120])
def test_a_count_of_five_or_more_is_shown(count: int) -> None:
    assert suppress(count, viewer_is_manager_operational=False) == count


def test_zero_points_to_no_child_and_is_shown_as_zero() -> None:
    assert suppress(0, viewer_is_manager_operational=False) == 0


@pytest.mark.parametrize("count", [0, 1, 4, 5])
def test_the_manager_on_the_operational_page_sees_every_count(count: int) -> None:
    assert suppress(count, viewer_is_manager_operational=True) == count


def report_with(*schools: SchoolParticipation) -> ParticipationReport:
    return ParticipationReport(
        school_year=SchoolYear(label="2026-2027"),
        programme=None,
        groups_planned=0,
        groups_running=0,
        groups_completed=0,
        groups_cancelled=0,
        seats_offered=0,
        seats_filled=0,
        enrolments_by_status={},
        waitlist_length=0,
        median_days_to_consent=None,
        attendance_present=0,
        attendance_recorded=0,
        schools=list(schools),
    )


REPORT = report_with(
    SchoolParticipation(1, "De Horizon", interest=3, groups_offered=2, pupils_enrolled=12),
    SchoolParticipation(2, "De Linde", interest=7, groups_offered=1, pupils_enrolled=1),
    SchoolParticipation(3, "De Wilg", interest=0, groups_offered=0, pupils_enrolled=0),
)


def test_the_per_school_rows_hide_small_counts_about_children_but_not_groups() -> None:
    assert school_display_rows(REPORT, viewer_is_manager_operational=False) == [
        ["De Horizon", "< 5", 2, 12],
        ["De Linde", 7, 1, "< 5"],
        ["De Wilg", 0, 0, 0],
    ]


def test_the_per_school_rows_are_complete_on_the_managers_operational_page() -> None:
    assert school_display_rows(REPORT, viewer_is_manager_operational=True) == [
        ["De Horizon", 3, 2, 12],
        ["De Linde", 7, 1, 1],
        ["De Wilg", 0, 0, 0],
    ]


def test_the_rows_have_one_title_per_column() -> None:
    rows = school_display_rows(REPORT, viewer_is_manager_operational=False)
    assert all(len(row) == len(school_headers()) for row in rows)
