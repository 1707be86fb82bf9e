"""The start pages' list of groups below their minimum on their decision day costs the same
number of queries for 2 or 10 groups, for the manager and for a coordinator."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.clock import on_day
from tests.enrolment.world import make_published_group

# The groups start on Monday 2 November 2026 and decide 14 days before: 19 October.
pytestmark = [pytest.mark.django_db, on_day("2026-10-19")]


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("page", ["start-manager", "start-coordinator"])
def test_the_decision_task_list_does_not_grow_with_the_groups(page: str, client: Client) -> None:
    kies = factories.ProgrammeFactory(
        code="kies-count-start",
        group_size_min=6,
        decision_days=14,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )
    coordinator = factories.UserFactory()
    made: list[Any] = []

    def add(n: int) -> None:
        for _ in range(n):
            school = factories.SchoolFactory()
            school.coordinators.add(coordinator)
            group = make_published_group(kies, school)
            factories.EnrolmentFactory(group=group)
            made.append(group)

    client.force_login(factories.make_manager() if page == "start-manager" else coordinator)
    url = reverse(page)
    add(2)
    few, html = _queries(client, url)
    assert html.count("/beslissen/") == 2
    add(8)
    many, html = _queries(client, url)
    assert html.count("/beslissen/") == 10
    assert many == few, f"{page}: {few} queries for 2 groups, {many} for 10"
