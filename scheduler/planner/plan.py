"""A plan (which candidate and trainers per request), the greedy baseline, and a checker.

`plan_greedy` is the first-fit baseline: requests in creation order, each gets
its first candidate (preference order) with the first free trainers in id
order. The benchmark compares the solver with it, the solver starts from it,
and the tests use it as an oracle (the solver never serves fewer children).

`plan_violations` checks a plan against the rules of `scheduler.conflicts`
(overlap, travel buffer between different schools, unavailability, weekly
maximum) plus qualifications, trainer count and open days, independently of
the candidate pruning, so the tests can trust it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from scheduler.planner.problem import (
    Candidate,
    PlanningProblem,
    RequestSpec,
    iso_week,
    local_date,
    spans_clash,
)


@dataclass(frozen=True)
class Assignment:
    request_id: int
    candidate: Candidate
    trainer_ids: tuple[int, ...]


@dataclass
class Plan:
    assignments: dict[int, Assignment] = field(default_factory=dict)

    def children(self, problem: PlanningProblem) -> int:
        return sum(problem.request_by_id[r].expected_children for r in self.assignments)


class Occupancy:
    """The proposed sessions per trainer so far, to test whether one more series fits."""

    def __init__(self, problem: PlanningProblem) -> None:
        self.problem = problem
        self.days: dict[int, dict[dt.date, list[tuple[dt.date, int, int]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.weekly: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))

    def fits(self, trainer_id: int, candidate: Candidate) -> bool:
        """Assumes the trainer is free for `candidate` against existing commitments."""
        trainer = self.problem.trainer_by_id[trainer_id]
        days = self.days[trainer_id]
        buffer = self.problem.buffer
        for span in candidate.spans:
            if any(spans_clash(span, other, buffer) for other in days.get(span[0], ())):
                return False
        existing = self.problem.weekly_existing[trainer_id]
        weekly = self.weekly[trainer_id]
        return all(
            existing.get(week, 0) + weekly.get(week, 0) + 1 <= trainer.max_sessions_per_week
            for week in candidate.weeks
        )

    def add(self, trainer_id: int, candidate: Candidate) -> None:
        for span in candidate.spans:
            self.days[trainer_id][span[0]].append(span)
        for week in candidate.weeks:
            self.weekly[trainer_id][week] += 1


def plan_greedy(
    problem: PlanningProblem,
    *,
    order: list[RequestSpec] | None = None,
    least_loaded: bool = False,
) -> Plan:
    """First fit: requests by creation order (or `order`), each its first candidate with
    enough free trainers: the first ones by id (or the least loaded so far)."""
    plan = Plan()
    occupancy = Occupancy(problem)
    load: dict[int, int] = defaultdict(int)
    for request in problem.requests if order is None else order:
        need = problem.needed(request)
        for candidate in problem.candidates[request.id]:
            free = [
                t
                for t in problem.free[(request.id, candidate.index)]
                if occupancy.fits(t, candidate)
            ]
            if len(free) >= need:
                if least_loaded:
                    free.sort(key=lambda t: (load[t] + problem.existing_groups[t], t))
                chosen = tuple(sorted(free[:need]))
                for trainer_id in chosen:
                    occupancy.add(trainer_id, candidate)
                    load[trainer_id] += 1
                plan.assignments[request.id] = Assignment(request.id, candidate, chosen)
                break
    return plan


def plan_start(problem: PlanningProblem, baseline: Plan) -> Plan:
    """A good first plan for the solver: the best of the baseline and greedy variants
    (most children first; fewest options first; trainers by id or least loaded)."""
    by_children = sorted(
        problem.requests, key=lambda r: (-r.expected_children, len(problem.usable(r)))
    )
    by_options = sorted(
        problem.requests, key=lambda r: (len(problem.usable(r)), -r.expected_children)
    )
    plans = [baseline, plan_greedy(problem, least_loaded=True)]
    for order in (by_children, by_options):
        plans += [
            plan_greedy(problem, order=order),
            plan_greedy(problem, order=order, least_loaded=True),
        ]
    return max(plans, key=lambda p: (p.children(problem), -plan_penalty(problem, p)))


# Phase 2 of the solver minimises this penalty; the weights rank preferences above balance
# above continuity without making them strictly lexicographic.
PREFERENCE_WEIGHT = 3
BALANCE_WEIGHT = 2
CONTINUITY_WEIGHT = 1


def plan_penalty(problem: PlanningProblem, plan: Plan) -> int:
    """What phase 2 minimises: preferences missed, the square-ish load of each trainer
    (the k-th group of a trainer costs k, existing groups included), and each trainer who
    is new at a school."""
    preference = sum(a.candidate.preference_penalty for a in plan.assignments.values())
    groups: dict[int, int] = defaultdict(int)
    pairs: set[tuple[int, int]] = set()
    for request_id, assignment in plan.assignments.items():
        school_id = problem.request_by_id[request_id].school_id
        for trainer_id in assignment.trainer_ids:
            groups[trainer_id] += 1
            pairs.add((trainer_id, school_id))
    balance = 0
    for trainer_id, count in groups.items():
        existing = problem.existing_groups[trainer_id]
        balance += sum(existing + k + 1 for k in range(count))
    newcomers = sum(1 for t, s in pairs if s not in problem.existing_schools[t])
    return PREFERENCE_WEIGHT * preference + BALANCE_WEIGHT * balance + CONTINUITY_WEIGHT * newcomers


def plan_violations(problem: PlanningProblem, plan: Plan) -> list[str]:
    """Every rule the plan breaks, as text; empty when the plan is sound."""
    instance = problem.instance
    buffer = dt.timedelta(minutes=instance.buffer_minutes)
    found: list[str] = []
    # trainer -> [(start, end, school id, what)]
    agenda: dict[int, list[tuple[dt.datetime, dt.datetime, int | None, str]]] = defaultdict(list)
    for trainer in instance.trainers:
        for period in trainer.sessions:
            agenda[trainer.id].append(
                (period.starts_at, period.ends_at, period.school_id, "bestaand")
            )
    for request_id, assignment in plan.assignments.items():
        request = problem.request_by_id[request_id]
        programme = problem.programme(request)
        school = instance.schools[request.school_id]
        candidate = assignment.candidate
        what = f"verzoek {request_id}"
        if len(set(assignment.trainer_ids)) != programme.trainers_per_group:
            found.append(f"{what}: {len(assignment.trainer_ids)} trainers")
        if candidate.weekday not in request.preferred_weekdays:
            found.append(f"{what}: geen voorkeursdag")
        if not request.earliest_start <= candidate.start_time <= request.latest_start:
            found.append(f"{what}: begintijd buiten het venster")
        if len(candidate.sessions) != programme.meetings:
            found.append(f"{what}: {len(candidate.sessions)} bijeenkomsten")
        first_allowed = problem.first_window_day(request)
        for session in candidate.sessions:
            day = session.date
            if not school.is_open(day):
                found.append(f"{what}: {day} is de school dicht")
            if not first_allowed <= day <= request.window_end:
                found.append(f"{what}: {day} buiten de periode")
            if day.weekday() != candidate.weekday:
                found.append(f"{what}: {day} niet op de gekozen weekdag")
        for trainer_id in assignment.trainer_ids:
            trainer = problem.trainer_by_id[trainer_id]
            if programme.id not in trainer.qualifications:
                found.append(f"{what}: {trainer.name} is niet gekwalificeerd")
            elif not all(trainer.certified_on(programme.id, s.date) for s in candidate.sessions):
                found.append(f"{what}: het certificaat van {trainer.name} is verlopen")
            for session in candidate.sessions:
                agenda[trainer_id].append(
                    (session.starts_at, session.ends_at, request.school_id, what)
                )
                for away in trainer.unavailable:
                    if session.starts_at < away.ends_at and away.starts_at < session.ends_at:
                        found.append(f"{what}: {trainer.name} is afwezig op {session.date}")
    for trainer_id, items in agenda.items():
        trainer = problem.trainer_by_id[trainer_id]
        items.sort()
        weekly: dict[tuple[int, int], int] = defaultdict(int)
        for start, _end, _school, _what in items:
            weekly[iso_week(local_date(start))] += 1
        for week, count in weekly.items():
            if count > trainer.max_sessions_per_week:
                found.append(f"{trainer.name}: {count} bijeenkomsten in week {week[1]}")
        for i, (start, end, school_id, what) in enumerate(items):
            for other_start, other_end, other_school, other_what in items[i + 1 :]:
                if other_start >= end + buffer:
                    break
                if "bestaand" == what == other_what:
                    continue
                if start < other_end and other_start < end:
                    found.append(f"{trainer.name}: {what} overlapt met {other_what} op {start}")
                elif school_id != other_school:
                    found.append(f"{trainer.name}: geen reistijd tussen {what} en {other_what}")
    return found


def plan_from_choices(
    problem: PlanningProblem, choices: dict[int, tuple[int, tuple[int, ...]]]
) -> Plan:
    """A plan from {request id: (candidate index, trainer ids)}."""
    plan = Plan()
    for request_id, (index, trainer_ids) in sorted(choices.items()):
        candidate = problem.candidates[request_id][index]
        plan.assignments[request_id] = Assignment(request_id, candidate, tuple(sorted(trainer_ids)))
    return plan
