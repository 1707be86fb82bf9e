"""Submitting the enrolment form stays cheap at the opening of a round: every row is checked
before anything is written, guardians are written in one statement, and while the group row
is locked only the seats are counted (bench/load.py measures the rest)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrolment import events
from enrolment.models import Authority, Child, Enrolment, Guardian, Submission
from enrolment.services import (
    GuardianInput,
    consent_text_current,
    email_confirm,
    submission_create,
)
from scheduler.models import Group
from tests.enrolment.world import SOLE, child
from tests.factories import letters

pytestmark = pytest.mark.django_db


def _queries_of_submitting(
    group: Any,
    host: Any,
    consent_text: Any,
    *,
    first: str,
    others: list[GuardianInput],
    key: str | None = None,
) -> list[str]:
    # The consent text in force comes from the public cache, warm at an opening: every
    # form shows it (`consent_text_current`).
    consent_text_current()
    with CaptureQueriesContext(connection) as queries:
        submission_create(
            children=[child(group, host, first=first)],
            enroller=SOLE,
            other_guardians=others,
            consent_text=consent_text,
            idempotency_key=key,
        )
    return [query["sql"] for query in queries.captured_queries]


def test_more_parents_on_the_form_cost_no_extra_query(
    group: Any, host: Any, consent_text: Any
) -> None:
    alone = _queries_of_submitting(group, host, consent_text, first="Sam", others=[])
    with_two_more = _queries_of_submitting(
        group,
        host,
        consent_text,
        first="Noor",
        others=[
            GuardianInput(name="Stiefouder", email="stief@example.org", authority=Authority.NONE),
            GuardianInput(name="Opa", email="opa@example.org", authority=Authority.NONE),
        ],
    )
    assert len(with_two_more) == len(alone)
    assert Guardian.objects.count() == 4


def test_a_new_idempotency_key_is_not_looked_up(group: Any, host: Any, consent_text: Any) -> None:
    # The first try of a key costs nothing extra: the key is looked up only when the
    # submission fails (a repeat is refused by the checks or by the unique key hash).
    without = _queries_of_submitting(group, host, consent_text, first="Sam", others=[])
    with_key = _queries_of_submitting(
        group, host, consent_text, first="Noor", others=[], key="een-nieuwe-sleutel-123"
    )
    assert len(with_key) == len(without)
    assert not any(sql.startswith('SELECT "enrolment_submission"') for sql in with_key)
    assert Submission.objects.filter(idempotency_key_hash__isnull=False).count() == 1


def test_only_the_seats_are_counted_while_the_group_is_locked(
    group: Any, host: Any, consent_text: Any
) -> None:
    sqls = _queries_of_submitting(group, host, consent_text, first="Sam", others=[])
    insert = next(i for i, sql in enumerate(sqls) if sql.startswith('INSERT INTO "enrolment_enr'))
    # PostgreSQL: SELECT ... FOR UPDATE; SQLite: a no-op UPDATE, then the SELECT.
    locked = max(
        i for i, sql in enumerate(sqls[:insert]) if sql.startswith('SELECT "scheduler_group"')
    )
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in sqls[locked]
    between = sqls[locked + 1 : insert]
    assert len(between) == 1
    assert between[0].startswith("SELECT COUNT(*)")
    assert '"enrolment_enrolment"' in between[0]


def test_a_bad_email_given_straight_to_the_service_is_refused_and_nothing_is_written(
    group: Any, host: Any, consent_text: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        submission_create(
            children=[child(group, host)],
            enroller=GuardianInput(name="Carla", email="geen-adres", authority=Authority.SOLE),
            consent_text=consent_text,
        )
    assert "email" in refused.value.message_dict
    assert Submission.objects.count() == Guardian.objects.count() == 0


def test_a_too_long_first_name_given_straight_to_the_service_is_refused(
    group: Any, host: Any, consent_text: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        submission_create(
            children=[child(group, host, first="S" * 81)],
            enroller=SOLE,
            consent_text=consent_text,
        )
    assert "first_name" in refused.value.message_dict
    assert Submission.objects.count() == Child.objects.count() == Enrolment.objects.count() == 0


# The whole submission, writes and the listeners' mails included. PostgreSQL locks the group
# with SELECT ... FOR UPDATE; SQLite needs a no-op UPDATE first, hence one query more.
SEATED_BUDGET = {"postgresql": 12, "sqlite": 13}
# The waitlist mail is written when the enroller confirms their address (issue 15, item 2),
# no longer while submitting: one INSERT less.
WAITLISTED_BUDGET = {"postgresql": 13, "sqlite": 14}


def _take_every_seat(group: Any, host: Any, consent_text: Any) -> None:
    for n in range(group.capacity):
        submission_create(
            children=[child(group, host, first=f"Vol{letters(n)}")],
            enroller=GuardianInput(
                name="Ouder", email=f"vol{n}@example.org", authority=Authority.SOLE
            ),
            consent_text=consent_text,
        )


def test_a_seated_submission_stays_within_its_query_budget(
    group: Any, host: Any, consent_text: Any
) -> None:
    sqls = _queries_of_submitting(group, host, consent_text, first="Sam", others=[])
    assert Enrolment.objects.get().status == "awaiting_consent"
    assert len(sqls) <= SEATED_BUDGET[connection.vendor], "\n".join(sqls)


def test_a_waitlisted_submission_stays_within_its_query_budget(
    group: Any, host: Any, consent_text: Any
) -> None:
    _take_every_seat(group, host, consent_text)
    sqls = _queries_of_submitting(group, host, consent_text, first="Sam", others=[])
    assert Enrolment.objects.get(child__first_name="Sam").status == "waitlisted"
    assert len(sqls) <= WAITLISTED_BUDGET[connection.vendor], "\n".join(sqls)


def test_the_mails_are_written_without_looking_them_up_first(
    group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    # One INSERT ... ON CONFLICT per mail: no SELECT of the outbox, no savepoint of its own.
    # The listeners get the rows the service just wrote with the events, so nothing of the
    # submission is read back while the group is locked; the school's reply-to address
    # comes with the locked group row, for both mails.
    _take_every_seat(group, host, consent_text)
    sqls = _queries_of_submitting(group, host, consent_text, first="Sam", others=[])
    outbox = [sql for sql in sqls if '"notifications_outboxmessage"' in sql]
    assert len(outbox) == 1  # received; the waitlist mail waits for the confirmation
    assert all(sql.startswith('INSERT INTO "notifications_outboxmessage"') for sql in outbox)
    assert all("ON CONFLICT" in sql for sql in outbox)
    assert sum(sql.startswith("SAVEPOINT") for sql in sqls) <= 1  # the service's own
    enrolled = next(i for i, sql in enumerate(sqls) if sql.startswith('INSERT INTO "enrolment_enr'))
    read_back = [
        sql
        for sql in sqls[enrolled:]
        if sql.startswith(('SELECT "enrolment_guardian"', 'SELECT "enrolment_enrolment"."id"'))
    ]
    assert read_back == []
    assert not any(sql.startswith('SELECT "auth_user"') for sql in sqls)
    locked = [sql for sql in sqls if sql.startswith('SELECT "scheduler_group"')][-1]
    assert '"auth_user"' in locked

    # Her confirmation writes the waitlist mail, as one INSERT ... ON CONFLICT too.
    received = [e for e in emitted if isinstance(e, events.EnrolmentReceived)][-1]
    with CaptureQueriesContext(connection) as queries:
        email_confirm(token=received.confirm_token, consent_given=True)
    outbox = [
        q["sql"] for q in queries.captured_queries if '"notifications_outboxmessage"' in q["sql"]
    ]
    assert len(outbox) == 1  # waitlisted
    assert all(sql.startswith('INSERT INTO "notifications_outboxmessage"') for sql in outbox)
    assert all("ON CONFLICT" in sql for sql in outbox)


def test_a_group_deleted_since_the_form_showed_it_is_a_clear_refusal(
    group: Any, host: Any, consent_text: Any
) -> None:
    # The form (or the public cache) still offered the group; it is gone by the post.
    shown = child(group, host)
    Group.objects.filter(pk=group.pk).delete()
    with pytest.raises(ValidationError) as refused:
        submission_create(children=[shown], enroller=SOLE, consent_text=consent_text)
    assert refused.value.message_dict == {
        "children.0": ["Aanmelden voor deze groep is nu niet mogelijk."]
    }
    assert Submission.objects.count() == Guardian.objects.count() == Child.objects.count() == 0
