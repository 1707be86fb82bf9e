"""A guardian answers from the link in the delivered e-mail; a child answers on the
trainer's tablet by tapping their name and large buttons."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from evaluations.models import Answer, Response
from evaluations.services import moment_open
from notifications.models import OutboxMessage
from notifications.outbox import message_send
from tests import factories
from tests.clock import on_day
from tests.evaluations.world import group_with_children

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]


def _deliver(mailoutbox: list[Any]) -> Any:
    rows = list(OutboxMessage.objects.filter(kind="evaluation_invitation").order_by("pk"))
    assert rows
    for row in rows:
        message_send(message_id=row.pk)
    return mailoutbox


def test_a_guardian_walks_from_the_delivered_mail_to_a_stored_answer(
    client: Client, mailoutbox: list[Any]
) -> None:
    group = group_with_children(names=("Sam",))
    moment_open(group=group, moment="before")
    mail = _deliver(mailoutbox)[0]
    assert mail.to == ["sam-ouder0@example.org"]
    assert "Sam" in mail.body and "scheiding" not in mail.subject.lower()
    link = re.search(r"https?://\S+/evaluaties/vragenlijst/\S+/", mail.body).group()
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    html = page.content.decode()
    fields = sorted(set(re.findall(r'name="(q\d+)" value="(?:4|yes)"', html)))
    assert fields
    answered = client.post("/" + path, {fields[0]: "4"})
    assert answered.status_code == 200
    response = Response.objects.get()
    assert response.respondent == "guardian" and response.moment == "before"
    assert Answer.objects.filter(response=response, value=4).count() == 1
    again = client.get("/" + path)
    assert "al ingevuld" in again.content.decode().lower()


def test_the_link_page_of_an_unknown_token_is_a_404_without_detail(client: Client) -> None:
    page = client.get(reverse("evaluation-answer", args=["x" * 43]))
    assert page.status_code == 404


def test_a_child_taps_their_name_and_answers_with_large_buttons(client: Client) -> None:
    group = group_with_children(names=("Sam", "Lot"))
    trainer = group.trainers.get()
    client.force_login(trainer.user)
    closed = client.get(reverse("evaluation-group", args=[group.pk]))
    assert closed.status_code == 200 and b'name="moment" value="before"' in closed.content
    client.post(reverse("evaluation-group", args=[group.pk]), {"moment": "before"})
    names = client.get(reverse("evaluation-group", args=[group.pk])).content.decode()
    assert "Sam" in names and "Lot" in names
    sam = group.enrolments.get(child__first_name="Sam")
    page = client.get(reverse("evaluation-child", args=[group.pk, sam.public_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "<textarea" not in html
    assert "gp-eval-question--large" in html and 'type="radio"' in html
    field = re.search(r'name="(q\d+)" value="5"', html).group(1)
    done = client.post(reverse("evaluation-child", args=[group.pk, sam.public_id]), {field: "5"})
    assert done.status_code == 302
    assert Response.objects.filter(respondent="child").count() == 1
    after = client.get(reverse("evaluation-group", args=[group.pk])).content.decode()
    assert reverse("evaluation-child", args=[group.pk, sam.public_id]) not in after


def test_another_trainer_gets_a_404_for_the_groups_questionnaire(client: Client) -> None:
    group = group_with_children(names=("Sam",))
    other = factories.TrainerFactory()
    client.force_login(other.user)
    assert client.get(reverse("evaluation-group", args=[group.pk])).status_code == 404
