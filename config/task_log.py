"""One log line per Celery task run, without its arguments.

Tasks take primary keys, but even those stay out of the line: it says which task
ran (name and id), how it ended (success, failure, retry, ...) and how long it
took. The arguments are in the broker and the database for whoever needs them.

`connect()` is called from `config/celery.py`, so the lines are written in the
worker and for eager tasks in the web process alike. It also makes the worker
and beat use Django's `LOGGING` instead of Celery's own log set-up, so their
lines are JSON as well.
"""

from __future__ import annotations

import logging
import logging.config
import time
from typing import Any

from celery import signals

logger = logging.getLogger(__name__)

# Start times by task id; an entry lives from task_prerun to task_postrun of one run.
_started: dict[str, float] = {}

_LEVELS = {"success": logging.INFO, "retry": logging.WARNING, "failure": logging.ERROR}


def task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


def task_finished(
    task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any
) -> None:
    started = _started.pop(task_id, None) if task_id else None
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
    outcome = (state or "unknown").lower()
    name = getattr(task, "name", None)
    logger.log(
        _LEVELS.get(outcome, logging.INFO),
        "task %s %s %sms",
        name,
        outcome,
        duration_ms,
        extra={
            "event": "task",
            "task": name,
            "task_id": task_id,
            "state": outcome,
            "duration_ms": duration_ms,
        },
    )


def use_django_logging(**_: Any) -> None:
    """A receiver of `setup_logging`: Celery then leaves logging to `settings.LOGGING`."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def connect() -> None:
    signals.task_prerun.connect(task_started, weak=False, dispatch_uid="config.task_log.started")
    signals.task_postrun.connect(task_finished, weak=False, dispatch_uid="config.task_log.finished")
    signals.setup_logging.connect(
        use_django_logging, weak=False, dispatch_uid="config.task_log.setup_logging"
    )
