"""Fixtures of the referrals tests (defined in tests/referrals/world.py)."""

from __future__ import annotations

from tests.referrals.world import (  # noqa: F401 (fixtures)
    _today,
    group,
    hank,
    host,
    kies,
    wendy,
)
