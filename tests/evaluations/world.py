"""The evaluations tests' world: a KIES programme with the default questionnaires, a
published group at the host school starting Monday 2 November 2026 (eight Monday sessions),
and its children, each with a guardian whose address is confirmed.

Plain helpers; a test module that names a date fixes the clock itself (tests/clock.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from evaluations.defaults import questionnaires_install
from evaluations.models import Measures
from evaluations.selectors import current_questionnaire
from evaluations.services import child_answer_in_group, invitation_answer, moment_open
from tests import factories
from tests.enrolment.world import make_published_group


def kies_programme(code: str = "kies-eval") -> Any:
    programme = factories.ProgrammeFactory(
        code=code,
        name_nl="KIES",
        name_en="KIES",
        age_min=7,
        age_max=17,
        grade_min=1,
        grade_max=8,
        parent_meetings_before=0,
        parent_meetings_after=0,
        trainers_per_group=1,
        consent_child="from_12",
    )
    questionnaires_install(programme=programme, template="kies")
    return programme


def add_child(
    group: Any,
    *,
    first: str,
    school: Any | None = None,
    born: dt.date | None = None,
    status: str = "confirmed",
    guardians: int = 1,
) -> Any:
    """A child taking part in `group`, with `guardians` guardians (the first enrolled them
    and confirmed their address)."""
    child = factories.ChildFactory(
        first_name=first,
        school=school or group.host_school,
        **({"date_of_birth": born} if born else {}),
    )
    for index in range(guardians):
        factories.GuardianFactory(
            submission=child.submission,
            is_enroller=index == 0,
            email=f"{first.lower()}-ouder{index}@example.org",
            email_confirmed_at=timezone.now() if index == 0 else None,
        )
    return factories.EnrolmentFactory(group=group, child=child, status=status)


def group_with_children(names: tuple[str, ...] = ("Sam", "Lot", "Noor"), **kwargs: Any) -> Any:
    programme = kies_programme()
    host = factories.SchoolFactory(name="Basisschool De Horizon", brin="33CC")
    group = make_published_group(programme, host, **kwargs)
    for name in names:
        add_child(group, first=name)
    return group


def _fields(programme: Any, respondent: str, measures: str) -> list[str]:
    questionnaire = current_questionnaire(programme, respondent)
    return [f"q{q.pk}" for q in questionnaire.questions.all() if q.measures == measures]


def completed_group(programme: Any, host: Any, time_machine: Any, *, children: int = 3) -> Any:
    """A group whose children answered before and after (the goals improve), whose guardians
    answered the satisfaction questions and an open question, and that is over."""
    from core import domain_events
    from evaluations import events

    group = make_published_group(programme, host)
    for index in range(children):
        add_child(group, first=f"Kind{chr(65 + index)}")
    goals = _fields(programme, "child", Measures.GOAL)
    tokens: list[Any] = []
    domain_events.subscribe(events.InvitationIssued, tokens.append)
    satisfaction = _fields(programme, "guardian", Measures.SATISFACTION)
    open_question = next(
        f"q{q.pk}"
        for q in current_questionnaire(programme, "guardian").questions.all()
        if q.kind == "open"
    )

    def guardians_answer() -> None:
        for event in tokens:
            invitation_answer(
                token=event.token,
                data={satisfaction[0]: "5", open_question: "Fijne groep, dank jullie wel"}
                if event.invitation_id % 2
                else {satisfaction[0]: "4"},
            )
        tokens.clear()

    try:
        moment_open(group=group, moment="before")
        guardians_answer()
        for enrolment in group.enrolments.all():
            child_answer_in_group(group=group, enrolment=enrolment, data={f: "2" for f in goals})
        time_machine.move_to(dt.datetime(2026, 12, 21, 10, tzinfo=dt.UTC))
        moment_open(group=group, moment="after")
        guardians_answer()
        for enrolment in group.enrolments.all():
            child_answer_in_group(group=group, enrolment=enrolment, data={f: "4" for f in goals})
    finally:
        domain_events.unsubscribe(events.InvitationIssued, tokens.append)
    time_machine.move_to(dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC))
    return group
