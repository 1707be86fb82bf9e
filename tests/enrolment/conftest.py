"""Fixtures of the enrolment tests. They live in tests/enrolment/world.py, beside the
helpers that build the same world (`make_published_group`, `child`, MOTHER, FATHER, SOLE), so
that test modules in other folders can import them from a plain module."""

from __future__ import annotations

from tests.enrolment.world import (  # noqa: F401 (fixtures)
    _today,
    group,
    host,
    kies,
)
