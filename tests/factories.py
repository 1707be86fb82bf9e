"""factory_boy factories for every model of the project's apps, and `make_group`, the one
builder of a scheduler group (through the service, so its sessions are generated as in
production). tests/test_suite_shape.py fails when a model has no factory here.

Their dates follow today (the clock the test runs on): the current school year, a holiday
and a closure ahead of today. A test that needs a particular day writes it and fixes the
clock (tests/clock.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from programmes import access
from programmes.models import (
    ApiToken,
    Audience,
    ChildConsent,
    CoFinancingAgreement,
    CoFinancingChange,
    EnrolmentMode,
    GuardianConsent,
    HolidayKind,
    HolidayRegion,
    Invoice,
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
    # Made-up, one per user: a random real name ("Sam", "Samira") could be a child's name
    # that a test asserts is absent from a staff member's mail or page.
    first_name = factory.Sequence(lambda n: f"Staf{letters(n)}")
    last_name = factory.Sequence(lambda n: f"Veld{letters(n)}")
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


# --- programmes: co-financing and API tokens ----------------------------------------------


class CoFinancingAgreementFactory(factory.django.DjangoModelFactory):
    """A VO school's agreement for a programme in this school year: half of 1250.00."""

    class Meta:
        model = CoFinancingAgreement

    school = factory.SubFactory(SchoolFactory, school_type=SchoolType.VO)
    school_year = factory.SubFactory(SchoolYearFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    price = Decimal("1250.00")
    school_share_percentage = Decimal("50")


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A concept invoice (not sent, not paid) for an agreement."""

    class Meta:
        model = Invoice

    agreement = factory.SubFactory(CoFinancingAgreementFactory)
    reference = factory.Sequence(lambda n: f"F-{n:05d}")
    amount = Decimal("625.00")


class CoFinancingChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoFinancingChange

    agreement = factory.SubFactory(CoFinancingAgreementFactory)
    action = "created"
    actor_label = "Alice de Vries"


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token row; the secret is `token` (only its hash is stored, as the service does).
    To use a token in a request, make it with programmes' service instead."""

    class Meta:
        model = ApiToken
        exclude = ("token",)

    user = factory.SubFactory(UserFactory)
    token = factory.Sequence(lambda n: f"test-api-token-{n:08d}")
    key_hash = factory.LazyAttribute(lambda t: hashlib.sha256(t.token.encode()).hexdigest())
    prefix = factory.LazyAttribute(lambda t: t.token[:8])
    name = "test"


class QualificationFactory(factory.django.DjangoModelFactory):
    """A trainer's certificate for a programme, valid for a year from today."""

    class Meta:
        model = "programmes.Qualification"
        django_get_or_create = ("trainer", "programme")

    trainer = factory.SubFactory(TrainerFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    certificate_number = factory.Sequence(lambda n: f"CERT-{n:05d}")
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


# --- scheduler ----------------------------------------------------------------------------


class GroupFactory(factory.django.DjangoModelFactory):
    """A group row as it is stored, without sessions, conflict checks or events: for a test
    that needs a group to point at. A test of the scheduler's rules, or one that needs the
    sessions, uses `make_group` (through the service). Its first day is a Monday four weeks
    ahead of today."""

    class Meta:
        model = "scheduler.Group"

    programme = factory.SubFactory(ProgrammeFactory)
    host_school = factory.SubFactory(SchoolFactory)
    school_year = factory.SubFactory(SchoolYearFactory)
    round_label = "najaar"
    capacity = 8
    weekday = 0
    start_time = dt.time(13, 0)
    first_date = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(weeks=4, days=-timezone.localdate().weekday())
    )


class SessionFactory(factory.django.DjangoModelFactory):
    """A child session of a group, on its first day at its start time (Amsterdam)."""

    class Meta:
        model = "scheduler.Session"

    group = factory.SubFactory(GroupFactory)
    kind = "child"
    sequence = factory.Sequence(lambda n: n + 1)
    starts_at = factory.LazyAttribute(
        lambda s: timezone.make_aware(dt.datetime.combine(s.group.first_date, s.group.start_time))
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=1))


class ConflictOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scheduler.ConflictOverride"

    session = factory.SubFactory(SessionFactory)
    kind = "travel_buffer"
    message = "Te weinig reistijd tussen twee scholen."
    overridden_by = factory.SubFactory(UserFactory)


class PlanningRequestFactory(factory.django.DjangoModelFactory):
    """A school's open request for a programme, in a window from two to fourteen weeks
    ahead of today."""

    class Meta:
        model = "scheduler.PlanningRequest"

    school = factory.SubFactory(SchoolFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    school_year = factory.SubFactory(SchoolYearFactory)
    round_label = "najaar"
    window_start = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(weeks=2))
    window_end = factory.LazyAttribute(lambda r: r.window_start + dt.timedelta(weeks=12))
    preferred_weekdays = factory.LazyFunction(lambda: [0])
    expected_children = 7


class PlannerRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "scheduler.PlannerRun"

    school_year = factory.SubFactory(SchoolYearFactory)
    started_by = factory.SubFactory(UserFactory)


# --- enrolment ----------------------------------------------------------------------------


class ConsentTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrolment.ConsentText"
        django_get_or_create = ("version",)

    version = factory.Sequence(lambda n: f"test-{n}")
    text_nl = "Ik geef toestemming voor deelname."
    text_en = "I consent to taking part."


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submission row; rows made through `enrolment.services.submission_create` (the form
    and the API) carry their guardians, children and enrolments with them."""

    class Meta:
        model = "enrolment.Submission"

    consent_text = factory.SubFactory(ConsentTextFactory)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrolment.Guardian"

    submission = factory.SubFactory(SubmissionFactory)
    name = factory.Sequence(lambda n: f"Ouder {letters(n)} de Boer")
    email = factory.Sequence(lambda n: f"ouder{n}@example.org")
    authority = "joint"


class ChildFactory(factory.django.DjangoModelFactory):
    """A child in groep 4, eight years old today."""

    class Meta:
        model = "enrolment.Child"

    submission = factory.SubFactory(SubmissionFactory)
    first_name = factory.Sequence(lambda n: f"Kind{letters(n)}")
    last_name = "de Boer"
    date_of_birth = factory.LazyFunction(
        lambda: timezone.localdate().replace(month=3, day=1) - dt.timedelta(days=8 * 365)
    )
    school = factory.SubFactory(SchoolFactory)
    grade = 4


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """A confirmed enrolment of a child in a group (rows only: no seat check, no consent).
    The programme, school year and submission follow the group and the child."""

    class Meta:
        model = "enrolment.Enrolment"

    group = factory.SubFactory(GroupFactory)
    child = factory.SubFactory(ChildFactory)
    submission = factory.SelfAttribute("child.submission")
    programme = factory.SelfAttribute("group.programme")
    school_year = factory.SelfAttribute("group.school_year")
    child_key = factory.Sequence(lambda n: f"{n:064x}")
    status = "confirmed"


class ConsentFactory(factory.django.DjangoModelFactory):
    """A guardian's consent, given by link."""

    class Meta:
        model = "enrolment.Consent"

    enrolment = factory.SubFactory(EnrolmentFactory)
    party = "guardian"
    guardian = factory.SubFactory(
        GuardianFactory, submission=factory.SelfAttribute("..enrolment.submission")
    )
    given = True
    method = "link"
    consent_text = factory.SelfAttribute("enrolment.submission.consent_text")


class AccessLinkFactory(factory.django.DjangoModelFactory):
    """A guardian's manage link, valid for a week; the secret is `token`."""

    class Meta:
        model = "enrolment.AccessLink"
        exclude = ("token",)

    guardian = factory.SubFactory(GuardianFactory)
    submission = factory.SelfAttribute("guardian.submission")
    token = factory.Sequence(lambda n: f"test-link-{n:08d}")
    token_hash = factory.LazyAttribute(lambda a: hashlib.sha256(a.token.encode()).hexdigest())
    purpose = "manage"
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrolment.Intake"

    enrolment = factory.SubFactory(EnrolmentFactory, status="awaiting_intake")
    outcome = "suitable"
    recorded_by = factory.SubFactory(UserFactory)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrolment.Attendance"

    enrolment = factory.SubFactory(EnrolmentFactory)
    session = factory.SubFactory(SessionFactory, group=factory.SelfAttribute("..enrolment.group"))
    status = "present"
    recorded_by = factory.SubFactory(UserFactory)


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrolment.Interest"

    school = factory.SubFactory(SchoolFactory)
    programme = factory.SubFactory(ProgrammeFactory)


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrolment.AuditEntry"

    actor = factory.SubFactory(UserFactory)
    actor_label = factory.LazyAttribute(lambda e: e.actor.get_full_name() or e.actor.username)
    action = "view"
    target = "Groep"


# --- notifications ------------------------------------------------------------------------


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """A queued plain message; tests of the outbox itself enqueue through its service."""

    class Meta:
        model = "notifications.OutboxMessage"

    key = factory.Sequence(lambda n: f"test:{n}")
    kind = "test"
    to_email = factory.Sequence(lambda n: f"ontvanger{n}@example.org")
    subject = "Bericht"
    body_text = "Hallo."


class CalendarFeedTokenFactory(factory.django.DjangoModelFactory):
    """A trainer's feed (kind, owner and trainer agree, as the database demands)."""

    class Meta:
        model = "notifications.CalendarFeedToken"

    trainer = factory.SubFactory(TrainerFactory)
    owner = factory.SelfAttribute("trainer.user")
    kind = "trainer"
    token_hash = factory.Sequence(lambda n: hashlib.sha256(f"feed-{n}".encode()).hexdigest())


class CalendarEventStampFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.CalendarEventStamp"

    session = factory.SubFactory(SessionFactory)
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    changed_at = factory.LazyFunction(timezone.now)


# --- relatiedesk --------------------------------------------------------------------------


class PageTextFactory(factory.django.DjangoModelFactory):
    """A version of a programme's relatiedesk page for parents, in Dutch."""

    class Meta:
        model = "relatiedesk.PageText"

    programme = factory.SubFactory(ProgrammeFactory)
    audience = "ouders"
    language = "nl"
    version = factory.Sequence(lambda n: n + 1)
    title = "Voor ouders"
    body = "Wat uw kind in de groep doet."


# --- programmes: pupils per grade (reach) ---------------------------------------------------


class SchoolGradePupilsFactory(factory.django.DjangoModelFactory):
    """A school's own count of pupils in groep 4 this school year."""

    class Meta:
        model = "programmes.SchoolGradePupils"

    school = factory.SubFactory(SchoolFactory)
    school_year = factory.SubFactory(SchoolYearFactory)
    grade = 4
    pupils = 28


# --- evaluations ---------------------------------------------------------------------------


class EvaluationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.EvaluationSettings"

    programme = factory.SubFactory(ProgrammeFactory)
    min_sessions = 6


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.Goal"

    programme = factory.SubFactory(ProgrammeFactory)
    name_nl = "Ik kan met iemand praten over de scheiding"
    name_en = "I can talk to someone about the divorce"


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    """A published guardians' questionnaire (version 1, before and after)."""

    class Meta:
        model = "evaluations.Questionnaire"

    programme = factory.SubFactory(ProgrammeFactory)
    respondent = "guardian"
    version = factory.Sequence(lambda n: n + 1)
    title_nl = "Vragenlijst voor ouders"
    published_at = factory.LazyFunction(timezone.now)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A scale-of-five question that measures satisfaction."""

    class Meta:
        model = "evaluations.Question"

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    kind = "scale"
    text_nl = "Hoe tevreden bent u over de groep?"
    measures = "satisfaction"


class PairKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.PairKey"

    key = factory.Sequence(lambda n: f"pair{n:039d}")
    enrolment = factory.SubFactory(EnrolmentFactory)
    respondent = "child"


class ResponseFactory(factory.django.DjangoModelFactory):
    """A guardian's answers before the group (rows only: no invitation)."""

    class Meta:
        model = "evaluations.Response"

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    group = factory.SubFactory(GroupFactory)
    programme = factory.SelfAttribute("group.programme")
    school_year = factory.SelfAttribute("group.school_year")
    respondent = "guardian"
    moment = "before"


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.Answer"

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(
        QuestionFactory, questionnaire=factory.SelfAttribute("..response.questionnaire")
    )
    value = 4


class PairOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.PairOutcome"

    group = factory.SubFactory(GroupFactory)
    programme = factory.SelfAttribute("group.programme")
    school_year = factory.SelfAttribute("group.school_year")
    respondent = "child"
    goal = factory.SubFactory(GoalFactory, programme=factory.SelfAttribute("..programme"))
    improved = True


class InvitationFactory(factory.django.DjangoModelFactory):
    """A mentor's link (no pair key), open for three weeks."""

    class Meta:
        model = "evaluations.Invitation"

    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    questionnaire = factory.SubFactory(QuestionnaireFactory, respondent="teacher")
    group = factory.SubFactory(GroupFactory)
    moment = "before"
    email = "mentor@example.org"
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=21))


class GroupMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.GroupMoment"

    group = factory.SubFactory(GroupFactory)
    moment = "before"
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=21))


# --- referrals ----------------------------------------------------------------------------


class WijkteamWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.WijkteamWorker"

    user = factory.SubFactory(UserFactory)
    office_address = "Wijkteam Zwolle-Zuid, Ceintuurbaan 2"


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral sent by a coordinator of its school, to a parent's address."""

    class Meta:
        model = "referrals.Referral"

    referrer = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    school = factory.SubFactory(SchoolFactory)
    email = factory.Sequence(lambda n: f"ouder{n}@example.org")
    token_hash = factory.Sequence(lambda n: hashlib.sha256(f"referral-{n}".encode()).hexdigest())
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class TalkSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.TalkSlot"

    worker = factory.SubFactory(WijkteamWorkerFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    minutes = 45
    place = "office"


class TalkBookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.TalkBooking"

    slot = factory.SubFactory(TalkSlotFactory)
    email = factory.Sequence(lambda n: f"gesprek{n}@example.org")
    token_hash = factory.Sequence(lambda n: hashlib.sha256(f"talk-{n}".encode()).hexdigest())
