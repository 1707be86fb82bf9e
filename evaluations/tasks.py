"""Periodic Celery task of the evaluations app: open due moments and send the reminders."""

from __future__ import annotations

from celery import shared_task

from evaluations import services


@shared_task(name="evaluations.sweep")
def evaluations_sweep() -> dict[str, int]:
    result = services.evaluations_sweep()
    return {"opened": result.opened, "reminded": result.reminded}
