"""`manage.py seed_demo_evaluations`: the default questionnaires and answers for the demo.

Runs after `seed_demo` and `seed_demo_groups`. Installs the default questionnaires of the
demo programmes (kies, jes, think, mkp), gives the demo schools pupil counts per grade, and
lets the children and guardians of each group whose sessions have started (and that has
children taking part) answer before, and those of a group whose last children's session has
come answer after too (a child who stopped coming does not), so the outcome report shows
figures. Everything
goes through the services; a second run adds nothing (a moment opens once, a respondent answers
once per moment).
"""

from __future__ import annotations

import random
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db.models import Max
from django.utils import timezone

from core import domain_events
from enrolment.models import AttendanceStatus
from evaluations import events
from evaluations.defaults import DEFAULTS, questionnaires_install
from evaluations.models import Measures, QuestionKind, Respondent
from evaluations.selectors import TOOK_PART, current_questionnaire, open_moment
from evaluations.services import child_answer_in_group, invitation_answer, moment_open
from programmes.models import Programme, School, SchoolGradePupils, SchoolYear
from programmes.selectors import grades_of
from scheduler.models import Group, SessionKind

OPEN_ANSWERS = ("Fijne groep, mijn kind ging er graag heen.", "Meer ouderavonden zou fijn zijn.")


def _answers(questionnaire: Any, moment: str, rng: random.Random) -> dict[str, str]:
    data: dict[str, str] = {}
    for question in questionnaire.questions.all():
        if question.kind == QuestionKind.OPEN:
            if moment == "after" and rng.random() < 0.5:
                data[f"q{question.pk}"] = rng.choice(OPEN_ANSWERS)
        elif question.kind == QuestionKind.YES_NO:
            data[f"q{question.pk}"] = "yes" if rng.random() < 0.85 else "no"
        elif question.kind == QuestionKind.CHOICE:
            data[f"q{question.pk}"] = str(rng.randint(1, len(question.options())))
        elif question.measures == Measures.GOAL:
            low = 1 if moment == "before" else 3
            data[f"q{question.pk}"] = str(rng.randint(low, low + 2))
        else:
            data[f"q{question.pk}"] = str(rng.randint(3, 5))
    return data


def stopped_coming(enrolment: Any) -> bool:
    """Whether the child missed the last session marked for them without an excuse."""
    last = enrolment.attendance.order_by("-session__starts_at").first()
    return last is not None and last.status == AttendanceStatus.ABSENT


class Command(BaseCommand):
    help = "Default questionnaires and demo answers, so the outcome report shows figures."

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(19)
        for programme in Programme.objects.filter(code__in=list(DEFAULTS)):
            questionnaires_install(programme=programme)
        year = SchoolYear.objects.current()
        if year is not None:
            for school in School.objects.all():
                for grade in grades_of(school):
                    SchoolGradePupils.objects.get_or_create(
                        school=school,
                        school_year=year,
                        grade=grade,
                        defaults={"pupils": rng.randint(22, 34)},
                    )
        now = timezone.now()
        answered = 0
        groups = Group.objects.filter(
            programme__questionnaires__published_at__isnull=False,
            enrolments__status__in=TOOK_PART,
            sessions__starts_at__lt=now,
        ).distinct()
        for group in groups.select_related("programme"):
            tokens: list[events.InvitationIssued] = []
            domain_events.subscribe(events.InvitationIssued, tokens.append)
            last = group.sessions.filter(kind=SessionKind.CHILD).aggregate(last=Max("starts_at"))
            moments = ("before", "after") if last["last"] and last["last"] < now else ("before",)
            try:
                for moment in moments:
                    try:
                        moment_open(group=group, moment=moment)
                    except ValidationError:
                        continue
                    guardian = current_questionnaire(group.programme, Respondent.GUARDIAN)
                    for event in tokens:
                        if guardian is not None and rng.random() < 0.8:
                            try:
                                invitation_answer(
                                    token=event.token, data=_answers(guardian, moment, rng)
                                )
                                answered += 1
                            except ValidationError:
                                pass
                    tokens.clear()
                    child = current_questionnaire(group.programme, Respondent.CHILD)
                    opened = open_moment(group)
                    if opened is None or opened.moment != moment:
                        # Children answer at the group's open moment only (a second run).
                        continue
                    for enrolment in group.enrolments.filter(status__in=TOOK_PART):
                        if child is None:
                            break
                        if moment == "after" and stopped_coming(enrolment):
                            continue
                        try:
                            child_answer_in_group(
                                group=group, enrolment=enrolment, data=_answers(child, moment, rng)
                            )
                            answered += 1
                        except ValidationError:
                            pass
            finally:
                domain_events.unsubscribe(events.InvitationIssued, tokens.append)
        self.stdout.write(f"Questionnaires in place; {answered} demo answers stored.")
