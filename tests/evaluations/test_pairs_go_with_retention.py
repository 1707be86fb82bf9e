"""Before/after pairs survive until retention; after it only anonymous answers remain and
the goals-reached figures stay the same."""

from __future__ import annotations

import datetime as dt

import pytest

from enrolment.services.retention import ErasureReason, enrolment_erase
from evaluations.models import Invitation, PairKey, PairOutcome, Response
from evaluations.selectors import goal_pairs
from evaluations.services import child_answer_in_group, moment_open
from tests.clock import on_day
from tests.evaluations.world import group_with_children

pytestmark = [pytest.mark.django_db, on_day("2026-11-02")]


def _goal_fields(group) -> list[str]:
    from evaluations.selectors import current_questionnaire

    questionnaire = current_questionnaire(group.programme, "child")
    return [f"q{q.pk}" for q in questionnaire.questions.all() if q.measures == "goal"]


def _figures() -> list[tuple]:
    return sorted(
        (r.goal_id, r.improved, r.respondent)
        for r in goal_pairs(responses=Response.objects.all(), outcomes=PairOutcome.objects.all())
    )


def test_pairs_survive_until_retention_and_the_figures_stay_after_it(time_machine) -> None:
    group = group_with_children(names=("Sam", "Lot"))
    sam, lot = (group.enrolments.get(child__first_name=n) for n in ("Sam", "Lot"))
    fields = _goal_fields(group)
    moment_open(group=group, moment="before")
    child_answer_in_group(group=group, enrolment=sam, data={f: "2" for f in fields})
    child_answer_in_group(group=group, enrolment=lot, data={f: "3" for f in fields})
    time_machine.move_to(dt.datetime(2026, 12, 21, 10, tzinfo=dt.UTC))
    moment_open(group=group, moment="after")
    child_answer_in_group(group=group, enrolment=sam, data={f: "4" for f in fields})
    child_answer_in_group(group=group, enrolment=lot, data={fields[0]: "2"})
    before = _figures()
    assert len(before) == len(fields) + 1  # Sam on every goal, Lot on the first
    assert sum(improved for _, improved, _ in before) == len(fields)
    assert PairKey.objects.count() >= 2 and not PairOutcome.objects.exists()

    enrolment_erase(enrolment=sam, reason=ErasureReason.RETENTION)

    assert not PairKey.objects.filter(enrolment=sam).exists()
    assert not Invitation.objects.filter(pair_key__enrolment=sam).exists()
    assert Response.objects.filter(pair_key="").count() == 2  # Sam's two, unpaired
    assert Response.objects.count() == 4  # the anonymous answers stay
    assert _figures() == before
    # Lot's pair is still keyed until their own retention.
    assert PairKey.objects.filter(enrolment=lot).exists()
    enrolment_erase(enrolment=lot, reason=ErasureReason.RETENTION)
    assert not PairKey.objects.exists() and _figures() == before
