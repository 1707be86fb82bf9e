"""Filters for the e-mail templates: titles and dates in the recipient's language.

The messages are rendered inside `translation.override(language)`, so these give
"maandag 2 november 2026 om 13:00" in Dutch and "Monday 2 November 2026 at 13:00" in
English, always in Europe/Amsterdam time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import dateformat
from django.utils.timezone import localtime
from django.utils.translation import get_language

from notifications.messages import programme_title

register = template.Library()


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


def _local(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return localtime(value)
    return value


@register.filter
def public_title(group: Any) -> str:
    """The group's programme as subjects and calendars name it (discreet when asked)."""
    return programme_title(group) if group is not None else ""


@register.filter
def day(value: Any) -> str:
    """ "maandag 2 november 2026" / "Monday 2 November 2026"."""
    if not value:
        return ""
    return dateformat.format(_local(value), "l j F Y")


@register.filter
def clock(value: Any) -> str:
    """ "13:00" """
    if not value:
        return ""
    return dateformat.format(_local(value), "H:i")


@register.filter
def when(value: Any) -> str:
    """ "maandag 2 november 2026 om 13:00" / "Monday 2 November 2026 at 13:00"."""
    if not value:
        return ""
    return f"{day(value)} {'at' if _english() else 'om'} {clock(value)}"
