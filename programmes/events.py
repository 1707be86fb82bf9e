"""Domain events the catalogue app announces; the notifications app listens.

Events carry primary keys and moments, never model instances (see `scheduler.events`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class AccountLocked:
    """Log-in for the account of `user_id` was locked at `locked_at` until `until` after
    repeated wrong passwords (announced once per lock, not per refused attempt)."""

    user_id: int
    locked_at: dt.datetime
    until: dt.datetime
