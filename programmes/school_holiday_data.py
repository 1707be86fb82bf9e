"""The school holidays shipped with the product, as plain data.

The data migration `0002_ship_school_holidays` loads these rows once; after
that they are ordinary `SchoolHoliday` rows the programme manager edits (admin,
pages, .ics import). This module imports no models, so the migration can use it.

Each holiday runs from its first to its last day inclusive, Saturday to the
Sunday a week (or six weeks) later. The government fixes the summer, Christmas
and May holidays and only advises the autumn and spring weeks; the 2026-2027
table below is the advice and still has to be checked against rijksoverheid.nl.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

OFFICIAL_SOURCE = "rijksoverheid.nl"
ADVISORY_SOURCE = "Adviesdata, nog te controleren bij rijksoverheid.nl"

REGIONS = ("noord", "midden", "zuid")
KINDS = ("herfst", "kerst", "voorjaar", "mei", "zomer")


class ShippedHoliday(NamedTuple):
    school_year: str
    region: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    advisory: bool
    source: str


D = dt.date
Period = tuple[dt.date, dt.date]

# school year -> (advisory, {kind: {region: (first day, last day)}})
_TABLES: dict[str, tuple[bool, dict[str, dict[str, Period]]]] = {
    "2025-2026": (
        False,
        {
            "herfst": {
                "noord": (D(2025, 10, 18), D(2025, 10, 26)),
                "midden": (D(2025, 10, 18), D(2025, 10, 26)),
                "zuid": (D(2025, 10, 11), D(2025, 10, 19)),
            },
            "kerst": dict.fromkeys(REGIONS, (D(2025, 12, 20), D(2026, 1, 4))),
            "voorjaar": dict.fromkeys(REGIONS, (D(2026, 2, 14), D(2026, 2, 22))),
            "mei": dict.fromkeys(REGIONS, (D(2026, 4, 25), D(2026, 5, 3))),
            "zomer": {
                "noord": (D(2026, 7, 4), D(2026, 8, 16)),
                "midden": (D(2026, 7, 18), D(2026, 8, 30)),
                "zuid": (D(2026, 7, 11), D(2026, 8, 23)),
            },
        },
    ),
    "2026-2027": (
        True,
        {
            "herfst": {
                "noord": (D(2026, 10, 10), D(2026, 10, 18)),
                "midden": (D(2026, 10, 17), D(2026, 10, 25)),
                "zuid": (D(2026, 10, 17), D(2026, 10, 25)),
            },
            "kerst": dict.fromkeys(REGIONS, (D(2026, 12, 19), D(2027, 1, 3))),
            "voorjaar": {
                "noord": (D(2027, 2, 20), D(2027, 2, 28)),
                "midden": (D(2027, 2, 20), D(2027, 2, 28)),
                "zuid": (D(2027, 2, 13), D(2027, 2, 21)),
            },
            "mei": dict.fromkeys(REGIONS, (D(2027, 4, 24), D(2027, 5, 2))),
            "zomer": {
                "noord": (D(2027, 7, 10), D(2027, 8, 22)),
                "midden": (D(2027, 7, 17), D(2027, 8, 29)),
                "zuid": (D(2027, 7, 24), D(2027, 9, 5)),
            },
        },
    ),
    "2027-2028": (
        False,
        {
            "herfst": {
                "noord": (D(2027, 10, 16), D(2027, 10, 24)),
                "midden": (D(2027, 10, 16), D(2027, 10, 24)),
                "zuid": (D(2027, 10, 23), D(2027, 10, 31)),
            },
            "kerst": dict.fromkeys(REGIONS, (D(2027, 12, 25), D(2028, 1, 9))),
            "voorjaar": {
                "noord": (D(2028, 2, 19), D(2028, 2, 27)),
                "midden": (D(2028, 2, 26), D(2028, 3, 5)),
                "zuid": (D(2028, 2, 26), D(2028, 3, 5)),
            },
            "mei": dict.fromkeys(REGIONS, (D(2028, 4, 29), D(2028, 5, 7))),
            "zomer": {
                "noord": (D(2028, 7, 15), D(2028, 8, 27)),
                "midden": (D(2028, 7, 8), D(2028, 8, 20)),
                "zuid": (D(2028, 7, 22), D(2028, 9, 3)),
            },
        },
    ),
}


def _rows() -> tuple[ShippedHoliday, ...]:
    rows = []
    for label, (advisory, table) in _TABLES.items():
        source = ADVISORY_SOURCE if advisory else OFFICIAL_SOURCE
        for kind in KINDS:
            for region in REGIONS:
                start, end = table[kind][region]
                rows.append(ShippedHoliday(label, region, kind, start, end, advisory, source))
    return tuple(rows)


SHIPPED_SCHOOL_YEARS: tuple[str, ...] = tuple(_TABLES)
SHIPPED_HOLIDAYS: tuple[ShippedHoliday, ...] = _rows()


def school_year_bounds(label: str) -> tuple[dt.date, dt.date]:
    """1 August of the first year to 31 July of the second (mirrors `SchoolYear`)."""
    first, second = (int(part) for part in label.split("-"))
    return dt.date(first, 8, 1), dt.date(second, 7, 31)
