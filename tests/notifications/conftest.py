"""Fixtures shared by the notifications tests (none of them autouse, so each test module
chooses what it needs; see `message_support` for what they build)."""

from __future__ import annotations

from tests.notifications.message_support import (  # noqa: F401
    mail_group,
    mail_programme,
    on_enrolment_day,
)
