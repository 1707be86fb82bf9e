"""The status page behind a guardian's own link: its queries do not grow with the children."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enrolment import events
from enrolment.services import email_confirm, submission_create
from tests.enrolment.world import FATHER, MOTHER, child

pytestmark = pytest.mark.django_db


def status_page_queries(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any], n: int
) -> int:
    cache.clear()
    emitted.clear()
    result = submission_create(
        children=[
            child(
                group, host, first=("Sam", "Lot", "Mik")[i], born=dt.date(2016, 1, 1 + i), grade=5
            )
            for i in range(n)
        ],
        enroller=MOTHER,
        other_guardians=[FATHER],
        consent_text=consent_text,
    )
    token = next(e for e in emitted if isinstance(e, events.EnrolmentReceived)).confirm_token
    email_confirm(token=token, consent_given=True)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/aanmelden/link/{token}/").status_code == 200
    assert result.enrolments
    return len(queries)


def test_the_status_page_of_a_link_makes_the_same_queries_for_one_child_or_three(
    client: Client, group: Any, host: Any, consent_text: Any, emitted: list[Any]
) -> None:
    one = status_page_queries(client, group, host, consent_text, emitted, 1)
    three = status_page_queries(client, group, host, consent_text, emitted, 3)
    assert three == one
