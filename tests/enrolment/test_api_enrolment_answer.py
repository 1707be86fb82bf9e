"""The answer to a new enrolment is built from what the submission just made, without
reading it back; a replay of the same request reads the database. Both must say the same
thing to the parent, in every case the answer distinguishes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enrolment.models import Enrolment
from enrolment.services import submission_create
from scheduler.models import SessionKind
from scheduler.services import session_move
from tests.enrolment.test_api_public_enrolment_flow import form, post
from tests.enrolment.world import SOLE, child, make_published_group

pytestmark = pytest.mark.django_db

KEY = "0f6c1d8e-2a4b-4c3d-9e5f-6a7b8c9d0e1f"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> None:
    cache.clear()


def answered_twice(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    """POST `body` as new, then again with the same key: the two answers must be equal."""
    first = post(client, "public/enrolments/", body, HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == 201, first.content
    again = post(client, "public/enrolments/", body, HTTP_IDEMPOTENCY_KEY=KEY)
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    return first.json()


def test_a_held_seat_waits_for_both_parents_with_joint_authority(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    (line,) = answered_twice(client, form(group, host))["enrolments"]
    assert line["status"] == "awaiting_consent"
    assert line["status_display"] == "wacht op toestemming"
    assert line["first_session_date"] == "2026-11-02"
    assert line["waitlist_position"] is None
    assert line["hold_expires_at"] is not None
    assert line["consent_complete"] is False
    assert line["consent_waiting_for"] == ["Anna de Boer", "Bram de Boer"]


def test_a_parent_with_sole_authority_is_the_only_one_waited_for(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    body = form(
        group,
        host,
        enroller={"name": "Carla Smit", "email": "carla@example.org", "authority": "sole"},
        others=[{"name": "Dirk Smit", "email": "dirk@example.org", "authority": "none"}],
    )
    (line,) = answered_twice(client, body)["enrolments"]
    assert line["consent_waiting_for"] == ["Carla Smit"]


def test_a_child_of_twelve_is_asked_for_consent_too(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    (line,) = answered_twice(client, form(group, host, born="2013-05-01", grade=8))["enrolments"]
    assert line["consent_waiting_for"] == ["Anna de Boer", "Bram de Boer", "het kind zelf"]


def test_waitlisted_siblings_and_a_seated_one_in_another_group_with_a_moved_first_day(
    client: Client, kies: Any, host: Any, consent_text: Any
) -> None:
    full = make_published_group(kies, host, capacity=1)
    roomy = make_published_group(kies, host, capacity=8)
    submission_create(
        children=[child(full, host, first="Eerste")], enroller=SOLE, consent_text=consent_text
    )
    first_session = roomy.sessions.filter(kind=SessionKind.CHILD).order_by("starts_at")[0]
    session_move(session=first_session, starts_at=first_session.starts_at + dt.timedelta(days=1))
    body = form(full, host)
    body["children"] += [
        {**body["children"][0], "first_name": "Lotte", "grade": 5},
        {**body["children"][0], "first_name": "Mees", "grade": 6, "group": roomy.pk},
    ]
    lines = answered_twice(client, body)["enrolments"]
    assert [(e["child_first_name"], e["status"], e["waitlist_position"]) for e in lines] == [
        ("Sam", "waitlisted", 1),
        ("Lotte", "waitlisted", 2),
        ("Mees", "awaiting_consent", None),
    ]
    moved = timezone.localtime(first_session.starts_at + dt.timedelta(days=1)).date()
    assert [e["first_session_date"] for e in lines] == ["2026-11-02", "2026-11-02", str(moved)]


def test_the_answer_reads_nothing_back(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    """Everything after the submission's last write is answered from memory: the last
    statement of the request is the insert of the outbox row (then the commit)."""
    with CaptureQueriesContext(connection) as captured:
        answer = post(client, "public/enrolments/", form(group, host), HTTP_IDEMPOTENCY_KEY=KEY)
    assert answer.status_code == 201, answer.content
    statements = [q["sql"] for q in captured.captured_queries]
    last_write = max(i for i, sql in enumerate(statements) if sql.startswith("INSERT"))
    assert [s for s in statements[last_write + 1 :] if s.startswith("SELECT")] == []


def test_a_warm_catalogue_reads_no_school_group_or_session_but_the_locked_group(
    client: Client, group: Any, host: Any, consent_text: Any
) -> None:
    """The school and group named, and the group's first day, come from the public cache
    that every parent's search filled; only the seat lock reads the group, in the
    transaction."""
    assert client.get(f"/api/v1/public/schools/{host.pk}/groups/").status_code == 200
    post(client, "public/enrolments/", form(group, host, first="Eerste"))  # warms the rest
    with CaptureQueriesContext(connection) as captured:
        answer = post(client, "public/enrolments/", form(group, host, first="Tweede"))
    assert answer.status_code == 201, answer.content
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT")
        and any(
            f'FROM "{table}"' in q["sql"]
            for table in ("programmes_school", "scheduler_group", "scheduler_session")
        )
    ]
    assert len(reads) == 1, reads
    assert 'WHERE "scheduler_group"."id" = ' in reads[0]
    assert connection.vendor != "postgresql" or "FOR UPDATE" in reads[0]


def test_an_unknown_or_draft_group_is_refused_the_same_cached_or_not(
    client: Client, group: Any, host: Any, kies: Any, consent_text: Any
) -> None:
    from scheduler.models import GroupStatus

    draft = make_published_group(kies, host)
    draft.status = GroupStatus.DRAFT
    draft.save()
    answers = []
    for _ in range(2):  # cold, then warm
        for group_id in (draft.pk, 999_999):
            body = form(group, host)
            body["children"][0]["group"] = group_id
            answer = post(client, "public/enrolments/", body)
            assert answer.status_code == 400
            answers.append(answer.json()["children"]["0"]["group"])
    # Cold and warm alike, each id gets the message of an id that does not exist.
    assert (
        answers
        == [
            [f'Ongeldige pk "{draft.pk}" - object bestaat niet.'],
            ['Ongeldige pk "999999" - object bestaat niet.'],
        ]
        * 2
    )
    assert Enrolment.objects.count() == 0
