"""Ended API tokens are deleted 90 days after they ended; working ones are kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from programmes.api_tokens import api_token_create, api_token_revoke, api_tokens_purge
from programmes.models import ApiToken
from programmes.tasks import api_tokens_purge_task
from tests.clock import on_day

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


def test_tokens_ended_more_than_90_days_ago_are_deleted_and_working_ones_kept(
    bob: Any, settings: Any
) -> None:
    settings.API_TOKEN_TTL_DAYS = 30
    expired_long_ago = api_token_create(user=bob, name="oud", now=START).token
    revoked_long_ago = api_token_create(user=bob, name="ingetrokken", now=START).token
    api_token_revoke(token=revoked_long_ago, now=START + dt.timedelta(days=1))
    now = START + dt.timedelta(days=125)
    expired_recently = api_token_create(
        user=bob, name="net verlopen", now=now - dt.timedelta(days=40)
    ).token
    working = api_token_create(user=bob, name="in gebruik", now=now).token

    deleted = api_tokens_purge(now=now)

    assert deleted == 2
    remaining = set(ApiToken.objects.values_list("pk", flat=True))
    assert remaining == {expired_recently.pk, working.pk}
    assert expired_long_ago.pk not in remaining and revoked_long_ago.pk not in remaining
    assert api_tokens_purge(now=now) == 0


def test_the_nightly_task_purges_and_is_scheduled(bob: Any, settings: Any) -> None:
    api_token_create(user=bob, now=START)

    assert api_tokens_purge_task.delay().get() == 1
    assert ApiToken.objects.count() == 0
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "programmes.api_tokens_purge" in scheduled
