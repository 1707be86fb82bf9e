"""The Redis cache keeps one client per connection pool (core/cache.py) and still works
as Django's cache does."""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings

from core.cache import SharedClientRedisCache

pytestmark = pytest.mark.redis


def test_production_settings_use_the_shared_client_cache() -> None:
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.SharedClientRedisCache"


def test_one_client_serves_every_call_and_the_cache_works() -> None:
    cache = SharedClientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-shared-client"})
    key = f"k-{uuid.uuid4().hex}"
    client = cache._cache.get_client(key)
    assert cache._cache.get_client(key) is client
    assert cache._cache.get_client(key, write=True) is client  # one server: one pool
    cache.set(key, {"seats": 3}, 30)
    assert cache.get(key) == {"seats": 3}
    assert cache.get_many([key, "missing"]) == {key: {"seats": 3}}
    assert cache.add(f"{key}-n", 1, 30)
    assert cache.incr(f"{key}-n") == 2
    cache.delete_many([key, f"{key}-n"])
    assert cache.get(key) is None
