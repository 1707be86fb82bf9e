"""Query filters shared by the apps' APIs."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms

# What a database integer column holds; SQLite cannot even compare with a larger number.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


class IdFilter(filters.NumberFilter):
    """An object's id: a whole number within the database's range, or a 400 that says so."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", BIGINT_MIN)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(*args, **kwargs)
