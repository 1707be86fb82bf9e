"""The data migration ships the school holidays of 2025-2026 to 2027-2028.

pytest-django runs the migrations, so these rows exist in every test database.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection

from programmes.models import HolidayKind, HolidayRegion, SchoolHoliday, SchoolYear
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

migration = importlib.import_module("programmes.migrations.0002_ship_school_holidays")


class _SchemaEditor:
    connection = connection


def shipped(label: str, region: str, kind: str) -> SchoolHoliday:
    return SchoolHoliday.objects.get(school_year__label=label, region=region, kind=kind)


def test_five_holidays_for_three_regions_in_three_school_years_are_shipped() -> None:
    rows = SchoolHoliday.objects.filter(
        school_year__label__in=["2025-2026", "2026-2027", "2027-2028"]
    )
    assert rows.count() == 45
    for label in ["2025-2026", "2026-2027", "2027-2028"]:
        for region in HolidayRegion.values:
            kinds = set(
                rows.filter(school_year__label=label, region=region).values_list("kind", flat=True)
            )
            assert kinds == set(HolidayKind.values) - {HolidayKind.OTHER}, (label, region)


def test_the_school_years_run_from_august_to_july() -> None:
    year = SchoolYear.objects.get(label="2026-2027")
    assert (year.start_date, year.end_date) == (dt.date(2026, 8, 1), dt.date(2027, 7, 31))
    assert set(SchoolYear.objects.values_list("label", flat=True)) >= {
        "2025-2026",
        "2026-2027",
        "2027-2028",
    }


@pytest.mark.parametrize(
    ("label", "region", "kind", "first", "last"),
    [
        ("2027-2028", "noord", "voorjaar", dt.date(2028, 2, 19), dt.date(2028, 2, 27)),
        ("2027-2028", "midden", "voorjaar", dt.date(2028, 2, 26), dt.date(2028, 3, 5)),
        ("2027-2028", "zuid", "herfst", dt.date(2027, 10, 23), dt.date(2027, 10, 31)),
        ("2027-2028", "midden", "kerst", dt.date(2027, 12, 25), dt.date(2028, 1, 9)),
        ("2027-2028", "zuid", "zomer", dt.date(2028, 7, 22), dt.date(2028, 9, 3)),
        ("2026-2027", "noord", "herfst", dt.date(2026, 10, 10), dt.date(2026, 10, 18)),
        ("2026-2027", "zuid", "voorjaar", dt.date(2027, 2, 13), dt.date(2027, 2, 21)),
        ("2026-2027", "zuid", "zomer", dt.date(2027, 7, 24), dt.date(2027, 9, 5)),
        ("2025-2026", "zuid", "herfst", dt.date(2025, 10, 11), dt.date(2025, 10, 19)),
        ("2025-2026", "noord", "mei", dt.date(2026, 4, 25), dt.date(2026, 5, 3)),
        ("2025-2026", "midden", "zomer", dt.date(2026, 7, 18), dt.date(2026, 8, 30)),
    ],
)
def test_a_shipped_holiday_has_the_published_dates(
    label: str, region: str, kind: str, first: dt.date, last: dt.date
) -> None:
    holiday = shipped(label, region, kind)
    assert (holiday.start_date, holiday.end_date) == (first, last)


def test_2026_2027_is_advisory_and_the_other_years_are_official() -> None:
    advisory = SchoolHoliday.objects.filter(school_year__label="2026-2027")
    assert advisory.count() == 15
    assert all(row.advisory for row in advisory)
    assert {row.source for row in advisory} == {
        "Adviesdata, nog te controleren bij rijksoverheid.nl"
    }
    official = SchoolHoliday.objects.filter(school_year__label__in=["2025-2026", "2027-2028"])
    assert official.count() == 30
    assert not any(row.advisory for row in official)
    assert {row.source for row in official} == {"rijksoverheid.nl"}


def test_every_shipped_holiday_runs_saturday_to_sunday_and_passes_validation() -> None:
    for holiday in SchoolHoliday.objects.select_related("school_year"):
        assert holiday.start_date.weekday() == 5, holiday
        assert holiday.end_date.weekday() == 6, holiday
        holiday.full_clean()


def test_running_the_migration_again_adds_nothing_and_keeps_edits() -> None:
    edited = shipped("2026-2027", "noord", "herfst")
    edited.end_date = dt.date(2026, 10, 19)
    edited.advisory = False
    edited.save()
    count = SchoolHoliday.objects.count()

    migration.ship_school_holidays(apps, _SchemaEditor())

    assert SchoolHoliday.objects.count() == count
    edited.refresh_from_db()
    assert (edited.end_date, edited.advisory) == (dt.date(2026, 10, 19), False)


def test_reversing_the_migration_removes_only_the_unchanged_shipped_rows() -> None:
    edited = shipped("2027-2028", "zuid", "mei")
    edited.source = "Gecontroleerd door de gemeente"
    edited.save()
    extra = SchoolHoliday.objects.create(
        school_year=SchoolYear.objects.get(label="2027-2028"),
        region="noord",
        kind=HolidayKind.OTHER,
        name="Studiedag",
        start_date=dt.date(2027, 11, 11),
        end_date=dt.date(2027, 11, 11),
    )

    migration.remove_unchanged_school_holidays(apps, _SchemaEditor())

    assert set(SchoolHoliday.objects.values_list("pk", flat=True)) == {edited.pk, extra.pk}
    migration.ship_school_holidays(apps, _SchemaEditor())
    assert SchoolHoliday.objects.count() == 46
