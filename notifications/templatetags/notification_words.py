"""The failed-mail page's words (`notifications.words`) as template filters."""

from __future__ import annotations

from django import template

from notifications import words

register = template.Library()


@register.filter
def message_kind_label(kind: str) -> str:
    return words.kind_label(kind)


@register.filter
def failure_explained(last_error: str) -> str:
    return words.failure_explained(last_error)
