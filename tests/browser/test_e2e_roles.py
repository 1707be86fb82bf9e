"""End to end in Chromium, one role at a time, on the demo data (tests/fuzz/world.py).

(a) the programme manager sets up a school year and imports its holidays from an .ics file;
(b) a coordinator asks for a group, the manager runs the year planner (Celery runs eagerly
    in the tests, so the run is done when the page comes back) and accepts the proposal;
(c) a parent enrolling a child with a second parent is test_parent_enrols_in_chromium.py;
(d) the trainer takes attendance on the day of a session;
(e) the coordinator moves a session and the parent's mailbox (a real SMTP server) holds
    the calendar update: METHOD:REQUEST, same UID, a higher SEQUENCE;
(f) the manager downloads the co-financing overview as CSV and as Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse
from icalendar import Calendar
from openpyxl import load_workbook

from enrolment.models import Attendance, AttendanceStatus
from programmes.models import HolidayKind, HolidayRegion, SchoolHoliday, SchoolYear
from scheduler.models import Group, GroupStatus, PlanningRequest, PlanningRequestStatus
from tests.browser.support import log_in
from tests.clock import on_day
from tests.notifications.smtp_sink import SmtpSink, running_sink

pytestmark = [pytest.mark.django_db(transaction=True), on_day("2026-12-06")]

HOLIDAYS_ICS = Path(__file__).parents[1] / "programmes/fixtures/schoolvakanties_2028_2029.ics"


@pytest.fixture
def mailbox(settings: Any) -> Iterator[SmtpSink]:
    """Mail goes out over SMTP to an aiosmtpd server in this process.

    Ask for it before `world`, so the invitations sent while seeding arrive here too.
    """
    with running_sink() as sink:
        for name, value in sink.django_settings().items():
            setattr(settings, name, value)
        yield sink


def go(page: Any, live_server: Any, path: str) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.ok, f"{path}: {response}"


def submit(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_the_manager_sets_up_a_school_year_and_imports_its_holidays(
    page: Any, live_server: Any, world: Any
) -> None:
    log_in(page, live_server, world.users["manager"])
    go(page, live_server, reverse("manage-school-year-list"))
    with page.expect_navigation():
        page.get_by_role("link", name="Nieuw schooljaar").click()
    page.get_by_label("Schooljaar").fill("2028-2029")
    submit(page, "Opslaan")
    year = SchoolYear.objects.get(label="2028-2029")
    assert (year.start_date, year.end_date) == (dt.date(2028, 8, 1), dt.date(2029, 7, 31))
    assert "2028-2029" in page.inner_text("h1")

    # A new year has no holidays: its page says so and offers the imports right there.
    assert "heeft nog geen schoolvakanties" in page.inner_text("main")
    page.get_by_role("link", name="Vakanties importeren").first.click()
    ics_form = page.locator("form", has=page.get_by_role("button", name=".ics-bestand importeren"))
    ics_form.get_by_label("Bestand (.ics)").set_input_files(HOLIDAYS_ICS)
    ics_form.get_by_label("Bron").fill("rijksoverheid.nl")
    with page.expect_navigation():
        ics_form.get_by_role("button", name=".ics-bestand importeren").click()
    assert "heeft nog geen schoolvakanties" not in page.inner_text("main")

    autumn = SchoolHoliday.objects.get(
        school_year=year, region=HolidayRegion.NOORD, kind=HolidayKind.AUTUMN
    )
    assert (autumn.start_date, autumn.end_date) == (dt.date(2028, 10, 14), dt.date(2028, 10, 22))
    go(page, live_server, reverse("manage-school-year-detail", args=[year.pk]))
    noord = page.get_by_role("table", name="Noord")
    assert "za 14 oktober 2028" in noord.inner_text().lower()
    assert noord.get_by_role("row").count() == 1 + 5  # heading row, five holidays


def test_a_coordinator_asks_for_a_group_and_the_manager_plans_it(
    page: Any, live_server: Any, world: Any
) -> None:
    coordinator_school = world.planning_request.school
    log_in(page, live_server, world.users["coordinator"])
    go(page, live_server, reverse("planning-home"))
    form = page.locator("form").filter(has=page.get_by_role("button", name="Verzoek indienen"))
    form.get_by_label("School", exact=True).select_option(str(coordinator_school.pk))
    form.get_by_label("Programma", exact=True).select_option(str(world.programme.pk))
    form.get_by_label("Schooljaar", exact=True).select_option(str(world.kies.school_year_id))
    form.get_by_label("Ronde").fill("voorjaar e2e")
    form.get_by_label("Vroegste startdatum").fill("2027-03-01")
    form.get_by_label("Laatste datum").fill("2027-06-30")
    form.get_by_label("donderdag").check()
    form.get_by_label("Verwacht aantal kinderen").fill("8")
    submit(page, "Verzoek indienen")
    request = PlanningRequest.objects.get(round_label="voorjaar e2e")
    assert request.status == PlanningRequestStatus.OPEN
    assert "voorjaar e2e" in page.inner_text("main")

    page.context.clear_cookies()
    log_in(page, live_server, world.users["manager"])
    go(page, live_server, reverse("planning-home"))
    planner = page.locator("section").filter(has=page.get_by_role("heading", name="Jaarplanner"))
    planner.get_by_label("Schooljaar").select_option(str(world.kies.school_year_id))
    submit(page, "Planner starten")
    assert "De planner is klaar" in page.inner_text("main")
    proposals = page.get_by_role("table", name="Voorgestelde groepen")
    assert "voorjaar e2e" in proposals.inner_text()
    submit(page, "Alles accepteren")

    request.refresh_from_db()
    assert request.status == PlanningRequestStatus.PLANNED
    group = Group.objects.get(pk=request.group_id)
    assert group.status == GroupStatus.DRAFT
    assert group.weekday == 3  # Thursday, as asked
    assert group.first_date >= dt.date(2027, 3, 1)
    assert group.sessions.exists()


def test_the_trainer_takes_attendance_on_the_day_of_the_session(
    page: Any, live_server: Any, world: Any
) -> None:
    with time_machine.travel(world.session.starts_at + dt.timedelta(hours=2), tick=True):
        log_in(page, live_server, world.users["trainer"])
        go(page, live_server, reverse("planning-my-schedule"))
        assert world.kies.host_school.name in page.inner_text("main")
        go(page, live_server, reverse("staff-roster", args=[world.kies.pk]))
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(r"^Bijeenkomst 1:")).click()
        child = page.get_by_role("group", name="Daan Meijer")
        child.get_by_label("Afwezig").check()
        child.get_by_label("Notitie").fill("ziek gemeld door school")
        submit(page, "Aanwezigheid opslaan")
        assert "De aanwezigheid is opgeslagen" in page.inner_text("main")

    [mark] = Attendance.objects.filter(session=world.session)
    assert mark.status == AttendanceStatus.ABSENT
    assert mark.note == "ziek gemeld door school"
    assert mark.enrolment.child.first_name == "Daan"


def calendars_to(mailbox: SmtpSink, address: str, since: int = 0) -> list[Calendar]:
    """The calendars (text/calendar parts) of the messages to `address`, in arrival order."""
    return [
        Calendar.from_ical(part.get_content())
        for message in mailbox.messages[since:]
        if address in message["To"]
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def test_a_moved_session_reaches_the_parents_calendar_as_an_update(
    page: Any, live_server: Any, mailbox: SmtpSink, world: Any
) -> None:
    parent = "meijer@example.org"  # Daan's parent: his seat was confirmed while seeding
    invitations = calendars_to(mailbox, parent)
    assert invitations, "the parent got no invitation when the seat was confirmed"
    sequence_before: dict[str, int] = {}
    for event in (e for invitation in invitations for e in invitation.walk("VEVENT")):
        uid, sequence = str(event["UID"]), int(event.get("SEQUENCE", 0))
        sequence_before[uid] = max(sequence, sequence_before.get(uid, sequence))
    count_before = mailbox.count()

    log_in(page, live_server, world.users["coordinator"])
    go(page, live_server, reverse("planning-group-detail", args=[world.kies.pk]))
    day = f"{world.session.starts_at:%d-%m-%Y}"
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(rf"^Verplaatsen\s*: bijeenkomst 1, {day}")).click()
    page.get_by_label("Nieuwe begintijd").fill("14:30")
    submit(page, "Verplaatsen")
    assert "De bijeenkomst is verplaatst" in page.inner_text("main")

    mailbox.wait_for(count_before + 1)
    updates = calendars_to(mailbox, parent, since=count_before)
    assert updates, f"no calendar update for {parent} among {mailbox.messages[count_before:]}"
    update = updates[-1]
    assert str(update["METHOD"]) == "REQUEST"
    [moved] = [e for e in update.walk("VEVENT") if "RECURRENCE-ID" in e] or update.walk("VEVENT")
    uid = str(moved["UID"])
    assert uid in sequence_before, "the update must carry the UID of the invitation"
    assert int(moved["SEQUENCE"]) > sequence_before[uid]
    assert moved.decoded("RECURRENCE-ID") == world.session.starts_at  # the 13:00 it replaces
    starts = moved.decoded("DTSTART")
    assert (starts.date(), starts.hour, starts.minute) == (world.session.starts_at.date(), 14, 30)


def test_the_manager_downloads_the_co_financing_overview(
    page: Any, live_server: Any, world: Any, tmp_path: Path
) -> None:
    try:
        overview = reverse("cofinancing-overview")
    except NoReverseMatch:
        pytest.skip("the co-financing overview (cofinancing-overview) does not exist yet")
    log_in(page, live_server, world.users["manager"])
    go(page, live_server, overview)
    assert "Stadsmavo De IJssel" in page.inner_text("main")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Overzicht als CSV-bestand").click()
    rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8-sig"))))
    assert any("Stadsmavo De IJssel" in cell for row in rows[1:] for cell in row), rows

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Overzicht als Excel-bestand (.xlsx)").click()
    xlsx = tmp_path / xlsx_download.value.suggested_filename
    assert xlsx.suffix == ".xlsx"
    xlsx_download.value.save_as(xlsx)
    sheet = load_workbook(xlsx).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Stadsmavo De IJssel" in cells
