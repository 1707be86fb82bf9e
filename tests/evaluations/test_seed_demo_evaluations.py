"""The demo's questionnaires and answers: a started group gets before and after answers, so
the outcome figures show; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from evaluations.models import PairKey, Response
from reports.outcomes import OutcomeScope, outcomes
from tests.clock import moment, on_day
from tests.evaluations.world import group_with_children

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]


def test_the_demo_answers_give_every_figure_and_a_second_run_adds_nothing(time_machine) -> None:
    group = group_with_children(names=("Sam", "Lot", "Noor", "Jip", "Fenna", "Mats"))
    time_machine.move_to(moment("2026-11-10"))
    call_command("seed_demo_evaluations", stdout=None)
    stored = Response.objects.count()
    assert Response.objects.filter(respondent="child", moment="after").count() == 6
    assert PairKey.objects.exists()
    sections = {
        row.section for line in outcomes(OutcomeScope(group.school_year)) for row in line.rows
    }
    assert {"reach", "dropout", "satisfaction", "goal", "response"} <= sections
    call_command("seed_demo_evaluations", stdout=None)
    assert Response.objects.count() == stored
