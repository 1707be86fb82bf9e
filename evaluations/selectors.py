"""Reads of questionnaires and answers: the current version, the open moments of a group,
who answered, and the improvement of before/after pairs (the one home of that rule)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from enrolment.models import Enrolment, EnrolmentStatus
from evaluations.models import (
    Answer,
    GroupMoment,
    Invitation,
    Measures,
    Moment,
    PairKey,
    PairOutcome,
    Question,
    Questionnaire,
    Respondent,
    Response,
)
from programmes.models import Programme
from scheduler.models import Group

# Enrolments whose child took part in the group (and so is asked about it).
TOOK_PART = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED)


def current_questionnaires(programme_ids: Iterable[int]) -> dict[tuple[int, str], Questionnaire]:
    """Per (programme, respondent): the newest published version, questions loaded."""
    rows = (
        Questionnaire.objects.filter(
            programme_id__in=list(programme_ids), published_at__isnull=False
        )
        .order_by("programme_id", "respondent", "-version")
        .prefetch_related(Prefetch("questions", Question.objects.select_related("goal")))
    )
    current: dict[tuple[int, str], Questionnaire] = {}
    for questionnaire in rows:
        current.setdefault((questionnaire.programme_id, questionnaire.respondent), questionnaire)
    return current


def current_questionnaire(programme: Programme, respondent: str) -> Questionnaire | None:
    return current_questionnaires([programme.pk]).get((programme.pk, respondent))


def open_moment(group: Group) -> GroupMoment | None:
    """The group's most recently opened moment that has not closed, if any."""
    return (
        GroupMoment.objects.filter(group=group, closes_at__gt=timezone.now())
        .order_by("-opened_at", "-pk")
        .first()
    )


def children_of(group: Group) -> QuerySet[Enrolment]:
    """The children who take or took part in the group, by first name."""
    return (
        Enrolment.objects.filter(group=group, status__in=TOOK_PART)
        .select_related("child")
        .order_by("child__first_name", "pk")
    )


def children_to_answer(group: Group, moment: str) -> list[dict[str, Any]]:
    """The group's children, each with whether they answered at `moment` (one query)."""
    answered = Response.objects.filter(
        moment=moment,
        respondent=Respondent.CHILD,
        pair_key__in=PairKey.objects.filter(
            enrolment_id=OuterRef(OuterRef("pk")), respondent=Respondent.CHILD
        ).values("key"),
    )
    rows = children_of(group).annotate(answered=Exists(answered))
    return [
        {"enrolment": e, "first_name": e.child.first_name, "answered": e.answered} for e in rows
    ]


def teacher_rows(
    group: Group, moment: str, school_ids: Iterable[int] | None = None
) -> list[dict[str, Any]]:
    """The group's children (of `school_ids` only, unless None), each with when their
    teacher was invited at `moment` (None: not yet). One query; never the address."""
    invited = Invitation.objects.filter(
        pair_key__enrolment_id=OuterRef("pk"),
        pair_key__respondent=Respondent.TEACHER,
        moment=moment,
    ).values("created_at")[:1]
    rows = children_of(group)
    if school_ids is not None:
        rows = rows.filter(child__school_id__in=list(school_ids))
    rows = rows.annotate(teacher_invited_at=Subquery(invited))
    return [{"enrolment": e, "child": e.child, "invited_at": e.teacher_invited_at} for e in rows]


@dataclass(frozen=True)
class TeacherMoment:
    group: Group
    moment: GroupMoment
    children: int
    invited: int


def coordinator_teacher_moments(schools: Any) -> list[TeacherMoment]:
    """The open moments of groups in which pupils of `schools` (a query of schools or
    their ids) take part and whose programme's teacher's questionnaire asks at that
    moment, with those pupils counted and how many of their teachers were invited. One
    query, with rows or without."""
    pupils = Enrolment.objects.filter(status__in=TOOK_PART, child__school__in=schools)
    teacher = Questionnaire.objects.filter(
        programme_id=OuterRef("group__programme_id"),
        respondent=Respondent.TEACHER,
        published_at__isnull=False,
    ).order_by("-version")
    children = (
        pupils.filter(group_id=OuterRef("group_id"))
        .order_by()
        .values("group_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    invited = (
        Invitation.objects.filter(
            group_id=OuterRef("group_id"),
            moment=OuterRef("moment"),
            pair_key__respondent=Respondent.TEACHER,
            pair_key__enrolment__in=pupils,
        )
        .order_by()
        .values("group_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        GroupMoment.objects.filter(
            group__in=pupils.values("group_id"), closes_at__gt=timezone.now()
        )
        .annotate(
            asks_before=Subquery(teacher.values("before")[:1]),
            asks_after=Subquery(teacher.values("after")[:1]),
            asks_follow_up=Subquery(teacher.values("follow_up_months")[:1]),
            children=Subquery(children),
            invited=Subquery(invited),
        )
        .select_related("group__programme", "group__host_school")
        .order_by("closes_at", "pk")
    )
    asks = {
        Moment.BEFORE: lambda m: bool(m.asks_before),
        Moment.AFTER: lambda m: bool(m.asks_after),
        Moment.FOLLOW_UP: lambda m: bool(m.asks_follow_up),
    }
    return [
        TeacherMoment(group=m.group, moment=m, children=m.children or 0, invited=m.invited or 0)
        for m in rows
        if asks.get(m.moment, lambda m: False)(m)
    ]


@dataclass(frozen=True)
class MomentProgress:
    group: Group
    moment: GroupMoment
    invited: int
    answered: int
    children: int
    children_answered: int


def trainer_open_moments(trainer: Any) -> list[MomentProgress]:
    """The open moments of the trainer's groups with their response counts (counts only),
    in a fixed number of queries."""
    moments = list(
        GroupMoment.objects.filter(group__trainers=trainer, closes_at__gt=timezone.now())
        .select_related("group__programme", "group__host_school")
        .order_by("closes_at", "pk")
    )
    if not moments:
        return []
    group_ids = {m.group_id for m in moments}
    invited = defaultdict(lambda: [0, 0])
    for group_id, moment, total, answered in (
        Invitation.objects.filter(group_id__in=group_ids, revoked_at__isnull=True)
        .values_list("group_id", "moment")
        .annotate(total=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    ):
        invited[(group_id, moment)] = [total, answered]
    children = dict(
        Enrolment.objects.filter(group_id__in=group_ids, status__in=TOOK_PART)
        .values_list("group_id")
        .annotate(n=Count("pk"))
    )
    child_answers = {
        (g, m): n
        for g, m, n in Response.objects.filter(group_id__in=group_ids, respondent=Respondent.CHILD)
        .values_list("group_id", "moment")
        .annotate(n=Count("pk"))
    }
    return [
        MomentProgress(
            group=m.group,
            moment=m,
            invited=invited[(m.group_id, m.moment)][0],
            answered=invited[(m.group_id, m.moment)][1],
            children=children.get(m.group_id, 0),
            children_answered=child_answers.get((m.group_id, m.moment), 0),
        )
        for m in moments
    ]


# --- before and after ---------------------------------------------------------------------


@dataclass(frozen=True)
class PairResult:
    """One pair's result on one goal (the means of the goal's questions, after > before)."""

    programme_id: int
    group_id: int
    school_year_id: int
    school_id: int | None
    respondent: str
    goal_id: int
    improved: bool


def pair_outcomes(responses: QuerySet[Response]) -> list[PairResult]:
    """Per paired respondent and goal: did the answer improve from before to after?

    A pair is the "before" and the "after" response with the same pseudonym. Per goal the
    mean of its answered questions is compared (a blank question counts for nothing); a
    goal without an answer at either moment gives no result. One query."""
    answers = (
        Answer.objects.filter(
            response__in=responses.exclude(pair_key="").filter(
                moment__in=[Moment.BEFORE, Moment.AFTER]
            ),
            question__measures=Measures.GOAL,
            value__isnull=False,
        )
        .values_list(
            "response__pair_key",
            "response__moment",
            "question__goal_id",
            "value",
            "response__programme_id",
            "response__group_id",
            "response__school_year_id",
            "response__school_id",
            "response__respondent",
        )
        .order_by()
    )
    values: dict[tuple[str, int], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    about: dict[str, tuple[int, int, int, int | None, str]] = {}
    for key, moment, goal_id, value, *where in answers:
        values[(key, goal_id)][moment].append(value)
        about[key] = tuple(where)  # type: ignore[assignment]
    results = []
    for (key, goal_id), by_moment in values.items():
        before, after = by_moment.get(Moment.BEFORE), by_moment.get(Moment.AFTER)
        if not before or not after:
            continue
        programme_id, group_id, school_year_id, school_id, respondent = about[key]
        results.append(
            PairResult(
                programme_id=programme_id,
                group_id=group_id,
                school_year_id=school_year_id,
                school_id=school_id,
                respondent=respondent,
                goal_id=goal_id,
                improved=sum(after) / len(after) > sum(before) / len(before),
            )
        )
    return results


def goal_pairs(
    *, responses: QuerySet[Response], outcomes: QuerySet[PairOutcome]
) -> list[PairResult]:
    """Every before/after result: of the pairs still keyed (computed now) and of the pairs
    whose key went with retention (kept as `PairOutcome`). Two queries."""
    kept = [
        PairResult(*row)
        for row in outcomes.values_list(
            "programme_id",
            "group_id",
            "school_year_id",
            "school_id",
            "respondent",
            "goal_id",
            "improved",
        ).order_by()
    ]
    return pair_outcomes(responses) + kept
