"""Small-number suppression for the reports, in one place for every output that leaves the
programme manager's operational page: the council page, the CSV/XLSX downloads and the API.

A count of children per school per programme from 1 to 4 (parents' interest, pupils placed)
could point to a child ("the one pupil of De Horizon in KIES"), so it shows as "< 5". A 0
points to nobody and stays 0: hiding it would make an empty school look like a small one.
Counts that say nothing about children (groups, seats offered) are never hidden.

Hiding a cell is not enough while its totals are shown: a programme's total minus its other
schools would give the hidden count back. So `shown_counts` also hides, per metric:

1. Per programme, when exactly one school's count is hidden, the smallest other count above
   0 of that programme as well (equal counts: the first school by name, then by id). That
   count may be 5 or more, so it shows as "*" (`HIDDEN`), never as a "< 5" that would not be
   true. When the programme has no other count above 0, its total is hidden instead.
2. A total, of a programme or of all programmes together, from 1 to 4 shows as "< 5".
3. When exactly one programme's total is hidden, the total of all programmes is hidden too:
   it minus the other programmes would give that total back.

Hidden then is also what would give a hidden count back by arithmetic: the confirmed and
completed enrolments beside a hidden total of pupils placed (`suppress_participation`).
Counts of children above school level (enrolments per status, the waitlist, pupils in
booked classes, marks of attendance) from 1 to 4 show as "< 5" as well; pupils in booked
classes follow rule 3 across programmes.

A ratio (the fill rate, the attendance rate) is shown only when neither its numerator nor
its denominator is hidden or from 1 to 4 (`shown_ratio`): "1 of 1" is 100 %, so the ratio
of two small counts tells them. A hidden ratio shows as "*", never as "< 5", which beside
a percentage would read as "less than 5 %". A numerator of 0 over a denominator of 5 or
more keeps its ratio (0 %), as a count of 0 stays 0.

What stays in view, deliberately: 0; counts of groups and of seats offered (they count no
child), also the groups that did not start by why (a category, never the free-text reason
a decision recorded); the median days to full consent (a duration, not a count). The
difference between two shown counts (marks recorded minus marks present) is not a count
any output shows.

The rules are deterministic, so the council page, the downloads and the API hide the same
cells. The operational page (`viewer_is_manager_operational=True`) shows every count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from programmes.models import Programme, SchoolYear
from reports.participation import (
    FILLED,
    ParticipationReport,
    ProgrammeParticipation,
    SchoolProgrammeParticipation,
    participation,
    participation_by_programme,
    participation_by_school_and_programme,
)

THRESHOLD = 5
SUPPRESSED = "< 5"  # a count from 1 to 4
HIDDEN = "*"  # a count of any size, hidden so that no "< 5" can be worked out from the rest

# A count as an output shows it: the number, SUPPRESSED or HIDDEN.
Shown = int | str

SUPPRESSED_METRICS = ("interest", "pupils_enrolled")


def suppress(count: int, *, viewer_is_manager_operational: bool) -> Shown:
    """The count itself, or "< 5" when it is 1 to 4 and the viewer is not the programme
    manager on the operational page. 0 stays 0."""
    if viewer_is_manager_operational or count == 0 or count >= THRESHOLD:
        return count
    return SUPPRESSED


def is_hidden(value: Shown | float | None) -> bool:
    return isinstance(value, str)


def shown_total(count: int, *, hide: bool = False) -> Shown:
    """A total on a suppressed output: "< 5" when it is 1 to 4; otherwise "*" when `hide`
    (it would give a hidden count back), else the total."""
    if 0 < count < THRESHOLD:
        return SUPPRESSED
    return HIDDEN if hide and count else count


def shown_ratio(rate: float | None, numerator: Shown, denominator: Shown) -> float | str | None:
    """A ratio on a suppressed output: "*" when its numerator or its denominator is hidden
    or from 1 to 4 (with both parts the ratio gives a small count back, and "1 of 1" reads
    as 100 %); None (nothing to divide by) stays None; otherwise the ratio itself."""
    if rate is None:
        return None
    if any(is_hidden(part) or 0 < part < THRESHOLD for part in (numerator, denominator)):
        return HIDDEN
    return rate


def hide_with_complement(cells: Sequence[tuple[tuple[str, int], int]]) -> tuple[list[Shown], bool]:
    """What to show of cells that add up to one shown total, each given as (tie-break key,
    count), and whether that total must be hidden as well (rule 1 of the module docstring):
    every count from 1 to 4 is "< 5"; when that hides exactly one cell, the smallest other
    cell above 0 (equal counts: the smaller key) is "*" too, or, without one, the total goes."""
    shown: list[Shown] = [
        suppress(count, viewer_is_manager_operational=False) for _, count in cells
    ]
    hidden = [index for index, value in enumerate(shown) if is_hidden(value)]
    if len(hidden) != 1:
        return shown, False
    others = sorted(
        (count, key, index)
        for index, (key, count) in enumerate(cells)
        if index not in hidden and count > 0
    )
    if not others:
        return shown, True
    shown[others[0][2]] = HIDDEN
    return shown, False


@dataclass(frozen=True)
class ShownLine:
    """One school's line for one programme as an output may show it."""

    school_id: int
    school_name: str
    programme_id: int
    programme_name: str
    interest: Shown
    groups_offered: int
    pupils_enrolled: Shown


@dataclass(frozen=True)
class ShownTotals:
    """The totals of the lines' columns, of one programme or of all of them."""

    interest: Shown
    groups_offered: int
    pupils_enrolled: Shown


@dataclass(frozen=True)
class ProgrammeTotals:
    """The totals of one programme's lines."""

    programme_id: int
    programme_name: str
    totals: ShownTotals


@dataclass(frozen=True)
class ShownCounts:
    """The per school per programme lines (in their order), the totals per programme (by
    programme name) and the totals of all of them, with the rules of the module applied."""

    lines: list[ShownLine]
    programme_totals: list[ProgrammeTotals]
    totals: ShownTotals

    def of_programme(self, programme_id: int) -> ShownTotals:
        """The totals of one programme; zeros when it has no line (nothing to count)."""
        for found in self.programme_totals:
            if found.programme_id == programme_id:
                return found.totals
        return ShownTotals(interest=0, groups_offered=0, pupils_enrolled=0)

    @property
    def has_second_hidden(self) -> bool:
        """Whether a count was hidden only to keep another from being worked out ("*")."""
        values = [getattr(line, m) for line in self.lines for m in SUPPRESSED_METRICS]
        values += [getattr(p.totals, m) for p in self.programme_totals for m in SUPPRESSED_METRICS]
        values += [getattr(self.totals, m) for m in SUPPRESSED_METRICS]
        return HIDDEN in values


def shown_counts(
    lines: Sequence[SchoolProgrammeParticipation], *, viewer_is_manager_operational: bool
) -> ShownCounts:
    """The lines of `participation.participation_by_school_and_programme` with their totals
    per programme and overall, as the viewer may see them (the rules of the module)."""
    by_programme: dict[int, list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        by_programme[line.programme_id].append(index)
    # Programme totals in programme-name order, whatever the order of the lines.
    order = sorted(by_programme, key=lambda pid: (lines[by_programme[pid][0]].programme_name, pid))

    shown: dict[str, list[Shown]] = {}
    programme_shown: dict[str, dict[int, Shown]] = {}
    overall: dict[str, Shown] = {}
    for metric in SUPPRESSED_METRICS:
        counts = [getattr(line, metric) for line in lines]
        if viewer_is_manager_operational:
            shown[metric] = list(counts)
            programme_shown[metric] = {
                pid: sum(counts[i] for i in indexes) for pid, indexes in by_programme.items()
            }
            overall[metric] = sum(counts)
            continue
        cells: list[Shown] = list(counts)
        totals: dict[int, Shown] = {}
        for pid, indexes in by_programme.items():
            values, hide_total = hide_with_complement(
                [((lines[i].school_name, lines[i].school_id), counts[i]) for i in indexes]
            )
            for i, value in zip(indexes, values, strict=True):
                cells[i] = value
            totals[pid] = shown_total(sum(counts[i] for i in indexes), hide=hide_total)
        hidden_programmes = sum(1 for value in totals.values() if is_hidden(value))
        shown[metric] = cells
        programme_shown[metric] = totals
        overall[metric] = shown_total(sum(counts), hide=hidden_programmes == 1)

    return ShownCounts(
        lines=[
            ShownLine(
                school_id=line.school_id,
                school_name=line.school_name,
                programme_id=line.programme_id,
                programme_name=line.programme_name,
                interest=shown["interest"][index],
                groups_offered=line.groups_offered,
                pupils_enrolled=shown["pupils_enrolled"][index],
            )
            for index, line in enumerate(lines)
        ],
        programme_totals=[
            ProgrammeTotals(
                programme_id=pid,
                programme_name=lines[by_programme[pid][0]].programme_name,
                totals=ShownTotals(
                    interest=programme_shown["interest"][pid],
                    groups_offered=sum(lines[i].groups_offered for i in by_programme[pid]),
                    pupils_enrolled=programme_shown["pupils_enrolled"][pid],
                ),
            )
            for pid in order
        ],
        totals=ShownTotals(
            interest=overall["interest"],
            groups_offered=sum(line.groups_offered for line in lines),
            pupils_enrolled=overall["pupils_enrolled"],
        ),
    )


def school_programme_headers() -> list[str]:
    """Column titles of `school_programme_display_rows`."""
    return [
        str(_("School")),
        str(_("Programma")),
        str(_("Belangstelling")),
        str(_("Groepen aangeboden")),
        str(_("Leerlingen geplaatst")),
    ]


def display_rows(lines: Iterable[ShownLine]) -> list[list[Shown]]:
    """One row per shown line: school, programme, interest, groups offered, pupils placed."""
    return [
        [
            line.school_name,
            line.programme_name,
            line.interest,
            line.groups_offered,
            line.pupils_enrolled,
        ]
        for line in lines
    ]


def school_programme_display_rows(
    lines: Sequence[SchoolProgrammeParticipation], *, viewer_is_manager_operational: bool
) -> list[list[Shown]]:
    """The rows of `display_rows` for the lines of
    `participation.participation_by_school_and_programme`, as the viewer may see them."""
    shown = shown_counts(lines, viewer_is_manager_operational=viewer_is_manager_operational)
    return display_rows(shown.lines)


# --- the whole report ------------------------------------------------------------------


@dataclass(frozen=True)
class ShownParticipation:
    """The participation report of one selection as an output may show it. `report` and
    `programmes` keep the figures that are never hidden (groups, seats offered, the
    median); every count of children, and every ratio, comes from here."""

    report: ParticipationReport
    programmes: list[ProgrammeParticipation]
    counts: ShownCounts
    enrolments_by_status: dict[str, Shown]
    waitlist_length: Shown
    pupils_in_classes: Shown
    pupils_in_classes_by_programme: dict[int, Shown]
    attendance_present: Shown
    attendance_recorded: Shown
    suppressed: bool

    @property
    def lines(self) -> list[ShownLine]:
        return self.counts.lines

    def ratio(self, rate: float | None, numerator: Shown, denominator: Shown) -> float | str | None:
        """`shown_ratio` on a suppressed output; the ratio itself on the operational page."""
        if not self.suppressed:
            return rate
        return shown_ratio(rate, numerator, denominator)

    @property
    def seats_filled(self) -> Shown:
        # Every filled seat is a pupil of a school, so this is the total of pupils placed.
        return self.counts.totals.pupils_enrolled

    @property
    def fill_rate(self) -> float | str | None:
        return self.ratio(self.report.fill_rate, self.seats_filled, self.report.seats_offered)

    def programme_seats_filled(self, line: ProgrammeParticipation) -> Shown:
        if not self.suppressed:
            return line.seats_filled
        return self.counts.of_programme(line.programme_id).pupils_enrolled

    def programme_fill_rate(self, line: ProgrammeParticipation) -> float | str | None:
        return self.ratio(line.fill_rate, self.programme_seats_filled(line), line.seats_offered)

    def programme_pupils_in_classes(self, line: ProgrammeParticipation) -> Shown:
        return self.pupils_in_classes_by_programme.get(line.programme_id, 0)

    @property
    def attendance_rate(self) -> float | str | None:
        return self.ratio(
            self.report.attendance_rate, self.attendance_present, self.attendance_recorded
        )

    @property
    def has_second_hidden(self) -> bool:
        """Whether anything shows as "*": hidden only so that no other count can be worked
        out (a page says so)."""
        values = [
            self.fill_rate,
            self.attendance_rate,
            self.pupils_in_classes,
            *(self.programme_fill_rate(line) for line in self.programmes),
        ]
        return HIDDEN in values or self.counts.has_second_hidden


def suppress_participation(
    report: ParticipationReport,
    programmes: list[ProgrammeParticipation],
    lines: Sequence[SchoolProgrammeParticipation],
    *,
    viewer_is_manager_operational: bool,
) -> ShownParticipation:
    """The three parts of the participation report (`participation`,
    `participation_by_programme`, `participation_by_school_and_programme` of one selection)
    as the viewer may see them: the rules of the module docstring."""
    counts = shown_counts(lines, viewer_is_manager_operational=viewer_is_manager_operational)
    if viewer_is_manager_operational:
        return ShownParticipation(
            report=report,
            programmes=programmes,
            counts=counts,
            enrolments_by_status=dict(report.enrolments_by_status),
            waitlist_length=report.waitlist_length,
            pupils_in_classes=report.pupils_in_classes,
            pupils_in_classes_by_programme={
                line.programme_id: line.pupils_in_classes for line in programmes
            },
            attendance_present=report.attendance_present,
            attendance_recorded=report.attendance_recorded,
            suppressed=False,
        )
    # Confirmed and completed enrolments are (nearly) the seats filled: with those
    # hidden, they would give them back.
    total_hidden = is_hidden(counts.totals.pupils_enrolled)
    by_status = {
        status: shown_total(count, hide=total_hidden and status in FILLED)
        for status, count in report.enrolments_by_status.items()
    }
    # Pupils in booked classes add up over the programmes: one hidden programme hides the
    # total of all (rule 3), or the total minus the others would give it back.
    in_classes = {line.programme_id: shown_total(line.pupils_in_classes) for line in programmes}
    hidden_programmes = sum(1 for value in in_classes.values() if is_hidden(value))
    return ShownParticipation(
        report=report,
        programmes=programmes,
        counts=counts,
        enrolments_by_status=by_status,
        waitlist_length=shown_total(report.waitlist_length),
        pupils_in_classes=shown_total(report.pupils_in_classes, hide=hidden_programmes == 1),
        pupils_in_classes_by_programme=in_classes,
        attendance_present=shown_total(report.attendance_present),
        attendance_recorded=shown_total(report.attendance_recorded),
        suppressed=True,
    )


def participation_as_shown(
    *,
    school_year: SchoolYear,
    programme: Programme | None,
    viewer_is_manager_operational: bool,
) -> ShownParticipation:
    """Reads the participation report of one selection (a fixed number of queries) and
    applies `suppress_participation`: what the pages, downloads and API all show."""
    return suppress_participation(
        participation(school_year=school_year, programme=programme),
        participation_by_programme(school_year=school_year, programme=programme),
        participation_by_school_and_programme(school_year=school_year, programme=programme),
        viewer_is_manager_operational=viewer_is_manager_operational,
    )
