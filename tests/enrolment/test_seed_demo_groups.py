"""`seed_demo_groups` makes a school year at work around whatever day it runs: groups open
for enrolment, one running and one completed, on school days, through the services."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from enrolment.catalogue import open_groups
from enrolment.models import Attendance, Enrolment, EnrolmentStatus
from enrolment.services import seats_taken_in
from programmes.calendar import SchoolCalendar
from programmes.models import CoFinancingAgreement, InvoiceStatus, School, SchoolYear
from scheduler.models import Group, GroupStatus, PlanningRequest, SessionStatus

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A day in term, one just before the May holiday, one in the summer holiday, the first
# days of a year, a leap day, and a year the shipped holidays do not cover.
DAYS = [
    dt.date(2026, 12, 6),
    dt.date(2027, 3, 26),
    dt.date(2027, 7, 20),
    dt.date(2027, 9, 1),
    dt.date(2028, 2, 29),
    dt.date(2029, 10, 26),
]


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(10, 0), tzinfo=AMSTERDAM), tick=False
    )


def seed_on(day: dt.date) -> str:
    out = StringIO()
    with at(day):
        call_command("seed_demo", "--demo", stdout=StringIO())
        call_command("seed_demo_groups", "--demo", stdout=out)
    return out.getvalue()


def session_days(group: Group) -> list[dt.date]:
    return [
        timezone.localtime(s.starts_at).date()
        for s in group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("starts_at")
    ]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_a_parent_finds_an_open_group_with_seats_starting_after_today(today: dt.date) -> None:
    seed_on(today)
    regenboog = School.objects.get(brin="24RB")
    with at(today):
        offered = open_groups(regenboog.pk, today)
    kies = Group.objects.get(programme__code="kies", round_label__startswith="demo")
    assert [g.pk for g in offered] == [kies.pk]
    assert kies.status == GroupStatus.PUBLISHED
    assert kies.enrolment_opens_on <= today <= kies.enrolment_closes_on
    assert session_days(kies)[0] > today
    assert seats_taken_in(kies) < kies.capacity
    assert kies.enrolments.count() == 3
    assert kies.trainers.filter(user__username="trainer").exists()
    # Every open group lies within one school year, the year of its first day.
    for group in Group.objects.filter(round_label__startswith="demo"):
        days = session_days(group)
        assert {SchoolYear.label_for(d) for d in days} == {group.school_year.label}, group


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_a_running_group_has_sessions_behind_and_ahead_with_attendance(today: dt.date) -> None:
    seed_on(today)
    running = Group.objects.get(status=GroupStatus.RUNNING)
    days = session_days(running)
    assert days[0] < today < days[-1]
    confirmed = running.enrolments.filter(status=EnrolmentStatus.CONFIRMED)
    assert confirmed.count() == 4
    recorded = Attendance.objects.filter(session__group=running)
    assert recorded.exists()
    assert all(timezone.localtime(a.session.starts_at).date() < today for a in recorded)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_completed_groups_lie_wholly_before_today_in_one_school_year(today: dt.date) -> None:
    seed_on(today)
    completed = Group.objects.filter(status=GroupStatus.COMPLETED).select_related("programme")
    assert sorted(group.programme.code for group in completed) == ["kies", "think"]
    for group in completed:
        days = session_days(group)
        assert days[-1] < today
        assert {SchoolYear.label_for(d) for d in days} == {group.school_year.label}
        current = SchoolYear.label_for(today)
        if today.month in (1, 2, 3) or (
            today.month in (11, 12) and group.programme.code == "think"
        ):
            # The year has had room for a whole series (KIES's is ten weeks long).
            assert group.school_year.label == current, group


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_completed_kies_group_had_five_children_and_one_stopped_coming(today: dt.date) -> None:
    seed_on(today)
    kies = Group.objects.get(status=GroupStatus.COMPLETED, programme__code="kies")
    assert kies.enrolments.filter(status=EnrolmentStatus.CONFIRMED).count() == 5
    sessions = kies.sessions.filter(kind="child").count()
    present = Attendance.objects.filter(session__group=kies, status="present")
    per_child = sorted(present.values_list("enrolment", flat=True))
    counts = sorted(per_child.count(pk) for pk in set(per_child))
    assert counts == [2, sessions, sessions, sessions, sessions]


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_every_demo_session_is_on_a_day_its_school_is_open(today: dt.date) -> None:
    seed_on(today)
    for group in Group.objects.select_related("host_school"):
        days = session_days(group)
        calendar = SchoolCalendar(group.host_school, days[0], days[-1])
        assert all(calendar.is_open(day) for day in days), group
        if not group.school_year.holidays.exists():
            # No holiday data: the demo stays out of the summer it cannot see.
            assert not [day for day in days if day.month in (7, 8)], group


@pytest.mark.parametrize(
    ("today", "open_year"),
    [
        (dt.date(2027, 3, 26), "2027-2028"),  # too little left before the summer
        (dt.date(2027, 7, 20), "2027-2028"),  # in the summer holiday
        (dt.date(2027, 9, 1), "2027-2028"),
        (dt.date(2029, 10, 26), "2029-2030"),
    ],
    ids=str,
)
def test_the_open_groups_go_to_the_next_year_when_this_one_has_too_little_left(
    today: dt.date, open_year: str
) -> None:
    seed_on(today)
    years = set(
        Group.objects.filter(round_label__startswith="demo").values_list(
            "school_year__label", flat=True
        )
    )
    assert years == {open_year}


def test_a_year_without_holiday_data_is_planned_without_holidays_and_says_so() -> None:
    out = seed_on(dt.date(2029, 10, 26))
    year = SchoolYear.objects.get(label="2029-2030")
    assert not year.holidays.exists()
    assert "2029-2030 has no holiday data" in out
    assert "manager's pages warn" in out
    assert Group.objects.filter(school_year=year).count() == 8
    again = seed_on(dt.date(2029, 10, 26))  # second run the same day: nothing new
    assert "nothing new" in again and "no holiday data" not in again


@pytest.mark.parametrize("today", [dt.date(2026, 12, 6), dt.date(2027, 7, 20)], ids=str)
def test_the_demo_groups_are_made_once(today: dt.date) -> None:
    seed_on(today)
    counts = (Group.objects.count(), PlanningRequest.objects.count(), Enrolment.objects.count())
    # Seven groups with twelve children, and the decision demo's two with five.
    assert counts == (9, 2, 17)
    assert "nothing new" in seed_on(today)
    assert (
        Group.objects.count(),
        PlanningRequest.objects.count(),
        Enrolment.objects.count(),
    ) == counts


def test_the_demo_has_a_co_financing_agreement_with_a_concept_invoice() -> None:
    seed_on(dt.date(2026, 12, 6))
    seed_on(dt.date(2026, 12, 6))

    agreement = CoFinancingAgreement.objects.get()
    assert agreement.programme.code == "think"
    assert agreement.school.school_type == "vo"
    assert [invoice.status for invoice in agreement.invoices.all()] == [InvoiceStatus.CONCEPT]
    assert agreement.changes.count() == 2


def test_the_open_rounds_label_names_its_month_in_dutch() -> None:
    seed_on(dt.date(2026, 12, 6))
    labels = set(
        Group.objects.filter(round_label__startswith="demo ").values_list("round_label", flat=True)
    )
    dutch = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")  # fmt: skip
    assert labels and all(label.split()[1] in dutch for label in labels), labels
