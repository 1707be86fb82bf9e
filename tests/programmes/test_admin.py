from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import (
    HolidayKind,
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

FIXTURES = Path(__file__).parent / "fixtures"
IMPORT_URL = "admin:programmes_schoolholiday_import_ics"

CATALOGUE_MODELS = [
    Programme,
    School,
    SchoolClosure,
    SchoolYear,
    SchoolHoliday,
    Trainer,
    TrainerUnavailability,
]


def changelist(model: type) -> str:
    return reverse(f"admin:programmes_{model._meta.model_name}_changelist")


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    content = data if data is not None else (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/calendar")


# --- who gets in -----------------------------------------------------------------------


def test_the_manager_opens_the_admin_without_being_staff(alice: Any, as_alice: Client) -> None:
    assert not alice.is_staff
    response = as_alice.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Schoolvakanties" in response.content.decode()


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m.__name__)
def test_the_manager_can_open_every_catalogue_changelist(as_alice: Client, model: type) -> None:
    response = as_alice.get(changelist(model))
    assert response.status_code == 200


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m.__name__)
def test_the_manager_can_open_every_add_form(as_alice: Client, model: type) -> None:
    response = as_alice.get(reverse(f"admin:programmes_{model._meta.model_name}_add"))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["as_bob", "as_dave", "as_eve"])
def test_other_roles_cannot_open_the_admin(persona: str, request: pytest.FixtureRequest) -> None:
    client: Client = request.getfixturevalue(persona)
    for url in [
        reverse("admin:index"),
        *(changelist(model) for model in CATALOGUE_MODELS),
        reverse(IMPORT_URL),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_a_staff_flag_alone_does_not_open_the_admin(eve: Any, as_eve: Client) -> None:
    eve.is_staff = True
    eve.save()
    response = as_eve.get(changelist(Programme))
    assert response.status_code == 302


def test_the_manager_can_log_in_on_the_admin_log_in_page(alice: Any) -> None:
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "alice", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_coordinator_cannot_log_in_on_the_admin_log_in_page(bob: Any) -> None:
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": "bob", "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_coordinator_cannot_import_holidays(as_bob: Client) -> None:
    count = SchoolHoliday.objects.count()
    response = as_bob.post(
        reverse(IMPORT_URL), {"file": upload("schoolvakanties_2028_2029.ics"), "region": ""}
    )
    assert response.status_code == 302
    assert SchoolHoliday.objects.count() == count


# --- saving through the admin ----------------------------------------------------------


def test_the_programme_form_shows_the_dutch_message_for_min_above_max(as_alice: Client) -> None:
    programme = factories.ProgrammeFactory(group_size_min=6, group_size_max=10)
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    form = as_alice.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(group_size_min=12, group_size_max=10)

    response = as_alice.post(url, data)

    assert response.status_code == 200
    assert "De maximale groepsgrootte moet minstens de minimale groepsgrootte zijn." in (
        response.content.decode()
    )
    programme.refresh_from_db()
    assert programme.group_size_min == 6


def test_a_school_year_is_added_from_its_label_alone(as_alice: Client) -> None:
    response = as_alice.post(
        reverse("admin:programmes_schoolyear_add"),
        {
            "label": "2030-2031",
            "holidays-TOTAL_FORMS": "0",
            "holidays-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    year = SchoolYear.objects.get(label="2030-2031")
    assert (year.start_date, year.end_date) == (dt.date(2030, 8, 1), dt.date(2031, 7, 31))


def test_the_school_year_page_lists_its_holidays_inline(as_alice: Client) -> None:
    year = SchoolYear.objects.get(label="2027-2028")
    response = as_alice.get(reverse("admin:programmes_schoolyear_change", args=[year.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.queryset.count() == 15


def test_a_second_autumn_holiday_is_refused_in_the_holiday_form(as_alice: Client) -> None:
    year = SchoolYear.objects.get(label="2027-2028")
    count = SchoolHoliday.objects.count()
    response = as_alice.post(
        reverse("admin:programmes_schoolholiday_add"),
        {
            "school_year": year.pk,
            "region": "noord",
            "kind": HolidayKind.AUTUMN,
            "name": "",
            "start_date": "2027-10-23",
            "end_date": "2027-10-31",
            "source": "",
            "ical_uid": "",
        },
    )
    assert response.status_code == 200
    assert "Deze regio heeft in dit schooljaar al een vakantie van deze soort." in (
        response.content.decode()
    )
    assert SchoolHoliday.objects.count() == count


# --- the import page -------------------------------------------------------------------


def test_the_holiday_changelist_links_to_the_import_page(as_alice: Client) -> None:
    response = as_alice.get(changelist(SchoolHoliday))
    assert reverse(IMPORT_URL) in response.content.decode()
    assert "Schoolvakanties importeren (.ics)" in response.content.decode()


def test_the_manager_opens_the_import_page(as_alice: Client) -> None:
    response = as_alice.get(reverse(IMPORT_URL))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'type="file"' in content
    assert 'name="region"' in content
    assert 'name="advisory"' in content


def test_uploading_a_file_imports_it_and_reports_the_counts(as_alice: Client) -> None:
    response = as_alice.post(
        reverse(IMPORT_URL),
        {"file": upload("schoolvakanties_2028_2029.ics"), "region": "", "advisory": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == changelist(SchoolHoliday)
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Schoolvakanties geïmporteerd: 15 toegevoegd, 0 bijgewerkt, 0 ongewijzigd."]
    rows = SchoolHoliday.objects.filter(school_year__label="2028-2029")
    assert rows.count() == 15
    assert all(row.advisory for row in rows)


def test_uploading_with_a_region_applies_it_to_every_event(as_alice: Client) -> None:
    as_alice.post(reverse(IMPORT_URL), {"file": upload("no_region.ics"), "region": "midden"})
    regions = SchoolHoliday.objects.filter(school_year__label="2028-2029").values_list(
        "region", flat=True
    )
    assert sorted(regions) == ["midden", "midden", "midden"]


def test_a_malformed_upload_shows_the_reason_on_the_form_and_changes_nothing(
    as_alice: Client,
) -> None:
    count = SchoolHoliday.objects.count()
    response = as_alice.post(reverse(IMPORT_URL), {"file": upload("no_region.ics"), "region": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Gebeurtenis 3 ('Herfstvakantie'): geen regio gevonden; kies een regio bij het importeren."
    ]
    assert "geen regio gevonden" in response.content.decode()
    assert SchoolHoliday.objects.count() == count


def test_an_oversize_upload_is_refused_on_the_form(as_alice: Client, settings: Any) -> None:
    settings.ICS_UPLOAD_MAX_BYTES = 1024
    response = as_alice.post(
        reverse(IMPORT_URL),
        {"file": upload("big.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * 4096), "region": ""},
    )
    assert response.status_code == 200
    assert (
        "Het bestand is te groot (5 kB); de grens is 1 kB."
        in (response.context["form"].errors["file"])
    )


# --- query counts stay flat --------------------------------------------------------------


def _make_rows(model: type, count: int) -> None:
    makers: dict[type, Callable[[int], Any]] = {
        Programme: lambda n: factories.ProgrammeFactory(),
        School: lambda n: factories.SchoolFactory(
            coordinators=[factories.UserFactory(), factories.UserFactory()]
        ),
        SchoolClosure: lambda n: factories.SchoolClosureFactory(),
        SchoolYear: lambda n: factories.SchoolYearFactory(label=f"{2040 + n}-{2041 + n}"),
        SchoolHoliday: lambda n: factories.SchoolHolidayFactory(),
        Trainer: lambda n: factories.TrainerFactory(qualifications=[factories.ProgrammeFactory()]),
        TrainerUnavailability: lambda n: factories.TrainerUnavailabilityFactory(),
    }
    start = model.objects.count()
    for n in range(start, start + count):
        makers[model](n)


def _changelist_queries(client: Client, model: type) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(changelist(model))
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m.__name__)
def test_a_changelist_does_not_grow_in_queries_with_its_rows(as_alice: Client, model: type) -> None:
    _make_rows(model, 2)
    few = _changelist_queries(as_alice, model)
    _make_rows(model, 18)
    many = _changelist_queries(as_alice, model)
    assert many == few, f"{model.__name__}: {few} queries for few rows, {many} for many"


def test_a_holiday_edited_in_the_school_year_inline_is_saved(as_alice: Client) -> None:
    year = SchoolYear.objects.get(label="2027-2028")
    url = reverse("admin:programmes_schoolyear_change", args=[year.pk])
    formset = as_alice.get(url).context["inline_admin_formsets"][0].formset
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
        f"{formset.prefix}-INITIAL_FORMS": str(len(formset.forms)),
    }
    target = SchoolHoliday.objects.get(school_year=year, region="zuid", kind=HolidayKind.AUTUMN)
    for index, form in enumerate(formset.forms):
        holiday = form.instance
        values = {
            "id": holiday.pk,
            "school_year": year.pk,
            "region": holiday.region,
            "kind": holiday.kind,
            "name": holiday.name,
            "start_date": holiday.start_date.isoformat(),
            "end_date": holiday.end_date.isoformat(),
            "source": holiday.source,
        }
        if holiday.advisory:
            values["advisory"] = "on"
        if holiday.pk == target.pk:
            values["end_date"] = "2027-10-29"
        data.update({f"{formset.prefix}-{index}-{key}": value for key, value in values.items()})

    response = as_alice.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    target.refresh_from_db()
    assert target.end_date == dt.date(2027, 10, 29)


def test_the_programme_autocomplete_answers_the_manager(as_alice: Client) -> None:
    factories.ProgrammeFactory(name_nl="KIES", code="kies")
    response = as_alice.get(
        reverse("admin:autocomplete"),
        {
            "term": "KIES",
            "app_label": "programmes",
            "model_name": "trainer",
            "field_name": "qualifications",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["KIES"]
