"""The demo's decision about a group below its minimum (`seed_demo_groups`).

A KIES group at the demo coordinator's school (OBS De Vlinderboom) with two children, whose
decision day (`Programme.decision_days` before its first day) is today, so the task "too
few children" shows on the coordinator's and the manager's start pages; and a KIES group of
the same round at the nearest school (RKBS Sint Franciscus) with three children and room
for both, whose decision day is still to come, so pooling has a candidate.

The dates follow today. The small group's first day is the latest day on its weekday whose
decision day has come (today, or up to `decision_days` ago); in a holiday the first day may
fall in it and the first session after it (as a group planned to start right after the
summer is decided before it). A day with no such series (a summer the holiday data does not
cover, or the first weeks of any summer holiday: every first day within `decision_days` lies
in the old school year, every session in the new one) gets no decision groups, and the
command says so. Late in the spring, when no series fits before the summer, the series
resumes after it, as the running demo group's may.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from enrolment.management.demo_rounds import within_school_weeks
from enrolment.models import Authority
from enrolment.services import ChildInput, GuardianInput, consent_text_current, submission_create
from programmes.models import SchoolYear
from scheduler.models import Group, GroupStatus
from scheduler.selectors import groups_below_minimum
from scheduler.series import SeriesPlan
from scheduler.services import group_transition

if TYPE_CHECKING:  # the command's class; imported only for the type
    from enrolment.management.commands.seed_demo_groups import Command, DemoGroup

# What a demo round is added for when today's demo lacks it.
DECISION = "group below its minimum on its decision day"

SMALL_FAMILIES = (("Mees", "Dekker", 6), ("Isa", "Koster", 5))
CANDIDATE_FAMILIES = (("Jens", "Willems", 7), ("Lotte", "Hoekstra", 5), ("Ravi", "Peters", 6))


def decision_task_alive(today: dt.date) -> bool:
    """Whether a group below its minimum whose decision day has come still has its first day
    ahead (an older undecided one stays on the task list, but shows no demo of today)."""
    return any(group.first_date > today for group in groups_below_minimum(today=today))


def _small_plan(
    cmd: Command, spec: DemoGroup, days: int
) -> tuple[DemoGroup, dt.date, SeriesPlan] | None:
    """The small group's weekday, first day and series: the latest day within `days` from
    today, first where the first session falls on it, else where it follows a holiday; on
    its own weekday first, else on another (late in the summer only a few days are left)."""
    weekdays = [spec.weekday] + [day for day in range(5) if day != spec.weekday]
    ahead = [cmd.today + dt.timedelta(days=n) for n in range(days, 0, -1)]
    # Within one school year if it can; late in the spring a series resumes after the summer
    # (as the running demo group may).
    for one_year, on_the_day in ((True, True), (True, False), (False, True), (False, False)):
        for weekday in weekdays:
            moved = replace(spec, weekday=weekday)
            for first in (day for day in ahead if day.weekday() == weekday):
                plan = cmd.preview(moved, first)
                if (
                    plan is not None
                    and (plan.sessions[0].date == first) == on_the_day
                    and SchoolYear.label_for(first) == SchoolYear.label_for(plan.sessions[0].date)
                    and within_school_weeks(plan, one_year=one_year)
                    and cmd.clear(moved, plan)
                ):
                    return moved, first, plan
    return None


def seed_decision_groups(
    cmd: Command, small: DemoGroup, candidate: DemoGroup, label: Any
) -> Group | None:
    """Make, publish and fill the small group and its pool candidate; the small group, or
    None when today has no series for it. `label(first_day)` names the round."""
    days = cmd.programme[small.programme].decision_days
    found = _small_plan(cmd, small, days) if days else None
    if found is None:
        return None
    small, first, plan = found
    year = SchoolYear.label_for(first)
    # Its decision day still to come: a first day more than `days` from today.
    later = [cmd.today + dt.timedelta(days=days + 1, weeks=n) for n in range(12)]

    def fits(p: SeriesPlan, *, one_year: bool) -> bool:
        return (
            p.sessions[0].date > cmd.today + dt.timedelta(days=days)
            and SchoolYear.label_for(p.sessions[0].date) == year
            and within_school_weeks(p, one_year=one_year)
        )

    other = cmd.search(candidate, later, lambda p: fits(p, one_year=True)) or cmd.search(
        candidate, later, lambda p: fits(p, one_year=False)
    )
    if other is None:
        return None
    round_name = label(first)
    group = cmd.make(
        small,
        plan,
        round_name,
        first=first,
        enrolment_opens_on=cmd.today - dt.timedelta(weeks=4),
        enrolment_closes_on=first - dt.timedelta(days=1),
    )
    group = group_transition(group=group, to=GroupStatus.PUBLISHED)
    pool = cmd.make(
        candidate,
        other,
        round_name,
        enrolment_opens_on=cmd.today - dt.timedelta(weeks=4),
        enrolment_closes_on=other.sessions[0].date - dt.timedelta(days=3),
    )
    pool = group_transition(group=pool, to=GroupStatus.PUBLISHED)
    _enrol(cmd, group, SMALL_FAMILIES, "klein")
    _enrol(cmd, pool, CANDIDATE_FAMILIES, "samen")
    return group


def _enrol(
    cmd: Command, group: Group, families: tuple[tuple[str, str, int], ...], tag: str
) -> None:
    """Enrol the families' children as parents would (each round's children are born a day
    apart, so no child is enrolled twice in a programme and school year)."""
    text = consent_text_current()
    for first_name, last, grade in families:
        born = dt.date(group.first_date.year - grade - 4, 5, 10) - dt.timedelta(days=cmd.number)
        submission_create(
            children=[
                ChildInput(
                    first_name=first_name,
                    last_name=last,
                    date_of_birth=born,
                    school=group.host_school,
                    grade=grade,
                    group=group,
                )
            ],
            enroller=GuardianInput(
                name=f"Ouder {last}",
                email=f"{last.lower()}.{tag}.ronde{cmd.number}@example.org",
                authority=Authority.SOLE,
            ),
            consent_text=text,
        )
