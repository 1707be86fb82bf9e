"""Conflicts a change may not have, and the soft ones a programme manager accepted.

Every service of `scheduler.services` that plans a time refuses hard conflicts with
`ConflictError` and soft ones with `SoftConflictError` unless `override_by` may accept
them; what was accepted is recorded as a `ConflictOverride`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from scheduler import access
from scheduler.conflicts import Conflict
from scheduler.models import ConflictOverride, Session


class ConflictError(ValidationError):
    """Refused: at least one hard conflict. `conflicts` holds all conflicts found."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = list(conflicts)
        super().__init__([c.message for c in self.conflicts if c.is_hard])


class SoftConflictError(ValidationError):
    """Only soft conflicts; a programme manager may accept them with `override_by`."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = list(conflicts)
        super().__init__([c.message for c in self.conflicts])


def resolve_conflicts(conflicts: list[Conflict], *, override_by: Any | None) -> list[Conflict]:
    """Raise for hard conflicts, or for soft ones nobody with the right may accept."""
    if any(c.is_hard for c in conflicts):
        raise ConflictError(conflicts)
    if conflicts and not (
        override_by is not None and access.can_override_soft_conflicts(override_by)
    ):
        raise SoftConflictError(conflicts)
    return conflicts


def record_overrides(session: Session, conflicts: Iterable[Conflict], by: Any) -> None:
    ConflictOverride.objects.bulk_create(
        ConflictOverride(session=session, kind=c.kind, message=c.message, overridden_by=by)
        for c in conflicts
    )
