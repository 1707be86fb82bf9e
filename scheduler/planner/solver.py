"""The CP-SAT model of the year planner, solved in two phases.

Variables: `x[r, c]` (request r runs as candidate c) and `a[r, c, t]` (trainer t
runs it); only candidates with enough free trainers and trainers free for the
whole series exist (see `PlanningProblem`). Constraints:

- at most one candidate per request, exactly `trainers_per_group` trainers for it;
- per trainer and day, one at-most-one per maximal set of sessions that lie
  closer than the travel buffer to each other (a sweep over the day's intervals
  stretched by the buffer), so no trainer overlap or buffer breach among the
  proposals; clashes with existing sessions and unavailability were pruned;
- per trainer and ISO week, the proposals fit in what the weekly maximum leaves
  after the existing sessions.

Phase 1 maximises the children served (at least what the greedy baseline
serves, which is also the hint). Phase 2 keeps the requests phase 1 served
(hence the children; fixing the set instead of the sum is what makes phase 2
quick to prove optimal, at the price of not trading one request for another
of the same size) and minimises a
weighted penalty: preferences (later preferred weekday, later first date),
the spread of groups over trainers (a convex cost per trainer's load) and
trainers new to a school (continuity). One worker (or interleaved workers), a fixed seed and a
deterministic time budget make the result the same for the same input.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.planner.plan import (
    BALANCE_WEIGHT,
    CONTINUITY_WEIGHT,
    PREFERENCE_WEIGHT,
    Plan,
    plan_from_choices,
    plan_penalty,
    plan_start,
)
from scheduler.planner.problem import PlanningProblem


@dataclass
class SolveStats:
    """How the solve went; `gap` is about children served, `penalty_gap` about phase 2."""

    status: str
    children_served: int
    children_bound: int
    greedy_children: int
    penalty: int | None = None
    penalty_bound: int | None = None
    solve_seconds: float = 0.0
    deterministic_time: float = 0.0
    variables: int = 0
    constraints: int = 0
    candidates: int = 0
    # wall-clock seconds of: building the model, phase 1, phase 2
    phase_seconds: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def gap(self) -> float:
        if not self.children_bound:
            return 0.0
        return max(0.0, (self.children_bound - self.children_served) / self.children_bound)

    @property
    def penalty_gap(self) -> float | None:
        if self.penalty is None or self.penalty_bound is None:
            return None
        if self.penalty == 0:
            return 0.0
        return max(0.0, (self.penalty - self.penalty_bound) / self.penalty)

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "objective": self.children_served,
            "best_bound": self.children_bound,
            "gap": round(self.gap, 6),
            "greedy_children": self.greedy_children,
            "penalty": self.penalty,
            "penalty_bound": self.penalty_bound,
            "penalty_gap": None if self.penalty_gap is None else round(self.penalty_gap, 6),
            "solve_seconds": round(self.solve_seconds, 3),
            "deterministic_time": round(self.deterministic_time, 3),
            "variables": self.variables,
            "constraints": self.constraints,
            "candidates": self.candidates,
            "phase_seconds": [round(s, 3) for s in self.phase_seconds],
        }


def maximal_cliques(items: list[tuple[int, int, int]]) -> list[list[int]]:
    """Maximal sets of pairwise overlapping half-open intervals (start, end, key)."""
    events = sorted([(s, 1, k) for s, _e, k in items] + [(e, 0, k) for _s, e, k in items])
    active: set[int] = set()
    cliques: list[list[int]] = []
    growing = False
    for _pos, is_start, key in events:
        if is_start:
            active.add(key)
            growing = True
        else:
            if growing:
                cliques.append(sorted(active))
                growing = False
            active.discard(key)
    return cliques


class PlannerModel:
    def __init__(self, problem: PlanningProblem, *, include: Plan | None = None) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        m = self.model
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.a: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.children_terms: list[tuple[int, cp_model.IntVar]] = []
        # Phase 2's helper variables, kept to complete the hint.
        self.load_steps: dict[int, list[cp_model.IntVar]] = {}
        self.at_school: dict[tuple[int, int], cp_model.IntVar] = {}
        self.candidate_count = 0
        for request in problem.requests:
            need = problem.needed(request)
            xs = []
            for candidate in problem.usable(request):
                key = (request.id, candidate.index)
                x = m.new_bool_var(f"x_{request.id}_{candidate.index}")
                self.x[key] = x
                xs.append(x)
                trainers = []
                for trainer_id in self.trainers_of(key, include):
                    a = m.new_bool_var(f"a_{request.id}_{candidate.index}_{trainer_id}")
                    self.a[(request.id, candidate.index, trainer_id)] = a
                    trainers.append(a)
                m.add(sum(trainers) == need * x)
            self.candidate_count += len(xs)
            if xs:
                m.add_at_most_one(xs)
                self.children_terms.extend((request.expected_children, x) for x in xs)
        self._add_trainer_constraints()
        self.children = sum(c * x for c, x in self.children_terms)
        # Every request served at most once: say so on the objective too, which the
        # LP otherwise only finds after many cuts.
        self.children_upper_bound = sum(
            r.expected_children for r in problem.requests if problem.usable(r)
        )
        m.add(self.children <= self.children_upper_bound)

    def trainers_of(self, key: tuple[int, int], include: Plan | None) -> tuple[int, ...]:
        """The kept trainers of a candidate, plus those `include` (the hint) uses."""
        kept = self.problem.kept[key]
        assignment = include.assignments.get(key[0]) if include else None
        if assignment is None or assignment.candidate.index != key[1]:
            return kept
        return tuple(sorted(set(kept) | set(assignment.trainer_ids)))

    def _add_trainer_constraints(self) -> None:
        problem, m = self.problem, self.model
        buffer = problem.buffer
        per_day: dict[tuple[int, object], list[tuple[int, int, int]]] = defaultdict(list)
        per_week: dict[tuple[int, tuple[int, int]], list[int]] = defaultdict(list)
        keys: list[tuple[int, int, int]] = list(self.a)
        for n, (request_id, index, trainer_id) in enumerate(keys):
            candidate = problem.candidates[request_id][index]
            for day, start, end in candidate.spans:
                per_day[(trainer_id, day)].append((start, end + buffer, n))
            for week in candidate.weeks:
                per_week[(trainer_id, week)].append(n)
        # The same sets of candidates meet on many days (series that differ by a week
        # share most dates), so add each clique once.
        cliques: set[tuple[int, ...]] = set()
        for items in per_day.values():
            if len({keys[n][0] for _s, _e, n in items}) < 2:
                continue
            for clique in maximal_cliques(items):
                if len({keys[n][0] for n in clique}) >= 2:
                    cliques.add(tuple(clique))
        for clique in sorted(cliques):
            m.add_at_most_one(self.a[keys[n]] for n in clique)
        for (trainer_id, week), ns in per_week.items():
            trainer = problem.trainer_by_id[trainer_id]
            room = trainer.max_sessions_per_week - problem.weekly_existing[trainer_id].get(week, 0)
            if len({keys[n][0] for n in ns}) > room:
                m.add(sum(self.a[keys[n]] for n in ns) <= room)

    def penalty(self) -> cp_model.LinearExpr:
        """Phase 2: preferences, balanced trainer loads, trainers new to a school."""
        problem, m = self.problem, self.model
        by_request_trainer: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for (request_id, _index, trainer_id), a in self.a.items():
            by_request_trainer[(request_id, trainer_id)].append(a)
        preference = sum(
            problem.candidates[r][c].preference_penalty * x for (r, c), x in self.x.items()
        )
        # Balance: a trainer's k-th group costs k (existing groups included), so the sum
        # grows with the square of the load; convex, hence tight in the LP relaxation.
        loads: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (_r, trainer_id), a_vars in sorted(by_request_trainer.items()):
            loads[trainer_id].append(sum(a_vars))
        balance = []
        for trainer_id, uses in loads.items():
            existing = problem.existing_groups[trainer_id]
            steps = [m.new_bool_var(f"load_{trainer_id}_{k}") for k in range(len(uses))]
            self.load_steps[trainer_id] = steps
            for earlier, later in itertools.pairwise(steps):
                m.add_implication(later, earlier)
            m.add(sum(steps) == sum(uses))
            balance.extend((existing + k + 1) * step for k, step in enumerate(steps))
        # Continuity: each trainer who is new at a school costs one.
        requests_at: dict[int, list[int]] = defaultdict(list)
        for request in problem.requests:
            requests_at[request.school_id].append(request.id)
        newcomers = []
        for school_id, request_ids in requests_at.items():
            trainer_ids = sorted({t for (r, t) in by_request_trainer if r in request_ids})
            for trainer_id in trainer_ids:
                if school_id in problem.existing_schools[trainer_id]:
                    continue
                uses = [
                    sum(by_request_trainer[(r, trainer_id)])
                    for r in request_ids
                    if (r, trainer_id) in by_request_trainer
                ]
                if len(uses) == 1:
                    newcomers.append(uses[0])
                else:
                    at_school = m.new_bool_var(f"u_{trainer_id}_{school_id}")
                    self.at_school[(trainer_id, school_id)] = at_school
                    for use in uses:
                        m.add(at_school >= use)
                    newcomers.append(at_school)
        return (
            PREFERENCE_WEIGHT * preference
            + BALANCE_WEIGHT * sum(balance)
            + CONTINUITY_WEIGHT * sum(newcomers)
        )

    def hint(self, plan: Plan) -> None:
        """Start from `plan`, with every variable given (a complete hint is used at once)."""
        m = self.model
        m.clear_hints()
        chosen = {(r, a.candidate.index) for r, a in plan.assignments.items()}
        chosen_trainers = {
            (r, a.candidate.index, t) for r, a in plan.assignments.items() for t in a.trainer_ids
        }
        for key, x in self.x.items():
            m.add_hint(x, key in chosen)
        for key, a in self.a.items():
            m.add_hint(a, key in chosen_trainers)
        groups: dict[int, int] = defaultdict(int)
        schools: set[tuple[int, int]] = set()
        for request_id, assignment in plan.assignments.items():
            school_id = self.problem.request_by_id[request_id].school_id
            for trainer_id in assignment.trainer_ids:
                groups[trainer_id] += 1
                schools.add((trainer_id, school_id))
        for trainer_id, steps in self.load_steps.items():
            for k, step in enumerate(steps):
                m.add_hint(step, k < groups[trainer_id])
        for key, at_school in self.at_school.items():
            m.add_hint(at_school, key in schools)

    def read(self, solver: cp_model.CpSolver) -> Plan:
        choices: dict[int, tuple[int, tuple[int, ...]]] = {}
        for (request_id, index), x in self.x.items():
            if solver.boolean_value(x):
                trainers = tuple(
                    t
                    for t in self.problem.free[(request_id, index)]
                    if (request_id, index, t) in self.a
                    and solver.boolean_value(self.a[(request_id, index, t)])
                )
                choices[request_id] = (index, trainers)
        return plan_from_choices(self.problem, choices)


def _solver(seconds: float, wall_seconds: float, *, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = seed
    params.num_workers = max(1, workers)
    # Measured on the benchmark: a stronger LP (the balance cost is convex) pays off; probing
    # and symmetry detection in presolve cost more than they bring on these models.
    params.linearization_level = 2
    params.cp_model_probing_level = 0
    params.symmetry_level = 0
    if workers > 1:
        # Interleaved search is CP-SAT's deterministic way to use several workers.
        params.interleave_search = True
    # Whichever budget runs out first stops the search: the deterministic one gives the
    # same answer on every run, the wall clock keeps the promise of the time limit.
    params.max_deterministic_time = max(0.1, seconds)
    params.max_time_in_seconds = max(0.5, wall_seconds)
    return solver


def solve(
    problem: PlanningProblem,
    *,
    greedy: Plan,
    time_limit: float = 30.0,
    workers: int = 1,
    seed: int = 0,
    phase1_share: float = 0.6,
) -> tuple[Plan, SolveStats]:
    """The best plan found within `time_limit` (deterministic units ~ seconds) and its stats.

    Never serves fewer children than `greedy`: phase 1 requires at least as many,
    and when no solution comes back the greedy plan itself is returned.
    """
    started = time.perf_counter()
    greedy_children = greedy.children(problem)
    start = plan_start(problem, greedy)
    built = PlannerModel(problem, include=start)
    stats = SolveStats(
        status="OPTIMAL",
        children_served=greedy_children,
        children_bound=greedy_children,
        greedy_children=greedy_children,
        variables=len(built.x) + len(built.a),
        candidates=built.candidate_count,
    )
    if not built.x:
        stats.penalty = stats.penalty_bound = 0
        stats.solve_seconds = time.perf_counter() - started
        return greedy, stats

    built_at = time.perf_counter()
    plan, phase1_optimal = _phase1_children(
        problem,
        built,
        start,
        stats,
        budget=time_limit * phase1_share,
        started=started,
        workers=workers,
        seed=seed,
    )
    phase1_at = time.perf_counter()
    plan, phase2_optimal = _phase2_penalty(
        problem,
        built,
        plan,
        stats,
        time_limit=time_limit,
        started=started,
        workers=workers,
        seed=seed,
    )
    stats.status = "OPTIMAL" if phase1_optimal and phase2_optimal else "FEASIBLE"
    stats.solve_seconds = time.perf_counter() - started
    stats.phase_seconds = (
        built_at - started,
        phase1_at - built_at,
        time.perf_counter() - phase1_at,
    )
    return plan, stats


def _phase1_children(
    problem: PlanningProblem,
    built: PlannerModel,
    start: Plan,
    stats: SolveStats,
    *,
    budget: float,
    started: float,
    workers: int,
    seed: int,
) -> tuple[Plan, bool]:
    """Phase 1: serve as many children as possible, at least what greedy serves, starting
    from `start`; nothing to do when `start` already serves every request that has a
    candidate with enough free trainers.

    Records the children served, their bound and the deterministic time in `stats`, and
    leaves the model without an objective. Returns the plan and whether it is proven
    optimal."""
    model = built.model
    plan = start
    stats.children_served = start.children(problem)
    stats.children_bound = built.children_upper_bound
    if stats.children_served == built.children_upper_bound:
        return plan, True
    model.add(built.children >= stats.greedy_children)
    model.maximize(built.children)
    built.hint(start)
    wall = budget - (time.perf_counter() - started)
    solver = _solver(budget, wall, workers=workers, seed=seed)
    status = solver.solve(model)
    stats.deterministic_time = solver.deterministic_time
    optimal = False
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = built.read(solver)
        if found.children(problem) >= stats.children_served:
            plan = found
            stats.children_served = found.children(problem)
        stats.children_bound = min(
            built.children_upper_bound, int(solver.best_objective_bound + 1e-6)
        )
        optimal = status == cp_model.OPTIMAL
    model.clear_objective()
    return plan, optimal


def _phase2_penalty(
    problem: PlanningProblem,
    built: PlannerModel,
    plan: Plan,
    stats: SolveStats,
    *,
    time_limit: float,
    started: float,
    workers: int,
    seed: int,
) -> tuple[Plan, bool]:
    """Phase 2: keep serving exactly the requests `plan` serves (so the children too) and
    minimise the penalty (preferences, balance, continuity) in the time phase 1 left.

    Fixing the set rather than the sum keeps phase 2 quick to prove, at the price of not
    swapping a request for another of the same size. Records the penalty, its bound, the
    constraints and the deterministic time in `stats`. Returns the plan (`plan` itself
    when no solution comes back) and whether it is proven optimal."""
    model = built.model
    for (request_id, _index), x in built.x.items():
        if request_id not in plan.assignments:
            model.add(x == 0)
    for request_id in plan.assignments:
        model.add_exactly_one(x for (r, _c), x in built.x.items() if r == request_id)
    model.minimize(built.penalty())
    built.hint(plan)
    remaining = time_limit - stats.deterministic_time
    wall = time_limit - (time.perf_counter() - started)
    solver = _solver(remaining, wall, workers=workers, seed=seed)
    status = solver.solve(model)
    stats.deterministic_time += solver.deterministic_time
    stats.constraints = len(model.proto.constraints)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        plan = built.read(solver)
        stats.penalty = round(solver.objective_value)
        stats.penalty_bound = math.ceil(solver.best_objective_bound - 1e-6)
    else:
        stats.penalty = plan_penalty(problem, plan)
    return plan, status == cp_model.OPTIMAL
