"""A school's pupils per grade, the reach's denominator: the manager or the school's own
coordinator enters them, an empty box means not known, a wrong number shows on the form
and changes nothing, and the outcome page's reach figure links to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import SchoolGradePupils
from tests import factories
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-10-01")]


@pytest.fixture
def year() -> Any:
    return factories.SchoolYearFactory(label="2026-2027")


def test_a_coordinator_enters_their_schools_pupils_per_grade(
    year: Any, school_a: Any, as_bob: Client
) -> None:
    url = reverse("outcomes-pupils-school", args=[school_a.pk]) + f"?school_year={year.pk}"
    assert as_bob.get(url).status_code == 200
    answer = as_bob.post(url, {"grade_4": "58", "grade_5": "61", "grade_6": ""})
    assert answer.status_code == 302
    stored = dict(
        SchoolGradePupils.objects.filter(school=school_a, school_year=year).values_list(
            "grade", "pupils"
        )
    )
    assert stored == {4: 58, 5: 61}
    as_bob.post(url, {"grade_4": "", "grade_5": "61"})
    assert not SchoolGradePupils.objects.filter(school=school_a, grade=4).exists()


def test_a_number_out_of_range_shows_on_the_form_and_changes_nothing(
    year: Any, school_a: Any, as_alice: Client
) -> None:
    url = reverse("outcomes-pupils-school", args=[school_a.pk]) + f"?school_year={year.pk}"
    answer = as_alice.post(url, {"grade_4": "-3", "grade_5": "40"})
    assert answer.status_code == 400
    assert "Vul een aantal van 0 tot en met 2000 in." in answer.content.decode()
    assert not SchoolGradePupils.objects.exists()


def test_another_schools_page_is_not_found_for_a_coordinator(
    year: Any, school_b: Any, as_bob: Client
) -> None:
    assert as_bob.get(reverse("outcomes-pupils-school", args=[school_b.pk])).status_code == 404


def test_the_school_list_shows_only_the_coordinators_schools_and_its_queries_stay_flat(
    year: Any, school_a: Any, school_b: Any, as_bob: Client, alice: Any
) -> None:
    page = as_bob.get(reverse("outcomes-pupils")).content.decode()
    assert school_a.name in page and school_b.name not in page

    client = Client()
    client.force_login(alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("outcomes-pupils")).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(3):
        school = factories.SchoolFactory()
        SchoolGradePupils.objects.create(school=school, school_year=year, grade=5, pupils=30)
    assert queries() == one


def test_the_outcome_pages_reach_figure_links_to_the_pupils_page(
    year: Any, as_alice: Client
) -> None:
    programme = factories.ProgrammeFactory()
    factories.GroupFactory(programme=programme, school_year=year)
    page = as_alice.get(reverse("outcomes-report"), {"school_year": year.pk}).content.decode()
    assert reverse("outcomes-pupils") in page
    council = as_alice.get(reverse("outcomes-council"), {"school_year": year.pk}).content.decode()
    assert reverse("outcomes-pupils") not in council
