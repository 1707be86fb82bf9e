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


# The mouth of each face, from a frown (1) to a broad smile (5): the control point of a
# curve from one corner of the mouth to the other.
_MOUTH_Y = {1: 16, 2: 19.5, 3: 22, 4: 25, 5: 28}


@register.inclusion_tag("evaluations/_face.html")
def smiley_face(value: str) -> dict[str, Any]:
    """A face drawn as SVG for a smiley answer (1 to 5): emoji differ per device, and a
    tablet without the right font would show an empty box."""
    level = int(value) if str(value).isdigit() and 1 <= int(value) <= 5 else 3
    return {"mouth": f"M10 21 Q16 {_MOUTH_Y[level]} 22 21" if level != 3 else "M10 21 L22 21"}
