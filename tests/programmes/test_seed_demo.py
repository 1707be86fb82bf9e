from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from programmes.access import Role, roles_of
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

pytestmark = pytest.mark.django_db


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


def test_each_demo_user_has_exactly_its_role() -> None:
    seed()
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
