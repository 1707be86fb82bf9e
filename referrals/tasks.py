"""Periodic Celery tasks of the referrals app (`settings.CELERY_BEAT_SCHEDULE`). Thin: each
calls one service; both are safe to run twice (conditional updates claim each row once)."""

from __future__ import annotations

from celery import shared_task

from referrals import retention, services


@shared_task(name="referrals.talk_reminders")
def talk_reminders() -> int:
    """Several times a day: the day-before reminder of every talk booked for tomorrow."""
    return services.talk_reminders_send()


@shared_task(name="referrals.retention_daily")
def retention_daily() -> int:
    """Daily: erase referrals and talk bookings past their retention time."""
    referrals, bookings = retention.referrals_erase()
    return referrals + bookings
