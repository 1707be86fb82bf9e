"""A repeated enrolment request (double click, retry) with the same Idempotency-Key and
body answers the first submission again and makes nothing new."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from enrolment.models import ConsentText, Enrolment, EnrolmentStatus, Submission
from enrolment.services import idempotency_key_hash
from tests.enrolment.test_api_public_enrolment_flow import counts, form, post

pytestmark = pytest.mark.django_db

KEY = "5b0e7f3c-0d9a-4c1e-9a43-2f1f0e6d7c11"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


def test_the_same_key_twice_gives_one_enrolment_and_the_first_answer(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    first = post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == 201, first.content
    second = post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    assert second.status_code == 200
    assert second.json() == first.json()
    assert Submission.objects.count() == 1
    assert Enrolment.objects.count() == 1
    assert Submission.objects.get().idempotency_key_hash == idempotency_key_hash(KEY)


def test_the_same_key_with_another_body_is_refused_and_reveals_nothing(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    before = counts()
    again = post(
        client, "public/enrolments/", form(group, host, first="Iemand"), HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert again.status_code == 422
    assert again.json() == {
        "Idempotency-Key": ["Deze Idempotency-Key is al gebruikt voor een andere aanmelding."]
    }
    assert counts() == before


def test_without_a_key_a_double_submission_is_a_new_one_flagged_as_a_possible_duplicate(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    # Refusing it would tell a stranger that the child is enrolled (issue 15); the
    # coordinator merges the two.
    assert post(client, "public/enrolments/", form(group, host)).status_code == 201
    again = post(client, "public/enrolments/", form(group, host))
    assert again.status_code == 201
    assert [e.possible_duplicate for e in Enrolment.objects.order_by("pk")] == [False, True]


def test_a_different_key_for_the_same_child_is_a_new_request(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    other = post(
        client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY[:-1] + "2"
    )
    assert other.status_code == 201
    assert [e.possible_duplicate for e in Enrolment.objects.order_by("pk")] == [False, True]


@pytest.mark.parametrize("key", ["short", "with space in it ok?", "x" * 81, "sleutel-é-123"])
def test_an_unusable_key_is_a_400_and_nothing_is_made(
    client: Client, group: Any, host: Any, consent_text: Any, key: str
) -> None:
    before = counts()
    answer = post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=key)
    assert answer.status_code == 400
    assert "Idempotency-Key" in answer.json()
    assert counts() == before


def test_a_failed_request_does_not_use_up_its_key(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    bad = form(group, host, born="2023-01-01")  # too young
    assert post(client, "public/enrolments/", bad, HTTP_IDEMPOTENCY_KEY=KEY).status_code == 400
    good = post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    assert good.status_code == 201


def test_a_repeat_after_the_consent_text_changed_still_gets_the_first_answer(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    first = post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == 201, first.content
    ConsentText.objects.create(
        version="2026-2",
        text_nl="Nieuwe tekst.",
        text_en="New text.",
        active_from=consent_text.active_from + dt.timedelta(days=1),
    )
    before = counts()
    again = post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    assert again.status_code == 200
    assert again.json() == first.json()
    # A new request with the old text is refused: the parent must read the new one.
    other = post(
        client,
        "public/enrolments/",
        form(group, host, first="Noor"),
        HTTP_IDEMPOTENCY_KEY="another-key-for-noor-0001",
    )
    assert other.status_code == 400
    assert "consent_text_version" in other.json()
    assert counts() == before


def test_a_repeat_after_the_child_was_withdrawn_answers_the_first_submission(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    # The checks now pass (the child holds no active enrolment): the unique key hash is
    # what recognises the repeat, and nothing new is made.
    first = post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == 201, first.content
    Enrolment.objects.update(status=EnrolmentStatus.WITHDRAWN)
    before = counts()
    again = post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    assert again.status_code == 200, again.content
    assert again.json()["submission"] == first.json()["submission"]
    assert again.json()["enrolments"][0]["status"] == "withdrawn"
    assert counts() == before
