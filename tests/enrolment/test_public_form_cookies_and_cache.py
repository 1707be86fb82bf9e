"""A parent's visit to the enrolment form writes no session: the form's nonce and the
thank-you page's submission travel in HttpOnly cookies. The empty form is drawn once per
group, school, language and consent text, and never shows an outdated text."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.contrib.sessions.models import Session as DjangoSession
from django.core.cache import cache
from django.test import Client

from enrolment.views_public import FORM_NONCE_COOKIE, RECEIVED_COOKIE
from tests.enrolment.test_public_cache import new_text
from tests.enrolment.test_public_enrolment_form import form_data, form_url, rows
from tests.enrolment.world import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()  # the posting throttle counts in the cache, which outlives a test


def test_a_parents_whole_visit_writes_no_session_row(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    page = client.get(form_url(group, host))
    sent = client.post(form_url(group, host), form_data(group, host))
    thanks = client.get("/aanmelden/ontvangen/")

    assert page.status_code == 200 and sent.status_code == 302
    assert thanks.status_code == 200 and "Bedankt" in thanks.content.decode()
    assert DjangoSession.objects.count() == 0
    for name in (FORM_NONCE_COOKIE, RECEIVED_COOKIE):
        cookie = client.cookies[name]
        assert cookie["httponly"] and cookie["samesite"] == "Lax", name
        assert int(cookie["max-age"]) > 0


def test_the_cookies_are_secure_where_the_session_cookie_is(
    client: Client, group: Any, host: Any, consent_text: Any, settings: Any
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    client.get(form_url(group, host))
    client.post(form_url(group, host), form_data(group, host))
    assert client.cookies[FORM_NONCE_COOKIE]["secure"]
    assert client.cookies[RECEIVED_COOKIE]["secure"]


def test_the_form_keeps_the_browsers_nonce(client: Client, group: Any, host: Any) -> None:
    client.get(form_url(group, host))
    nonce = client.cookies[FORM_NONCE_COOKIE].value
    again = client.get(form_url(group, host))
    assert FORM_NONCE_COOKIE not in again.cookies  # not set anew
    assert client.cookies[FORM_NONCE_COOKIE].value == nonce


@pytest.mark.parametrize(
    "value", ["", "not-signed", str(uuid.uuid4())], ids=["forged", "not-signed", "uuid"]
)
def test_a_forged_thank_you_cookie_shows_nothing(
    client: Client, group: Any, host: Any, consent_text: Any, value: str
) -> None:
    client.post(form_url(group, host), form_data(group, host))
    signed = client.cookies[RECEIVED_COOKIE].value
    stranger = Client()
    stranger.cookies[RECEIVED_COOKIE] = value or signed.split(":", 1)[0] + ":forged"
    answer = stranger.get("/aanmelden/ontvangen/")
    assert answer.status_code == 404
    assert "Sam" not in answer.content.decode()


def test_a_forged_nonce_cookie_gets_a_new_one(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    client.cookies[FORM_NONCE_COOKIE] = "short"
    page = client.get(form_url(group, host))
    assert page.cookies[FORM_NONCE_COOKIE].value != "short"
    assert len(page.cookies[FORM_NONCE_COOKIE].value) == 32


def test_two_browsers_sending_one_forms_key_make_two_enrolments(
    group: Any, host: Any, consent_text: Any
) -> None:
    data = form_data(group, host)
    first, second = Client(), Client()
    first.get(form_url(group, host))
    second.get(form_url(group, host))
    first.post(form_url(group, host), data)
    data_other_child = {**data, "child-0-first_name": "Noor"}
    second.post(form_url(group, host), data_other_child)
    assert rows()[0] == 2  # the same hidden key, but bound to another browser: no replay
    assert "Noor" not in first.get("/aanmelden/ontvangen/").content.decode()


def test_the_form_shows_a_future_consent_text_from_its_moment(
    client: Client, group: Any, host: Any, consent_text: Any, _today: Any
) -> None:
    new_text("2027-1", TODAY + dt.timedelta(seconds=30))
    before = client.get(form_url(group, host)).content.decode()
    _today.shift(dt.timedelta(seconds=31))
    after = client.get(form_url(group, host)).content.decode()

    assert "Versie 2026-1" in before and "Tekst 2027-1" not in before
    assert "Versie 2027-1" in after and "Tekst 2027-1" in after
    assert 'name="consent_version" value="2027-1"' in after


def test_an_english_parent_never_gets_the_dutch_form_drawn_before(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    dutch = client.get(form_url(group, host)).content.decode()
    english = Client(headers={"accept-language": "en"}).get(form_url(group, host))
    page = english.content.decode()
    assert "2. Uw gegevens" in dutch
    assert "2. Your details" in page and "2. Uw gegevens" not in page
    first_line = consent_text.text_en.strip().splitlines()[0]
    assert first_line in page.replace("&#x27;", "'")


def test_the_school_page_drawn_in_dutch_is_not_served_in_english(
    client: Client, group: Any, host: Any
) -> None:
    url = f"/aanmelden/school/{host.pk}/"
    dutch = client.get(url).content.decode()
    english = Client(headers={"accept-language": "en"}).get(url).content.decode()
    assert "Aanmelden voor deze groep" in dutch
    assert "Aanmelden voor deze groep" not in english
    assert "8 places left" in english and "Nog 8 plaatsen" in dutch


def test_the_search_page_is_cached_and_follows_a_renamed_school_at_once(
    client: Client, host: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programmes.services import school_update

    assert host.name in client.get("/aanmelden/", {"q": "horizon"}).content.decode()
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/aanmelden/", {"q": "Horizon"}).content.decode()
    assert host.name in again
    assert [q for q in warm.captured_queries if "programmes_school" in q["sql"]] == []

    school_update(school=host, name="Basisschool Het Kompas")

    assert "Het Kompas" not in client.get("/aanmelden/", {"q": "Horizon"}).content.decode()
    assert "Het Kompas" in client.get("/aanmelden/", {"q": "kompas"}).content.decode()
