"""Ship the school holidays of 2025-2026, 2026-2027 (advisory) and 2027-2028.

Loads `programmes.school_holiday_data` as ordinary rows the programme manager
can edit. Running it again adds only what is missing and never overwrites an
edited row. The reverse removes only the shipped rows that are still unchanged.
"""

from django.db import migrations

from programmes.school_holiday_data import (
    SHIPPED_HOLIDAYS,
    SHIPPED_SCHOOL_YEARS,
    school_year_bounds,
)


def ship_school_holidays(apps, schema_editor):
    SchoolYear = apps.get_model("programmes", "SchoolYear")
    SchoolHoliday = apps.get_model("programmes", "SchoolHoliday")
    db = schema_editor.connection.alias
    years = {}
    for label in SHIPPED_SCHOOL_YEARS:
        start, end = school_year_bounds(label)
        years[label], _ = SchoolYear.objects.using(db).get_or_create(
            label=label, defaults={"start_date": start, "end_date": end}
        )
    for row in SHIPPED_HOLIDAYS:
        SchoolHoliday.objects.using(db).get_or_create(
            school_year=years[row.school_year],
            region=row.region,
            kind=row.kind,
            defaults={
                "start_date": row.start_date,
                "end_date": row.end_date,
                "advisory": row.advisory,
                "source": row.source,
            },
        )


def remove_unchanged_school_holidays(apps, schema_editor):
    SchoolHoliday = apps.get_model("programmes", "SchoolHoliday")
    db = schema_editor.connection.alias
    for row in SHIPPED_HOLIDAYS:
        SchoolHoliday.objects.using(db).filter(
            school_year__label=row.school_year,
            region=row.region,
            kind=row.kind,
            name="",
            start_date=row.start_date,
            end_date=row.end_date,
            advisory=row.advisory,
            source=row.source,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial_catalogue")]

    operations = [
        migrations.RunPython(ship_school_holidays, remove_unchanged_school_holidays),
    ]
