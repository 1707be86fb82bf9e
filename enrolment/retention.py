"""Retention and data rights now live in `enrolment.services.retention`, beside their task.

This module keeps the names that callers in other apps import from here (`config.start`,
`notifications.apps`); new code imports from `enrolment.services.retention`.
"""

from __future__ import annotations

from enrolment.services.retention import (
    enrolments_due_for_erasure,
    register_leftover_counter,
    retention_overview,
)

__all__ = ["enrolments_due_for_erasure", "register_leftover_counter", "retention_overview"]
