"""`make run` on a database seeded on an earlier day: `seed_demo` and `seed_demo_groups` run
again and bring today's demo back (a group open for enrolment with seats, a running group,
the current school year), leaving what exists alone; the same day a second time adds
nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from enrolment.catalogue import open_groups
from enrolment.models import Enrolment, Guardian
from enrolment.selectors import seats_taken
from programmes.models import CoFinancingAgreement, Invoice, School, SchoolYear
from scheduler.models import Group, GroupStatus, PlanningRequest, SessionStatus
from scheduler.services import group_cancel

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Seeded in term, then started again before the May holiday, in a new school year and in a
# year the shipped holidays do not cover.
FIRST_DAY = dt.date(2026, 12, 6)
LATER_DAYS = [dt.date(2027, 3, 26), dt.date(2027, 9, 1), dt.date(2029, 10, 26)]


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(10, 0), tzinfo=AMSTERDAM), tick=False
    )


def make_run_seeds(day: dt.date) -> str:
    """What `make run` runs on `day`; the groups command's output."""
    out = StringIO()
    with at(day):
        call_command("seed_demo", "--demo", stdout=StringIO())
        call_command("seed_demo_groups", "--demo", stdout=out)
    return out.getvalue()


def everything() -> tuple[int, ...]:
    return (
        SchoolYear.objects.count(),
        Group.objects.count(),
        PlanningRequest.objects.count(),
        Enrolment.objects.count(),
        CoFinancingAgreement.objects.count(),
        Invoice.objects.count(),
    )


def assert_alive(day: dt.date) -> None:
    regenboog = School.objects.get(brin="24RB")
    with at(day):
        offered = open_groups(regenboog.pk, day)
        now = timezone.now()
    taken = seats_taken([g.pk for g in offered])
    assert [g for g in offered if taken.get(g.pk, 0) < g.capacity], day
    running = [
        group
        for group in Group.objects.filter(status=GroupStatus.RUNNING)
        if group.sessions.filter(status=SessionStatus.SCHEDULED, starts_at__lt=now).exists()
        and group.sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now).exists()
    ]
    assert running, day
    assert SchoolYear.objects.filter(label=SchoolYear.label_for(day)).exists()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_seeded_on_an_earlier_day_is_alive_again_on_every_later_start() -> None:
    make_run_seeds(FIRST_DAY)
    assert_alive(FIRST_DAY)
    for number, day in enumerate(LATER_DAYS, start=2):
        before = {e.pk: e.status for e in Enrolment.objects.all()}
        out = make_run_seeds(day)
        assert f"added demo round {number}" in out, out
        assert_alive(day)
        # Earlier rounds are left as they were.
        assert {e.pk: e.status for e in Enrolment.objects.filter(pk__in=before)} == before
        counts = everything()
        assert "nothing new" in make_run_seeds(day)
        assert everything() == counts
    rounds = Group.objects.filter(programme__code="kies", round_label__startswith="demo")
    assert rounds.values("round_label").distinct().count() == 4
    # Each round has a completed THINK class and a completed KIES group.
    assert Group.objects.filter(status=GroupStatus.COMPLETED).count() == 8


def test_a_later_round_in_the_same_school_year_reuses_its_co_financing_agreement() -> None:
    make_run_seeds(dt.date(2027, 3, 26))  # the open groups go to 2027-2028
    make_run_seeds(dt.date(2027, 9, 1))  # so do this round's
    agreement = CoFinancingAgreement.objects.get()
    assert agreement.school_year.label == "2027-2028"
    assert [i.reference for i in agreement.invoices.all()] == ["THINK-2027-2028-001"]
    think = Group.objects.filter(programme__code="think", school_year=agreement.school_year)
    assert think.filter(round_label__startswith="demo").count() == 2


def test_a_demo_whose_open_group_was_cancelled_gets_new_open_groups_the_same_day() -> None:
    make_run_seeds(FIRST_DAY)
    kies = Group.objects.get(programme__code="kies", round_label__startswith="demo")
    with at(FIRST_DAY):
        group_cancel(group=kies, reason="Te weinig aanmeldingen")
    out = make_run_seeds(FIRST_DAY)
    assert "no group open for enrolment with a seat left today" in out
    assert "no running group" not in out
    assert_alive(FIRST_DAY)
    # Only what was missing: the running group still runs, its trainers are not doubled.
    assert Group.objects.filter(status=GroupStatus.RUNNING).count() == 1
    open_kies = Group.objects.filter(programme__code="kies", round_label__startswith="demo")
    assert open_kies.filter(status=GroupStatus.PUBLISHED).count() == 1
    # The new round's families are other children with their own addresses.
    emails = set(Guardian.objects.values_list("email", flat=True))
    assert "visser@example.org" in emails and "visser.ronde2@example.org" in emails
