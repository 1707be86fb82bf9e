"""The periodic tasks: scheduled in code, thin, and safe to run twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings

from config.celery import app
from enrolment.models import Child, Enrolment, EnrolmentStatus
from enrolment.services.offers import expire_holds_and_offers
from enrolment.services.retention import erase_date, group_end_dates, retention_daily
from tests.enrolment.test_retention_erase import confirm_address, enrol_family
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_runs_expiry_every_5_minutes_and_retention_daily_at_3_30() -> None:
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["enrolment.expire_holds_and_offers"] == crontab(minute="*/5")
    assert schedule["enrolment.retention_daily"] == crontab(hour=3, minute=30)
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"
    app.loader.import_default_modules()
    assert set(schedule) <= set(app.tasks)


def test_expiring_twice_expires_once_and_passes_the_seat_on(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    group = make_published_group(kies, host, capacity=1)
    held, _ = enrol_family(group, host, consent_text, emitted, first="Jens", confirm=False)
    waiting, _ = enrol_family(group, host, consent_text, emitted, first="Kiki", confirm=False)
    confirm_address(waiting, emitted)
    _today.shift(dt.timedelta(days=7, minutes=1))

    assert expire_holds_and_offers.apply().get() == 1
    assert expire_holds_and_offers.apply().get() == 0

    assert Enrolment.objects.get(pk=held.enrolments[0].pk).status == EnrolmentStatus.EXPIRED
    assert Enrolment.objects.get(pk=waiting.enrolments[0].pk).status == EnrolmentStatus.OFFERED


def test_retention_twice_erases_once(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    enrol_family(group, host, consent_text, emitted, first="Lars", siblings=("Mila",))
    assert retention_daily.apply().get() == 0
    _today.move_to(dt.datetime.combine(erase_date(group_end_dates()[group.pk]), dt.time(2, 0)))

    assert retention_daily.apply().get() == 2
    assert retention_daily.apply().get() == 0

    assert set(Child.objects.values_list("first_name", flat=True)) == {""}
