from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from programmes.access import Role, roles_of
from programmes.calendar import ClosedBecause, SchoolCalendar
from programmes.management.commands.seed_demo import DEMO_ACCOUNTS
from programmes.models import (
    EnrolmentMode,
    GuardianConsent,
    HolidayRegion,
    Programme,
    School,
    SchoolClosure,
    SchoolType,
    SchoolYear,
    Trainer,
)
from programmes.school_holiday_data import SHIPPED_SCHOOL_YEARS

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# The demo's years and closed days follow the clock; the tests without a day of their own
# run on the day the demo was rewritten to follow it.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime(2026, 12, 6, 10, 0, tzinfo=AMSTERDAM), tick=False),
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


MODELS = [Programme, School, SchoolClosure, SchoolYear, Trainer, get_user_model()]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    result = {model.__name__: model.objects.count() for model in MODELS}
    result["coordinator links"] = School.coordinators.through.objects.count()
    result["qualifications"] = Trainer.qualifications.through.objects.count()
    return result


def test_seeding_twice_creates_nothing_the_second_time() -> None:
    seed()
    first = counts()
    assert "nothing new" in seed()
    assert counts() == first


def test_it_seeds_the_zwolle_case() -> None:
    seed()
    assert set(Programme.objects.values_list("code", flat=True)) == {"kies", "jes", "think", "mkp"}
    assert School.objects.filter(school_type=SchoolType.PO).count() == 12
    assert School.objects.filter(school_type=SchoolType.VO).count() == 4
    assert set(School.objects.values_list("holiday_region", flat=True)) == {HolidayRegion.NOORD}
    assert Trainer.objects.count() == 8
    assert SchoolYear.objects.filter(label="2026-2027").exists()
    kies = Programme.objects.get(code="kies")
    assert (kies.child_sessions, kies.group_size_min, kies.group_size_max) == (8, 6, 10)
    think = Programme.objects.get(code="think")
    assert think.enrolment_mode == EnrolmentMode.CLASS
    assert think.consent_guardians == GuardianConsent.NONE
    assert think.co_financed


def test_christian_schools_close_on_biddag_and_dankdag() -> None:
    seed()
    regenboog = School.objects.get(brin="24RB")
    reasons = dict(regenboog.closures.values_list("start_date", "reason"))
    assert reasons == {dt.date(2026, 11, 4): "Dankdag", dt.date(2027, 3, 10): "Biddag"}
    assert not School.objects.get(brin="31PL").closures.exists()


# today -> the demo's school years with (Dankdag, Biddag) of each, computed by hand.
CALENDAR_DAYS = {
    dt.date(2026, 12, 6): {"2026-2027": (dt.date(2026, 11, 4), dt.date(2027, 3, 10))},
    dt.date(2027, 3, 26): {"2026-2027": (dt.date(2026, 11, 4), dt.date(2027, 3, 10))},
    dt.date(2027, 7, 20): {
        "2026-2027": (dt.date(2026, 11, 4), dt.date(2027, 3, 10)),
        "2027-2028": (dt.date(2027, 11, 3), dt.date(2028, 3, 8)),
    },
    dt.date(2027, 9, 1): {"2027-2028": (dt.date(2027, 11, 3), dt.date(2028, 3, 8))},
    dt.date(2028, 2, 29): {"2027-2028": (dt.date(2027, 11, 3), dt.date(2028, 3, 8))},
    dt.date(2029, 10, 26): {"2029-2030": (dt.date(2029, 11, 7), dt.date(2030, 3, 13))},
}


def seed_on(day: dt.date) -> str:
    with time_machine.travel(
        dt.datetime.combine(day, dt.time(10, 0), tzinfo=AMSTERDAM), tick=False
    ):
        return seed()


@pytest.mark.parametrize("today", CALENDAR_DAYS, ids=str)
def test_the_demo_shows_the_current_school_year_and_from_may_the_next(today: dt.date) -> None:
    out = seed_on(today)
    labels = list(CALENDAR_DAYS[today])
    assert f"Demo data ready for {' and '.join(labels)}" in out
    # The shipped holidays bring their years along; any other year is the demo's doing.
    existing = set(SchoolYear.objects.values_list("label", flat=True))
    assert set(labels) <= existing
    assert existing - set(SHIPPED_SCHOOL_YEARS) == set(labels) - set(SHIPPED_SCHOOL_YEARS)


@pytest.mark.parametrize("today", CALENDAR_DAYS, ids=str)
def test_christian_schools_close_on_the_computed_dankdag_and_biddag_of_each_year(
    today: dt.date,
) -> None:
    seed_on(today)
    expected = {
        day: reason
        for dankdag, biddag in CALENDAR_DAYS[today].values()
        for day, reason in ((dankdag, "Dankdag"), (biddag, "Biddag"))
    }
    christian = School.objects.filter(brin__in=["24RB", "26KP", "29WW", "32FT", "41HZ"])
    for school in christian:
        assert dict(school.closures.values_list("start_date", "reason")) == expected, school
    assert not SchoolClosure.objects.filter(
        reason__in=["Dankdag", "Biddag"], school__brin="31PL"
    ).exists()


@pytest.mark.parametrize("today", CALENDAR_DAYS, ids=str)
def test_study_days_fall_on_school_days_inside_each_demo_year(today: dt.date) -> None:
    seed_on(today)
    study_days = SchoolClosure.objects.filter(reason="Studiedag").select_related("school")
    assert study_days.count() == 3 * len(CALENDAR_DAYS[today])
    for label in CALENDAR_DAYS[today]:
        year = SchoolYear.objects.get(label=label)
        in_year = [c for c in study_days if year.contains(c.start_date)]
        assert len(in_year) == 3, label
        for closure in in_year:
            status = SchoolCalendar(closure.school, year.start_date, year.end_date).status(
                closure.start_date
            )
            # Closed for the study day itself only: a weekday outside holidays.
            assert [r.because for r in status.reasons] == [ClosedBecause.SCHOOL_CLOSURE]


@pytest.mark.parametrize("today", [dt.date(2027, 7, 20), dt.date(2029, 10, 26)], ids=str)
def test_a_second_run_on_another_day_adds_only_that_days_years(today: dt.date) -> None:
    seed_on(today)
    first = counts()
    assert "nothing new" in seed_on(today)
    assert counts() == first


def test_a_year_without_holiday_data_gets_none_and_a_warning() -> None:
    out = seed_on(dt.date(2029, 10, 26))
    year = SchoolYear.objects.get(label="2029-2030")
    assert not year.holidays.exists()
    assert "2029-2030 has no holiday data" in out
    assert "has no holiday data" not in seed_on(dt.date(2027, 9, 1))


def test_each_demo_user_has_exactly_its_role() -> None:
    seed()
    # The wijkteam log-in's profile comes from the referrals app's own seeding (make run).
    call_command("seed_demo_referrals", "--demo", stdout=StringIO())
    users = get_user_model().objects.in_bulk(
        [account.username for account in DEMO_ACCOUNTS], field_name="username"
    )
    for account in DEMO_ACCOUNTS:
        user = users[account.username]
        assert roles_of(user) == {account.role}, account.username
        assert user.check_password(account.password)
    assert users["beheerder"].is_staff


def test_the_demo_coordinator_sees_two_primary_schools_only() -> None:
    seed()
    coordinator = get_user_model().objects.get(username="coordinator")
    schools = School.objects.filter(coordinators=coordinator)
    assert set(schools.values_list("school_type", flat=True)) == {SchoolType.PO}
    assert schools.count() == 2


def test_other_demo_trainers_cannot_log_in() -> None:
    seed()
    trainer = Trainer.objects.select_related("user").get(user__username="i.mulder")
    assert not trainer.user.has_usable_password()
    assert roles_of(trainer.user) == {Role.TRAINER}


def test_it_refuses_without_debug_or_demo_flag(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--demo"):
        call_command("seed_demo", stdout=StringIO())
    assert not Programme.objects.exists()


def test_demo_logins_prints_each_role_with_its_password() -> None:
    seed()
    out = StringIO()
    call_command("demo_logins", "--demo", stdout=out)
    for account in DEMO_ACCOUNTS:
        assert f"{account.username}  " in out.getvalue()
        assert account.password in out.getvalue()


def test_demo_logins_hides_passwords_without_debug(settings) -> None:
    seed()
    settings.DEBUG = False
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert not any(account.password in out.getvalue() for account in DEMO_ACCOUNTS)
