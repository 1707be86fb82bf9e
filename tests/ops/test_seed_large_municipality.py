"""`seed_large_municipality` builds invented data that keeps the product's own rules."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from enrolment.models import (
    SEAT_HOLDING,
    Attendance,
    Authority,
    Consent,
    ConsentParty,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    age_on,
)
from programmes.calendar import ClosedBecause, SchoolCalendar
from programmes.models import (
    ChildConsent,
    Invoice,
    InvoiceStatus,
    School,
    SchoolClosure,
    SchoolHoliday,
)
from reports.ledger import delivered_units, school_share
from reports.management.commands.seed_large_municipality import MUNICIPALITY
from scheduler.conflicts import ConflictChecker, Slot
from scheduler.models import Group, GroupStatus, SessionKind, SessionStatus
from scheduler.series import AMSTERDAM

# A fixed moment in the autumn round, so every run sees the same mix of states.
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=AMSTERDAM)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
SCALE = "0.05"
# Few trainers for many groups: double bookings would show here if the builder allowed them.
CROWDED_SCALE = "0.2"


def build(scale: str) -> str:
    with time_machine.travel(NOW, tick=False):
        out = StringIO()
        call_command("seed_large_municipality", "--demo", "--scale", scale, stdout=out)
        return out.getvalue()


@pytest.fixture
def municipality() -> str:
    return build(SCALE)


def test_it_reports_what_it_made_and_every_state_occurs(municipality: str) -> None:
    assert f"{MUNICIPALITY} ready" in municipality
    group_states = set(Group.objects.values_list("status", flat=True))
    assert {
        GroupStatus.COMPLETED,
        GroupStatus.RUNNING,
        GroupStatus.PUBLISHED,
        GroupStatus.DRAFT,
    } <= group_states
    enrolment_states = set(Enrolment.objects.values_list("status", flat=True))
    assert {
        EnrolmentStatus.COMPLETED,
        EnrolmentStatus.CONFIRMED,
        EnrolmentStatus.AWAITING_CONSENT,
        EnrolmentStatus.EXPIRED,
    } <= enrolment_states
    assert Group.objects.values("school_year").distinct().count() == 3
    assert School.objects.filter(municipality=MUNICIPALITY, school_type="vo").exists()


def test_no_group_is_over_capacity_and_every_child_fits_its_programme(municipality) -> None:
    for group in Group.objects.select_related("programme").prefetch_related("admitted_schools"):
        taken = group.enrolments.filter(
            status__in=[*SEAT_HOLDING, EnrolmentStatus.COMPLETED]
        ).count()
        assert taken <= group.capacity, group
        assert group.class_size is None or group.class_size <= group.capacity
        if group.status in (GroupStatus.DRAFT, GroupStatus.CANCELLED):
            assert not group.enrolments.exists()
        if group.enrolments.filter(status=EnrolmentStatus.WAITLISTED).exists():
            assert group.enrolments.filter(status__in=SEAT_HOLDING).count() == group.capacity
        first_day = timezone.localtime(
            group.sessions.filter(kind=SessionKind.CHILD).earliest("starts_at").starts_at
        ).date()
        schools = {group.host_school_id} | {s.pk for s in group.admitted_schools.all()}
        programme = group.programme
        for enrolment in group.enrolments.select_related("child"):
            child = enrolment.child
            assert programme.age_min <= age_on(child.date_of_birth, first_day) <= programme.age_max
            assert programme.grade_min <= child.grade <= programme.grade_max
            assert child.school_id in schools
            assert (enrolment.programme_id, enrolment.school_year_id) == (
                group.programme_id,
                group.school_year_id,
            )


def test_sessions_avoid_closed_days_and_trainers_are_qualified_and_never_double_booked() -> None:
    build(CROWDED_SCALE)
    groups = Group.objects.exclude(status=GroupStatus.CANCELLED).select_related(
        "programme", "host_school", "school_year"
    )
    for group in groups:
        trainers = list(group.trainers.select_related("user"))
        if group.status != GroupStatus.DRAFT:
            assert len(trainers) == group.programme.trainers_per_group, group
        for trainer in trainers:
            assert trainer.qualifications.filter(pk=group.programme_id).exists()
        sessions = list(group.sessions.filter(status=SessionStatus.SCHEDULED))
        first = timezone.localtime(sessions[0].starts_at).date()
        last = timezone.localtime(sessions[-1].starts_at).date()
        # The product's own checker, which the planning pages use.
        checker = ConflictChecker(
            school=group.host_school,
            trainers=trainers,
            start=first,
            end=last,
            exclude_session_ids=[s.pk for s in sessions],
        )
        calendar = SchoolCalendar(group.host_school, first, last)
        for session in sessions:
            assert calendar.is_open(timezone.localtime(session.starts_at).date())
            conflicts = checker.check(
                Slot(
                    starts_at=session.starts_at,
                    ends_at=session.ends_at,
                    school_id=group.host_school_id,
                    room=group.room,
                    trainer_ids=tuple(t.pk for t in trainers),
                    label=str(session),
                )
            )
            assert conflicts == [], [str(c) for c in conflicts]


def test_confirmed_children_have_every_consent_and_attendance_only_for_past_sessions(
    municipality,
) -> None:
    confirmed = Enrolment.objects.filter(
        status__in=[EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED]
    ).select_related("child", "group__programme")
    assert confirmed.exists()
    for enrolment in confirmed:
        guardians = Guardian.objects.filter(submission_id=enrolment.submission_id).exclude(
            authority=Authority.NONE
        )
        given = Consent.objects.filter(enrolment=enrolment, given=True)
        assert set(
            given.filter(party=ConsentParty.GUARDIAN).values_list("guardian", flat=True)
        ) == {g.pk for g in guardians}
        age = age_on(
            enrolment.child.date_of_birth, timezone.localtime(enrolment.confirmed_at).date()
        )
        if enrolment.group.programme.consent_child == ChildConsent.FROM_12 and age >= 12:
            assert given.filter(party=ConsentParty.CHILD).exists()
    for record in Attendance.objects.select_related("session", "enrolment"):
        assert record.session.group_id == record.enrolment.group_id
        assert record.session.kind == SessionKind.CHILD
        assert record.session.ends_at < NOW
        assert record.enrolment.status in (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED)
    assert Attendance.objects.exists()


def test_invoices_follow_the_ledger(municipality) -> None:
    invoices = Invoice.objects.select_related("agreement__programme", "agreement__school_year")
    assert invoices.exists()
    for invoice in invoices:
        agreement = invoice.agreement
        assert invoice.amount == school_share(agreement, delivered_units(agreement))
        if invoice.status == InvoiceStatus.PAID:
            assert invoice.date_paid >= invoice.date_sent


def test_a_second_run_adds_nothing_and_says_so(municipality) -> None:
    counts = (Group.objects.count(), Enrolment.objects.count(), School.objects.count())
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("seed_large_municipality", "--demo", "--scale", SCALE, stdout=out)
    assert "exists already" in out.getvalue()
    assert (Group.objects.count(), Enrolment.objects.count(), School.objects.count()) == counts


def test_it_refuses_to_fill_a_production_database(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true or pass --demo"):
        call_command("seed_large_municipality", "--scale", SCALE, stdout=StringIO())
    assert not School.objects.exists()


# The builder's years and rounds follow the clock: a summer day, when no group is under way,
# and a day in a year the shipped holidays do not cover.
OTHER_DAYS = {
    "2027-07-20": (
        dt.datetime(2027, 7, 20, 10, 0, tzinfo=AMSTERDAM),
        ["2025-2026", "2026-2027", "2027-2028"],
    ),
    "2029-10-26": (
        dt.datetime(2029, 10, 26, 10, 0, tzinfo=AMSTERDAM),
        ["2028-2029", "2029-2030", "2030-2031"],
    ),
}


@pytest.mark.parametrize("day", OTHER_DAYS)
def test_it_builds_last_this_and_next_school_year_of_any_day(day: str) -> None:
    now, labels = OTHER_DAYS[day]
    with time_machine.travel(now, tick=False):
        out = StringIO()
        call_command("seed_large_municipality", "--demo", "--scale", SCALE, stdout=out)
    today = now.date()
    assert sorted(set(Group.objects.values_list("school_year__label", flat=True))) == labels
    for group in Group.objects.exclude(status=GroupStatus.CANCELLED).select_related(
        "host_school", "school_year"
    ):
        days = [
            timezone.localtime(s.starts_at).date()
            for s in group.sessions.filter(status=SessionStatus.SCHEDULED)
        ]
        calendar = SchoolCalendar(group.host_school, min(days), max(days))
        assert all(calendar.is_open(d) for d in days), group
        if group.status == GroupStatus.COMPLETED:
            assert max(days) < today, group
        elif group.status == GroupStatus.RUNNING:
            assert min(days) <= today <= max(days), group
        else:
            assert min(days) > today, group
    closures = SchoolClosure.objects.filter(school__municipality=MUNICIPALITY)
    for closure in closures.select_related("school"):
        status = SchoolCalendar(closure.school, closure.start_date, closure.start_date).status(
            closure.start_date
        )
        assert [r.because for r in status.reasons] == [ClosedBecause.SCHOOL_CLOSURE], closure
    missing = [label for label in labels if label > "2027-2028"]  # beyond the shipped data
    for label in labels:
        assert (f"{label} has no holiday data" in out.getvalue()) == (label in missing)
    assert not SchoolHoliday.objects.filter(school_year__label__in=missing).exists()
