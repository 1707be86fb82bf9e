"""The programme manager edits the relatiedesk texts: each save a new version that the page
shows, a preview that saves nothing, the history, a restore, and nothing unsafe on the page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from relatiedesk.models import PageText
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

EDIT = "/beheer/relatiedesk/kies/bewerken/?doelgroep=kinderen&taal=nl"
HISTORY = "/beheer/relatiedesk/kies/versies/?doelgroep=kinderen&taal=nl"
PAGE = "/relatiedesk/kies/kinderen/"


@pytest.fixture
def kies() -> Any:
    return ProgrammeFactory(code="kies", name_nl="KIES", age_min=7, age_max=12)


@pytest.fixture
def manager(alice: Any) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def save(client: Client, *, body: str, based_on: int | None, **extra: str) -> Any:
    data = {
        "title": extra.get("title", "Een groep voor jou"),
        "body": body,
        "checklist": extra.get("checklist", "- Praat erover"),
        "based_on_version": "" if based_on is None else str(based_on),
        "save": "1",
    }
    return client.post(extra.get("url", EDIT), data)


def page() -> str:
    return Client().get(PAGE).content.decode()


def test_the_form_starts_from_the_shipped_text(kies: Any, manager: Client) -> None:
    html = manager.get(EDIT).content.decode()

    assert "KIES: een groep voor jou" in html
    assert "Wat kun je zelf doen?" in html  # the checklist, in its own field
    assert "Nu op de pagina: de meegeleverde standaardtekst." in html


def test_a_save_makes_a_new_version_and_the_page_shows_it(kies: Any, manager: Client) -> None:
    first = save(manager, body="Hier **praat** je met andere kinderen.", based_on=None)
    second = save(manager, body="Tweede tekst, door Alice.", based_on=1, title="Nieuwe titel")

    assert first.status_code == second.status_code == 302
    assert list(PageText.objects.values_list("version", flat=True)) == [2, 1]
    html = page()
    assert "Nieuwe titel" in html
    assert "Tweede tekst, door Alice." in html
    assert "<strong>praat</strong>" not in html  # the older version is not shown
    assert "<li>Praat erover</li>" in html  # the checklist, saved with the text


def test_a_save_based_on_an_older_version_is_refused(kies: Any, manager: Client) -> None:
    save(manager, body="Eerste.", based_on=None)
    save(manager, body="Tweede, van iemand anders.", based_on=1)

    response = save(manager, body="Derde, op de eerste gebaseerd.", based_on=1)

    assert response.status_code == 200
    assert "Iemand anders heeft deze tekst intussen opgeslagen (versie 2)" in (
        response.content.decode()
    )
    assert "Tweede, van iemand anders." in page()


@pytest.mark.parametrize(
    "markdown",
    [
        "Hallo <script>alert('xss')</script>",
        "[Klik hier](javascript:alert('xss'))",
        '<a href="javascript:alert(1)" onclick="alert(1)">klik</a>',
        "<img src=x onerror=alert(1)>",
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_no_script_or_javascript_link_reaches_the_page(
    kies: Any, manager: Client, markdown: str
) -> None:
    save(manager, body=f"Veilig begin.\n\n{markdown}", based_on=None, checklist=markdown)

    text = page().split("<article", 1)[1].split("</article>", 1)[0]
    assert "Veilig begin." in text
    assert "<script" not in text
    assert "<img" not in text
    assert not re.search(r"<a\s[^>]*href=\"(javascript|data):", text)
    assert not re.search(r"<[^>]*\son\w+=", text)  # no event handler on any element


def test_the_preview_shows_the_text_and_saves_nothing(kies: Any, manager: Client) -> None:
    response = manager.post(
        EDIT,
        {
            "title": "Voorbeeldtitel",
            "body": "Dit is **nog niet** opgeslagen.",
            "checklist": "",
            "based_on_version": "",
            "preview": "1",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Voorbeeld (nog niet opgeslagen)" in html
    assert "<strong>nog niet</strong>" in html
    assert not PageText.objects.exists()
    assert "nog niet" not in page()


def test_the_history_lists_each_version_with_its_author(kies: Any, manager: Client) -> None:
    save(manager, body="Eerste.", based_on=None)
    save(manager, body="Tweede.", based_on=1)

    html = manager.get(HISTORY).content.decode()

    assert html.count('<td class="utrecht-table__cell">Alice de Vries</td>') == 2
    assert "Versie 1 terugzetten" in html
    assert "Versie 2 terugzetten" not in html  # the newest is on the page already


def test_restoring_an_old_version_makes_it_the_newest(kies: Any, manager: Client) -> None:
    save(manager, body="De goede tekst.", based_on=None)
    save(manager, body="Een vergissing.", based_on=1)

    response = manager.post(HISTORY, {"version": "1"})

    assert response.status_code == 302
    newest = PageText.objects.first()
    assert (newest.version, newest.restored_from, newest.body) == (3, 1, "De goede tekst.")
    assert PageText.objects.count() == 3  # nothing was overwritten
    assert "De goede tekst." in page()
    assert "teruggezet van versie 1" in manager.get(HISTORY).content.decode()


def test_restoring_a_version_that_does_not_exist_changes_nothing(
    kies: Any, manager: Client
) -> None:
    save(manager, body="Eerste.", based_on=None)

    manager.post(HISTORY, {"version": "7"})

    assert PageText.objects.count() == 1


def test_the_general_texts_are_edited_apart_from_the_programmes(kies: Any, manager: Client) -> None:
    save(
        manager,
        body="Algemene tekst voor ouders.",
        based_on=None,
        url="/beheer/relatiedesk/algemeen/bewerken/?doelgroep=ouders&taal=en",
    )

    english = Client().get("/relatiedesk/ouders/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    dutch = Client().get("/relatiedesk/ouders/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Algemene tekst voor ouders." in english
    assert "Algemene tekst voor ouders." not in dutch
    assert "Algemene tekst" not in Client().get("/relatiedesk/kies/ouders/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/beheer/relatiedesk/",
        EDIT,
        HISTORY,
        "/beheer/relatiedesk/algemeen/bewerken/?doelgroep=jongeren&taal=en",
    ],
)
def test_only_the_programme_manager_edits(
    kies: Any, manager: Client, bob: Any, eve: Any, path: str
) -> None:
    anonymous = Client().get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/inloggen/")
    for user in (bob, eve):
        client = Client()
        client.force_login(user)
        assert client.get(path).status_code == 403
        assert client.post(path, {"version": "1", "body": "x"}).status_code == 403
    assert manager.get(path).status_code == 200
    assert not PageText.objects.exists()


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_the_page_and_the_history_take_as_many_queries_for_2_as_for_10_versions(
    kies: Any, manager: Client
) -> None:
    for version in range(2):
        save(manager, body=f"Versie {version + 1}.", based_on=version or None)
    few = (
        queries(Client(), PAGE),
        queries(manager, HISTORY),
        queries(manager, "/beheer/relatiedesk/"),
    )
    for version in range(2, 10):
        save(manager, body=f"Versie {version + 1}.", based_on=version)
    other = UserFactory(first_name="Ander")
    for language in ("nl", "en"):
        PageText.objects.create(
            programme=None, audience="ouders", language=language, version=1, title="t",
            body="b", author=other,
        )  # fmt: skip

    many = (
        queries(Client(), PAGE),
        queries(manager, HISTORY),
        queries(manager, "/beheer/relatiedesk/"),
    )

    assert many == few
