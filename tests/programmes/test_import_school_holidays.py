"""`manage.py import_school_holidays`: the government's open data of school holidays.

The recorded files in fixtures/ hold the years of the shipped table (2025-2026 and
2027-2028) in the form opendata.rijksoverheid.nl publishes them, so every imported date
can be checked against `programmes.school_holiday_data`.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from programmes import holiday_opendata
from programmes.holiday_opendata import opendata_url, school_holidays_import_opendata
from programmes.models import HolidayKind, HolidayRegion, SchoolHoliday, SchoolYear
from programmes.school_holiday_data import SHIPPED_HOLIDAYS
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

FIXTURES = Path(__file__).parent / "fixtures"
YEAR = "2027-2028"
JSON_2027 = FIXTURES / "rijksoverheid_schoolvakanties_2027_2028.json"
JSON_2025 = FIXTURES / "rijksoverheid_schoolvakanties_2025_2026.json"
XML_2027 = FIXTURES / "rijksoverheid_schoolvakanties_2027_2028.xml"


def rows(label: str) -> dict[tuple[str, str], tuple[dt.date, dt.date, bool]]:
    return {
        (h.region, h.kind): (h.start_date, h.end_date, h.advisory)
        for h in SchoolHoliday.objects.filter(school_year__label=label)
    }


def shipped(label: str) -> dict[tuple[str, str], tuple[dt.date, dt.date]]:
    return {
        (h.region, h.kind): (h.start_date, h.end_date)
        for h in SHIPPED_HOLIDAYS
        if h.school_year == label
    }


def snapshot() -> list[tuple[Any, ...]]:
    return list(SchoolHoliday.objects.order_by("pk").values_list())


@pytest.fixture
def empty_year() -> None:
    """2027-2028 without its shipped holidays, as a year the table did not have."""
    SchoolHoliday.objects.filter(school_year__label=YEAR).delete()


def document(path: Path = JSON_2027) -> dict[str, Any]:
    return json.loads(path.read_text())


def encode(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc).encode()


# --- a good file ------------------------------------------------------------------------


@pytest.mark.usefixtures("empty_year")
def test_the_recorded_file_creates_the_official_dates_of_every_region() -> None:
    result = school_holidays_import_opendata(data=JSON_2027.read_bytes())

    assert (result.created, result.updated, result.unchanged) == (15, 0, 0)
    assert {label: vars(c) for label, c in result.years.items()} == {
        YEAR: {"created": 15, "updated": 0, "unchanged": 0}
    }
    imported = rows(YEAR)
    assert {key: (start, end) for key, (start, end, _) in imported.items()} == shipped(YEAR)
    # A definitive year: no row is advisory, the autumn and spring weeks included.
    assert not any(advisory for _, _, advisory in imported.values())
    assert set(
        SchoolHoliday.objects.filter(school_year__label=YEAR).values_list("source", flat=True)
    ) == {"rijksoverheid.nl"}


@pytest.mark.usefixtures("empty_year")
def test_a_second_run_of_the_same_file_changes_nothing() -> None:
    school_holidays_import_opendata(data=JSON_2027.read_bytes())
    before = snapshot()

    result = school_holidays_import_opendata(data=JSON_2027.read_bytes())

    assert (result.created, result.updated, result.unchanged) == (0, 0, 15)
    assert snapshot() == before


@pytest.mark.usefixtures("empty_year")
def test_a_changed_date_updates_that_row_only() -> None:
    school_holidays_import_opendata(data=JSON_2027.read_bytes())
    doc = document()
    summer = next(v for v in doc["content"][0]["vacations"] if "Zomer" in v["type"])
    noord = next(r for r in summer["regions"] if r["region"] == "noord")
    noord["enddate"] = "2028-08-20T21:59:00.000Z"

    result = school_holidays_import_opendata(data=encode(doc))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 14)
    assert rows(YEAR)[(HolidayRegion.NOORD, HolidayKind.SUMMER)][1] == dt.date(2028, 8, 20)


def test_the_official_file_over_the_shipped_table_changes_nothing() -> None:
    """The shipped dates of definitive years are the official ones: importing them
    moves no date and marks nothing advisory."""
    for path, label in ((JSON_2025, "2025-2026"), (JSON_2027, YEAR)):
        result = school_holidays_import_opendata(data=path.read_bytes())

        assert (result.created, result.updated, result.unchanged) == (0, 0, 15), label
        imported = rows(label)
        assert {key: (start, end) for key, (start, end, _) in imported.items()} == shipped(label)
        assert not any(advisory for _, _, advisory in imported.values()), label


def test_a_missing_school_year_is_created() -> None:
    SchoolYear.objects.filter(label=YEAR).delete()

    result = school_holidays_import_opendata(data=JSON_2027.read_bytes())

    year = SchoolYear.objects.get(label=YEAR)
    assert (year.start_date, year.end_date) == (dt.date(2027, 8, 1), dt.date(2028, 7, 31))
    assert result.created == 15


@pytest.mark.usefixtures("empty_year")
def test_the_xml_form_gives_the_same_holidays_as_the_json() -> None:
    school_holidays_import_opendata(data=XML_2027.read_bytes())
    from_xml = rows(YEAR)
    SchoolHoliday.objects.filter(school_year__label=YEAR).delete()
    school_holidays_import_opendata(data=JSON_2027.read_bytes())

    assert from_xml == rows(YEAR)
    assert len(from_xml) == 15


@pytest.mark.usefixtures("empty_year")
def test_local_midnight_timestamps_of_older_years_keep_their_dutch_day() -> None:
    """Older years write a day as local midnight in UTC (22:00Z or 23:00Z the day before)."""
    doc = document()
    for vacation in doc["content"][0]["vacations"]:
        for region in vacation["regions"]:
            day = dt.date.fromisoformat(region["startdate"][:10])
            midnight = dt.datetime.combine(day, dt.time(0), tzinfo=holiday_opendata.AMSTERDAM)
            region["startdate"] = midnight.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert doc["content"][0]["vacations"][0]["regions"][0]["startdate"].endswith("T22:00:00.000Z")

    school_holidays_import_opendata(data=encode(doc))

    assert {key: (s, e) for key, (s, e, _) in rows(YEAR).items()} == shipped(YEAR)


@pytest.mark.usefixtures("empty_year")
def test_a_year_published_as_advice_is_advisory_throughout() -> None:
    doc = document()
    doc["content"][0]["title"] = f"Adviesdata schoolvakanties {YEAR}"

    school_holidays_import_opendata(data=encode(doc))

    assert all(advisory for _, _, advisory in rows(YEAR).values())


# --- a bad file ---------------------------------------------------------------------------


def _unknown_region(doc: dict[str, Any]) -> None:
    doc["content"][0]["vacations"][0]["regions"][0]["region"] = "oost"


def _end_before_start(doc: dict[str, Any]) -> None:
    doc["content"][0]["vacations"][4]["regions"][2]["enddate"] = "2028-07-01T21:59:00.000Z"


def _broken_date(doc: dict[str, Any]) -> None:
    doc["content"][0]["vacations"][1]["regions"][0]["startdate"] = "25-12-2027"


def _no_vacations(doc: dict[str, Any]) -> None:
    doc["content"][0]["vacations"] = []


def _bad_label(doc: dict[str, Any]) -> None:
    doc["content"][0]["schoolyear"] = "2027-2029"


def _outside_year(doc: dict[str, Any]) -> None:
    doc["content"][0]["schoolyear"] = "2028-2029"


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_unknown_region, "onbekende regio 'oost'"),
        (_end_before_start, "ligt voor de begindatum"),
        (_broken_date, "is geen datum"),
        (_no_vacations, "bevat geen schoolvakanties"),
        (_bad_label, "is geen schooljaar als"),
        (_outside_year, "ligt niet in schooljaar 2028-2029"),
    ],
)
@pytest.mark.usefixtures("empty_year")
def test_a_spoilt_file_is_refused_whole_with_the_reason(spoil: Any, message: str) -> None:
    doc = document()
    spoil(doc)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        school_holidays_import_opendata(data=encode(doc))

    assert any(message in text for text in refused.value.messages), refused.value.messages
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Het bestand is leeg."),
        (b"BEGIN:VCALENDAR\r\n", "verwacht JSON"),
        (b'{"content": [', "geen geldig JSON-bestand"),
        (b'{"items": []}', "niet de vorm van de open data"),
        (b"<schoolholidays><unclosed></schoolholidays>", "geen geldig XML-bestand"),
        (b'<!DOCTYPE x [<!ENTITY a "a">]><x/>', "DOCTYPE of ENTITY"),
    ],
)
def test_a_file_of_another_kind_is_refused(data: bytes, message: str) -> None:
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        school_holidays_import_opendata(data=data)

    assert any(message in text for text in refused.value.messages), refused.value.messages
    assert snapshot() == before


# --- the command ------------------------------------------------------------------------


@pytest.mark.usefixtures("empty_year")
def test_the_command_reports_per_year_and_is_idempotent() -> None:
    first, second = StringIO(), StringIO()

    call_command("import_school_holidays", "--file", str(JSON_2027), stdout=first)
    call_command("import_school_holidays", "--file", str(JSON_2027), stdout=second)

    assert f"{YEAR}: 15 toegevoegd, 0 bijgewerkt, 0 ongewijzigd" in first.getvalue()
    assert f"{YEAR}: 0 toegevoegd, 0 bijgewerkt, 15 ongewijzigd" in second.getvalue()


def test_the_command_refuses_a_bad_file_with_its_reasons(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    doc = document()
    _unknown_region(doc)
    bad.write_bytes(encode(doc))
    before = snapshot()

    with pytest.raises(CommandError, match=r"niet geïmporteerd.*\n.*onbekende regio 'oost'"):
        call_command("import_school_holidays", "--file", str(bad))

    assert snapshot() == before


def test_the_default_url_is_the_government_open_data_of_that_year() -> None:
    assert opendata_url("2029-2030") == (
        "https://opendata.rijksoverheid.nl/v1/sources/rijksoverheid/infotypes/"
        "schoolholidays/schoolyear/2029-2030?output=json"
    )


class _Server(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    paths: list[str] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        body = self.files.get(self.path.split("?")[0])
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """A local stand-in for opendata.rijksoverheid.nl on 127.0.0.1."""
    prefix = "/v1/sources/rijksoverheid/infotypes/schoolholidays/schoolyear"
    _Server.files = {f"{prefix}/{YEAR}": JSON_2027.read_bytes()}
    _Server.paths = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}{prefix}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.usefixtures("empty_year")
def test_the_command_fetches_a_url(server: str) -> None:
    out = StringIO()

    call_command("import_school_holidays", "--url", f"{server}/{YEAR}?output=json", stdout=out)

    assert f"{YEAR}: 15 toegevoegd" in out.getvalue()
    assert len(rows(YEAR)) == 15


@pytest.mark.usefixtures("empty_year")
def test_the_command_builds_the_url_from_the_school_year(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(holiday_opendata, "OPENDATA_URL", server + "/{school_year}?output=json")

    call_command("import_school_holidays", "--school-year", YEAR, stdout=StringIO())

    assert _Server.paths[-1].endswith(f"/schoolyear/{YEAR}?output=json")
    assert len(rows(YEAR)) == 15


def test_an_http_error_is_a_clear_refusal(server: str) -> None:
    before = snapshot()

    with pytest.raises(CommandError, match="antwoordde met HTTP 404"):
        call_command("import_school_holidays", "--url", f"{server}/2031-2032?output=json")

    assert snapshot() == before


@pytest.mark.usefixtures("empty_year")
def test_the_command_reads_a_file_url() -> None:
    call_command("import_school_holidays", "--url", JSON_2027.as_uri(), stdout=StringIO())

    assert len(rows(YEAR)) == 15


def test_a_bad_school_year_is_refused_before_fetching() -> None:
    with pytest.raises(CommandError, match="geef een schooljaar als 2029-2030"):
        call_command("import_school_holidays", "--school-year", "2029")
