"""Opening a group's moment invites the right people; answers are stored once, without a
name, with blank questions left out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core import domain_events
from evaluations import events
from evaluations.models import Answer, Invitation, Response
from evaluations.services import (
    InvitationError,
    child_answer_in_group,
    invitation_answer,
    moment_open,
)
from scheduler.models import GroupStatus
from tests.clock import on_day
from tests.evaluations.world import add_child, group_with_children

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]


@pytest.fixture
def issued() -> list[events.InvitationIssued]:
    seen: list[events.InvitationIssued] = []
    domain_events.subscribe(events.InvitationIssued, seen.append)
    yield seen
    domain_events.unsubscribe(events.InvitationIssued, seen.append)


def _question_ids(invitation: Invitation) -> dict[str, int]:
    return {q.kind: q.pk for q in invitation.questionnaire.questions.all()}


def test_opening_before_invites_every_guardian_and_the_mentor_but_no_young_child(
    issued: list,
) -> None:
    group = group_with_children(mentor_name="Meester Tim", mentor_email="tim@school.example")
    add_child(group, first="Jip", guardians=2)
    add_child(group, first="Mats", status="withdrawn")
    moment_open(group=group, moment="before")
    invitations = Invitation.objects.filter(group=group, moment="before")
    # Sam, Lot and Noor: one guardian each; Jip: two; Mats left; plus the mentor.
    assert invitations.filter(pair_key__respondent="guardian").count() == 5
    assert invitations.filter(pair_key__isnull=True, email="tim@school.example").count() == 1
    assert not invitations.filter(pair_key__respondent="child").exists()
    assert len(issued) == 6 and all(len(e.token) >= 40 for e in issued)
    # Opened twice: nothing new.
    moment_open(group=group, moment="before")
    assert invitations.count() == 6


def test_a_child_of_twelve_gets_their_own_link(issued: list) -> None:
    group = group_with_children(names=())
    add_child(group, first="Fenna", born=dt.date(2014, 1, 5))
    moment_open(group=group, moment="before")
    assert Invitation.objects.filter(pair_key__respondent="child").count() == 1


def test_a_guardians_answers_are_stored_once_without_a_name_and_blanks_are_left_out(
    issued: list,
) -> None:
    group = group_with_children(names=("Sam",))
    moment_open(group=group, moment="before")
    token = issued[0].token
    invitation = Invitation.objects.get(pk=issued[0].invitation_id)
    ids = _question_ids(invitation)
    response = invitation_answer(token=token, data={f"q{ids['scale']}": "4", f"q{ids['open']}": ""})
    assert response.respondent == "guardian" and response.moment == "before"
    assert response.school_id == group.host_school_id
    assert list(Answer.objects.filter(response=response).values_list("value", flat=True)) == [4]
    stored = {f.name for f in Response._meta.get_fields()}
    assert not {"enrolment", "child", "guardian", "name"} & stored
    with pytest.raises(InvitationError) as error:
        invitation_answer(token=token, data={})
    assert error.value.code == "answered"
    assert Response.objects.count() == 1


def test_an_answer_that_is_not_one_of_the_choices_is_refused_and_nothing_is_stored(
    issued: list,
) -> None:
    group = group_with_children(names=("Sam",))
    moment_open(group=group, moment="before")
    invitation = Invitation.objects.get(pk=issued[0].invitation_id)
    ids = _question_ids(invitation)
    with pytest.raises(ValidationError) as error:
        invitation_answer(token=issued[0].token, data={f"q{ids['scale']}": "9"})
    assert f"q{ids['scale']}" in error.value.message_dict
    assert Response.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_an_expired_or_unknown_link_stores_nothing(issued: list, time_machine) -> None:
    group = group_with_children(names=("Sam",))
    moment_open(group=group, moment="before")
    with pytest.raises(InvitationError) as unknown:
        invitation_answer(token="not-a-token", data={})
    assert unknown.value.code == "unknown"
    time_machine.shift(dt.timedelta(days=22))
    with pytest.raises(InvitationError) as expired:
        invitation_answer(token=issued[0].token, data={})
    assert expired.value.code == "expired"
    assert Response.objects.count() == 0


def test_a_child_answers_in_the_group_once_per_moment() -> None:
    group = group_with_children(names=("Sam", "Lot"))
    sam = group.enrolments.get(child__first_name="Sam")
    moment_open(group=group, moment="before")
    response = child_answer_in_group(group=group, enrolment=sam, data={})
    assert response.respondent == "child" and response.pair_key
    with pytest.raises(ValidationError):
        child_answer_in_group(group=group, enrolment=sam, data={})
    assert Response.objects.filter(respondent="child").count() == 1


def test_a_cancelled_group_is_not_asked() -> None:
    group = group_with_children(names=("Sam",))
    group.status = GroupStatus.CANCELLED
    with pytest.raises(ValidationError):
        moment_open(group=group, moment="before")
