"""Periodic Celery tasks of the enrolment app (scheduled in `settings.CELERY_BEAT_SCHEDULE`).

Thin: each calls one service and returns what it did. Both are safe to run twice, even at
the same time: the services claim every enrolment with a conditional update or a row lock,
so a second run finds nothing left to do and returns 0.
"""

from __future__ import annotations

from celery import shared_task

from enrolment import retention, services


@shared_task(name="enrolment.expire_holds_and_offers")
def expire_holds_and_offers() -> int:
    """Every few minutes: seat holds without consent and unanswered offers expire, and the
    freed seats go to the next children on the waitlist. Returns how many expired."""
    return services.holds_and_offers_expire()


@shared_task(name="enrolment.retention_daily")
def retention_daily() -> int:
    """Daily: erase the personal data of enrolments whose group ended more than the retention
    time ago. Returns how many enrolments were erased."""
    return retention.retention_sweep()
