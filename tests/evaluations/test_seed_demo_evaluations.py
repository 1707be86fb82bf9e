"""The demo's questionnaires and answers: a group under way answers before, a group whose
last session has come answers after too (a child who stopped coming does not), so the
outcome figures show; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from enrolment.models import AttendanceStatus
from enrolment.services import attendance_record
from evaluations.models import PairKey, Response
from reports.outcomes import OutcomeScope, outcomes
from tests import factories
from tests.clock import moment, on_day
from tests.evaluations.world import group_with_children

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]

NAMES = ("Sam", "Lot", "Noor", "Jip", "Fenna", "Mats")


def test_a_group_under_way_answers_only_before(time_machine) -> None:
    group_with_children(names=NAMES)
    time_machine.move_to(moment("2026-11-10"))
    call_command("seed_demo_evaluations", stdout=None)
    assert Response.objects.filter(respondent="child", moment="before").count() == 6
    assert not Response.objects.filter(moment="after").exists()


def test_an_ended_group_gives_every_figure_and_a_second_run_adds_nothing(time_machine) -> None:
    group = group_with_children(names=NAMES)
    stopped = group.enrolments.order_by("pk").last()
    trainer = factories.UserFactory()
    sessions = list(group.sessions.filter(kind="child").order_by("starts_at"))
    time_machine.move_to(sessions[-1].starts_at + (sessions[-1].ends_at - sessions[-1].starts_at))
    for number, session in enumerate(sessions):
        marks = {e.pk: (AttendanceStatus.PRESENT, "") for e in group.enrolments.all()}
        if number >= 2:
            marks[stopped.pk] = (AttendanceStatus.ABSENT, "")
        attendance_record(session=session, marks=marks, recorded_by=trainer)
    call_command("seed_demo_evaluations", stdout=None)
    stored = Response.objects.count()
    assert Response.objects.filter(respondent="child", moment="before").count() == 6
    assert Response.objects.filter(respondent="child", moment="after").count() == 5
    assert PairKey.objects.exists()
    sections = {
        row.section for line in outcomes(OutcomeScope(group.school_year)) for row in line.rows
    }
    assert {"reach", "dropout", "satisfaction", "goal", "response"} <= sections
    call_command("seed_demo_evaluations", stdout=None)
    assert Response.objects.count() == stored
