"""The public programme overview and detail pages, and the base layout's accessibility."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from programmes.models import ChildConsent, EnrolmentMode, GuardianConsent
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_overview_shows_active_programmes_and_hides_inactive_ones(client: Client) -> None:
    factories.ProgrammeFactory(name_nl="KIES", code="kies")
    factories.ProgrammeFactory(name_nl="Oud programma", code="oud", active=False)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "KIES" in response.text
    assert "Oud programma" not in response.text


def test_the_overview_explains_shape_and_enrolment_in_plain_words(client: Client) -> None:
    factories.ProgrammeFactory(
        name_nl="KIES",
        age_min=7,
        age_max=12,
        grade_min=4,
        grade_max=8,
        child_sessions=8,
        session_minutes=60,
        group_size_min=6,
        group_size_max=10,
    )
    factories.ProgrammeFactory(
        name_nl="Marietje Kessels Project",
        enrolment_mode=EnrolmentMode.CLASS,
        consent_guardians=GuardianConsent.NONE,
        consent_child=ChildConsent.NONE,
    )

    text = client.get(reverse("home")).text

    assert "Kinderen van 7 tot en met 12 jaar" in text
    assert "groep 4 tot en met 8 van de basisschool" in text
    assert "8 bijeenkomsten van 60 minuten" in text
    assert "6 tot 10 kinderen per groep" in text
    assert "U meldt uw kind zelf aan" in text
    assert "De school meldt een hele klas aan" in text


def test_the_overview_has_an_empty_state(client: Client) -> None:
    factories.ProgrammeFactory(active=False)

    response = client.get(reverse("home"))

    assert "Er zijn op dit moment geen programma" in response.text


def test_the_public_detail_shows_an_active_programme(client: Client) -> None:
    programme = factories.ProgrammeFactory(code="kies", name_nl="KIES")

    response = client.get(reverse("programme-public-detail", args=[programme.code]))

    assert response.status_code == 200
    assert "<h1" in response.text and "KIES" in response.text


def test_the_public_detail_of_an_inactive_programme_is_not_found_even_for_the_manager(
    as_alice: Client,
) -> None:
    programme = factories.ProgrammeFactory(code="oud", active=False)

    response = as_alice.get(reverse("programme-public-detail", args=[programme.code]))

    assert response.status_code == 404


def test_the_page_has_a_skip_link_landmarks_and_a_language(client: Client) -> None:
    text = client.get(reverse("home")).text

    assert '<html lang="nl"' in text
    assert re.search(r'<a class="utrecht-skip-link[^"]*" href="#main">', text)
    assert '<main class="utrecht-page-content__main" id="main"' in text
    assert "<header" in text and "<footer" in text
    assert re.search(r'<nav [^>]*aria-label="Hoofdmenu"', text)
    assert 'class="utrecht-theme' in text
    assert 'aria-current="page"' in text


def test_pages_have_no_inline_scripts_or_styles(client: Client, as_alice: Client) -> None:
    programme = factories.ProgrammeFactory()
    pages = [
        (client, reverse("home")),
        (client, reverse("login")),
        (as_alice, reverse("manage-programme-list")),
        (as_alice, reverse("manage-programme-create")),
        (as_alice, reverse("manage-programme-detail", args=[programme.pk])),
    ]
    for user_client, url in pages:
        text = user_client.get(url).text
        assert "<script" not in text, url
        assert " style=" not in text, url
        assert "<style" not in text, url
