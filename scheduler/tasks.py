"""Celery tasks of the scheduler: load by id, call a service, done."""

from __future__ import annotations

from celery import shared_task

from scheduler import services

# The solver stops itself at the run's time limit (at most 600 s); these limits only catch
# a run that hangs anyway (building a huge instance, a stuck database).
SOFT_TIME_LIMIT = 15 * 60
TIME_LIMIT = SOFT_TIME_LIMIT + 60


# Routed to the "planning" queue by CELERY_TASK_ROUTES, so a long solve never holds up mail.
@shared_task(name="scheduler.run_planner", soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def run_planner(run_id: int) -> bool:
    """Execute planner run `run_id`. Safe to run twice: a run is claimed only once."""
    return services.planner_run_execute(run_id=run_id)
