"""Against the real PostgreSQL and Redis when DATABASE_URL / REDIS_URL say so (CI does)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_really_is_postgresql() -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.redis
@pytest.mark.django_db
def test_the_health_check_reports_the_real_redis_ok(client) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.redis
def test_the_cache_is_the_real_redis() -> None:
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set("integration:probe", "here", timeout=10)
    assert cache.get("integration:probe") == "here"
