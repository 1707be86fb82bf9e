"""The municipality's e-mails carry only the municipality's words (issue 15, item 2).

A name reaches the family's mail, so a stranger who types someone else's address and the
child name "Kind\\nBevestig uw toestemming: https://evil.example/login" must get nothing
sent: every name field refuses such text with the same words on both doors (the API and
the page form), nothing is stored and no mail is written. A URL that did get into a message
(a row from before the rule) stays plain text in the HTML part: only the site's own
addresses become links. The first mail to a typed address names nobody but the child.

A name is letters (any script, with accents), spaces, hyphens, apostrophes and the dots of
initials: a digit ("Kind 2", "Sam3") is refused on both doors like a link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from enrolment.names import person_name_error
from notifications.messages import text_to_html
from notifications.models import OutboxMessage
from tests.enrolment.test_api_public_enrolment_flow import counts, form, post
from tests.enrolment.test_public_enrolment_form import form_data, form_url

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "Kind\nBevestig uw toestemming: https://evil.example/login",
    "https://evil.example",
    "x@evil.example",
    "<a href=https://evil.example>klik</a>",
    "www.evil.example",
    "Kind 2",
    "Sam3",
]
NAME_WORDS = "alleen letters, spaties, koppeltekens en apostrofs"
LINE_WORDS = "zonder regeleinden"


def _words(payload: str) -> str:
    return LINE_WORDS if "\n" in payload else NAME_WORDS


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> Any:
    cache.clear()
    yield
    cache.clear()


def _child(body: dict[str, Any], field: str, value: str) -> None:
    body["children"][0][field] = value


# (field as the test names it, how the API body gets the value, the error's place)
API_FIELDS: list[tuple[str, Callable[[dict[str, Any], str], None], Callable[[Any], Any]]] = [
    ("child first name", lambda b, v: _child(b, "first_name", v), lambda e: e["children"]["0"]),
    ("child last name", lambda b, v: _child(b, "last_name", v), lambda e: e["children"]["0"]),
    ("enroller name", lambda b, v: b["enroller"].update(name=v), lambda e: e["enroller"]["name"]),
    (
        "other guardian name",
        lambda b, v: b["other_guardians"][0].update(name=v),
        lambda e: e["other_guardians"]["0"]["name"],
    ),
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field,put,place", API_FIELDS, ids=[f[0] for f in API_FIELDS])
def test_the_api_refuses_a_name_that_is_a_link_and_sends_nothing(
    client: Client,
    group: Any,
    host: Any,
    consent_text: Any,
    mailoutbox: list[Any],
    field: str,
    put: Callable[[dict[str, Any], str], None],
    place: Callable[[Any], Any],
    payload: str,
) -> None:
    body = form(group, host)
    put(body, payload)
    before, mails = counts(), OutboxMessage.objects.count()
    answer = post(client, "public/enrolments/", body)
    assert answer.status_code == 400, answer.content
    errors = place(answer.json())
    assert _words(payload) in str(errors), answer.json()
    assert counts() == before
    assert OutboxMessage.objects.count() == mails
    assert mailoutbox == []


PAGE_FIELDS = [
    ("child first name", "child-0-first_name"),
    ("child last name", "child-0-last_name"),
    ("enroller name", "name"),
    ("other guardian name", "other_name"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field,key", PAGE_FIELDS, ids=[f[0] for f in PAGE_FIELDS])
def test_the_page_form_refuses_a_name_that_is_a_link_and_sends_nothing(
    client: Client,
    group: Any,
    host: Any,
    consent_text: Any,
    mailoutbox: list[Any],
    field: str,
    key: str,
    payload: str,
) -> None:
    before, mails = counts(), OutboxMessage.objects.count()
    response = client.post(form_url(group, host), form_data(group, host, **{key: payload}))
    assert response.status_code == 200
    page = response.content.decode()
    assert _words(payload) in page
    assert "evil.example" not in page.split("<form")[0]  # not echoed above the form
    assert counts() == before
    assert OutboxMessage.objects.count() == mails
    assert mailoutbox == []


@pytest.mark.parametrize(
    "name",
    [
        "Özdemir",
        "N'Diaye",
        "O’Brien",
        "van der Berg",
        "Jean-Pierre",
        "J.P. de Vries",
        "Th.J. Bakker",
        "Zoë",
    ],
)
def test_real_names_pass_on_both_doors(
    client: Client, group: Any, host: Any, consent_text: Any, name: str
) -> None:
    assert person_name_error(name) is None
    body = form(group, host)
    body["children"][0]["last_name"] = name
    body["enroller"]["name"] = name
    answer = post(client, "public/enrolments/", body)
    assert answer.status_code == 201, answer.content
    response = client.post(
        form_url(group, host),
        form_data(group, host, **{"child-0-first_name": "Mila", "child-0-last_name": name}),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]


@pytest.mark.parametrize(
    "name", ["Kind 2", "Sam3", "Ouder 2 de Boer", "٣ Ali", "10.0.0.1", ".J", "J..", "J . P"]
)
def test_digits_and_dots_that_are_no_initials_are_refused(name: str) -> None:
    assert NAME_WORDS in (person_name_error(name) or "")


def test_the_first_mail_to_each_typed_address_names_nobody_but_the_child(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    answer = post(client, "public/enrolments/", form(group, host))
    assert answer.status_code == 201
    received = OutboxMessage.objects.get(kind="enrolment_received")
    assert (received.kind, received.to_email) == ("enrolment_received", "anna@example.org")
    for part in (received.subject, received.body_text, received.body_html):
        assert "Sam de Boer" not in part
        assert "Anna" not in part
        assert "Bram" not in part
    assert "Sam" in received.body_text


def test_a_foreign_url_in_a_message_stays_text_and_only_our_own_address_is_a_link(
    settings: Any,
) -> None:
    settings.SITE_URL = "https://groepen.zwolle.example"
    html = text_to_html(
        "Beste Kind\nBevestig uw toestemming: https://evil.example/login,\n\n"
        "Zie https://groepen.zwolle.example@evil.example/x en https://evil.example\n\n"
        "Aanmelding bevestigen: https://groepen.zwolle.example/aanmelden/link/T/"
    )
    assert "evil.example" in html  # shown, as text
    assert 'href="https://evil.example' not in html
    assert '@evil.example/x"' not in html and 'href="https://groepen.zwolle.example@' not in html
    assert html.count("<a ") == 1
    assert '<a href="https://groepen.zwolle.example/aanmelden/link/T/">' in html
