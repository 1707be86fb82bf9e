"""The manager's school-year page: the warning of a year without holidays, and the
imports (the Rijksoverheid's file and an .ics file) as its action."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import SchoolHoliday, SchoolYear
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

FIXTURES = Path(__file__).parent / "fixtures"
WARNING = "heeft nog geen schoolvakanties voor regio"


@pytest.fixture
def bare_year() -> SchoolYear:
    """2027-2028 without its shipped holidays."""
    year = SchoolYear.objects.get(label="2027-2028")
    SchoolHoliday.objects.filter(school_year=year).delete()
    return year


def page(year: SchoolYear) -> str:
    return reverse("manage-school-year-detail", args=[year.pk])


def import_url(year: SchoolYear, kind: str) -> str:
    return reverse(f"manage-school-year-import-{kind}", args=[year.pk])


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else (FIXTURES / name).read_bytes())


def test_the_page_warns_of_a_year_without_holidays_with_the_imports(
    as_alice: Client, bare_year: SchoolYear, school_a: Any
) -> None:
    response = as_alice.get(page(bare_year))

    text = response.text
    assert f"Schooljaar 2027-2028 {WARNING} noord." in text
    assert 'name="rijksoverheid-file"' in text
    assert 'name="ics-file"' in text
    assert "python manage.py import_school_holidays --school-year 2027-2028" in text
    assert 'enctype="multipart/form-data"' in text


def test_the_page_does_not_warn_when_the_holidays_are_there(
    as_alice: Client, school_a: Any
) -> None:
    year = SchoolYear.objects.get(label="2027-2028")

    response = as_alice.get(page(year))

    assert WARNING not in response.text
    assert 'name="rijksoverheid-file"' in response.text  # the import stays available


def test_a_coordinator_sees_neither_warning_nor_imports(
    as_bob: Client, bare_year: SchoolYear
) -> None:
    response = as_bob.get(page(bare_year))

    assert response.status_code == 200
    assert WARNING not in response.text
    assert "rijksoverheid-file" not in response.text


def test_the_manager_imports_the_rijksoverheid_file(
    as_alice: Client, bare_year: SchoolYear, school_a: Any
) -> None:
    response = as_alice.post(
        import_url(bare_year, "rijksoverheid"),
        {"rijksoverheid-file": upload("rijksoverheid_schoolvakanties_2027_2028.json")},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == page(bare_year)
    assert "2027-2028: 15 toegevoegd, 0 bijgewerkt, 0 ongewijzigd" in response.text
    assert SchoolHoliday.objects.filter(school_year=bare_year).count() == 15
    assert WARNING not in response.text


def test_the_manager_imports_an_ics_file_on_the_page(
    as_alice: Client, bare_year: SchoolYear
) -> None:
    response = as_alice.post(
        import_url(bare_year, "ics"),
        {"ics-file": upload("schoolvakanties_2028_2029.ics"), "ics-source": "test"},
    )

    assert response.status_code == 302
    assert SchoolHoliday.objects.filter(school_year__label="2028-2029").count() == 15


def test_a_bad_file_shows_its_reason_on_the_form_and_writes_nothing(
    as_alice: Client, bare_year: SchoolYear
) -> None:
    before = SchoolHoliday.objects.count()

    response = as_alice.post(
        import_url(bare_year, "rijksoverheid"),
        {"rijksoverheid-file": upload("vakanties.json", b'{"content": [')},
    )

    assert response.status_code == 400
    assert "geen geldig JSON-bestand" in response.text
    assert "utrecht-form-field--invalid" in response.text
    assert SchoolHoliday.objects.count() == before


@pytest.mark.parametrize("kind", ["rijksoverheid", "ics"])
def test_a_coordinator_may_not_import(as_bob: Client, bare_year: SchoolYear, kind: str) -> None:
    response = as_bob.post(
        import_url(bare_year, kind),
        {f"{kind}-file": upload("rijksoverheid_schoolvakanties_2027_2028.json")},
    )

    assert response.status_code == 403
    assert not SchoolHoliday.objects.filter(school_year=bare_year).exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_however_many_holidays_and_years(
    as_alice: Client, school_a: Any
) -> None:
    year = SchoolYear.objects.get(label="2027-2028")
    few = _queries(as_alice, page(year))

    factories.SchoolHolidayFactory.create_batch(12, school_year=year)
    for first in range(2040, 2050):
        factories.SchoolYearFactory(label=f"{first}-{first + 1}")
    many = _queries(as_alice, page(year))

    assert many == few
