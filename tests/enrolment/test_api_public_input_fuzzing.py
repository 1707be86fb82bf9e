"""Property-based fuzzing of the public enrolment API: whatever a client sends (odd JSON
shapes, strings with lone surrogates or NUL, dates, huge numbers, missing keys), the
answer is never a 5xx, and an answer of 400 has changed nothing in the database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.enrolment.test_api_public_enrolment_flow import counts, form

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text including lone surrogates, NUL and other control characters.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    any_text,
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["joint", "sole", "none", "nl", "en", "mother", "2026-1", "", " "]),
)
any_json = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)


def mutate(body: dict[str, Any], data: st.DataObject) -> Any:
    """Replace or drop some values at any depth of a valid body."""
    if isinstance(body, dict):
        result = {}
        for key, value in body.items():
            choice = data.draw(st.sampled_from(["keep", "keep", "drop", "replace", "recurse"]))
            if choice == "drop":
                continue
            if choice == "replace":
                result[key] = data.draw(any_json)
            elif choice == "recurse":
                result[key] = mutate(value, data)
            else:
                result[key] = value
        return result
    if isinstance(body, list):
        return [mutate(item, data) for item in body]
    return (
        data.draw(st.sampled_from([body, body])) if data.draw(st.booleans()) else data.draw(scalars)
    )


def send(client: Client, path: str, body: Any, key: str | None = None) -> Any:
    cache.clear()  # the throttle would otherwise answer 429 after a few examples
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        f"/api/v1/{path}", json.dumps(body), content_type="application/json", **headers
    )


def check(answer: Any, before: tuple[int, ...]) -> None:
    assert answer.status_code < 500, answer.content
    assert answer["Content-Type"].startswith("application/json")
    if answer.status_code == 400:
        assert counts() == before, "a refused request changed the database"


@FUZZ
@given(data=st.data())
def test_mutated_enrolment_forms_never_fail_and_a_400_changes_nothing(
    client: Client, group: Any, host: Any, consent_text: Any, data: st.DataObject
) -> None:
    body = mutate(form(group, host), data)
    key = data.draw(st.none() | st.text(st.characters(min_codepoint=32, max_codepoint=255)))
    before = counts()
    check(send(client, "public/enrolments/", body, key), before)


@FUZZ
@given(body=any_json)
def test_arbitrary_json_enrolment_bodies_never_fail(
    client: Client, group: Any, host: Any, consent_text: Any, body: Any
) -> None:
    before = counts()
    check(send(client, "public/enrolments/", body), before)


@FUZZ
@given(
    path=st.sampled_from(
        [
            "public/interest/",
            "public/links/confirm/",
            "public/links/consent/",
            "public/links/offer/",
            "public/links/status/",
            "public/links/withdraw/",
        ]
    ),
    token=any_json,
    rest=st.dictionaries(
        st.sampled_from(["consent_given", "given", "accept", "enrolment", "school", "programme"]),
        any_json,
    ),
)
def test_arbitrary_link_and_interest_bodies_never_fail(
    client: Client, group: Any, consent_text: Any, path: str, token: Any, rest: dict[str, Any]
) -> None:
    before = counts()
    check(send(client, path, {"token": token, **rest}), before)
