"""The rate limits' counter (`core.cache.count_hit`): every hit counted once, and the
counter ends with its window, on Redis (one MULTI/EXEC) as in the memory cache."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.test import override_settings

from core.cache import SharedClientRedisCache, count_hit


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_the_memory_cache_counts_each_hit_and_ends_the_window() -> None:
    key = f"hits-{uuid.uuid4().hex}"
    assert [count_hit(key, 60) for _ in range(3)] == [1, 2, 3]
    caches["default"].delete(key)  # as when the window ends
    assert count_hit(key, 60) == 1


@pytest.mark.redis
def test_on_redis_the_counter_has_the_window_as_its_lifetime() -> None:
    backend = caches["default"]
    assert isinstance(backend, SharedClientRedisCache)
    key = f"hits-{uuid.uuid4().hex}"
    assert [count_hit(key, 60) for _ in range(3)] == [1, 2, 3]
    assert backend.get(key) == 3  # an ordinary cache value, too
    full_key = backend.make_and_validate_key(key)
    assert 0 < backend._cache.get_client(full_key).ttl(full_key) <= 60
    backend.delete(key)


@pytest.mark.redis
def test_on_redis_concurrent_hits_are_each_counted_once() -> None:
    key = f"hits-{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _n: count_hit(key, 60), range(200)))
    assert sorted(counts) == list(range(1, 201))
    caches["default"].delete(key)
