"""Invalid enrolment input answers 400 with a message per field and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from scheduler.models import GroupStatus
from scheduler.services import group_transition
from tests import factories
from tests.enrolment.test_api_public_enrolment_flow import counts, form, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


def _child(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body["children"][0].update(changes)
    return body


CASES: list[tuple[str, Callable[[dict[str, Any]], Any], str, str]] = [
    ("no children", lambda b: b.update(children=[]), "children", ""),
    ("missing enroller", lambda b: b.pop("enroller"), "enroller", ""),
    ("grade 9", lambda b: _child(b, grade=9), "children", ""),
    ("grade as text", lambda b: _child(b, grade="vier"), "children", ""),
    ("date as garbage", lambda b: _child(b, date_of_birth="31-02-2017"), "children", ""),
    ("unknown school", lambda b: _child(b, school=987654), "children", ""),
    ("school as float", lambda b: _child(b, school=1.5), "children", ""),
    ("huge group id", lambda b: _child(b, group=10**30), "children", ""),
    ("bad e-mail", lambda b: b["enroller"].update(email="geen-adres"), "enroller", ""),
    ("bad authority", lambda b: b["enroller"].update(authority="king"), "enroller", ""),
    ("bad language", lambda b: b["enroller"].update(language="de"), "enroller", ""),
    ("name too long", lambda b: _child(b, first_name="x" * 81), "children", ""),
    ("null character", lambda b: _child(b, first_name="Sa\x00m"), "children", ""),
    ("lone surrogate", lambda b: _child(b, last_name="de \ud800Boer"), "children", ""),
    (
        "old consent text",
        lambda b: b.update(consent_text_version="2019-1"),
        "consent_text_version",
        "net veranderd",
    ),
    ("too young", lambda b: _child(b, date_of_birth="2022-01-01"), "children.0", "jaar"),
    ("too old", lambda b: _child(b, date_of_birth="2000-01-01"), "children.0", "jaar"),
    (
        "joint authority without the other parent",
        lambda b: b.update(other_guardians=[]),
        "other_guardians",
        "beide ouders",
    ),
    (
        "the same e-mail for both parents",
        lambda b: b["other_guardians"][0].update(email="anna@example.org"),
        "other_guardians",
        "eigen e-mailadres",
    ),
]


@pytest.mark.parametrize("name,change,field,words", CASES, ids=[c[0] for c in CASES])
def test_invalid_enrolment_input_is_a_400_on_the_field_and_changes_nothing(
    client: Client,
    group: Any,
    host: Any,
    consent_text: Any,
    name: str,
    change: Callable[[dict[str, Any]], Any],
    field: str,
    words: str,
) -> None:
    body = form(group, host)
    change(body)
    before = counts()
    answer = post(client, "public/enrolments/", body)
    assert answer.status_code == 400, answer.content
    errors = answer.json()
    assert field in errors, errors
    if words:
        assert words in str(errors[field])
    assert counts() == before


def test_a_school_the_group_does_not_admit_is_refused_with_a_clear_message(
    client: Client, group: Any, host: Any, school_a: Any, consent_text: Any
) -> None:
    before = counts()
    answer = post(client, "public/enrolments/", form(group, school_a))
    assert answer.status_code == 400
    assert "niet open voor leerlingen van Basisschool De Esch" in answer.json()["children.0"][0]
    assert counts() == before


def test_a_draft_group_is_answered_like_one_that_does_not_exist(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    group_transition(group=group, to=GroupStatus.DRAFT)
    answer = post(client, "public/enrolments/", form(group, host))
    assert answer.status_code == 400
    # Errors of a list item are keyed by its index.
    assert set(answer.json()["children"]["0"]) == {"group"}


def test_a_closed_enrolment_window_is_refused(
    client: Client, group: Any, host: Any, consent_text: Any, _today: Any
) -> None:
    import datetime as dt

    _today.move_to(dt.datetime(2026, 10, 31, 10, tzinfo=dt.UTC))
    answer = post(client, "public/enrolments/", form(group, host))
    assert answer.status_code == 400
    assert "niet mogelijk" in str(answer.json()["children.0"])


@pytest.mark.parametrize(
    "raw,content_type",
    [
        ("{not json", "application/json"),
        ("[" * 100_000 + "]" * 100_000, "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"een tekst"', "application/json"),
        ("null", "application/json"),
        ("children=1", "application/x-www-form-urlencoded"),
    ],
    ids=["broken", "deeply nested", "a list", "a string", "null", "a form"],
)
def test_bodies_that_are_not_an_object_are_a_4xx_and_change_nothing(
    client: Client, consent_text: Any, raw: str, content_type: str
) -> None:
    before = counts()
    answer = client.post("/api/v1/public/enrolments/", raw, content_type=content_type)
    assert answer.status_code in (400, 415), answer.content
    assert counts() == before


def test_an_inactive_programme_cannot_get_interest(client: Client, kies: Any, host: Any) -> None:
    stopped = factories.ProgrammeFactory(active=False)
    answer = post(client, "public/interest/", {"school": host.pk, "programme": stopped.pk})
    assert answer.status_code == 400
    assert "programme" in answer.json()


def test_other_guardians_may_be_left_out_by_a_parent_with_sole_authority(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    # Found by the fuzzer: a missing key once raised a KeyError (a 500).
    body = form(group, host, enroller={"name": "C", "email": "c@example.org", "authority": "sole"})
    body.pop("other_guardians")
    assert post(client, "public/enrolments/", body).status_code == 201


def test_leaving_out_other_guardians_under_joint_authority_is_a_400(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    body = form(group, host)
    body.pop("other_guardians")
    before = counts()
    answer = post(client, "public/enrolments/", body)
    assert answer.status_code == 400
    assert "beide ouders" in str(answer.json()["other_guardians"])
    assert counts() == before
