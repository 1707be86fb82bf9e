"""Every change to groups, sessions and planning requests, one module per noun.

Each service validates, checks conflicts, saves inside one transaction and
emits the domain events of `scheduler.events`; the scheduler sends nothing
itself. Hard conflicts raise `ConflictError`; soft ones raise `SoftConflictError`
unless `override_by` (a programme manager) accepts them, which is recorded.

Modules, lowest first (each imports only those above it in this list):
`overrides` (conflict refusals), `trainers`, `groups`, `class_bookings`, `sessions`,
`planning_requests`, `planner_runs` and `viability` (a group below its minimum: pool,
postpone or not start) (with the Celery task `scheduler.run_planner`, which
Celery finds by importing this package). The names below are the package's public face,
so callers import `from scheduler.services import group_create`.
"""

from __future__ import annotations

from scheduler.services.class_bookings import CLASS_SIZE_MAX, class_booking_set
from scheduler.services.groups import (
    GroupCreated,
    group_cancel,
    group_create,
    group_preview,
    group_transition,
    series_conflicts,
    series_preview,
)
from scheduler.services.overrides import ConflictError, SoftConflictError
from scheduler.services.planner_runs import (
    PLANNER_MENTOR_PLACEHOLDER,
    planner_run_accept,
    planner_run_execute,
    planner_run_start,
    run_planner,
)
from scheduler.services.planning_requests import planning_request_create, planning_request_withdraw
from scheduler.services.sessions import (
    session_add,
    session_add_check,
    session_cancel,
    session_conflicts,
    session_move,
    session_move_check,
)
from scheduler.services.trainers import group_replace_trainer
from scheduler.services.viability import group_not_started, group_pool, group_postpone

__all__ = [
    "CLASS_SIZE_MAX",
    "PLANNER_MENTOR_PLACEHOLDER",
    "ConflictError",
    "GroupCreated",
    "SoftConflictError",
    "class_booking_set",
    "group_cancel",
    "group_create",
    "group_not_started",
    "group_pool",
    "group_postpone",
    "group_preview",
    "group_replace_trainer",
    "group_transition",
    "planner_run_accept",
    "planner_run_execute",
    "planner_run_start",
    "planning_request_create",
    "planning_request_withdraw",
    "run_planner",
    "series_conflicts",
    "series_preview",
    "session_add",
    "session_add_check",
    "session_cancel",
    "session_conflicts",
    "session_move",
    "session_move_check",
]
