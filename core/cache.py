"""Django's Redis cache, with one redis-py client per connection pool instead of one per call,
that answers as an empty cache while Redis cannot be reached; and `count_hit`, the rate
limits' counter.

Django builds a new `redis.Redis` for every cache operation, and building one copies its
table of ~200 response callbacks: about a fifth of a millisecond, several times a request
(the API throttle alone reads and writes the cache on every public call). A client is
thread-safe and holds no connection of its own (it borrows from the pool per command), so
one per pool serves every thread of the process.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


# Redis down, restarting or cut off (the connect and socket timeouts are in settings).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 10.0
_last_warning = 0.0


def _unreachable(operation: str) -> None:
    """Log that Redis could not be reached: once per WARN_EVERY_SECONDS per process, not
    once per request of an outage."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning(
            "Redis cache unreachable (%s): answering as an empty cache.", operation, exc_info=True
        )


def _or(answer: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The cache method, answering `answer(*its arguments)` while Redis is unreachable."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def tolerant(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE:
                _unreachable(method.__name__)
                return answer(*args, **kwargs)

        return tolerant

    return decorate


class SharedClientRedisCacheClient(RedisCacheClient):
    """While Redis cannot be reached, reads are misses and writes are dropped, so every
    page still works from the database (slower): the public answers are built anew, a
    staff session is read from the database (`cached_db`), a cached fragment is drawn.
    What cannot do without Redis says so itself: the rate limits let requests through
    (`count_hit`), mail waits in the outbox for the sweep, and `/healthz` reports Redis.
    `incr` and `clear` still raise: they have no sensible empty answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    # Each method's answer while Redis cannot be reached, from the method's arguments.
    get = _or(lambda key, default: default)(RedisCacheClient.get)
    get_many = _or(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _or(lambda key: False)(RedisCacheClient.has_key)
    add = _or(lambda key, value, timeout: False)(RedisCacheClient.add)
    set = _or(lambda key, value, timeout: None)(RedisCacheClient.set)
    set_many = _or(lambda data, timeout: None)(RedisCacheClient.set_many)
    touch = _or(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _or(lambda key: False)(RedisCacheClient.delete)
    delete_many = _or(lambda keys: None)(RedisCacheClient.delete_many)

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
        try:
            return int(pipe.execute()[1])
        except UNREACHABLE:  # no counter without Redis: let the request through
            _unreachable("count_hit")
            return 1
    backend.add(key, 0, timeout=window)
    try:
        return backend.incr(key)
    except ValueError:  # evicted between add and incr: start again
        backend.set(key, 1, timeout=window)
        return 1
