"""factory_boy factories for the catalogue; later apps add theirs here. `make_group` is the
one builder of a scheduler group (through the service, so its sessions are generated as in
production).

Their dates follow today (the clock the test runs on): the current school year, a holiday
and a closure ahead of today. A test that needs a particular day writes it and fixes the
clock (tests/clock.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from programmes import access
from programmes.models import (
    Audience,
    ChildConsent,
    EnrolmentMode,
    GuardianConsent,
    HolidayKind,
    HolidayRegion,
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolType,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)

PASSWORD = "correct-horse-battery-staple"


def letters(n: int) -> str:
    """A person's-name stand-in for the number `n`: "aa", "ab", ... "az", "ba", ... (three
    letters from 676 on), one per number. A name holds no digits (enrolment/names.py), so a
    test that needs many distinct families writes f"Kind{letters(n)}", not f"Kind{n}"."""
    text = ""
    while n or len(text) < 2:
        n, digit = divmod(n, 26)
        text = chr(ord("a") + digit) + text
    return text


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


def make_manager(**kwargs: object):
    user = UserFactory(**kwargs)
    group, _ = Group.objects.get_or_create(name=access.MANAGER_GROUP)
    user.groups.add(group)
    return user


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"prog-{n}")
    name_nl = factory.Sequence(lambda n: f"Programma {n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    description_nl = "Een groep voor kinderen van gescheiden ouders."
    description_en = "A group for children of separated parents."
    audience = Audience.PO
    grade_min = 4
    grade_max = 8
    age_min = 7
    age_max = 12
    enrolment_mode = EnrolmentMode.INDIVIDUAL
    group_size_min = 6
    group_size_max = 10
    child_sessions = 8
    session_minutes = 60
    parent_meetings_before = 1
    parent_meetings_after = 1
    trainers_per_group = 2
    trainer_qualification = "Gecertificeerd KIES-coach"
    consent_guardians = GuardianConsent.ALL_WITH_AUTHORITY
    consent_child = ChildConsent.FROM_12
    default_cost_per_group = Decimal("1250.00")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Basisschool De Linde {n}")
    brin = factory.Sequence(
        lambda n: f"{10 + n % 90:02d}{chr(65 + (n // 90) % 26)}{chr(65 + n % 26)}"
    )
    branch = "00"
    school_type = SchoolType.PO
    holiday_region = HolidayRegion.NOORD
    street_address = "Schoolstraat 1"
    postcode = "8011 AB"
    city = "Zwolle"
    municipality = "Zwolle"

    @factory.post_generation
    def coordinators(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.coordinators.set(extracted)


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("label",)
        skip_postgeneration_save = True

    label = factory.LazyFunction(lambda: SchoolYear.label_for(timezone.localdate()))
    start_date = factory.LazyAttribute(lambda y: SchoolYear.bounds_for_label(y.label)[0])
    end_date = factory.LazyAttribute(lambda y: SchoolYear.bounds_for_label(y.label)[1])

    @factory.post_generation
    def holidays(year: SchoolYear, create: bool, extracted: object, **kwargs: object) -> None:
        """Tests only: a year beyond the shipped table gets the five holidays of the nearest
        shipped year, moved by whole weeks and marked source "test", so planning in it is
        not refused for want of holidays whatever day the suite runs on. A year that has
        holidays keeps them; `SchoolYearFactory(holidays=False)` leaves a year bare."""
        from programmes.school_holiday_data import (
            SHIPPED_HOLIDAYS,
            SHIPPED_SCHOOL_YEARS,
            school_year_bounds,
        )

        if not create or extracted is False or year.holidays.exists():
            return
        nearest = min(
            SHIPPED_SCHOOL_YEARS, key=lambda label: abs(int(label[:4]) - year.start_date.year)
        )
        shift = dt.timedelta(
            weeks=round((year.start_date - school_year_bounds(nearest)[0]).days / 7)
        )
        SchoolHoliday.objects.bulk_create(
            SchoolHoliday(
                school_year=year,
                region=shipped.region,
                kind=shipped.kind,
                start_date=shipped.start_date + shift,
                end_date=shipped.end_date + shift,
                advisory=shipped.advisory,
                source="test",
            )
            for shipped in SHIPPED_HOLIDAYS
            if shipped.school_year == nearest
        )


class SchoolHolidayFactory(factory.django.DjangoModelFactory):
    """An extra holiday (kind OTHER): the five standard kinds of 2025-2028 are shipped
    by a data migration, so they exist in every test database already."""

    class Meta:
        model = SchoolHoliday

    school_year = factory.SubFactory(SchoolYearFactory)
    region = HolidayRegion.NOORD
    kind = HolidayKind.OTHER
    name = factory.Sequence(lambda n: f"Extra vrije dagen {n}")
    # A week of the school year, ten weeks after its start (Saturday to Sunday).
    start_date = factory.LazyAttribute(
        lambda h: (
            h.school_year.start_date
            + dt.timedelta(weeks=10, days=(5 - h.school_year.start_date.weekday()) % 7)
        )
    )
    end_date = factory.LazyAttribute(lambda h: h.start_date + dt.timedelta(days=8))


class SchoolClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClosure

    school = factory.SubFactory(SchoolFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(weeks=3))
    end_date = factory.LazyAttribute(lambda c: c.start_date)
    reason = "Studiedag"


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    max_sessions_per_week = 6

    @factory.post_generation
    def qualifications(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.qualifications.set(extracted)


class TrainerUnavailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainerUnavailability

    trainer = factory.SubFactory(TrainerFactory)
    # Next week, Monday 08:00 to Friday 17:00 UTC.
    starts_at = factory.LazyFunction(
        lambda: dt.datetime.combine(
            timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday()),
            dt.time(8, 0),
            tzinfo=dt.UTC,
        )
    )
    ends_at = factory.LazyAttribute(lambda u: u.starts_at + dt.timedelta(days=4, hours=9))
    reason = "Vakantie"


def make_group(
    programme: Programme,
    *,
    first_date: dt.date,
    school: School | None = None,
    year: SchoolYear | None = None,
    trainers: Sequence[Trainer] = (),
    weekday: int | None = None,
    start_time: dt.time = dt.time(13, 0),
    round_label: str | None = None,
    **extra: Any,
) -> Any:
    """A group of `programme` starting on `first_date`, made by the scheduler's service
    `group_create` (conflict checks, sessions generated around holidays, events emitted), in
    status draft. What is not given follows from `first_date`: the weekday, the school year
    that holds it and the round (najaar or voorjaar of its year); a new school when none is
    given. `extra` goes to `group_create` (room, capacity,
    class_name, override_by, ...). The first day is written by the test, which fixes the
    clock (tests/clock.py)."""
    from scheduler.services import group_create

    season = "voorjaar" if first_date.month < 8 else "najaar"
    return group_create(
        programme=programme,
        host_school=school if school is not None else SchoolFactory(),
        school_year=year
        if year is not None
        else SchoolYearFactory(label=SchoolYear.label_for(first_date)),
        round_label=round_label or f"{season} {first_date.year}",
        weekday=first_date.weekday() if weekday is None else weekday,
        start_time=start_time,
        first_date=first_date,
        trainers=list(trainers),
        **extra,
    ).group
