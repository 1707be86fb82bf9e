"""The teacher or mentor answers about the group through a personal link in the mail to the
group's mentor address: no pseudonym (nothing pairs), the host school, once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from evaluations.models import Invitation, Response
from evaluations.services import moment_open
from notifications.models import OutboxMessage
from notifications.outbox import message_send
from scheduler.models import Group
from tests.clock import on_day
from tests.evaluations.world import group_with_children

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]


def test_the_mentor_answers_through_their_own_link_once(
    client: Client, mailoutbox: list[Any]
) -> None:
    group = group_with_children(names=("Sam",))
    Group.objects.filter(pk=group.pk).update(mentor_email="mentor@school.example")
    group.refresh_from_db()
    moment_open(group=group, moment="before")
    teacher = Invitation.objects.get(pair_key__isnull=True)
    assert teacher.email == "mentor@school.example"
    for row in OutboxMessage.objects.filter(kind="evaluation_invitation"):
        message_send(message_id=row.pk)
    (mail,) = [m for m in mailoutbox if m.to == ["mentor@school.example"]]
    assert "Sam" not in mail.body  # the teacher's mail names no child
    path = "/" + re.search(r"https?://\S+/evaluaties/vragenlijst/\S+/", mail.body).group()
    path = "/" + path.split("://", 1)[1].split("/", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    field = re.findall(r'name="(q\d+)" value="4"', page.content.decode())[0]
    assert client.post(path, {field: "4"}).status_code == 200
    response = Response.objects.get(respondent="teacher")
    assert (response.pair_key, response.school_id, response.moment) == (
        "",
        group.host_school_id,
        "before",
    )
    assert "al ingevuld" in client.get(path).content.decode().lower()


def test_a_group_without_a_mentor_address_invites_no_teacher() -> None:
    group = group_with_children(names=("Sam",))
    moment_open(group=group, moment="before")
    assert not Invitation.objects.filter(pair_key__isnull=True).exists()
