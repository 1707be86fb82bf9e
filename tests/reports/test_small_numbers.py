"""Small-number suppression: counts 1 to 4 that could point to a child are shown as "< 5",
except to the programme manager on the operational page; 0 and counts from 5 are shown.
And no hidden count can be worked out again from a total minus the counts beside it: a
second count is hidden ("*") where one alone would be, and totals follow."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrolment.models import EnrolmentStatus
from programmes.models import SchoolYear
from reports.participation import (
    ParticipationReport,
    ProgrammeParticipation,
    SchoolProgrammeParticipation,
)
from reports.suppression import (
    HIDDEN,
    SUPPRESSED,
    ShownCounts,
    school_programme_display_rows,
    school_programme_headers,
    shown_counts,
    suppress,
    suppress_participation,
)
from tests.clock import on_day

pytestmark = on_day("2026-12-06")

SUPPRESSED_ONLY = {"viewer_is_manager_operational": False}


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


# --- per school per programme, with the totals ------------------------------------------

PROGRAMMES = {1: "KIES", 2: "!JES", 3: "MKP"}


def line(
    school: str, programme: int, *, interest: int = 0, offered: int = 1, pupils: int = 0
) -> SchoolProgrammeParticipation:
    return SchoolProgrammeParticipation(
        school_id=sum(map(ord, school)),
        school_name=school,
        programme_id=programme,
        programme_name=PROGRAMMES[programme],
        interest=interest,
        groups_offered=offered,
        pupils_enrolled=pupils,
    )


def pupils(shown: ShownCounts) -> list[tuple[str, str, Any]]:
    return [(x.school_name, x.programme_name, x.pupils_enrolled) for x in shown.lines]


def test_one_hidden_count_hides_the_next_smallest_of_its_programme_as_a_star() -> None:
    shown = shown_counts(
        [
            line("De Horizon", 1, pupils=3),
            line("De Linde", 1, pupils=7),
            line("De Wilg", 1, pupils=12),
            line("De Zon", 1, pupils=0),
        ],
        **SUPPRESSED_ONLY,
    )
    # 22 minus 12 would have given 3 back; now it gives 10 = "< 5" + "*".
    assert pupils(shown) == [
        ("De Horizon", "KIES", SUPPRESSED),
        ("De Linde", "KIES", HIDDEN),  # 7: hidden, but never called "< 5"
        ("De Wilg", "KIES", 12),
        ("De Zon", "KIES", 0),  # a 0 is never the second one
    ]
    assert shown.of_programme(1).pupils_enrolled == 22
    assert shown.totals.pupils_enrolled == 22
    assert shown.has_second_hidden


def test_equal_counts_are_chosen_by_school_name() -> None:
    shown = shown_counts(
        [
            line("Het Baken", 1, pupils=2),
            line("De Linde", 1, pupils=9),
            line("De Esch", 1, pupils=9),
            line("Aan de Vecht", 1, pupils=30),
        ],
        **SUPPRESSED_ONLY,
    )
    assert [x.pupils_enrolled for x in shown.lines] == [SUPPRESSED, 9, HIDDEN, 30]


def test_two_hidden_counts_in_a_programme_need_no_second_one() -> None:
    shown = shown_counts(
        [
            line("De Horizon", 1, pupils=2),
            line("De Linde", 1, pupils=1),
            line("De Wilg", 1, pupils=9),
        ],
        **SUPPRESSED_ONLY,
    )
    assert [x.pupils_enrolled for x in shown.lines] == [SUPPRESSED, SUPPRESSED, 9]
    assert shown.totals.pupils_enrolled == 12
    assert not shown.has_second_hidden


def test_each_metric_gets_its_own_second_count() -> None:
    shown = shown_counts(
        [
            line("De Horizon", 1, interest=2, pupils=8),
            line("De Linde", 1, interest=6, pupils=4),
            line("De Wilg", 1, interest=9, pupils=5),
        ],
        **SUPPRESSED_ONLY,
    )
    assert [(x.interest, x.groups_offered, x.pupils_enrolled) for x in shown.lines] == [
        (SUPPRESSED, 1, 8),
        (HIDDEN, 1, SUPPRESSED),
        (9, 1, HIDDEN),
    ]


def test_a_programme_at_one_school_hides_its_total_and_then_the_total_of_all() -> None:
    shown = shown_counts(
        [
            line("De Horizon", 1, pupils=12),
            line("De Linde", 1, pupils=15),
            line("De Wilg", 2, pupils=3),
        ],
        **SUPPRESSED_ONLY,
    )
    assert pupils(shown)[2] == ("De Wilg", "!JES", SUPPRESSED)
    assert shown.of_programme(2).pupils_enrolled == SUPPRESSED  # it is the school's count
    assert shown.of_programme(1).pupils_enrolled == 27
    # 30 minus 27 would give !JES's 3 back.
    assert shown.totals.pupils_enrolled == HIDDEN


def test_two_hidden_programme_totals_leave_the_total_of_all_in_view() -> None:
    shown = shown_counts(
        [
            line("De Horizon", 1, pupils=12),
            line("De Wilg", 2, pupils=3),
            line("De Zon", 3, pupils=1),
        ],
        **SUPPRESSED_ONLY,
    )
    assert [p.totals.pupils_enrolled for p in shown.programme_totals] == [
        SUPPRESSED,  # !JES
        12,  # KIES
        SUPPRESSED,  # MKP
    ]
    assert shown.totals.pupils_enrolled == 16


def test_a_total_of_one_to_four_is_less_than_five_and_groups_are_never_hidden() -> None:
    shown = shown_counts(
        [line("De Horizon", 1, pupils=2, offered=1), line("De Linde", 1, pupils=1, offered=3)],
        **SUPPRESSED_ONLY,
    )
    assert shown.of_programme(1).pupils_enrolled == SUPPRESSED
    assert shown.totals.pupils_enrolled == SUPPRESSED
    assert (shown.of_programme(1).groups_offered, shown.totals.groups_offered) == (4, 4)


def test_the_operational_page_sees_every_count_and_total() -> None:
    lines = [line("De Horizon", 1, interest=3, pupils=3), line("De Linde", 1, pupils=7)]
    shown = shown_counts(lines, viewer_is_manager_operational=True)
    assert pupils(shown) == [("De Horizon", "KIES", 3), ("De Linde", "KIES", 7)]
    assert (shown.totals.interest, shown.totals.pupils_enrolled) == (3, 10)
    assert not shown.has_second_hidden
    assert school_programme_display_rows(lines, viewer_is_manager_operational=True) == [
        ["De Horizon", "KIES", 3, 1, 3],
        ["De Linde", "KIES", 0, 1, 7],
    ]


def test_the_display_rows_have_one_title_per_column() -> None:
    rows = school_programme_display_rows(
        [line("De Horizon", 1, interest=3, pupils=3), line("De Linde", 1, pupils=7)],
        **SUPPRESSED_ONLY,
    )
    assert rows == [
        ["De Horizon", "KIES", SUPPRESSED, 1, SUPPRESSED],
        ["De Linde", "KIES", 0, 1, HIDDEN],
    ]
    assert all(len(row) == len(school_programme_headers()) for row in rows)


# --- no hidden count can be worked out again, whatever the table ------------------------

tables = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D", "E"]),
        st.sampled_from([1, 2, 3]),
        st.integers(0, 12),
    ),
    max_size=12,
    unique_by=lambda cell: cell[:2],
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_total_minus_the_visible_counts_gives_a_single_hidden_count(
    cells: list[tuple[str, int, int]],
) -> None:
    lines = [line(school, programme, pupils=count) for school, programme, count in cells]
    shown = shown_counts(lines, **SUPPRESSED_ONLY)
    for raw, seen in zip(lines, shown.lines, strict=True):
        count, value = raw.pupils_enrolled, seen.pupils_enrolled
        assert value in (count, SUPPRESSED, HIDDEN)
        assert (value == SUPPRESSED) == (1 <= count <= 4)  # "< 5" is always true
        assert count or value == 0  # a 0 is never hidden
    for programme in shown.programme_totals:
        seen = [x.pupils_enrolled for x in shown.lines if x.programme_id == programme.programme_id]
        hidden = [value for value in seen if isinstance(value, str)]
        if isinstance(programme.totals.pupils_enrolled, int):
            assert len(hidden) != 1, (cells, seen)
    hidden_totals = [p for p in shown.programme_totals if isinstance(p.totals.pupils_enrolled, str)]
    if isinstance(shown.totals.pupils_enrolled, int):
        assert len(hidden_totals) != 1, cells
        assert shown.totals.pupils_enrolled == 0 or shown.totals.pupils_enrolled >= 5


# --- the report around the lines -------------------------------------------------------


def report(*, seats_filled: int, by_status: dict[str, int], offered: int = 40) -> Any:
    return ParticipationReport(
        school_year=SchoolYear(label="2026-2027"),
        programme=None,
        groups_planned=3,
        groups_running=0,
        groups_completed=0,
        groups_cancelled=0,
        seats_offered=offered,
        seats_filled=seats_filled,
        enrolments_by_status={status: 0 for status in EnrolmentStatus.values} | by_status,
        waitlist_length=by_status.get(EnrolmentStatus.WAITLISTED, 0),
        median_days_to_consent=None,
        attendance_present=0,
        attendance_recorded=0,
    )


def programme_line(programme: int, seats_filled: int, offered: int = 20) -> Any:
    return ProgrammeParticipation(
        programme_id=programme,
        programme_name=PROGRAMMES[programme],
        class_mode=False,
        groups_planned=1,
        groups_running=0,
        groups_completed=0,
        groups_cancelled=0,
        seats_offered=offered,
        seats_filled=seats_filled,
        pupils_in_classes=0,
    )


def test_with_the_total_hidden_the_fill_rate_and_the_confirmed_enrolments_go_too() -> None:
    shown = suppress_participation(
        report(
            seats_filled=30,
            by_status={EnrolmentStatus.CONFIRMED: 30, EnrolmentStatus.WAITLISTED: 2},
        ),
        [programme_line(1, 27), programme_line(2, 3)],
        [
            line("De Horizon", 1, pupils=12),
            line("De Linde", 1, pupils=15),
            line("De Wilg", 2, pupils=3),
        ],
        **SUPPRESSED_ONLY,
    )
    assert shown.seats_filled == HIDDEN
    assert shown.fill_rate == HIDDEN  # 30 / 40 would give 30 back
    assert shown.enrolments_by_status[EnrolmentStatus.CONFIRMED] == HIDDEN
    assert shown.enrolments_by_status[EnrolmentStatus.WAITLISTED] == SUPPRESSED
    assert shown.enrolments_by_status[EnrolmentStatus.WITHDRAWN] == 0
    assert shown.waitlist_length == SUPPRESSED
    kies, jes = shown.programmes
    assert (shown.programme_seats_filled(kies), shown.programme_fill_rate(kies)) == (27, 27 / 20)
    assert (shown.programme_seats_filled(jes), shown.programme_fill_rate(jes)) == (
        SUPPRESSED,
        HIDDEN,
    )
    assert shown.has_second_hidden


def test_the_operational_report_shows_every_figure() -> None:
    shown = suppress_participation(
        report(seats_filled=3, by_status={EnrolmentStatus.CONFIRMED: 3}),
        [programme_line(2, 3)],
        [line("De Wilg", 2, pupils=3)],
        viewer_is_manager_operational=True,
    )
    assert (shown.seats_filled, shown.fill_rate) == (3, 3 / 40)
    assert shown.enrolments_by_status[EnrolmentStatus.CONFIRMED] == 3
    assert shown.programme_seats_filled(shown.programmes[0]) == 3
    assert not shown.has_second_hidden
