from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.holiday_import import school_holidays_import_ics
from programmes.models import HolidayKind, HolidayRegion, SchoolHoliday, SchoolYear
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def snapshot() -> list[tuple]:
    return list(
        SchoolHoliday.objects.order_by("pk").values_list(
            "pk",
            "school_year__label",
            "region",
            "kind",
            "name",
            "start_date",
            "end_date",
            "advisory",
            "source",
            "ical_uid",
        )
    )


def holiday(label: str, region: str, kind: str) -> SchoolHoliday:
    return SchoolHoliday.objects.get(school_year__label=label, region=region, kind=kind)


# --- a good file ----------------------------------------------------------------------


def test_a_good_file_creates_a_holiday_per_region_and_the_school_year() -> None:
    assert not SchoolYear.objects.filter(label="2028-2029").exists()

    result = school_holidays_import_ics(data=read("schoolvakanties_2028_2029.ics"))

    assert (result.created, result.updated, result.unchanged) == (15, 0, 0)
    year = SchoolYear.objects.get(label="2028-2029")
    assert (year.start_date, year.end_date) == (dt.date(2028, 8, 1), dt.date(2029, 7, 31))
    rows = SchoolHoliday.objects.filter(school_year=year)
    assert rows.count() == 15
    for region in HolidayRegion.values:
        assert sorted(rows.filter(region=region).values_list("kind", flat=True)) == sorted(
            [
                HolidayKind.AUTUMN,
                HolidayKind.CHRISTMAS,
                HolidayKind.SPRING,
                HolidayKind.MAY,
                HolidayKind.SUMMER,
            ]
        )


def test_dtend_is_exclusive_so_the_last_day_is_the_day_before() -> None:
    school_holidays_import_ics(data=read("schoolvakanties_2028_2029.ics"))

    midden = holiday("2028-2029", "midden", HolidayKind.AUTUMN)
    assert (midden.start_date, midden.end_date) == (dt.date(2028, 10, 21), dt.date(2028, 10, 29))
    kerst = holiday("2028-2029", "zuid", HolidayKind.CHRISTMAS)
    assert (kerst.start_date, kerst.end_date) == (dt.date(2028, 12, 23), dt.date(2029, 1, 7))


def test_a_province_like_noord_brabant_does_not_count_as_region_noord() -> None:
    school_holidays_import_ics(data=read("schoolvakanties_2028_2029.ics"))

    # The zuid event's description lists Noord-Brabant; the noord autumn comes from its own event.
    assert holiday("2028-2029", "zuid", HolidayKind.AUTUMN).ical_uid == (
        "herfst-zuid-2028@example.org"
    )
    assert holiday("2028-2029", "noord", HolidayKind.AUTUMN).ical_uid == (
        "herfst-noord-2028@example.org"
    )
    assert holiday("2028-2029", "noord", HolidayKind.SPRING).start_date == dt.date(2029, 2, 17)
    assert holiday("2028-2029", "zuid", HolidayKind.SPRING).start_date == dt.date(2029, 2, 10)


def test_imported_rows_carry_source_advisory_and_uid() -> None:
    school_holidays_import_ics(
        data=read("schoolvakanties_2028_2029.ics"), advisory=True, source="Testbron"
    )
    row = holiday("2028-2029", "noord", HolidayKind.SUMMER)
    assert row.advisory is True
    assert row.source == "Testbron"
    assert row.ical_uid == "zomer-noord-2029@example.org"
    assert row.name == ""


def test_without_a_source_the_calendar_name_is_the_source() -> None:
    school_holidays_import_ics(data=read("schoolvakanties_2028_2029.ics"))
    assert holiday("2028-2029", "noord", HolidayKind.MAY).source == (
        "Import uit .ics: Schoolvakanties 2028-2029 (testbestand)"
    )


# --- no duplicates ----------------------------------------------------------------------


def test_importing_the_same_file_twice_creates_no_duplicates() -> None:
    school_holidays_import_ics(data=read("schoolvakanties_2028_2029.ics"))
    before = snapshot()

    result = school_holidays_import_ics(data=read("schoolvakanties_2028_2029.ics"))

    assert (result.created, result.updated, result.unchanged) == (0, 0, 15)
    assert snapshot() == before
    assert SchoolYear.objects.filter(label="2028-2029").count() == 1


def test_importing_again_as_official_updates_the_rows_in_place() -> None:
    school_holidays_import_ics(data=read("schoolvakanties_2028_2029.ics"), advisory=True)
    pks = set(SchoolHoliday.objects.values_list("pk", flat=True))

    result = school_holidays_import_ics(
        data=read("schoolvakanties_2028_2029.ics"), source="rijksoverheid.nl"
    )

    assert (result.created, result.updated) == (0, 15)
    assert set(SchoolHoliday.objects.values_list("pk", flat=True)) == pks
    assert not SchoolHoliday.objects.filter(school_year__label="2028-2029", advisory=True).exists()


def test_changed_dates_update_the_existing_holiday() -> None:
    school_holidays_import_ics(data=read("schoolvakanties_2028_2029.ics"))
    row = holiday("2028-2029", "noord", HolidayKind.AUTUMN)
    moved = read("schoolvakanties_2028_2029.ics").replace(
        b"UID:herfst-noord-2028@example.org\r\nDTSTAMP:20260301T120000Z\r\n"
        b"SUMMARY:Herfstvakantie\r\nDTSTART;VALUE=DATE:20281014\r\nDTEND;VALUE=DATE:20281023",
        b"UID:herfst-noord-2028@example.org\r\nDTSTAMP:20260301T120000Z\r\n"
        b"SUMMARY:Herfstvakantie\r\nDTSTART;VALUE=DATE:20281021\r\nDTEND;VALUE=DATE:20281030",
    )
    assert moved != read("schoolvakanties_2028_2029.ics")

    result = school_holidays_import_ics(data=moved)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 14)
    row.refresh_from_db()
    assert (row.start_date, row.end_date) == (dt.date(2028, 10, 21), dt.date(2028, 10, 29))


def test_a_file_for_a_shipped_year_updates_the_shipped_rows() -> None:
    shipped = holiday("2026-2027", "noord", HolidayKind.AUTUMN)
    assert shipped.advisory is True
    count = SchoolHoliday.objects.count()

    result = school_holidays_import_ics(
        data=read("per_region_2026_2027.ics"), source="rijksoverheid.nl"
    )

    # Four standard holidays matched the shipped rows; the study day is new.
    assert (result.created, result.updated) == (1, 4)
    assert SchoolHoliday.objects.count() == count + 1
    shipped.refresh_from_db()
    assert (shipped.advisory, shipped.source) == (False, "rijksoverheid.nl")
    assert shipped.ical_uid == "herfst-noord@example.org"


def test_region_and_kind_come_from_each_summary() -> None:
    school_holidays_import_ics(data=read("per_region_2026_2027.ics"))

    assert holiday("2026-2027", "zuid", HolidayKind.SPRING).ical_uid == "krokus-zuid@example.org"
    assert (
        holiday("2026-2027", "midden", HolidayKind.AUTUMN).ical_uid == "herfst-midden@example.org"
    )
    # Untouched by the file: regio zuid's autumn holiday keeps its shipped origin.
    assert holiday("2026-2027", "zuid", HolidayKind.AUTUMN).ical_uid == ""


def test_an_unknown_summary_becomes_an_other_holiday_named_after_it() -> None:
    school_holidays_import_ics(data=read("per_region_2026_2027.ics"))

    study_day = SchoolHoliday.objects.get(kind=HolidayKind.OTHER)
    assert study_day.name == "Studiedag regio noord"
    assert study_day.region == HolidayRegion.NOORD
    # Clock times count by their date in Europe/Amsterdam; one day, not zero.
    assert (study_day.start_date, study_day.end_date) == (
        dt.date(2026, 11, 11),
        dt.date(2026, 11, 11),
    )


def test_an_other_holiday_is_matched_by_its_day_and_name_on_a_second_import() -> None:
    school_holidays_import_ics(data=read("per_region_2026_2027.ics"))
    result = school_holidays_import_ics(data=read("per_region_2026_2027.ics"))
    assert result.created == 0
    assert SchoolHoliday.objects.filter(kind=HolidayKind.OTHER).count() == 1


def test_a_utc_time_counts_by_its_date_in_amsterdam() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//NL\r\nBEGIN:VEVENT\r\n"
        b"UID:late@example.org\r\nSUMMARY:Herfstvakantie\r\n"
        b"DTSTART:20281013T230000Z\r\nDTEND:20281022T220000Z\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    school_holidays_import_ics(data=data, region="noord")

    row = holiday("2028-2029", "noord", HolidayKind.AUTUMN)
    # 23:00 UTC on the 13th is midnight on the 14th in Amsterdam; the end is exclusive.
    assert (row.start_date, row.end_date) == (dt.date(2028, 10, 14), dt.date(2028, 10, 22))


def test_the_region_argument_overrides_the_regions_in_the_text() -> None:
    result = school_holidays_import_ics(data=read("no_region.ics"), region="zuid")

    assert result.created == 3
    rows = SchoolHoliday.objects.filter(school_year__label="2028-2029")
    assert set(rows.values_list("region", flat=True)) == {"zuid"}
    assert set(rows.values_list("kind", flat=True)) == {
        HolidayKind.CHRISTMAS,
        HolidayKind.MAY,
        HolidayKind.AUTUMN,
    }


def test_an_unknown_region_argument_is_refused() -> None:
    with pytest.raises(ValidationError, match="Onbekende regio 'oost'"):
        school_holidays_import_ics(data=read("no_region.ics"), region="oost")


# --- malformed files change nothing -------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("not_icalendar.ics", "Dit is geen geldig iCalendar-bestand (.ics): het begint niet met"),
        ("truncated.ics", "Dit is geen geldig iCalendar-bestand (.ics); het kan niet worden"),
        ("no_events.ics", "Het bestand bevat geen gebeurtenissen (VEVENT)"),
        ("missing_dtstart.ics", "Gebeurtenis 2 ('Kerstvakantie'): geen begindatum (DTSTART)."),
        (
            "end_before_start.ics",
            "Gebeurtenis 2 ('Voorjaarsvakantie regio noord'): het einde (DTEND 2029-02-17) "
            "ligt niet na het begin (DTSTART 2029-02-26).",
        ),
        (
            "broken_date.ics",
            "Gebeurtenis 2 ('Meivakantie'): DTSTART '28-04-2029' is geen geldige datum of duur",
        ),
        (
            "no_region.ics",
            "Gebeurtenis 3 ('Herfstvakantie'): geen regio gevonden; kies een regio bij het "
            "importeren.",
        ),
        (
            "duplicate_holiday.ics",
            "Gebeurtenis 2 ('Herfstvakantie noord'): dezelfde vakantie (Herfstvakantie, regio "
            "noord, schooljaar 2028-2029) staat ook in gebeurtenis 1.",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_its_reason_and_changes_nothing(
    fixture: str, message: str
) -> None:
    before = snapshot()
    years = list(SchoolYear.objects.values_list("label", flat=True))

    with pytest.raises(ValidationError) as raised:
        school_holidays_import_ics(data=read(fixture))

    assert any(text.startswith(message) for text in raised.value.messages), raised.value.messages
    assert snapshot() == before
    assert list(SchoolYear.objects.values_list("label", flat=True)) == years


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError, match="Het bestand is leeg"):
        school_holidays_import_ics(data=b"  \r\n")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings) -> None:
    settings.ICS_UPLOAD_MAX_BYTES = 1024
    data = read("schoolvakanties_2028_2029.ics")
    assert len(data) > 1024

    with pytest.raises(ValidationError, match=r"Het bestand is te groot \(\d+ kB\)"):
        school_holidays_import_ics(data=data)
    assert not SchoolYear.objects.filter(label="2028-2029").exists()


def test_a_refusal_while_saving_rolls_back_the_events_saved_before_it(monkeypatch) -> None:
    from programmes import services

    real_save = services.school_holidays_save_many

    def save_then_refuse(**kwargs):
        real_save(**kwargs)  # the rows are written ...
        raise ValidationError("Geweigerd voor de test.")  # ... and then refused

    monkeypatch.setattr(services, "school_holidays_save_many", save_then_refuse)
    before = snapshot()

    with pytest.raises(ValidationError) as raised:
        school_holidays_import_ics(data=read("schoolvakanties_2028_2029.ics"))

    assert raised.value.messages == ["Geweigerd voor de test."]
    assert snapshot() == before
    assert not SchoolYear.objects.filter(label="2028-2029").exists()


def test_a_row_the_model_refuses_names_its_event_and_nothing_is_written() -> None:
    data = read("schoolvakanties_2028_2029.ics").replace(
        b"DTEND;VALUE=DATE:20281023", b"DTEND;VALUE=DATE:20291201", 1
    )
    before = snapshot()

    with pytest.raises(ValidationError) as raised:
        school_holidays_import_ics(data=data)

    assert "Gebeurtenis" in raised.value.messages[0]
    assert "eindigt niet in schooljaar 2028-2029" in raised.value.messages[0]
    assert snapshot() == before
    assert not SchoolYear.objects.filter(label="2028-2029").exists()


def test_a_large_file_costs_the_same_queries_as_a_small_one() -> None:
    """A file of thousands of events fits in one request: no query per event."""

    def calendar(events: int) -> bytes:
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//NL"]
        for number in range(events):
            day = dt.date(2028, 8, 7) + dt.timedelta(days=number // 3)
            region = ("noord", "midden", "zuid")[number % 3]
            lines += [
                "BEGIN:VEVENT",
                f"UID:large-{number}@example.org",
                f"SUMMARY:Vrije dag {number} regio {region}",
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
                "END:VEVENT",
            ]
        return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()

    school_holidays_import_ics(data=calendar(3))  # the school year exists from here on
    with CaptureQueriesContext(connection) as small:
        assert school_holidays_import_ics(data=calendar(6)).created == 3
    with CaptureQueriesContext(connection) as large:
        assert school_holidays_import_ics(data=calendar(600)).created == 594

    def statements(queries: CaptureQueriesContext, *, inserts: bool) -> list[str]:
        words = [query["sql"].split(" ", 1)[0] for query in queries.captured_queries]
        return [word for word in words if (word == "INSERT") == inserts]

    # The same reads and transaction steps; the rows go in batched inserts (SQLite
    # takes at most 999 parameters a statement, PostgreSQL takes them all at once).
    assert statements(large, inserts=False) == statements(small, inserts=False)
    assert len(statements(large, inserts=True)) <= 594 // 90 + 1
    with CaptureQueriesContext(connection) as again:
        assert school_holidays_import_ics(data=calendar(600)).unchanged == 600
    assert len(again) <= len(small)


# --- the management command ---------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_the_counts() -> None:
    out = StringIO()
    call_command("import_holidays", str(FIXTURES / "schoolvakanties_2028_2029.ics"), stdout=out)
    assert "15 toegevoegd, 0 bijgewerkt, 0 ongewijzigd" in out.getvalue()

    out = StringIO()
    call_command(
        "import_holidays",
        str(FIXTURES / "schoolvakanties_2028_2029.ics"),
        "--advisory",
        "--source",
        "Concept",
        stdout=out,
    )
    assert "0 toegevoegd, 15 bijgewerkt, 0 ongewijzigd" in out.getvalue()
    assert holiday("2028-2029", "midden", HolidayKind.MAY).source == "Concept"


def test_the_command_takes_a_region() -> None:
    out = StringIO()
    call_command(
        "import_holidays", str(FIXTURES / "no_region.ics"), "--region", "midden", stdout=out
    )
    assert "3 toegevoegd" in out.getvalue()
    assert (
        SchoolHoliday.objects.filter(school_year__label="2028-2029", region="midden").count() == 3
    )


def test_the_command_fails_on_a_bad_file_with_the_reason() -> None:
    before = snapshot()
    with pytest.raises(CommandError, match="geen regio gevonden"):
        call_command("import_holidays", str(FIXTURES / "no_region.ics"), stdout=StringIO())
    assert snapshot() == before


def test_the_command_fails_on_a_missing_file() -> None:
    with pytest.raises(CommandError, match=r"Kan .* niet lezen"):
        call_command("import_holidays", str(FIXTURES / "does_not_exist.ics"))
