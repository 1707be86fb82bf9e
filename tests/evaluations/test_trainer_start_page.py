"""The trainer's start page lists the open questionnaires of their groups with counts only,
and the button that opens the children's questionnaire."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from evaluations.services import child_answer_in_group, moment_open
from tests.clock import on_day
from tests.evaluations.world import group_with_children

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]


def test_the_start_page_shows_the_open_questionnaire_with_counts_and_the_button(
    client: Client,
) -> None:
    group = group_with_children(names=("Sam", "Lot"))
    trainer = group.trainers.get()
    client.force_login(trainer.user)
    page = client.get(reverse("start-trainer")).content.decode()
    assert "Er staan nu geen vragenlijsten van uw groepen open." in page
    moment_open(group=group, moment="before")
    child_answer_in_group(group=group, enrolment=group.enrolments.first(), data={})
    page = client.get(reverse("start-trainer")).content.decode()
    assert "Kinderen: 1 van 2 ingevuld." in page
    assert "Ouders en leerkracht: 0 van 2 ingevuld." in page
    assert reverse("evaluation-group", args=[group.pk]) in page
    assert "Sam" not in page and "Lot" not in page  # counts only, no names
