"""Small look-ups for the evaluations templates."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`mapping[key]`, or an empty list when there is no such key (or no mapping)."""
    if not mapping:
        return []
    return mapping.get(key, [])


@register.filter
def get_label(mapping: Any, key: str) -> Any:
    return (mapping or {}).get(key, key)
