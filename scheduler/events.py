"""Domain events the scheduler announces; the notifications app listens.

Events carry primary keys and revisions, never model instances, so a listener
can store them and a replay is recognisable by (event, object, revision).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class GroupPublished:
    group_id: int


@dataclass(frozen=True)
class GroupCancelled:
    group_id: int
    reason: str


@dataclass(frozen=True)
class SessionMoved:
    session_id: int
    revision: int
    old_starts_at: dt.datetime
    new_starts_at: dt.datetime


@dataclass(frozen=True)
class SessionCancelled:
    session_id: int
    revision: int
    replacement_id: int | None


@dataclass(frozen=True)
class SessionAdded:
    session_id: int
    revision: int


@dataclass(frozen=True)
class TrainerAssigned:
    group_id: int
    trainer_id: int


@dataclass(frozen=True)
class TrainerRemoved:
    group_id: int
    trainer_id: int


@dataclass(frozen=True)
class ClassBooked:
    """A class was booked into a class-mode group, or its booking changed."""

    group_id: int
    booked_by_id: int | None


@dataclass(frozen=True)
class GroupPostponed:
    """A group below its minimum was postponed: its whole series moved (each moved session
    has a higher revision; `revision` is the sum, so a second postponement is a new event)."""

    group_id: int
    revision: int
    old_first_date: dt.date


@dataclass(frozen=True)
class GroupPooled:
    """A group below its minimum joins `into_group_id` (same programme and round): its
    children move there (enrolment listens and announces whom it moved); the group itself is
    cancelled right after (GroupCancelled, for its trainers' calendars)."""

    group_id: int
    into_group_id: int
