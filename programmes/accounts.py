"""Staff accounts: what happens to an account beyond the catalogue's own rows.

The log-in throttle (django-axes, `config.security`) decides when an account is locked;
this module turns such a lock into the domain event the owner's e-mail hangs on.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.domain_events import emit
from programmes.events import AccountLocked


@transaction.atomic
def account_lockout_record(*, username: str, locked_at: dt.datetime, until: dt.datetime) -> bool:
    """Announce that log-in for `username` was locked (emits `AccountLocked`).

    The username is what was typed, matched exactly as log-in matches it. For a username
    without an account nothing is emitted and nothing else differs, so the answer to whoever
    typed it does not tell whether the account exists. Returns whether an account was found.
    Called once per lock by the throttle; the outbox key (user and lock moment) makes a
    replay write no second message.
    """
    user_model = get_user_model()
    user_id = (
        user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username})
        .values_list("pk", flat=True)
        .first()
    )
    if user_id is None:
        return False
    emit(AccountLocked(user_id=user_id, locked_at=locked_at, until=until))
    return True


def lockout_cool_off(request: Any = None) -> dt.timedelta:
    """How long a log-in lock lasts from its latest refused or wrong attempt."""
    return get_cool_off(request) or settings.AXES_COOLOFF_TIME


def lockout_retry_after(request: Any = None) -> tuple[dt.datetime, int]:
    """When a locked-out log-in may be tried again (local time) and in how many seconds.

    django-axes counts the refused attempt as one more failure, so the lock runs until the
    cool-off time from now. The log-in page and the API token endpoint both say this.
    """
    cool_off = lockout_cool_off(request)
    return timezone.localtime(timezone.now() + cool_off), math.ceil(cool_off.total_seconds())
