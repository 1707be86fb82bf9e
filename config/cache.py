"""Django's Redis cache, with one redis-py client per connection pool instead of one per call,
and `count_hit`, the rate limits' counter.

Django builds a new `redis.Redis` for every cache operation, and building one copies its
table of ~200 response callbacks: about a fifth of a millisecond, several times a request
(the API throttle alone reads and writes the cache on every public call). A client is
thread-safe and holds no connection of its own (it borrows from the pool per command), so
one per pool serves every thread of the process.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:  # a race builds two; either serves
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient


def count_hit(key: str, window: int) -> int:
    """Count one hit on `key`, a counter that lives `window` seconds from its first hit;
    returns the count, this hit included. The rate limits keep one per client and window.

    On Redis one round trip: SET NX with the lifetime and INCR, in one MULTI/EXEC, so the
    counter never outlives its window. Django's `add` then `incr` would be three (its
    `incr` asks first whether the key exists). Other caches (memory in `make run` and the
    tests) take that way; `incr` is atomic there as well.
    """
    backend = caches["default"]
    if isinstance(backend, SharedClientRedisCache):
        full_key = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(full_key, write=True).pipeline(transaction=True)
        pipe.set(full_key, 0, ex=window, nx=True)
        pipe.incr(full_key)
        return int(pipe.execute()[1])
    backend.add(key, 0, timeout=window)
    try:
        return backend.incr(key)
    except ValueError:  # evicted between add and incr: start again
        backend.set(key, 1, timeout=window)
        return 1
