"""An Idempotency-Key is bound to the request that used it (issue #7): the same key with
another body is refused and reveals nothing, keys are stored hashed, and a web form's key
cannot pull someone else's submission into another browser's session."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from enrolment.models import Enrolment, Submission
from enrolment.services import (
    GuardianInput,
    IdempotencyKeyReused,
    idempotency_key_hash,
    submission_create,
)
from tests.enrolment.test_api_public_enrolment_flow import counts, form, post
from tests.enrolment.test_public_enrolment_form import form_data, form_url, rows
from tests.enrolment.world import child
from tests.factories import letters

pytestmark = pytest.mark.django_db

KEY = "c0ffee00-1d3a-4b5c-8d9e-0123456789ab"
REUSED = "Deze Idempotency-Key is al gebruikt voor een andere aanmelding."


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


def enrol(client: Client, body: dict[str, Any], key: str = KEY) -> Any:
    return post(client, "public/enrolments/", body, HTTP_IDEMPOTENCY_KEY=key)


def form_key(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


# --- the API ------------------------------------------------------------------------------


def test_a_retry_with_the_same_body_in_another_field_order_gets_the_first_answer(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    body = form(group, host)
    first = enrol(client, body)
    assert first.status_code == 201, first.content
    reordered = json.loads(json.dumps(body, sort_keys=True))
    reordered = dict(reversed(list(reordered.items())))
    again = enrol(client, reordered)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Enrolment.objects.count() == 1


def test_another_persons_key_with_another_body_gets_a_422_that_reveals_nothing(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    first = enrol(client, form(group, host)).json()
    before, sent = counts(), len(emitted)
    stranger = form(group, host, first="Mallory", born="2016-05-05")
    stranger["enroller"]["email"] = "mallory@example.org"
    answer = enrol(Client(), stranger)
    assert answer.status_code == 422
    assert answer.json() == {"Idempotency-Key": [REUSED]}
    text = answer.content.decode()
    for secret in ("Sam", first["submission"], first["enrolments"][0]["public_id"], "awaiting"):
        assert secret not in text
    assert counts() == before
    assert len(emitted) == sent  # no e-mail, no event


def test_a_reused_key_with_an_invalid_body_gets_only_its_own_field_errors(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    enrol(client, form(group, host))
    broken = form(group, host)
    broken["children"][0]["grade"] = 99
    answer = enrol(client, broken)
    # Field errors first: they concern only what the sender sent, never the stored request.
    assert answer.status_code == 400
    assert "Sam" not in answer.content.decode()
    assert Enrolment.objects.count() == 1


def test_the_raw_key_is_never_stored(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    enrol(client, form(group, host))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM enrolment_submission")
        cells = [str(cell) for row in cursor.fetchall() for cell in row]
    assert KEY not in " ".join(cells)
    assert Submission.objects.get().idempotency_key_hash == idempotency_key_hash(KEY)
    assert len(Submission.objects.get().request_fingerprint) == 64


def test_a_key_stored_before_fingerprints_is_never_replayed(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    enrol(client, form(group, host))
    Submission.objects.update(request_fingerprint="")  # as the migration leaves old rows
    before = counts()
    answer = enrol(client, form(group, host))
    assert answer.status_code == 422
    assert answer.json() == {"Idempotency-Key": [REUSED]}
    assert counts() == before


def test_the_service_refuses_a_reused_key_with_other_input(
    group: Any, host: Any, consent_text: Any
) -> None:
    anna = GuardianInput(name="Anna", email="anna@example.org", authority="sole")
    submission_create(
        children=[child(group, host)], enroller=anna, consent_text=consent_text, idempotency_key=KEY
    )
    with pytest.raises(IdempotencyKeyReused) as refused:
        submission_create(
            children=[child(group, host, first="Mallory")],
            enroller=anna,
            consent_text=consent_text,
            idempotency_key=KEY,
        )
    assert refused.value.messages == [REUSED]
    assert Submission.objects.count() == 1


def test_the_schema_declares_the_422(client: Client) -> None:
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    responses = schema["paths"]["/api/v1/public/enrolments/"]["post"]["responses"]
    assert {"200", "201", "422"} <= set(responses)


# --- the web form -------------------------------------------------------------------------


def test_a_double_click_after_opening_the_form_makes_one_enrolment(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    key = form_key(client.get(form_url(group, host)).content.decode())
    data = form_data(group, host, idempotency_key=key)
    assert client.post(form_url(group, host), data).status_code == 302
    assert client.post(form_url(group, host), data).status_code == 302
    assert Submission.objects.count() == 1
    assert "Sam" in client.get("/aanmelden/ontvangen/").content.decode()


def test_a_form_key_sent_from_another_browser_does_not_reach_that_submission(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    key = form_key(client.get(form_url(group, host)).content.decode())
    data = form_data(group, host, idempotency_key=key)
    assert client.post(form_url(group, host), data).status_code == 302
    before = rows()

    first = Submission.objects.get()

    thief = Client()
    stolen = thief.post(form_url(group, host), data)  # the very same post, another session
    # An ordinary new request: stored as a new submission (the child's second enrolment is
    # flagged for the coordinator), never the first one replayed.
    assert stolen.status_code == 302
    assert rows() == tuple(n * 2 for n in before)
    received = thief.get("/aanmelden/ontvangen/")
    assert str(first.public_id) not in received.content.decode()
    assert Submission.objects.exclude(pk=first.pk).get().enrolments.get().possible_duplicate


def test_the_same_form_sent_again_with_changes_saves_nothing_and_then_can_be_sent_anew(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    key = form_key(client.get(form_url(group, host)).content.decode())
    client.post(form_url(group, host), form_data(group, host, idempotency_key=key))
    before = rows()
    changed = form_data(
        group, host, idempotency_key=key, **{"child-0-first_name": "Noor", "email": "n@x.nl"}
    )
    page = client.post(form_url(group, host), changed)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Dit formulier is al eerder verstuurd, met andere gegevens." in text
    assert rows() == before
    fresh = form_key(text)
    assert fresh != key
    again = client.post(form_url(group, host), {**changed, "idempotency_key": fresh})
    assert again.status_code == 302
    assert Submission.objects.count() == 2
    assert "Noor" in client.get("/aanmelden/ontvangen/").content.decode()


# --- at the same moment (PostgreSQL) -------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_key_sent_at_once_with_ten_bodies_makes_one_enrolment_and_nine_refusals(
    group: Any, host: Any, consent_text: Any, settings: Any
) -> None:
    settings.ENROLMENT_RATE_LIMITS = {
        **settings.ENROLMENT_RATE_LIMITS,
        "submit-per-address": 1000,
    }
    names = [f"Kind{letters(n)}" for n in range(10)]
    start = threading.Barrier(10)
    answers: list[Any] = []
    failures: list[BaseException] = []

    def submit(name: str) -> None:
        try:
            body = form(group, host, first=name)
            body["enroller"]["email"] = f"{name.lower()}@example.org"
            start.wait()
            answers.append(enrol(Client(), body))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(a.status_code for a in answers) == [201] + [422] * 9
    winner = next(a for a in answers if a.status_code == 201).json()
    refusals = [a for a in answers if a.status_code == 422]
    assert all(a.json() == {"Idempotency-Key": [REUSED]} for a in refusals)
    for answer in refusals:
        assert winner["submission"] not in answer.content.decode()
        assert not any(name in answer.content.decode() for name in names)
    assert Submission.objects.count() == 1
    assert Enrolment.objects.filter(group=group).count() == 1
