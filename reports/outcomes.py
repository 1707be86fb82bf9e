"""The outcome figures a municipality reports: reach, drop-out, satisfaction, goals reached,
and the response per moment; per programme, for a school year and optionally one round or
one school.

Every figure is a row of (numerator, denominator, value) so the page, the council version,
the downloads and the API show the same rows; `outcomes_as_shown` applies the small-number
suppression of `reports.suppression` to every count (1 to 4 is "< 5") and hides a ratio or
mean that would give a small count back ("*"). Open answers are read separately
(`open_answers`), only for the manager's page, per programme and round, never per child.

The reads take a fixed number of queries, whatever the number of groups.

- reach: children who took part (confirmed or completed, or withdrawn after the start) out
  of the pupils of the programme's grades at the schools whose pupil count is known
  (`programmes.SchoolGradePupils`); children of other schools do not count in it;
- drop-out: of the children who started, those who withdrew after the start, or who
  attended fewer child sessions than the programme's minimum
  (`evaluations.EvaluationSettings.min_sessions`) in a group whose sessions are over;
- satisfaction: per respondent group, the mean (1 to 5) of the satisfaction answers and
  their distribution, with the number of respondents;
- goals reached: per goal, the share of before/after pairs whose answer improved;
- response: per respondent group and moment, the responses out of those asked (the
  invitations sent; for children also those answering in the group).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from enrolment.models import Attendance, AttendanceStatus, Enrolment, EnrolmentStatus
from evaluations.models import (
    Answer,
    EvaluationSettings,
    Goal,
    GroupMoment,
    Invitation,
    Measures,
    Moment,
    PairOutcome,
    QuestionKind,
    Respondent,
    Response,
)
from evaluations.selectors import TOOK_PART, goal_pairs
from programmes.models import Programme, School, SchoolGradePupils, SchoolYear
from reports.suppression import HIDDEN, Shown, shown_ratio, suppress
from scheduler.models import Group, SessionKind

SECTIONS = ("reach", "dropout", "satisfaction", "distribution", "goal", "response")


def section_labels() -> dict[str, str]:
    return {
        "reach": _("Bereik"),
        "dropout": _("Uitval"),
        "satisfaction": _("Tevredenheid"),
        "distribution": _("Verdeling tevredenheid"),
        "goal": _("Doelrealisatie"),
        "response": _("Respons"),
    }


@dataclass(frozen=True)
class OutcomeRow:
    section: str
    label: str
    count: int  # the numerator: children, respondents, pairs improved, responses
    base: int | None  # the denominator (None: the row is a mean or a plain count)
    value: float | None  # the share (0..1) or the mean (1..5)


@dataclass
class ProgrammeOutcomes:
    programme: Programme
    rows: list[OutcomeRow] = field(default_factory=list)

    def section(self, name: str) -> list[OutcomeRow]:
        return [row for row in self.rows if row.section == name]


@dataclass(frozen=True)
class OutcomeScope:
    school_year: SchoolYear
    programme: Programme | None = None
    round_label: str = ""
    school: School | None = None

    def groups(self) -> QuerySet[Group]:
        groups = Group.objects.filter(school_year=self.school_year)
        if self.programme is not None:
            groups = groups.filter(programme=self.programme)
        if self.round_label:
            groups = groups.filter(round_label=self.round_label)
        return groups

    def enrolments(self) -> QuerySet[Enrolment]:
        rows = Enrolment.objects.filter(group__in=self.groups())
        if self.school is not None:
            rows = rows.filter(child__school=self.school)
        return rows

    def responses(self) -> QuerySet[Response]:
        rows = Response.objects.filter(group__in=self.groups())
        if self.school is not None:
            rows = rows.filter(school=self.school)
        return rows

    def pair_outcomes(self) -> QuerySet[PairOutcome]:
        rows = PairOutcome.objects.filter(group__in=self.groups())
        if self.school is not None:
            rows = rows.filter(school=self.school)
        return rows


def _share(count: int, base: int | None) -> float | None:
    return count / base if base else None


def _respondent_label(respondent: str) -> str:
    return str(dict(Respondent.choices)[respondent])


def outcomes(scope: OutcomeScope) -> list[ProgrammeOutcomes]:
    """The outcome rows per programme in `scope` (see the module docstring)."""
    programmes = {
        p.pk: ProgrammeOutcomes(programme=p)
        for p in Programme.objects.filter(pk__in=scope.groups().values("programme_id")).order_by(
            "name_nl"
        )
    }
    if not programmes:
        return []
    participation = _participation(scope, programmes)
    _reach_and_dropout_rows(scope, programmes, participation)
    _satisfaction_rows(scope, programmes)
    _goal_rows(scope, programmes)
    _response_rows(scope, programmes, participation)
    return list(programmes.values())


@dataclass
class _Participation:
    """Who took part, per programme (and per school and grade), who started and dropped
    out, and how many children each group holds; `groups` maps a group to its programme
    and its last child session."""

    groups: dict[int, tuple[int, dt.datetime | None]]
    took_part: Counter[int] = field(default_factory=Counter)
    took_part_at: dict[int, Counter[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    started: Counter[int] = field(default_factory=Counter)
    dropped: Counter[int] = field(default_factory=Counter)
    children_per_group: Counter[int] = field(default_factory=Counter)


def _participation(scope: OutcomeScope, programmes: dict[int, ProgrammeOutcomes]) -> _Participation:
    """Count the children who took part and those who dropped out (see the module
    docstring) in five queries."""
    now = timezone.now()
    minimum = dict(
        EvaluationSettings.objects.filter(programme_id__in=programmes).values_list(
            "programme_id", "min_sessions"
        )
    )
    counted = _Participation(
        groups={
            pk: (programme_id, last)
            for pk, programme_id, last in scope.groups()
            .annotate(last=Max("sessions__starts_at", filter=Q(sessions__kind=SessionKind.CHILD)))
            .values_list("pk", "programme_id", "last")
        }
    )
    group_start = dict(scope.groups().values_list("pk", "first_date"))
    present = dict(
        Attendance.objects.filter(
            enrolment__in=scope.enrolments(),
            status=AttendanceStatus.PRESENT,
            session__kind=SessionKind.CHILD,
        )
        .values_list("enrolment_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for pk, group_id, status, ended_at, school_id, grade in (
        scope.enrolments()
        .filter(
            Q(status__in=TOOK_PART)
            | Q(status=EnrolmentStatus.WITHDRAWN, confirmed_at__isnull=False)
        )
        .values_list(
            "pk",
            "group_id",
            "status",
            "ended_at",
            "child__school_id",
            "child__grade",
        )
    ):
        programme_id, last = counted.groups[group_id]
        start = group_start[group_id]
        withdrew_after_start = (
            status == EnrolmentStatus.WITHDRAWN
            and ended_at is not None
            and timezone.localtime(ended_at).date() >= start
        )
        if status == EnrolmentStatus.WITHDRAWN and not withdrew_after_start:
            continue  # left before the group began: never started
        counted.started[programme_id] += 1
        counted.took_part[programme_id] += 1
        counted.took_part_at[programme_id][(school_id, grade)] += 1
        if status != EnrolmentStatus.WITHDRAWN:
            counted.children_per_group[group_id] += 1
        over = last is not None and last < now
        too_few = over and present.get(pk, 0) < minimum.get(programme_id, 0)
        if withdrew_after_start or too_few:
            counted.dropped[programme_id] += 1
    return counted


def _reach_and_dropout_rows(
    scope: OutcomeScope, programmes: dict[int, ProgrammeOutcomes], counted: _Participation
) -> None:
    """Add the reach rows (out of the known pupils of the programme's grades, and in total)
    and the drop-out row to each programme (one query)."""
    pupils = list(
        SchoolGradePupils.objects.filter(school_year=scope.school_year)
        .filter(**({"school": scope.school} if scope.school else {}))
        .values_list("school_id", "grade", "pupils")
    )
    for programme_id, line in programmes.items():
        programme = line.programme
        known = {
            (school_id, grade): n
            for school_id, grade, n in pupils
            if programme.grade_min <= grade <= programme.grade_max
        }
        reached = sum(
            n
            for (school_id, grade), n in counted.took_part_at[programme_id].items()
            if (school_id, grade) in known
        )
        base = sum(known.values()) or None
        line.rows.append(
            OutcomeRow(
                "reach",
                _("Deelnemers van de bekende groepen/klassen"),
                reached,
                base,
                _share(reached, base),
            )
        )
        line.rows.append(
            OutcomeRow(
                "reach", _("Deelnemers in totaal"), counted.took_part[programme_id], None, None
            )
        )
        line.rows.append(
            OutcomeRow(
                "dropout",
                _("Uitgevallen van de gestarte kinderen"),
                counted.dropped[programme_id],
                counted.started[programme_id],
                _share(counted.dropped[programme_id], counted.started[programme_id]),
            )
        )


def _satisfaction_rows(scope: OutcomeScope, programmes: dict[int, ProgrammeOutcomes]) -> None:
    """Add, per respondent group, the respondents and mean of the satisfaction answers and
    their distribution over 1 to 5 (two queries)."""
    distribution: dict[tuple[int, str], Counter[int]] = defaultdict(Counter)
    for programme_id, respondent, value, n in (
        Answer.objects.filter(
            response__in=scope.responses(),
            question__measures=Measures.SATISFACTION,
            value__isnull=False,
        )
        .values_list("response__programme_id", "response__respondent", "value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        distribution[(programme_id, respondent)][value] += n
    respondents = {
        (programme_id, respondent): n
        for programme_id, respondent, n in Answer.objects.filter(
            response__in=scope.responses(),
            question__measures=Measures.SATISFACTION,
            value__isnull=False,
        )
        .values_list("response__programme_id", "response__respondent")
        .annotate(n=Count("response", distinct=True))
        .order_by()
    }
    for programme_id, line in programmes.items():
        for respondent in Respondent.values:
            counts = distribution.get((programme_id, respondent))
            if not counts:
                continue
            total = sum(counts.values())
            mean = sum(value * n for value, n in counts.items()) / total
            label = _respondent_label(respondent)
            line.rows.append(
                OutcomeRow(
                    "satisfaction", label, respondents[(programme_id, respondent)], None, mean
                )
            )
            for value in range(1, 6):
                line.rows.append(
                    OutcomeRow(
                        "distribution",
                        f"{label}: {value}",
                        counts.get(value, 0),
                        total,
                        _share(counts.get(value, 0), total),
                    )
                )


def _goal_rows(scope: OutcomeScope, programmes: dict[int, ProgrammeOutcomes]) -> None:
    """Add, per goal with before/after pairs, the pairs whose answer improved."""
    improved: Counter[int] = Counter()
    pairs: Counter[int] = Counter()
    for result in goal_pairs(responses=scope.responses(), outcomes=scope.pair_outcomes()):
        pairs[result.goal_id] += 1
        improved[result.goal_id] += result.improved
    for goal in Goal.objects.filter(programme_id__in=programmes).order_by("position", "pk"):
        if pairs[goal.pk]:
            programmes[goal.programme_id].rows.append(
                OutcomeRow(
                    "goal",
                    goal.name,
                    improved[goal.pk],
                    pairs[goal.pk],
                    _share(improved[goal.pk], pairs[goal.pk]),
                )
            )


def _response_rows(
    scope: OutcomeScope, programmes: dict[int, ProgrammeOutcomes], counted: _Participation
) -> None:
    """Add, per respondent group and moment, the responses out of those asked: the
    invitations sent, and for children those in a group that answered in class (three
    queries)."""
    answered = Counter(
        {
            (p, r, m): n
            for p, r, m, n in scope.responses()
            .values_list("programme_id", "respondent", "moment")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    asked: Counter[tuple[int, str, str]] = Counter()
    invitations = Invitation.objects.filter(group__in=scope.groups())
    if scope.school is not None:
        invitations = invitations.filter(pair_key__enrolment__child__school=scope.school)
    for p, r, m, n in (
        invitations.values_list("group__programme_id", "questionnaire__respondent", "moment")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if r != Respondent.CHILD:
            asked[(p, r, m)] += n
    for group_id, moment in GroupMoment.objects.filter(group__in=scope.groups()).values_list(
        "group_id", "moment"
    ):
        asked[(counted.groups[group_id][0], Respondent.CHILD, moment)] += (
            counted.children_per_group[group_id]
        )
    for programme_id, line in programmes.items():
        for respondent in Respondent.values:
            for moment, moment_label in Moment.choices:
                key = (programme_id, respondent, moment)
                if not asked[key] and not answered[key]:
                    continue
                base = max(asked[key], answered[key])
                line.rows.append(
                    OutcomeRow(
                        "response",
                        f"{_respondent_label(respondent)}, {moment_label}",
                        answered[key],
                        base,
                        _share(answered[key], base),
                    )
                )


# --- what leaves the manager's page ----------------------------------------------------------


@dataclass(frozen=True)
class ShownRow:
    section: str
    label: str
    count: Shown
    base: Shown | None
    value: float | str | None


def shown_row(row: OutcomeRow, *, suppressed: bool) -> ShownRow:
    """A row as an output shows it: on a suppressed output every count from 1 to 4 is
    "< 5", and a share or mean of a hidden or small count is "*"."""
    if not suppressed:
        return ShownRow(row.section, row.label, row.count, row.base, row.value)
    count = suppress(row.count, viewer_is_manager_operational=False)
    base = None if row.base is None else suppress(row.base, viewer_is_manager_operational=False)
    if row.base is None:
        value = shown_ratio(row.value, count, count)
    else:
        value = shown_ratio(row.value, count, base)
    if row.section == "distribution" and isinstance(base, str):
        value = HIDDEN if row.value is not None else None
    return ShownRow(row.section, row.label, count, base, value)


def outcomes_as_shown(
    lines: list[ProgrammeOutcomes], *, suppressed: bool
) -> list[tuple[Programme, list[ShownRow]]]:
    return [
        (line.programme, [shown_row(r, suppressed=suppressed) for r in line.rows]) for line in lines
    ]


def open_answers(scope: OutcomeScope) -> dict[tuple[int, str], list[str]]:
    """The open answers per (programme, round), sorted by their text so that no order points
    to a child or a respondent; for the manager's page only. One query."""
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    for programme_id, round_label, text in (
        Answer.objects.filter(response__in=scope.responses(), question__kind=QuestionKind.OPEN)
        .exclude(text="")
        .values_list("response__programme_id", "response__group__round_label", "text")
        .order_by("text")
    ):
        found[(programme_id, round_label)].append(text)
    return dict(found)


def round_labels(school_year: SchoolYear) -> list[str]:
    return sorted(
        set(Group.objects.filter(school_year=school_year).values_list("round_label", flat=True))
    )
