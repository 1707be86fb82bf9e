"""An answer on a link (confirm, consent) says what is recorded after it (issue 15, item 3).

Answering again the same way changes nothing and says so; a different answer to consent
already answered is refused with the reason and the way that does exist (withdrawing the
child), and nothing changes. The API and the pages give the same message.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from enrolment import events
from enrolment.models import Consent, Enrolment, EnrolmentStatus
from enrolment.services import email_confirm, submission_create
from tests.enrolment.test_api_public_enrolment_flow import post
from tests.enrolment.world import FATHER, MOTHER, SOLE, child

pytestmark = pytest.mark.django_db

# Every link that gave consent can withdraw it (`consent_withdraw`), so one message for all.
ALREADY_GIVEN_HERE = ALREADY_GIVEN_ELSEWHERE = (
    "U gaf eerder al toestemming; er is niets veranderd. Wilt u die intrekken? Dat kan met "
    "de knop 'Toestemming intrekken' op de pagina van deze link."
)
ALREADY_REFUSED = (
    "U gaf eerder geen toestemming; daarom is de aanmelding gestopt. Er is niets veranderd. "
    "Wilt u het kind toch laten meedoen? Meld het dan opnieuw aan."
)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> Any:
    cache.clear()
    yield
    cache.clear()


def of(emitted: list[Any], kind: type) -> list[Any]:
    return [e for e in emitted if isinstance(e, kind)]


def enrol(group: Any, host: Any, consent_text: Any, *guardians: Any) -> Enrolment:
    enroller, *others = guardians or (MOTHER, FATHER)
    return submission_create(
        children=[child(group, host)],
        enroller=enroller,
        other_guardians=others,
        consent_text=consent_text,
    ).enrolments[0]


def stored(enrolment: Enrolment) -> tuple[Any, ...]:
    enrolment.refresh_from_db()
    answers = tuple(Consent.objects.order_by("pk").values_list("guardian_id", "given"))
    return enrolment.status, answers


def page_text(response: Any) -> str:
    return html.unescape(response.content.decode())


def confirm_token(emitted: list[Any]) -> str:
    return str(of(emitted, events.EnrolmentReceived)[0].confirm_token)


def consent_token(emitted: list[Any], group: Any, host: Any, consent_text: Any) -> Any:
    """Anna enrols Sam and consents; the token of the consent link Bram gets."""
    enrolment = enrol(group, host, consent_text)
    email_confirm(token=confirm_token(emitted), consent_given=True)
    return enrolment, of(emitted, events.ConsentRequested)[0].token


# --- /links/consent/ ---------------------------------------------------------------------


def test_the_api_refuses_to_turn_given_consent_into_a_refusal(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment, token = consent_token(emitted, group, host, consent_text)
    given = post(client, "public/links/consent/", {"token": token, "given": True})
    assert given.status_code == 200, given.content
    assert given.json()["message"] == "Dank u wel. De toestemming is vastgelegd."
    assert given.json()["consent_given"] is True
    assert given.json()["enrolments"][0]["status"] == EnrolmentStatus.CONFIRMED
    before = stored(enrolment)

    answer = post(client, "public/links/consent/", {"token": token, "given": False})

    assert answer.status_code == 409, answer.content
    assert answer.json() == {"detail": ALREADY_GIVEN_ELSEWHERE}
    assert stored(enrolment) == before
    assert before[0] == EnrolmentStatus.CONFIRMED


def test_the_same_consent_twice_says_it_was_already_recorded(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment, token = consent_token(emitted, group, host, consent_text)
    post(client, "public/links/consent/", {"token": token, "given": True})
    before = stored(enrolment)
    again = post(client, "public/links/consent/", {"token": token, "given": True})
    assert again.status_code == 200, again.content
    body = again.json()
    assert body["message"] == "Uw toestemming was al vastgelegd. Er is niets veranderd."
    assert body["consent_given"] is True
    assert body["enrolments"][0]["status"] == EnrolmentStatus.CONFIRMED
    assert stored(enrolment) == before


def test_a_refusal_is_not_turned_into_consent_and_a_repeat_is_no_error(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment, token = consent_token(emitted, group, host, consent_text)
    refused = post(client, "public/links/consent/", {"token": token, "given": False})
    assert refused.json()["message"] == "Uw antwoord is vastgelegd. Het kind doet niet mee."
    assert refused.json()["consent_given"] is False
    before = stored(enrolment)
    assert before[0] == EnrolmentStatus.REFUSED

    changed = post(client, "public/links/consent/", {"token": token, "given": True})
    assert changed.status_code == 409
    assert changed.json() == {"detail": ALREADY_REFUSED}
    again = post(client, "public/links/consent/", {"token": token, "given": False})
    assert again.status_code == 200
    assert again.json()["message"] == (
        "U had al laten weten dat u geen toestemming geeft. Er is niets veranderd."
    )
    assert again.json()["enrolments"][0]["status"] == EnrolmentStatus.REFUSED
    assert stored(enrolment) == before


def test_the_consent_page_gives_the_same_verdict_as_the_api(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment, token = consent_token(emitted, group, host, consent_text)
    url = f"/aanmelden/link/{token}/"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"  # Bram reads English
    client.post(url, {"answer": "yes"})
    before = stored(enrolment)

    page = client.post(url, {"answer": "no"}, follow=True)

    assert ALREADY_GIVEN_ELSEWHERE in page_text(page)
    assert "Dank u wel. U heeft toestemming gegeven." in page_text(page)
    assert stored(enrolment) == before
    again = client.post(url, {"answer": "yes"}, follow=True)
    assert "Uw toestemming was al vastgelegd. Er is niets veranderd." in page_text(again)


# --- /links/confirm/ ---------------------------------------------------------------------


def test_the_api_refuses_to_turn_the_enrollers_consent_into_a_refusal(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(group, host, consent_text, SOLE)
    token = confirm_token(emitted)
    first = post(client, "public/links/confirm/", {"token": token, "consent_given": True})
    assert first.status_code == 200, first.content
    assert first.json()["message"] == (
        "Dank u wel. Uw e-mailadres is bevestigd en uw toestemming is vastgelegd."
    )
    assert first.json()["consent_given"] is True
    assert first.json()["enrolments"][0]["status"] == EnrolmentStatus.CONFIRMED
    before = stored(enrolment)

    changed = post(client, "public/links/confirm/", {"token": token, "consent_given": False})

    assert changed.status_code == 409, changed.content
    assert changed.json() == {"detail": ALREADY_GIVEN_HERE}
    assert stored(enrolment) == before
    again = post(client, "public/links/confirm/", {"token": token, "consent_given": True})
    assert again.status_code == 200
    assert again.json()["message"] == "Uw toestemming was al vastgelegd. Er is niets veranderd."
    assert again.json()["consent_given"] is True
    assert again.json()["enrolments"][0]["status"] == EnrolmentStatus.CONFIRMED
    assert stored(enrolment) == before


def test_confirming_after_refusing_says_the_enrolment_stopped(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(group, host, consent_text, SOLE)
    token = confirm_token(emitted)
    refused = post(client, "public/links/confirm/", {"token": token, "consent_given": False})
    assert refused.json()["message"] == (
        "Uw e-mailadres is bevestigd. U heeft geen toestemming gegeven."
    )
    assert refused.json()["consent_given"] is False
    before = stored(enrolment)
    assert before[0] == EnrolmentStatus.REFUSED

    changed = post(client, "public/links/confirm/", {"token": token, "consent_given": True})

    assert changed.status_code == 409
    assert changed.json() == {"detail": ALREADY_REFUSED}
    assert stored(enrolment) == before


def test_the_confirm_page_gives_the_same_verdict_and_points_to_withdrawing(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    enrolment = enrol(group, host, consent_text, SOLE)
    url = f"/aanmelden/link/{confirm_token(emitted)}/"
    first = client.post(url, {"answer": "yes"}, follow=True)
    assert "Dank u wel. Uw e-mailadres is bevestigd en uw toestemming is vastgelegd." in (
        page_text(first)
    )
    before = stored(enrolment)

    page = client.post(url, {"answer": "no"}, follow=True)

    text = page_text(page)
    assert ALREADY_GIVEN_HERE in text
    assert f"/afmelden/{enrolment.public_id}/" in text  # the withdrawal the message names
    assert stored(enrolment) == before
    assert before[0] == EnrolmentStatus.CONFIRMED


def test_the_schema_documents_the_refused_change(client: Client, db: None) -> None:
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    for path in ("confirm", "consent"):
        responses = schema["paths"][f"/api/v1/public/links/{path}/"]["post"]["responses"]
        assert "/links/consent/withdraw/" in responses["409"]["description"]
    answer = schema["components"]["schemas"]["LinkAnswer"]["properties"]
    assert "consent_given" in answer
