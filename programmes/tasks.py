"""Celery tasks of the catalogue: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from programmes.api_tokens import api_tokens_purge


@shared_task(name="programmes.api_tokens_purge", ignore_result=True)
def api_tokens_purge_task() -> int:
    return api_tokens_purge()
