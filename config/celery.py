from __future__ import annotations

import os

from celery import Celery

from config import task_log

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("groepsplanner")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="services")
# One JSON line per task run, and Django's LOGGING in the worker and beat.
task_log.connect()
