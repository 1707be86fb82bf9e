"""Reads for the staff pages: rosters, the overview, flags and registered interest.

Every read starts from the scope of `enrolment.access` (or `scheduler.access`), so
what is out of scope is never fetched. Each function fetches with a fixed number
of queries, however many enrolments a group or a school has.

One module per subject (`seats`, `rosters`, `overview`, `start`); every public read is
re-exported here, so callers keep `selectors.roster(...)`.
"""

from __future__ import annotations

from enrolment.selectors.overview import (
    OVERVIEW_FIELDS,
    DemandRow,
    class_groups,
    guardians_by_submission,
    interest_demand,
    overview_enrolments,
    overview_flags,
    schools_for_filter,
    trainer_groups,
)
from enrolment.selectors.rosters import (
    ConsentLine,
    Roster,
    RosterRow,
    absent_twice_ids,
    attendance_sheet,
    choice_label,
    enrolment_row,
    roster,
    roster_groups,
)
from enrolment.selectors.seats import ATTENDING, PARTICIPATING, seats_left, seats_taken
from enrolment.selectors.start import (
    OFFER_EXPIRY_WARNING,
    STARTING_SOON,
    ProgrammeYear,
    consents_missing,
    groups_starting_with_seats,
    intakes_to_do,
    offers_expiring,
    pool_answers_missing,
    year_at_a_glance,
)

__all__ = [
    "ATTENDING",
    "OFFER_EXPIRY_WARNING",
    "OVERVIEW_FIELDS",
    "PARTICIPATING",
    "STARTING_SOON",
    "ConsentLine",
    "DemandRow",
    "ProgrammeYear",
    "Roster",
    "RosterRow",
    "absent_twice_ids",
    "attendance_sheet",
    "choice_label",
    "class_groups",
    "consents_missing",
    "enrolment_row",
    "groups_starting_with_seats",
    "guardians_by_submission",
    "intakes_to_do",
    "interest_demand",
    "offers_expiring",
    "overview_enrolments",
    "overview_flags",
    "pool_answers_missing",
    "roster",
    "roster_groups",
    "schools_for_filter",
    "seats_left",
    "seats_taken",
    "trainer_groups",
    "year_at_a_glance",
]
