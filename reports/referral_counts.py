"""Referral counts for the participation report: per programme and school, how many
invitations were sent in the school year and how many led to an enrolment.

The counts come from one query (`referrals.selectors.referral_counts`). Outside the
manager's operational page they follow the report's small-number rule
(`reports.suppression.hide_with_complement`): per programme, a count from 1 to 4 shows as
"< 5", and when that hides exactly one school's count, a second one is hidden ("*").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from programmes.models import Programme, SchoolYear
from referrals.selectors import referral_counts
from reports.suppression import Shown, hide_with_complement

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class ReferralLine:
    programme: str
    school: str
    sent: Shown
    enrolled: Shown


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=AMSTERDAM)


def referral_lines(
    *, school_year: SchoolYear, programme: Programme | None = None, suppressed: bool
) -> list[ReferralLine]:
    """The referral counts of the school year (and programme), as the page shows them."""
    rows = referral_counts(
        since=_moment(school_year.start_date),
        until=_moment(school_year.end_date + dt.timedelta(days=1)),
    )
    if programme is not None:
        rows = [row for row in rows if row["programme_id"] == programme.pk]
    if not suppressed:
        return [
            ReferralLine(row["programme"], row["school"], row["sent"], row["enrolled"])
            for row in rows
        ]
    by_programme: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_programme[row["programme_id"]].append(row)
    lines: list[ReferralLine] = []
    for programme_rows in by_programme.values():
        shown: dict[str, list[Shown]] = {}
        for metric in ("sent", "enrolled"):
            cells = [((row["school"], row["school_id"]), row[metric]) for row in programme_rows]
            shown[metric], _total_hidden = hide_with_complement(cells)
        lines.extend(
            ReferralLine(row["programme"], row["school"], shown["sent"][i], shown["enrolled"][i])
            for i, row in enumerate(programme_rows)
        )
    return lines
