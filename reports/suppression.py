"""Small-number suppression for the reports.

A count below 5 per school per programme could point to a child ("the one pupil of De
Horizon in KIES"), so outside the programme manager's operational page it is shown as
"< 5". A 0 points to nobody and is shown as 0: hiding it would make an empty school look
like a small one. Counts that say nothing about children (groups offered) are never hidden.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from reports.participation import ParticipationReport, SchoolProgrammeParticipation

THRESHOLD = 5
SUPPRESSED = "< 5"


def suppress(count: int, *, viewer_is_manager_operational: bool) -> str | int:
    """The count itself, or "< 5" when it is 1 to 4 and the viewer is not the programme
    manager on the operational page. 0 stays 0."""
    if viewer_is_manager_operational or count == 0 or count >= THRESHOLD:
        return count
    return SUPPRESSED


def school_headers() -> list[str]:
    """Column titles of `school_display_rows`."""
    return [
        str(_("School")),
        str(_("Belangstelling")),
        str(_("Groepen aangeboden")),
        str(_("Leerlingen geplaatst")),
    ]


def school_display_rows(
    report: ParticipationReport, *, viewer_is_manager_operational: bool
) -> list[list[str | int]]:
    """The report's per-school lines as display rows: school name, registered interest,
    groups offered and pupils enrolled, the counts about children suppressed."""
    return [
        [
            school.school_name,
            suppress(school.interest, viewer_is_manager_operational=viewer_is_manager_operational),
            school.groups_offered,
            suppress(
                school.pupils_enrolled,
                viewer_is_manager_operational=viewer_is_manager_operational,
            ),
        ]
        for school in report.schools
    ]


def school_programme_headers() -> list[str]:
    """Column titles of `school_programme_display_rows`."""
    return [
        str(_("School")),
        str(_("Programma")),
        str(_("Belangstelling")),
        str(_("Groepen aangeboden")),
        str(_("Leerlingen geplaatst")),
    ]


def school_programme_display_rows(
    lines: list[SchoolProgrammeParticipation], *, viewer_is_manager_operational: bool
) -> list[list[str | int]]:
    """One display row per school and programme (from
    `participation.participation_by_school_and_programme`): school, programme, interest,
    groups offered and pupils enrolled, the counts about children suppressed."""
    return [
        [
            line.school_name,
            line.programme_name,
            suppress(line.interest, viewer_is_manager_operational=viewer_is_manager_operational),
            line.groups_offered,
            suppress(
                line.pupils_enrolled, viewer_is_manager_operational=viewer_is_manager_operational
            ),
        ]
        for line in lines
    ]
