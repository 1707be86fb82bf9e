"""Pages of the scheduler, one module per noun: planning requests and the year planner
(`planning`), groups and their sessions (`groups`), the calendar (`calendars`), and a
trainer's own schedule (`schedule`); `base` holds what they share.

Views stay thin, as in the catalogue: what a user may see comes from
`scheduler.access` (objects outside the scope are a 404), what they may change is
asked there too (a 403 otherwise), and every change goes through
`scheduler.services`. A service's `ValidationError` shows on the form; conflicts
show inline, hard ones as errors and soft ones as warnings that the programme
manager may accept ("toch opslaan"), which the service records.
"""

from __future__ import annotations

from scheduler.views.calendars import CalendarView, programme_colours
from scheduler.views.decisions import GroupDecideView
from scheduler.views.groups import (
    GroupCancelView,
    GroupCreateView,
    GroupDetailView,
    GroupListView,
    GroupStatusView,
    SessionCancelView,
    SessionMoveView,
    TrainerReplaceView,
)
from scheduler.views.planning import (
    PlannerAcceptView,
    PlannerStartView,
    PlanningRequestCreateView,
    PlanningRequestWithdrawView,
    PlanningView,
)
from scheduler.views.schedule import MyScheduleView, ScheduleCard, schedule_cards

__all__ = [
    "CalendarView",
    "GroupCancelView",
    "GroupCreateView",
    "GroupDecideView",
    "GroupDetailView",
    "GroupListView",
    "GroupStatusView",
    "MyScheduleView",
    "PlannerAcceptView",
    "PlannerStartView",
    "PlanningRequestCreateView",
    "PlanningRequestWithdrawView",
    "PlanningView",
    "ScheduleCard",
    "SessionCancelView",
    "SessionMoveView",
    "TrainerReplaceView",
    "programme_colours",
    "schedule_cards",
]
