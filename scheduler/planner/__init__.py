"""The year planner: from a school year's open planning requests to proposed groups.

- `problem`: the input as plain dataclasses and the candidate series per request;
- `plan`: a plan, the greedy first-fit baseline and an independent rule checker;
- `solver`: the CP-SAT model (children served first, then preferences, balance,
  continuity), deterministic for the same input;
- `result`: `plan_year` (the entry point), reasons for unplaced requests, JSON;
- `loading`: the instance from the database in a fixed number of queries.

Everything but `loading` works without a database, so the benchmark and most
tests build instances by hand.
"""

from __future__ import annotations

from scheduler.planner.plan import Assignment, Plan, plan_greedy, plan_violations
from scheduler.planner.problem import (
    BusyPeriod,
    CandidateOptions,
    PlannerInstance,
    PlanningProblem,
    ProgrammeSpec,
    RequestSpec,
    SchoolSpec,
    TrainerSpec,
    closed_days,
)
from scheduler.planner.result import PlannerResult, Unsatisfied, plan_year, result_as_json
from scheduler.planner.solver import SolveStats

__all__ = [
    "Assignment",
    "BusyPeriod",
    "CandidateOptions",
    "Plan",
    "PlannerInstance",
    "PlannerResult",
    "PlanningProblem",
    "ProgrammeSpec",
    "RequestSpec",
    "SchoolSpec",
    "SolveStats",
    "TrainerSpec",
    "Unsatisfied",
    "closed_days",
    "plan_greedy",
    "plan_violations",
    "plan_year",
    "result_as_json",
]
