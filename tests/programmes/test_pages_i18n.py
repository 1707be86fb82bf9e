"""Dutch by default; the language switch turns the pages into English."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues() -> None:
    """`make test` compiles the catalogues; a bare `pytest` run may not have."""
    locale = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
    compiled, source = locale / "django.mo", locale / "django.po"
    if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
        call_command("compilemessages", locale=["en", "nl"], verbosity=0)


def test_the_overview_is_dutch_by_default(client: Client) -> None:
    factories.ProgrammeFactory(name_nl="Kinderen in Scheiding", name_en="Children in Divorce")

    text = client.get(reverse("home")).text

    assert '<html lang="nl"' in text
    assert "Kinderen in Scheiding" in text
    assert "Direct naar de inhoud" in text


def test_switching_to_english_shows_english_text_on_the_overview(client: Client) -> None:
    factories.ProgrammeFactory(
        name_nl="Kinderen in Scheiding",
        name_en="Children in Divorce",
        description_nl="Een groep op school.",
        description_en="A group at school.",
        age_min=7,
        age_max=12,
    )

    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )
    text = response.text

    assert response.redirect_chain[-1][0] == reverse("home")
    assert '<html lang="en"' in text
    assert "Group programmes for children of separated parents" in text
    assert "Children in Divorce" in text and "Kinderen in Scheiding" not in text
    assert "A group at school." in text
    assert "Children aged 7 to 12" in text
    assert "Skip to content" in text
    assert "Direct naar de inhoud" not in text


def test_the_language_switch_is_a_form_posting_to_set_language(client: Client) -> None:
    text = client.get(reverse("home")).text

    assert f'action="{reverse("set_language")}" method="post"' in text
    assert 'name="language" value="en" lang="en"' in text
    assert 'name="language" value="nl" lang="nl" aria-current="true"' in text


def test_model_messages_are_translated_on_forms(as_alice: Client) -> None:
    as_alice.post(reverse("set_language"), {"language": "en"})

    text = as_alice.get(reverse("manage-programme-create")).text

    assert "Minimum age" in text
    assert "Individual (parents enrol their child)" in text
