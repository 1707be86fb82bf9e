"""The manager's participation page: who may open it, the figures it shows for a seeded
scenario (every count, also the small ones), its charts with their text alternatives, and
what it says for a school year without groups."""

# ruff: noqa: F811 (the imported fixtures are used as arguments)

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enrolment.models import Attendance, AttendanceStatus, Enrolment
from programmes.models import EnrolmentMode, SchoolYear
from scheduler.models import SessionKind
from tests import factories
from tests.enrolment.world import (  # noqa: F401 (fixtures)
    TODAY,
    _today,
    host,
    kies,
    make_published_group,
)
from tests.reports.test_participation_numbers import scenario  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PAGES = ["participation-report", "participation-council"]
DOWNLOADS = ["participation-export-csv", "participation-export-xlsx"]
CHILD_AND_PARENT_NAMES = ["Sam", "Noor", "Finn", "Lotte", "Mila", "Daan", "de Boer", "Carla Smit"]


# --- reading a page the way a screen reader would: tables by caption, charts as images ---


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.svgs: list[dict[str, Any]] = []
        self._caption: list[str] | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._svg: dict[str, Any] | None = None
        self._svg_part: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._caption = [], []
        elif tag == "caption":
            self._cell = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []
        elif tag == "svg":
            self._svg = {"attrs": dict(attrs), "title": "", "desc": "", "ids": {}}
        elif tag in ("title", "desc") and self._svg is not None:
            self._svg_part = tag
            self._svg["ids"][tag] = dict(attrs).get("id")

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._cell is not None:
            self._caption = self._cell
            self._cell = None
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            caption = " ".join("".join(self._caption or []).split())
            self.tables[caption] = [row for row in self._rows if row]
            self._rows = None
        elif tag == "svg" and self._svg is not None:
            self.svgs.append(self._svg)
            self._svg = None
        elif tag in ("title", "desc"):
            self._svg_part = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._svg is not None and self._svg_part:
            self._svg[self._svg_part] += data


def read_page(html: str) -> _PageReader:
    reader = _PageReader()
    reader.feed(html)
    return reader


def tables_of(response: Any) -> dict[str, list[list[str]]]:
    return read_page(response.content.decode()).tables


def key_figures(response: Any) -> dict[str, str]:
    return dict(tables_of(response)["Kerncijfers"])


def school_table(response: Any) -> list[list[str]]:
    tables = tables_of(response)
    return tables["Belangstelling van ouders en aangeboden groepen per school en programma"][1:]


def url_for(name: str, scenario: dict[str, Any], *, all_programmes: bool = False) -> str:
    params = f"?school_year={scenario['year'].pk}"
    if not all_programmes:
        params += f"&programme={scenario['kies'].pk}"
    return reverse(name) + params


# --- who may open it -------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES + DOWNLOADS)
def test_anonymous_visitors_are_sent_to_the_log_in_page(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES + DOWNLOADS)
@pytest.mark.parametrize("persona", ["as_bob", "as_dave", "as_eve"])
def test_coordinators_trainers_and_users_without_a_role_are_refused(
    request: pytest.FixtureRequest, name: str, persona: str
) -> None:
    factories.SchoolYearFactory(label="2026-2027")
    response = request.getfixturevalue(persona).get(reverse(name))
    assert response.status_code == 403


@pytest.mark.parametrize("name", PAGES + DOWNLOADS)
def test_the_manager_may_open_every_version(as_alice: Client, name: str) -> None:
    factories.SchoolYearFactory(label="2026-2027")
    assert as_alice.get(reverse(name)).status_code == 200


# --- the figures -------------------------------------------------------------------------


def test_the_page_shows_groups_by_state_seats_and_the_fill_rate(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    response = as_alice.get(url_for("participation-report", scenario))
    tables = tables_of(response)
    assert tables["Groepen per status"] == [
        ["Status", "Groepen"],
        ["Gepland", "2"],
        ["Loopt", "1"],
        ["Afgerond", "1"],
        ["Geannuleerd", "1"],
        ["Totaal", "5"],
    ]
    figures = key_figures(response)
    assert figures["Plaatsen aangeboden"] == "32"
    assert figures["Plaatsen bezet"] == "3"
    assert figures["Bezettingsgraad"] == "9,4% (3 van 32 plaatsen)"
    assert figures["Wachtlijst"] == "1 kind"
    assert tables["Bezetting per programma"][1:] == [["KIES", "4", "32", "3", "9,4%"]]


def test_the_page_counts_enrolments_by_state(as_alice: Client, scenario: dict[str, Any]) -> None:
    table = dict(
        tables_of(as_alice.get(url_for("participation-report", scenario)))[
            "Inschrijvingen per status"
        ][1:]
    )
    assert table["Bevestigd"] == "3"
    assert table["Wacht op toestemming"] == "4"
    assert table["Op de wachtlijst"] == "1"
    assert table["Afgemeld"] == "0"


def test_the_page_shows_the_median_days_to_consent_and_the_attendance_rate(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    for key, days in (("sam", 1), ("noor", 2), ("finn", 6)):
        Enrolment.objects.filter(pk=scenario[key].pk).update(
            created_at=TODAY - dt.timedelta(days=days),
            consent_complete_at=TODAY,
        )
    sessions = list(
        scenario["published"].sessions.filter(kind=SessionKind.CHILD).order_by("starts_at")[:2]
    )
    for session, status in zip(sessions, [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT]):
        Attendance.objects.create(session=session, enrolment=scenario["sam"], status=status)
    figures = key_figures(as_alice.get(url_for("participation-report", scenario)))
    assert figures["Mediaan dagen van aanmelding tot volledige toestemming"] == "2,0 dagen"
    assert figures["Aanwezigheid"] == "50,0% (1 van 2 registraties)"


def test_the_manager_sees_every_count_per_school_also_the_small_ones(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    rows = school_table(as_alice.get(url_for("participation-report", scenario)))
    assert rows == [
        ["Basisschool De Horizon", "KIES", "2", "2", "2"],
        ["Basisschool De Linde", "KIES", "0", "2", "1"],
        ["Basisschool De Wilg", "KIES", "1", "0", "0"],
    ]
    assert "&lt; 5" not in as_alice.get(url_for("participation-report", scenario)).content.decode()


def test_without_a_choice_the_page_shows_the_current_school_year_and_every_programme(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    factories.SchoolYearFactory(label="2027-2028")  # later than today (1 October 2026)
    response = as_alice.get(reverse("participation-report"))
    content = response.content.decode()
    assert "Schooljaar 2026-2027 · alle programma's" in content
    assert key_figures(response)["Plaatsen aangeboden"] == str(6 + 7 + 9 + 10 + 10)
    names = [row[0] for row in tables_of(response)["Bezetting per programma"][1:]]
    assert names[0] == "KIES" and len(names) == 2
    rows = school_table(response)
    assert ["Basisschool De Wilg", "KIES", "1", "0", "0"] in rows
    assert sum(1 for row in rows if row[0] == "Basisschool De Wilg") == 2  # and the other one


def test_a_class_programme_counts_its_pupils_not_its_seats(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    think = factories.ProgrammeFactory(
        code="think-class",
        name_nl="THINK op school",
        enrolment_mode=EnrolmentMode.CLASS,
        audience="vo",
        grade_min=1,
        grade_max=2,
        age_min=11,
        age_max=15,
        trainers_per_group=1,
    )
    school = factories.SchoolFactory(name="Thorbecke Scholengemeenschap", school_type="vo")
    make_published_group(
        think, school, capacity=26, class_name="1B", class_size=26, mentor_name="J. de Wit"
    )
    response = as_alice.get(url_for("participation-report", scenario, all_programmes=True))
    figures = key_figures(response)
    assert figures["Plaatsen aangeboden"] == str(6 + 7 + 9 + 10 + 10)  # not the class of 26
    assert figures["Leerlingen in geboekte klassen"] == "26"
    rows = {row[0]: row for row in tables_of(response)["Bezetting per programma"][1:]}
    assert rows["THINK op school"] == [
        "THINK op school",
        "1",
        "–",
        "–",
        "klassikaal: 26 leerlingen",
    ]


# --- the charts --------------------------------------------------------------------------


def test_each_chart_is_an_image_named_and_described_by_its_figures(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    page = read_page(as_alice.get(url_for("participation-report", scenario)).content.decode())
    assert len(page.svgs) == 2
    for svg in page.svgs:
        assert svg["attrs"]["role"] == "img"
        assert svg["attrs"]["aria-labelledby"].split() == [svg["ids"]["title"], svg["ids"]["desc"]]
    groups, fill = page.svgs
    assert groups["title"] == "Groepen per status, schooljaar 2026-2027"
    for figure in ("Gepland: 2 groepen", "Loopt: 1 groep", "Afgerond: 1 groep"):
        assert figure in groups["desc"]
    assert "Geannuleerd: 1 groep" in groups["desc"]
    assert fill["title"] == "Bezetting per programma, schooljaar 2026-2027"
    assert "KIES: 9,4% (3 van 32 plaatsen)" in fill["desc"]


def test_each_chart_comes_with_a_table_of_the_same_figures(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    content = as_alice.get(url_for("participation-report", scenario)).content.decode()
    pairs = re.findall(r'<div class="gp-chart-pair[ "].*?>(.*?)</table>', content, re.S)
    assert len(pairs) == 2
    for pair in pairs:
        assert "<svg" in pair and "<caption" in pair and 'scope="col"' in pair


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_carry_no_scripts_and_no_style_attributes(
    as_alice: Client, scenario: dict[str, Any], name: str
) -> None:
    content = as_alice.get(url_for(name, scenario)).content.decode()
    assert "<svg" in content
    assert "<script" not in content
    assert not re.search(r"\sstyle=", content)
    assert not re.search(r"\son[a-z]+=", content)


# --- nothing to count --------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_a_school_year_without_groups_says_so_in_dutch_and_draws_no_chart(
    as_alice: Client, scenario: dict[str, Any], name: str
) -> None:
    empty_year = factories.SchoolYearFactory(label="2027-2028")
    response = as_alice.get(reverse(name) + f"?school_year={empty_year.pk}")
    content = response.content.decode()
    assert response.status_code == 200
    assert "In schooljaar 2027-2028 zijn er geen groepen." in content
    assert "<svg" not in content
    assert "Kerncijfers" not in tables_of(response)


def test_a_programme_without_groups_in_the_year_says_so(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    other = factories.ProgrammeFactory(code="jes", name_nl="!JES")
    response = as_alice.get(
        reverse("participation-report") + f"?school_year={scenario['year'].pk}&programme={other.pk}"
    )
    assert "In schooljaar 2026-2027 zijn er geen groepen van !JES." in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_without_any_school_year_the_page_says_what_to_do(as_alice: Client, name: str) -> None:
    SchoolYear.objects.all().delete()
    response = as_alice.get(reverse(name))
    assert response.status_code == 200
    assert "Er is nog geen schooljaar ingevoerd" in response.content.decode()


@pytest.mark.parametrize("name", DOWNLOADS)
def test_without_any_school_year_there_is_nothing_to_download(as_alice: Client, name: str) -> None:
    SchoolYear.objects.all().delete()
    assert as_alice.get(reverse(name)).status_code == 404


def test_an_unknown_school_year_is_named_as_the_thing_to_fix(
    as_alice: Client, scenario: dict[str, Any]
) -> None:
    response = as_alice.get(reverse("participation-report") + "?school_year=99999")
    content = response.content.decode()
    assert response.status_code == 200
    assert "utrecht-form-field--invalid" in content
    assert "Schooljaar 2026-2027" in content  # the figures of the current year stay in view


def test_the_page_names_no_child(as_alice: Client, scenario: dict[str, Any]) -> None:
    content = as_alice.get(url_for("participation-report", scenario)).content.decode()
    for name in CHILD_AND_PARENT_NAMES:
        assert not re.search(rf"\b{name}\b", content), name
