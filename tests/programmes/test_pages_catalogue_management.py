"""The programme manager's lists, detail pages and forms under /beheer/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import (
    HolidayKind,
    HolidayRegion,
    Programme,
    School,
    SchoolHoliday,
    SchoolYear,
)
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]


def _programme_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "kies-7-12",
        "name_nl": "KIES",
        "name_en": "KIES",
        "description_nl": "Voor kinderen van gescheiden ouders.",
        "description_en": "",
        "audience": "po",
        "grade_min": 4,
        "grade_max": 8,
        "age_min": 7,
        "age_max": 12,
        "enrolment_mode": "individual",
        "group_size_min": 6,
        "group_size_max": 10,
        "child_sessions": 8,
        "session_minutes": 60,
        "parent_meetings_before": 1,
        "parent_meetings_after": 1,
        "parent_meeting_minutes": 90,
        "trainers_per_group": 2,
        "trainer_qualification": "KIES-coach",
        "consent_guardians": "all_with_authority",
        "consent_child": "from_12",
        "default_cost_per_group": "1250.00",
        "calendar_colour": "#1D5F9E",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_every_management_list_and_detail_page_renders_for_the_manager(
    as_alice: Client, school_a: School
) -> None:
    programme = factories.ProgrammeFactory()
    trainer = factories.TrainerFactory(qualifications=[programme])
    year = factories.SchoolYearFactory(label="2030-2031", holidays=False)
    holiday = factories.SchoolHolidayFactory(
        school_year=year, start_date=dt.date(2030, 10, 12), end_date=dt.date(2030, 10, 20)
    )
    closure = factories.SchoolClosureFactory(school=school_a)
    unavailability = factories.TrainerUnavailabilityFactory(trainer=trainer)

    urls = [
        reverse("manage-home"),
        reverse("manage-programme-list"),
        reverse("manage-programme-detail", args=[programme.pk]),
        reverse("manage-programme-create"),
        reverse("manage-programme-update", args=[programme.pk]),
        reverse("manage-school-list"),
        reverse("manage-school-detail", args=[school_a.pk]),
        reverse("manage-school-create"),
        reverse("manage-school-update", args=[school_a.pk]),
        reverse("manage-closure-create", args=[school_a.pk]),
        reverse("manage-closure-update", args=[closure.pk]),
        reverse("manage-closure-delete", args=[closure.pk]),
        reverse("manage-trainer-list"),
        reverse("manage-trainer-detail", args=[trainer.pk]),
        reverse("manage-unavailability-create", args=[trainer.pk]),
        reverse("manage-unavailability-delete", args=[unavailability.pk]),
        reverse("manage-school-year-list"),
        reverse("manage-school-year-detail", args=[year.pk]),
        reverse("manage-school-year-create"),
        reverse("manage-holiday-create", args=[year.pk]),
        reverse("manage-holiday-update", args=[holiday.pk]),
        reverse("manage-holiday-delete", args=[holiday.pk]),
    ]
    for url in urls:
        response = as_alice.get(url)
        assert response.status_code == 200, url
        assert '<main class="utrecht-page-content__main" id="main"' in response.text, url


def test_a_programme_created_through_the_form_appears_in_the_catalogue(as_alice: Client) -> None:
    response = as_alice.post(reverse("manage-programme-create"), _programme_data(), follow=True)

    programme = Programme.objects.get(code="kies-7-12")
    assert response.redirect_chain[-1][0] == reverse("manage-programme-detail", args=[programme.pk])
    assert "Programma KIES is toegevoegd." in response.text


def test_a_programme_with_minimum_age_above_maximum_is_refused_and_nothing_is_created(
    as_alice: Client,
) -> None:
    response = as_alice.post(
        reverse("manage-programme-create"), _programme_data(age_min=12, age_max=7)
    )

    assert response.status_code == 200
    assert "De maximumleeftijd moet minstens de minimumleeftijd zijn." in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="id_age_max_error"' in response.text
    assert not Programme.objects.exists()


def test_a_class_programme_that_asks_consent_is_refused_with_a_clear_message(
    as_alice: Client,
) -> None:
    response = as_alice.post(
        reverse("manage-programme-create"), _programme_data(enrolment_mode="class")
    )

    assert "Bij boeken per klas worden geen persoonsgegevens" in response.text
    assert not Programme.objects.exists()


def test_editing_a_programme_changes_it(as_alice: Client) -> None:
    programme = factories.ProgrammeFactory(code="kies", name_nl="KIES")

    as_alice.post(
        reverse("manage-programme-update", args=[programme.pk]),
        _programme_data(code="kies", name_nl="KIES 7-12", group_size_max=9),
    )

    programme.refresh_from_db()
    assert programme.name_nl == "KIES 7-12"
    assert programme.group_size_max == 9


def test_a_school_is_created_with_its_coordinator(as_alice: Client, bob) -> None:
    response = as_alice.post(
        reverse("manage-school-create"),
        {
            "name": "De Kleine Wereld",
            "brin": "33CC",
            "branch": "00",
            "school_type": "po",
            "holiday_region": "noord",
            "street_address": "Kerkweg 3",
            "postcode": "8011 AB",
            "city": "Zwolle",
            "municipality": "Zwolle",
            "coordinators": [bob.pk],
            "active": "on",
        },
    )

    school = School.objects.get(brin="33CC")
    assert response.status_code == 302
    assert list(school.coordinators.all()) == [bob]


def test_a_school_with_a_duplicate_brin_and_branch_is_refused(
    as_alice: Client, school_a: School
) -> None:
    response = as_alice.post(
        reverse("manage-school-create"),
        {
            "name": "Dubbel",
            "brin": school_a.brin,
            "branch": school_a.branch,
            "school_type": "po",
            "holiday_region": "noord",
            "city": "Zwolle",
            "municipality": "Zwolle",
        },
    )

    assert response.status_code == 200
    assert "BRIN-code en vestiging" in response.text
    assert School.objects.filter(brin=school_a.brin).count() == 1


def test_the_school_list_searches_and_filters(as_alice: Client) -> None:
    factories.SchoolFactory(name="De Esch", holiday_region=HolidayRegion.NOORD)
    factories.SchoolFactory(name="Het Anker", holiday_region=HolidayRegion.ZUID)
    factories.SchoolFactory(name="Carolus", school_type="vo", holiday_region=HolidayRegion.NOORD)

    by_name = as_alice.get(reverse("manage-school-list"), {"q": "esch"}).text
    by_region = as_alice.get(reverse("manage-school-list"), {"region": "zuid"}).text
    by_type = as_alice.get(reverse("manage-school-list"), {"school_type": "vo"}).text
    nothing = as_alice.get(reverse("manage-school-list"), {"q": "onbekend"}).text

    assert "De Esch" in by_name and "Het Anker" not in by_name
    assert "Het Anker" in by_region and "De Esch" not in by_region
    assert "Carolus" in by_type and "De Esch" not in by_type
    assert "Geen scholen gevonden." in nothing


def test_the_programme_list_filters_on_audience(as_alice: Client) -> None:
    factories.ProgrammeFactory(name_nl="KIES", audience="po")
    factories.ProgrammeFactory(name_nl="THINK op school", audience="vo", grade_min=1, grade_max=2)

    text = as_alice.get(reverse("manage-programme-list"), {"audience": "vo"}).text

    assert "THINK op school" in text
    assert "KIES" not in text


def test_the_school_list_is_paginated(as_alice: Client) -> None:
    factories.SchoolFactory.create_batch(30)

    first = as_alice.get(reverse("manage-school-list"))
    second = as_alice.get(reverse("manage-school-list"), {"page": 2})

    assert len(first.context["schools"]) == 25
    assert len(second.context["schools"]) == 5
    assert 'rel="next"' in first.text


def test_the_school_year_page_lists_holidays_per_region_and_marks_advisory_ones(
    as_alice: Client,
) -> None:
    year = factories.SchoolYearFactory(label="2030-2031", holidays=False)
    factories.SchoolHolidayFactory(
        school_year=year,
        region=HolidayRegion.NOORD,
        kind=HolidayKind.AUTUMN,
        name="",
        start_date=dt.date(2030, 10, 12),
        end_date=dt.date(2030, 10, 20),
        advisory=True,
    )
    factories.SchoolHolidayFactory(
        school_year=year,
        region=HolidayRegion.ZUID,
        kind=HolidayKind.CHRISTMAS,
        name="",
        start_date=dt.date(2030, 12, 21),
        end_date=dt.date(2031, 1, 5),
        advisory=False,
    )

    text = as_alice.get(reverse("manage-school-year-detail", args=[year.pk])).text

    assert "Regio noord" in text and "Regio midden" in text and "Regio zuid" in text
    noord = text[text.index('id="regio-noord"') : text.index('id="regio-midden"')]
    zuid = text[text.index('id="regio-zuid"') :]
    assert "Herfstvakantie" in noord
    assert "advies, nog niet geverifieerd" in noord
    assert "Kerstvakantie" in zuid
    assert "advies, nog niet geverifieerd" not in zuid


def test_a_school_year_is_created_from_its_label(as_alice: Client) -> None:
    response = as_alice.post(reverse("manage-school-year-create"), {"label": "2031-2032"})

    assert response.status_code == 302
    year = SchoolYear.objects.get(label="2031-2032")
    assert (year.start_date, year.end_date) == (dt.date(2031, 8, 1), dt.date(2032, 7, 31))


def test_a_school_year_with_a_bad_label_is_refused(as_alice: Client) -> None:
    response = as_alice.post(reverse("manage-school-year-create"), {"label": "2031-2033"})

    assert response.status_code == 200
    assert "twee opeenvolgende jaren" in response.text


def test_a_holiday_is_added_edited_and_deleted_after_confirmation(as_alice: Client) -> None:
    year = factories.SchoolYearFactory(label="2030-2031", holidays=False)
    as_alice.post(
        reverse("manage-holiday-create", args=[year.pk]),
        {
            "region": "noord",
            "kind": "herfst",
            "name": "",
            "start_date": "2030-10-12",
            "end_date": "2030-10-20",
            "source": "rijksoverheid.nl",
        },
    )
    holiday = SchoolHoliday.objects.get(school_year=year)
    assert holiday.advisory is False

    as_alice.post(
        reverse("manage-holiday-update", args=[holiday.pk]),
        {
            "region": "noord",
            "kind": "herfst",
            "start_date": "2030-10-12",
            "end_date": "2030-10-21",
            "advisory": "on",
        },
    )
    holiday.refresh_from_db()
    assert holiday.end_date == dt.date(2030, 10, 21)
    assert holiday.advisory is True

    confirmation = as_alice.get(reverse("manage-holiday-delete", args=[holiday.pk]))
    assert confirmation.status_code == 200
    assert "Weet u zeker" in confirmation.text
    assert SchoolHoliday.objects.filter(pk=holiday.pk).exists()

    response = as_alice.post(reverse("manage-holiday-delete", args=[holiday.pk]))
    assert response.status_code == 302
    assert not SchoolHoliday.objects.filter(pk=holiday.pk).exists()


def test_a_second_autumn_holiday_for_a_region_is_refused_on_the_form(as_alice: Client) -> None:
    year = factories.SchoolYearFactory(label="2030-2031", holidays=False)
    factories.SchoolHolidayFactory(
        school_year=year,
        kind=HolidayKind.AUTUMN,
        region=HolidayRegion.NOORD,
        name="",
        start_date=dt.date(2030, 10, 12),
        end_date=dt.date(2030, 10, 20),
    )

    response = as_alice.post(
        reverse("manage-holiday-create", args=[year.pk]),
        {
            "region": "noord",
            "kind": "herfst",
            "start_date": "2030-10-19",
            "end_date": "2030-10-27",
        },
    )

    assert response.status_code == 200
    assert "al een vakantie van deze soort" in response.text
    assert year.holidays.count() == 1


def test_coordinators_and_trainers_cannot_change_the_catalogue(
    as_bob: Client, as_dave: Client, school_a: School
) -> None:
    programme = factories.ProgrammeFactory()
    year = factories.SchoolYearFactory()
    for client in (as_bob, as_dave):
        assert client.get(reverse("manage-programme-list")).status_code == 403
        assert client.get(reverse("manage-programme-create")).status_code == 403
        assert (
            client.post(
                reverse("manage-programme-update", args=[programme.pk]), _programme_data()
            ).status_code
            == 403
        )
        assert client.get(reverse("manage-school-create")).status_code == 403
        assert client.get(reverse("manage-school-update", args=[school_a.pk])).status_code == 403
        assert client.get(reverse("manage-school-year-create")).status_code == 403
        assert client.get(reverse("manage-holiday-create", args=[year.pk])).status_code == 403
        assert client.get(reverse("manage-trainer-list")).status_code == 403
    programme.refresh_from_db()
    assert programme.code != "kies-7-12"


def test_the_school_year_page_links_the_manager_to_the_holiday_import(as_alice: Client) -> None:
    year = factories.SchoolYearFactory()

    text = as_alice.get(reverse("manage-school-year-detail", args=[year.pk])).text

    # The .ics import moved from the admin onto the manager's own school-year page.
    assert reverse("manage-school-year-import-ics", args=[year.pk]) in text
    assert reverse("manage-school-year-import-rijksoverheid", args=[year.pk]) in text
