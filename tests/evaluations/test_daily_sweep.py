"""The daily sweep (`evaluations.sweep`): it opens a group's moment when it is due (once,
and not for a group whose answering time has passed), and sends one reminder with a new
link to whoever has not answered, after which the first link no longer works."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core import domain_events
from evaluations import events
from evaluations.models import GroupMoment, Invitation
from evaluations.services import InvitationError, invitation_answer, invitation_for_token
from evaluations.tasks import evaluations_sweep
from tests.clock import on_day
from tests.evaluations.world import group_with_children

pytestmark = [pytest.mark.django_db, on_day("2026-11-01")]


@pytest.fixture
def issued() -> Any:
    seen: list[Any] = []
    domain_events.subscribe(events.InvitationIssued, seen.append)
    yield seen
    domain_events.unsubscribe(events.InvitationIssued, seen.append)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02}:00:00+00:00")


def test_the_sweep_opens_the_before_moment_on_the_first_session_day_once(
    time_machine: Any, issued: list[Any]
) -> None:
    group = group_with_children(names=("Sam", "Lot"))
    assert evaluations_sweep() == {"opened": 0, "reminded": 0}  # the day before
    time_machine.move_to(at("2026-11-02"))
    assert evaluations_sweep() == {"opened": 1, "reminded": 0}
    assert list(GroupMoment.objects.filter(group=group).values_list("moment", flat=True)) == [
        "before"
    ]
    assert len(issued) == 2  # one guardian per child; the children are under 12
    assert evaluations_sweep() == {"opened": 0, "reminded": 0}  # safe to run twice
    assert Invitation.objects.count() == 2


def test_a_group_whose_answering_time_has_passed_is_not_asked_late(time_machine: Any) -> None:
    group_with_children(names=("Sam",))
    time_machine.move_to(at("2026-11-30"))  # 28 days after the first session
    assert evaluations_sweep()["opened"] == 0
    assert not GroupMoment.objects.exists()


def test_one_reminder_with_a_new_link_and_the_old_link_stops_working(
    time_machine: Any, issued: list[Any]
) -> None:
    group_with_children(names=("Sam", "Lot"))
    time_machine.move_to(at("2026-11-02"))
    evaluations_sweep()
    first = {event.invitation_id: event.token for event in issued}
    issued.clear()
    # Lot's guardian answers before the reminder; Sam's does not.
    answered_id, answered_token = sorted(first.items())[1]
    invitation_answer(token=answered_token, data={})
    time_machine.move_to(at("2026-11-06"))
    assert evaluations_sweep()["reminded"] == 0  # not yet a week
    time_machine.move_to(at("2026-11-09", hour=12))  # a week after the opening
    assert evaluations_sweep()["reminded"] == 1
    (reminder,) = issued
    assert reminder.reminder and reminder.invitation_id != answered_id
    with pytest.raises(InvitationError):
        invitation_for_token(first[reminder.invitation_id])
    assert invitation_for_token(reminder.token).pk == reminder.invitation_id
    time_machine.move_to(at("2026-11-16"))
    assert evaluations_sweep()["reminded"] == 0  # one reminder only
    invitation_answer(token=reminder.token, data={})
    assert Invitation.objects.filter(answered_at__isnull=False).count() == 2
