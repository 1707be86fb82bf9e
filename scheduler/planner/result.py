"""Run the planner on an instance, explain what it could not place, and store the outcome.

`plan_year` is the one entry point for the service, the benchmark and the
tests: candidates, the greedy baseline, the CP-SAT solve, and a reason in plain
Dutch for every request left out. `result_as_json` is what a `PlannerRun`
keeps and what `planner_run_accept` reads back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from scheduler.models import Weekday
from scheduler.planner.plan import Plan, plan_greedy
from scheduler.planner.problem import (
    CandidateOptions,
    PlannerInstance,
    PlanningProblem,
    RequestSpec,
)
from scheduler.planner.solver import SolveStats, solve


@dataclass(frozen=True)
class Unsatisfied:
    request_id: int
    reason: str


@dataclass
class PlannerResult:
    problem: PlanningProblem
    plan: Plan
    greedy: Plan
    stats: SolveStats
    unsatisfied: list[Unsatisfied] = field(default_factory=list)


def day_label(day: dt.date) -> str:
    return f"{day.day}-{day.month}-{day.year}"


def unsatisfied_reason(problem: PlanningProblem, request: RequestSpec) -> str:
    """Why `request` got no group, cheaply: window, then trainers, then clashes."""
    programme = problem.programme(request)
    need = programme.trainers_per_group
    start = problem.first_window_day(request)
    if request.window_end < start:
        return _("De periode is al voorbij (tot en met %(end)s).") % {
            "end": day_label(request.window_end)
        }
    if not problem.candidates[request.id]:
        return _(
            "De periode is te kort: rond de vakanties passen de %(count)s bijeenkomsten niet "
            "tussen %(start)s en %(end)s op de gewenste dagen."
        ) % {
            "count": programme.meetings,
            "start": day_label(start),
            "end": day_label(request.window_end),
        }
    qualified = len(problem.qualified[request.id])
    if qualified == 0:
        return _("Er is geen gekwalificeerde trainer voor %(programme)s.") % {
            "programme": programme.name
        }
    if qualified < need:
        return _(
            "Er zijn te weinig gekwalificeerde trainers (%(needed)s nodig, %(available)s "
            "beschikbaar)."
        ) % {"needed": need, "available": qualified}
    if not problem.usable(request):
        return _(
            "Geen gekwalificeerde trainer beschikbaar op de gewenste dagen: de trainers hebben "
            "dan al andere groepen, zijn afwezig of zitten aan hun weekmaximum."
        )
    return _(
        "Alle geschikte momenten botsen met andere groepen van de trainers; de planner gaf "
        "voorrang aan verzoeken met meer kinderen."
    )


def plan_year(
    instance: PlannerInstance,
    *,
    time_limit: float = 30.0,
    workers: int = 1,
    seed: int = 0,
    options: CandidateOptions | None = None,
    progress: Callable[[int], None] | None = None,
) -> PlannerResult:
    """Propose a group for as many children as possible; explain every request left out."""
    problem = PlanningProblem(instance, options)
    greedy = plan_greedy(problem)
    if progress:
        progress(50)
    plan, stats = solve(problem, greedy=greedy, time_limit=time_limit, workers=workers, seed=seed)
    unsatisfied = [
        Unsatisfied(request.id, unsatisfied_reason(problem, request))
        for request in problem.requests
        if request.id not in plan.assignments
    ]
    return PlannerResult(problem, plan, greedy, stats, unsatisfied)


def result_as_json(result: PlannerResult) -> dict[str, Any]:
    """The proposal as JSON: per request the group to create, the unplaced with reasons."""
    problem = result.problem
    instance = problem.instance
    proposals = []
    for request in problem.requests:
        assignment = result.plan.assignments.get(request.id)
        if assignment is None:
            continue
        candidate = assignment.candidate
        programme = problem.programme(request)
        proposals.append(
            {
                "request_id": request.id,
                "programme_id": programme.id,
                "programme": programme.name,
                "school_id": request.school_id,
                "school": instance.schools[request.school_id].name,
                "round_label": request.round_label,
                "class_name": request.class_name,
                "weekday": candidate.weekday,
                "weekday_name": str(Weekday(candidate.weekday).label),
                "start_time": candidate.start_time.strftime("%H:%M"),
                "first_date": candidate.first_date.isoformat(),
                "last_date": candidate.sessions[-1].date.isoformat(),
                "trainer_ids": list(assignment.trainer_ids),
                "trainer_names": [problem.trainer_by_id[t].name for t in assignment.trainer_ids],
                "children": request.expected_children,
                "sessions": [
                    {
                        "kind": str(s.kind),
                        "sequence": s.sequence,
                        "starts_at": s.starts_at.isoformat(),
                        "ends_at": s.ends_at.isoformat(),
                    }
                    for s in candidate.sessions
                ],
            }
        )
    unsatisfied = []
    for item in result.unsatisfied:
        request = problem.request_by_id[item.request_id]
        unsatisfied.append(
            {
                "request_id": request.id,
                "programme": problem.programme(request).name,
                "school": instance.schools[request.school_id].name,
                "children": request.expected_children,
                "reason": item.reason,
            }
        )
    stats = result.stats.as_dict()
    stats.update(
        {
            "requests": len(problem.requests),
            "satisfied": len(result.plan.assignments),
            "children_requested": sum(r.expected_children for r in problem.requests),
            "greedy_satisfied": len(result.greedy.assignments),
        }
    )
    return {"proposals": proposals, "unsatisfied": unsatisfied, "stats": stats}
