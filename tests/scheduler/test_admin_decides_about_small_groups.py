"""The scheduler admin's actions on a group below its minimum call the same services as
the decision page: not starting cancels it with the same messages, once; a decided group is
refused with the service's words; pooling or postponing opens the decision page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxMessage
from scheduler.models import GroupDecision, GroupStatus
from tests import factories
from tests.clock import on_day
from tests.enrolment.world import make_published_group

pytestmark = [pytest.mark.django_db, on_day("2026-10-19")]

CHANGELIST = "admin:scheduler_group_changelist"


@pytest.fixture
def small() -> Any:
    kies = factories.ProgrammeFactory(
        code="kies-admin",
        group_size_min=6,
        decision_days=14,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
    )
    group = make_published_group(kies, factories.SchoolFactory())
    enrolment = factories.EnrolmentFactory(group=group)
    factories.GuardianFactory(
        submission=enrolment.submission, is_enroller=True, email_confirmed_at=timezone.now()
    )
    return group


def _act(client: Client, action: str, *groups: Any) -> Any:
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [g.pk for g in groups]},
        follow=True,
    )


def test_not_starting_from_the_admin_cancels_with_the_same_messages_once(
    small: Any, client: Client
) -> None:
    manager = factories.make_manager()
    client.force_login(manager)
    response = _act(client, "decide_not_started", small)
    assert response.status_code == 200
    small.refresh_from_db()
    assert (small.status, small.decision, small.decided_by) == (
        GroupStatus.CANCELLED,
        GroupDecision.CANCELLED,
        manager,
    )
    families = OutboxMessage.objects.filter(kind="group_cancelled", key__contains=":guardian")
    assert families.count() == 1
    again = _act(client, "decide_not_started", small)
    assert "Over deze groep valt niets meer te beslissen" in again.content.decode()
    assert families.count() == 1


def test_pooling_or_postponing_from_the_admin_opens_the_decision_page(
    small: Any, client: Client
) -> None:
    client.force_login(factories.make_manager())
    response = client.post(
        reverse(CHANGELIST),
        {"action": "decide_pool_or_postpone", "_selected_action": [small.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("planning-group-decide", args=[small.pk])
