"""The relatiedesk's public pages: the shipped texts per audience and language, the children's
checklist, the links to the enrolment, and no JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import EnrolmentMode
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kies() -> Any:
    return ProgrammeFactory(code="kies", name_nl="KIES", name_en="KIES (EN)", age_min=7, age_max=12)


def get(path: str, language: str = "nl") -> str:
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize(
    ("path", "language", "title", "words"),
    [
        ("/relatiedesk/ouders/", "nl", "Uit elkaar gaan: hulp voor u en uw kind", "Wat kost het?"),
        ("/relatiedesk/kinderen/", "nl", "Gaan je ouders uit elkaar?", "Wat kun je zelf doen?"),
        ("/relatiedesk/jongeren/", "nl", "Je ouders gaan uit elkaar", "0800-0113"),
        ("/relatiedesk/ouders/", "en", "Separating: help for you and your child", "Veilig Thuis"),
        ("/relatiedesk/kinderen/", "en", "Are your parents splitting up?", "What can you do?"),
        ("/relatiedesk/jongeren/", "en", "Your parents are splitting up", "Who can you talk to?"),
    ],
)
def test_the_general_pages_show_the_shipped_text_for_their_audience_and_language(
    path: str, language: str, title: str, words: str
) -> None:
    html = get(path, language)

    assert f'<h1 class="utrecht-heading-1" id="rd-title">{title}</h1>' in html
    assert words in html
    assert 'href="tel:08000432"' in html  # De Kindertelefoon, on every page


def test_the_childrens_pages_carry_the_checklist_and_the_parents_page_does_not() -> None:
    children = get("/relatiedesk/kinderen/")
    parents = get("/relatiedesk/ouders/")

    assert "Checklist voor jou" in children
    assert "Wat kan er veranderen?" in children
    assert "Met wie kun je praten?" in children
    assert "Checklist" not in parents


def test_a_programmes_page_names_the_programme_and_links_to_the_enrolment(kies: Any) -> None:
    parents = get("/relatiedesk/kies/ouders/")
    children_en = get("/relatiedesk/kies/kinderen/", "en")

    assert "KIES: informatie voor ouders" in parents
    assert f'href="{reverse("enrol-start")}"' in parents
    assert "Uw kind aanmelden voor KIES" in parents
    assert "8 bijeenkomsten van 60 minuten" in parents  # the programme's own facts
    assert "KIES (EN): a group for you" in children_en
    assert "Checklist" in children_en


def test_a_class_programme_says_the_school_enrols_the_class() -> None:
    ProgrammeFactory(code="think", name_nl="THINK", enrolment_mode=EnrolmentMode.CLASS)

    html = get("/relatiedesk/think/ouders/")

    assert "De school meldt een hele klas aan" in html
    assert "Uw kind aanmelden" not in html


def test_a_programme_has_the_pages_its_ages_reach(kies: Any) -> None:
    ProgrammeFactory(code="jes", age_min=12, age_max=16)
    client = Client()

    assert client.get("/relatiedesk/kies/kinderen/").status_code == 200
    assert client.get("/relatiedesk/kies/jongeren/").status_code == 404
    assert client.get("/relatiedesk/jes/jongeren/").status_code == 200
    assert client.get("/relatiedesk/jes/kinderen/").status_code == 404


def test_an_inactive_or_unknown_programme_has_no_page() -> None:
    ProgrammeFactory(code="oud", active=False)

    assert Client().get("/relatiedesk/oud/ouders/").status_code == 404
    assert Client().get("/relatiedesk/bestaat-niet/ouders/").status_code == 404


def test_the_overview_links_to_every_audience_of_every_active_programme(kies: Any) -> None:
    ProgrammeFactory(code="oud", name_nl="Oud programma", active=False)

    html = get("/relatiedesk/")

    for path in ("/relatiedesk/ouders/", "/relatiedesk/kinderen/", "/relatiedesk/jongeren/"):
        assert f'href="{path}"' in html
    assert 'href="/relatiedesk/kies/ouders/"' in html
    assert 'href="/relatiedesk/kies/kinderen/"' in html
    assert "Oud programma" not in html


@pytest.mark.parametrize(
    "path", ["/relatiedesk/", "/relatiedesk/kinderen/", "/relatiedesk/kies/ouders/"]
)
def test_the_pages_need_no_javascript_and_have_a_print_stylesheet(kies: Any, path: str) -> None:
    html = get(path)

    assert "<script" not in html
    assert 'href="/static/css/print.css" media="print"' in html
