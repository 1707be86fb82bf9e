"""The daily retention sweep: erase a set time after the group ended, and only then."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from enrolment import events
from enrolment.models import Child, Enrolment, EnrolmentStatus
from enrolment.services import email_confirm, enrolment_withdraw
from enrolment.services.retention import (
    add_months,
    enrolments_due_for_erasure_count,
    erase_date,
    group_end_dates,
    retention_sweep,
)
from scheduler.services import group_cancel
from tests.enrolment.test_retention_erase import confirm_address, enrol_family
from tests.enrolment.world import make_published_group

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: dt.date, hour: int = 3, minute: int = 30) -> dt.datetime:
    """The moment the daily task runs on `day` (03:30 in Amsterdam)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM)


def counts_by_status(group: Any) -> dict[str, int]:
    """What the participation reports read: enrolments per status per group."""
    return dict(
        Enrolment.objects.filter(group=group)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def test_add_months_clamps_to_the_end_of_a_shorter_month() -> None:
    assert add_months(dt.date(2026, 12, 21), 12) == dt.date(2027, 12, 21)
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 18) == dt.date(2029, 2, 28)


def test_a_group_ends_on_its_last_scheduled_session(group: Any) -> None:
    last = group.sessions.order_by("-starts_at").first()
    assert group_end_dates([group.pk]) == {group.pk: last.starts_at.astimezone(AMSTERDAM).date()}
    assert last.starts_at.astimezone(AMSTERDAM).date() > dt.date(2026, 11, 2)


def test_data_is_kept_until_the_limit_and_erased_the_day_after(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    enrol_family(group, host, consent_text, emitted, first="Lieke")
    end = group_end_dates([group.pk])[group.pk]
    limit = add_months(end, 12)
    assert erase_date(end) == limit + dt.timedelta(days=1)

    _today.move_to(at(limit - dt.timedelta(days=1)))
    assert retention_sweep() == 0
    _today.move_to(at(limit, hour=23, minute=59))
    assert retention_sweep() == 0
    assert Child.objects.filter(first_name="Lieke").exists()

    _today.move_to(at(limit + dt.timedelta(days=1)))
    assert retention_sweep() == 1
    assert not Child.objects.filter(first_name="Lieke").exists()
    assert retention_sweep() == 0


def test_the_retention_time_is_a_setting(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any, settings: Any
) -> None:
    settings.ENROLMENT_RETENTION_MONTHS = 3
    enrol_family(group, host, consent_text, emitted, first="Daan")
    end = group_end_dates([group.pk])[group.pk]
    _today.move_to(at(add_months(end, 3) + dt.timedelta(days=1)))
    assert retention_sweep() == 1


def test_a_cancelled_group_counts_from_the_day_it_was_cancelled(
    group: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    enrol_family(group, host, consent_text, emitted, first="Yara")
    group_cancel(group=group, reason="te weinig aanmeldingen")  # on 1 October 2026
    assert group_end_dates([group.pk]) == {group.pk: dt.date(2026, 10, 1)}

    _today.move_to(at(dt.date(2027, 10, 1)))
    assert retention_sweep() == 0
    _today.move_to(at(dt.date(2027, 10, 2)))
    assert retention_sweep() == 1
    assert Enrolment.objects.get().erased_at is not None


def test_the_sweep_erases_finished_and_running_enrolments_and_keeps_the_counts(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    group = make_published_group(kies, host, capacity=3)
    enrol_family(group, host, consent_text, emitted, first="Anouk")
    enrol_family(group, host, consent_text, emitted, first="Bas")
    refused, _ = enrol_family(group, host, consent_text, emitted, first="Cas", confirm=False)
    received = next(
        e
        for e in emitted
        if isinstance(e, events.EnrolmentReceived) and e.submission_id == refused.submission.pk
    )
    email_confirm(token=received.confirm_token, consent_given=False)
    withdrawn, _ = enrol_family(group, host, consent_text, emitted, first="Dirk")
    evi, _ = enrol_family(group, host, consent_text, emitted, first="Evi", confirm=False)
    confirm_address(evi, emitted)
    enrolment_withdraw(enrolment=withdrawn.enrolments[0])  # Evi is offered the seat
    enrol_family(group, host, consent_text, emitted, first="Fleur", confirm=False)
    before = counts_by_status(group)
    assert before == {
        EnrolmentStatus.CONFIRMED: 2,
        EnrolmentStatus.REFUSED: 1,
        EnrolmentStatus.WITHDRAWN: 1,
        EnrolmentStatus.OFFERED: 1,
        EnrolmentStatus.WAITLISTED: 1,
    }
    _today.move_to(at(erase_date(group_end_dates([group.pk])[group.pk])))
    assert retention_sweep() == 6

    assert counts_by_status(group) == before
    assert not Enrolment.objects.filter(erased_at__isnull=True).exists()
    assert set(Child.objects.values_list("first_name", flat=True)) == {""}
    # The group is over: nobody is withdrawn or offered a seat by the sweep.
    assert [e.enrolment_id for e in emitted if isinstance(e, events.Withdrawn)] == [
        withdrawn.enrolments[0].pk
    ]


def test_the_sweep_leaves_groups_that_ended_recently_alone(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    cancelled = make_published_group(kies, host)
    enrol_family(cancelled, host, consent_text, emitted, first="Oud")
    group_cancel(group=cancelled)
    running = make_published_group(kies, host)
    enrol_family(running, host, consent_text, emitted, first="Nieuw")
    ends = group_end_dates([cancelled.pk, running.pk])
    assert ends[cancelled.pk] < ends[running.pk]

    _today.move_to(at(erase_date(ends[cancelled.pk])))
    assert retention_sweep() == 1
    assert not Child.objects.filter(first_name="Oud").exists()
    assert Child.objects.filter(first_name="Nieuw").exists()
    assert Enrolment.objects.get(group=running).erased_at is None


def test_the_count_of_enrolments_due_is_what_the_sweep_erases_in_one_query(
    kies: Any, host: Any, consent_text: Any, emitted: list[Any], _today: Any
) -> None:
    cancelled = make_published_group(kies, host)
    enrol_family(cancelled, host, consent_text, emitted, first="Oud")
    enrol_family(cancelled, host, consent_text, emitted, first="Ouder")
    group_cancel(group=cancelled)
    running = make_published_group(kies, host)
    enrol_family(running, host, consent_text, emitted, first="Nieuw")
    erase_on = erase_date(group_end_dates([cancelled.pk])[cancelled.pk])

    _today.move_to(at(erase_on - dt.timedelta(days=1)))
    with CaptureQueriesContext(connection) as queries:
        assert enrolments_due_for_erasure_count() == 0
    assert len(queries) == 1  # also when none is due
    _today.move_to(at(erase_on))
    with CaptureQueriesContext(connection) as queries:
        assert enrolments_due_for_erasure_count() == 2
    assert len(queries) == 1
    assert retention_sweep() == 2
    assert enrolments_due_for_erasure_count() == 0
