"""`manage.py seed_demo`: the Zwolle demo, safe to run any number of times.

It creates what is missing and leaves what exists alone (a programme manager's
edits in the demo survive a second run): four programmes, 12 primary and 4
secondary schools with invented names, 8 trainers, the current school year (and
from 1 May the next one too), the closed days of those years and one log-in per
role. Every row goes through `programmes.services`, so the demo obeys the same
rules as real data.

The demo follows the calendar: its years come from today, Dankdag and Biddag are
computed for each year and study days are rules ("the first Friday of February")
placed on a school day of that year. Holidays are never made up: a year the shipped
data does not cover gets none, and the manager's pages warn about it.

The demo accounts have well-known passwords, so the command only runs with
DEBUG on or with `--demo`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from programmes import services
from programmes.access import MANAGER_GROUP, Role
from programmes.calendar import ClosedBecause, SchoolCalendar, biddag, dankdag, nth_weekday
from programmes.models import (
    Audience,
    ChildConsent,
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
from programmes.selectors import school_year_has_holidays

CITY = "Zwolle"
REGION = HolidayRegion.NOORD
# From this month on the demo also shows the next school year, as planning for it begins.
NEXT_YEAR_FROM_MONTH = 5


def demo_school_year_labels(today: dt.date) -> list[str]:
    """The school years the demo shows on `today`: the current one, and from 1 May the next."""
    current = SchoolYear.label_for(today)
    if NEXT_YEAR_FROM_MONTH <= today.month <= 7:
        first = int(current[:4]) + 1
        return [current, f"{first}-{first + 1}"]
    return [current]


def has_holidays(label: str, region: str = REGION) -> bool:
    """Whether school year `label` exists and has holidays for `region` (shipped, imported
    or entered by the manager)."""
    year = SchoolYear.objects.filter(label=label).first()
    return year is not None and school_year_has_holidays(year, region=region)


@dataclass(frozen=True)
class StudyDay:
    """A study day as a rule within a school year: the `nth` `weekday` (Monday 0) of `month`.

    A rule that lands in a holiday or on a public holiday moves a week on; the school's own
    closed days do not move it (the study day itself is one, on a second run)."""

    month: int
    weekday: int
    nth: int

    def in_year(self, year: SchoolYear, calendar: SchoolCalendar) -> dt.date:
        calendar_year = year.start_date.year if self.month >= 8 else year.end_date.year
        day = nth_weekday(calendar_year, self.month, self.weekday, self.nth)
        while self._closed(calendar, day) and day + dt.timedelta(weeks=1) <= year.end_date:
            day += dt.timedelta(weeks=1)
        return day

    @staticmethod
    def _closed(calendar: SchoolCalendar, day: dt.date) -> bool:
        return any(
            reason.because != ClosedBecause.SCHOOL_CLOSURE
            for reason in calendar.status(day).reasons
        )


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    username: str
    password: str
    first_name: str
    last_name: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(Role.MANAGER, "beheerder", "beheerder-demo", "Marieke", "Jonker"),
    DemoAccount(Role.COORDINATOR, "coordinator", "coordinator-demo", "Erik", "Vos"),
    DemoAccount(Role.TRAINER, "trainer", "trainer-demo", "Sanne", "de Boer"),
    # Her wijkteam profile, slots and referrals: referrals/management/commands/seed_demo_referrals.
    DemoAccount(Role.WIJKTEAM, "wijkteam", "wijkteam-demo", "Fatima", "El Amrani"),
)

PROGRAMMES: dict[str, dict[str, Any]] = {
    "kies": {
        "name_nl": "KIES (Kinderen in Scheiding)",
        "name_en": "KIES (Children in Divorce)",
        "description_nl": (
            "Groepsprogramma voor kinderen van gescheiden ouders, op een basisschool. "
            "Kinderen van meerdere scholen kunnen samen een groep vormen."
        ),
        "description_en": (
            "Group programme for children of separated parents, hosted at a primary school. "
            "Children of several schools may join one group."
        ),
        "audience": Audience.PO,
        "grade_min": 4,
        "grade_max": 8,
        "age_min": 7,
        "age_max": 12,
        "enrolment_mode": EnrolmentMode.INDIVIDUAL,
        "group_size_min": 6,
        # A KIES group starts with 6 children; two weeks before its first session someone
        # decides about a group with fewer (pool, postpone or not start).
        "decision_days": 14,
        "group_size_max": 10,
        "child_sessions": 8,
        "session_minutes": 60,
        "parent_meetings_before": 1,
        "parent_meetings_after": 1,
        "parent_meeting_minutes": 90,
        "trainers_per_group": 2,
        "trainer_qualification": "Gecertificeerd KIES-coach",
        "consent_guardians": GuardianConsent.ALL_WITH_AUTHORITY,
        "consent_child": ChildConsent.FROM_12,
        "requires_intake": True,
        "discreet_titles": True,
        "discreet_name": "Groepsbijeenkomst",
        "co_financed": False,
        "default_cost_per_group": Decimal("1250.00"),
        "calendar_colour": "#1D5F9E",
    },
    "jes": {
        "name_nl": "!JES, het brugproject",
        "name_en": "!JES, the bridge project",
        "description_nl": (
            "Voor tieners in het voortgezet onderwijs van wie de ouders gescheiden zijn: "
            "eerst drie ouderbijeenkomsten, dan zeven bijeenkomsten met de jongeren en "
            "na ongeveer drie maanden een terugkombijeenkomst."
        ),
        "description_en": (
            "For teenagers in secondary school whose parents have separated: three parent "
            "meetings first, then seven sessions with the teenagers and a follow-up "
            "meeting about three months later."
        ),
        "audience": Audience.VO,
        "grade_min": 1,
        "grade_max": 3,
        "age_min": 12,
        "age_max": 16,
        "enrolment_mode": EnrolmentMode.INDIVIDUAL,
        "group_size_min": 6,
        "group_size_max": 8,
        "child_sessions": 7,
        "session_minutes": 90,
        "parent_meetings_before": 3,
        "parent_meetings_after": 1,
        "parent_meeting_minutes": 90,
        "trainers_per_group": 2,
        "trainer_qualification": "Getrainde !JES-begeleider",
        "consent_guardians": GuardianConsent.ALL_WITH_AUTHORITY,
        "consent_child": ChildConsent.FROM_12,
        "discreet_titles": True,
        "discreet_name": "Brugproject",
        "co_financed": False,
        "default_cost_per_group": Decimal("1400.00"),
        "calendar_colour": "#8B3A62",
    },
    "think": {
        "name_nl": "THINK op school",
        "name_en": "THINK at school",
        "description_nl": (
            "Wekelijkse lessen voor hele klassen in klas 1 en 2 van het voortgezet "
            "onderwijs, samen met de mentor. De school boekt per klas en betaalt mee."
        ),
        "description_en": (
            "Weekly lessons for whole classes in years 1 and 2 of secondary school, "
            "together with the class mentor. The school books per class and co-finances."
        ),
        "audience": Audience.VO,
        "grade_min": 1,
        "grade_max": 2,
        "age_min": 12,
        "age_max": 14,
        "enrolment_mode": EnrolmentMode.CLASS,
        "group_size_min": 10,
        "group_size_max": 32,
        "child_sessions": 6,
        "session_minutes": 60,
        "parent_meetings_before": 0,
        "parent_meetings_after": 0,
        "trainers_per_group": 1,
        "trainer_qualification": "THINK-trainer",
        "consent_guardians": GuardianConsent.NONE,
        "consent_child": ChildConsent.NONE,
        "co_financed": True,
        "default_cost_per_group": Decimal("850.00"),
        "calendar_colour": "#2E7D32",
    },
    "mkp": {
        "name_nl": "Marietje Kessels Project",
        "name_en": "Marietje Kessels Project",
        "description_nl": (
            "Weerbaarheidstraining voor groep 7 en 8, per klas gesplitst in een meiden- en "
            "een jongensgroep, afgesloten met een examenles. Vooraf een ouderavond."
        ),
        "description_en": (
            "Resilience training for groep 7 and 8, each class split into a girls' and a "
            "boys' group, ending with an exam lesson. A parents' evening comes first."
        ),
        "audience": Audience.PO,
        "grade_min": 7,
        "grade_max": 8,
        "age_min": 10,
        "age_max": 12,
        "enrolment_mode": EnrolmentMode.CLASS,
        "group_size_min": 10,
        "group_size_max": 32,
        "child_sessions": 11,
        "session_minutes": 60,
        "parent_meetings_before": 1,
        "parent_meetings_after": 0,
        "parent_meeting_minutes": 90,
        "trainers_per_group": 2,
        "trainer_qualification": "Gecertificeerd MKP-trainer (een vrouw en een man)",
        "consent_guardians": GuardianConsent.NONE,
        "consent_child": ChildConsent.NONE,
        "co_financed": False,
        "default_cost_per_group": Decimal("975.00"),
        "calendar_colour": "#C4501B",
    },
}


@dataclass(frozen=True)
class DemoSchool:
    name: str
    brin: str
    school_type: SchoolType
    street_address: str
    postcode: str
    christian: bool = False  # closes on Biddag and Dankdag
    study_days: tuple[StudyDay, ...] = field(default=())


SCHOOLS: tuple[DemoSchool, ...] = (
    DemoSchool("CBS De Regenboog", "24RB", SchoolType.PO, "Bachlaan 40", "8031 HL", True),
    DemoSchool(
        "OBS De Zonnewijzer",
        "25ZW",
        SchoolType.PO,
        "Zonnebloemstraat 7",
        "8012 DA",
        study_days=(StudyDay(month=2, weekday=4, nth=1),),  # first Friday of February
    ),
    DemoSchool("CBS Het Kompas", "26KP", SchoolType.PO, "Meeuwenlaan 3", "8021 AC", True),
    DemoSchool("OBS De Vlinderboom", "27VB", SchoolType.PO, "Vlinderstraat 18", "8017 BK"),
    DemoSchool(
        "Kindcentrum De Sterrenwacht",
        "28SW",
        SchoolType.PO,
        "Sterrenlaan 2",
        "8043 EZ",
        study_days=(StudyDay(month=10, weekday=4, nth=1),),  # first Friday of October
    ),
    DemoSchool("CBS De Wegwijzer", "29WW", SchoolType.PO, "Wegedoornstraat 11", "8026 XL", True),
    DemoSchool("RKBS Sint Franciscus", "30SF", SchoolType.PO, "Kloosterweg 5", "8019 AP"),
    DemoSchool("OBS Het Palet", "31PL", SchoolType.PO, "Schilderslaan 21", "8014 LJ"),
    DemoSchool("CBS De Fontein", "32FT", SchoolType.PO, "Bronsweg 8", "8025 PG", True),
    DemoSchool("Daltonschool De Esdoorn", "33ED", SchoolType.PO, "Esdoornlaan 15", "8042 MN"),
    DemoSchool("Montessorischool Zwolle-Zuid", "34MZ", SchoolType.PO, "Lindepad 1", "8033 RT"),
    DemoSchool("OBS De Kleine Wereld", "35KW", SchoolType.PO, "Wereldpad 9", "8024 BS"),
    DemoSchool("Het Zwolse Lyceum", "40ZL", SchoolType.VO, "Lyceumlaan 10", "8022 AW"),
    DemoSchool(
        "Christelijk College De Hanze", "41HZ", SchoolType.VO, "Hanzeweg 30", "8017 JC", True
    ),
    DemoSchool(
        "Scholengemeenschap Het Vechtland",
        "42VL",
        SchoolType.VO,
        "Vechtstraat 45",
        "8021 KZ",
        study_days=(StudyDay(month=6, weekday=4, nth=3),),  # third Friday of June
    ),
    DemoSchool("Stadsmavo De IJssel", "43IJ", SchoolType.VO, "IJsselkade 3", "8011 NP"),
)

# The demo coordinator's schools: a Christian and a public primary school.
COORDINATED_BRINS = ("24RB", "27VB")


@dataclass(frozen=True)
class DemoTrainer:
    username: str
    first_name: str
    last_name: str
    qualifications: tuple[str, ...]
    max_sessions_per_week: int = 6
    # Programme code -> days from today to the certificate's last valid day. Kept that far
    # ahead on every run, so the demo's coaches stay certified on any day it is started.
    certificates: tuple[tuple[str, int], ...] = ()


TRAINERS: tuple[DemoTrainer, ...] = (
    DemoTrainer("trainer", "Sanne", "de Boer", ("kies", "jes"), certificates=(("kies", 730),)),
    DemoTrainer("i.mulder", "Ingrid", "Mulder", ("kies",), 4, certificates=(("kies", 500),)),
    DemoTrainer(
        "f.elamrani", "Fatima", "El Amrani", ("kies", "jes"), certificates=(("kies", 900),)
    ),
    DemoTrainer("p.dijkstra", "Pieter", "Dijkstra", ("jes", "think"), 8),
    DemoTrainer("m.hendriks", "Maaike", "Hendriks", ("mkp", "think")),
    DemoTrainer("j.vanderveen", "Jeroen", "van der Veen", ("mkp",)),
    DemoTrainer(
        "k.postma", "Karin", "Postma", ("kies", "mkp", "think"), 10, certificates=(("kies", 600),)
    ),
    # Leads no demo group: the manager's start page shows a certificate about to end.
    DemoTrainer("d.bakker", "Daan", "Bakker", ("mkp", "jes"), certificates=(("jes", 40),)),
)


class Command(BaseCommand):
    help = "Load the Zwolle demo data (idempotent). Needs DEBUG=true or --demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Allow the well-known demo passwords even with DEBUG off.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or options["demo"]):
            raise CommandError(
                "seed_demo creates accounts with well-known passwords; "
                "run it with DEBUG=true or pass --demo."
            )
        self.created: dict[str, int] = {}
        today = timezone.localdate()
        with transaction.atomic():
            programmes = self.seed_programmes()
            years = self.seed_school_years(today)
            schools = self.seed_schools(years)
            users = self.seed_accounts()
            self.seed_trainers(programmes)
            self.seed_coordinators(schools, users["coordinator"])
        summary = ", ".join(f"{count} {what}" for what, count in self.created.items() if count)
        for year in years:
            if not has_holidays(year.label):
                self.stdout.write(
                    self.style.WARNING(
                        f"School year {year.label} has no holiday data for regio {REGION}; "
                        "the demo does not make any up. The manager's pages warn about it "
                        "(import the holidays from an .ics file there)."
                    )
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready for {' and '.join(y.label for y in years)} "
                f"({summary or 'nothing new'} created)."
            )
        )

    def _count(self, what: str, created: bool) -> None:
        self.created[what] = self.created.get(what, 0) + int(created)

    def seed_programmes(self) -> dict[str, Programme]:
        result = {}
        for code, fields in PROGRAMMES.items():
            programme = Programme.objects.filter(code=code).first()
            self._count("programmes", programme is None)
            if programme is None:
                programme = services.programme_create(code=code, **fields)
            result[code] = programme
        return result

    def seed_school_years(self, today: dt.date) -> list[SchoolYear]:
        years = []
        for label in demo_school_year_labels(today):
            exists = SchoolYear.objects.filter(label=label).exists()
            self._count("school years", not exists)
            years.append(services.school_year_get_or_create(label=label))
        return years

    def seed_schools(self, years: list[SchoolYear]) -> dict[str, School]:
        result = {}
        for demo in SCHOOLS:
            school = School.objects.filter(brin=demo.brin, branch="00").first()
            self._count("schools", school is None)
            if school is None:
                school = services.school_create(
                    name=demo.name,
                    brin=demo.brin,
                    branch="00",
                    school_type=demo.school_type,
                    holiday_region=REGION,
                    street_address=demo.street_address,
                    postcode=demo.postcode,
                    city=CITY,
                    municipality=CITY,
                )
            closures = []
            for year in years:
                if demo.study_days:
                    calendar = SchoolCalendar(school, year.start_date, year.end_date)
                    closures += [
                        (rule.in_year(year, calendar), "Studiedag") for rule in demo.study_days
                    ]
                if demo.christian:
                    closures += [
                        (dankdag(year.start_date.year), "Dankdag"),
                        (biddag(year.end_date.year), "Biddag"),
                    ]
            for day, reason in closures:
                exists = SchoolClosure.objects.filter(school=school, start_date=day).exists()
                self._count("closed days", not exists)
                if not exists:
                    services.school_closure_create(school=school, start_date=day, reason=reason)
            result[demo.brin] = school
        return result

    def _user(self, username: str, first_name: str, last_name: str, password: str | None) -> Any:
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        self._count("users", user is None)
        if user is None:
            # Only demo accounts get a password; other demo trainers cannot log in.
            user = user_model.objects.create_user(
                username=username,
                email=f"{username}@example.org",
                password=password,
                first_name=first_name,
                last_name=last_name,
            )
        return user

    def seed_accounts(self) -> dict[str, Any]:
        users = {}
        for account in DEMO_ACCOUNTS:
            users[account.username] = self._user(
                account.username, account.first_name, account.last_name, account.password
            )
        manager = users["beheerder"]
        manager.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
        if not manager.is_staff:
            manager.is_staff = True
            manager.save(update_fields=["is_staff"])
        return users

    def seed_trainers(self, programmes: dict[str, Programme]) -> None:
        for demo in TRAINERS:
            user = self._user(demo.username, demo.first_name, demo.last_name, None)
            exists = Trainer.objects.filter(user=user).exists()
            self._count("trainers", not exists)
            if not exists:
                services.trainer_create(
                    user=user,
                    qualifications=[programmes[code] for code in demo.qualifications],
                    max_sessions_per_week=demo.max_sessions_per_week,
                )
            trainer = Trainer.objects.get(user=user)
            for code, days in demo.certificates:
                services.qualification_certify(
                    trainer=trainer,
                    programme=programmes[code],
                    certificate_number=f"{code.upper()}-{user.pk:04d}",
                    valid_until=timezone.localdate() + dt.timedelta(days=days),
                )

    def seed_coordinators(self, schools: dict[str, School], coordinator: Any) -> None:
        for brin in COORDINATED_BRINS:
            school = schools[brin]
            current = list(school.coordinators.all())
            if coordinator not in current:
                services.school_update(school=school, coordinators=[*current, coordinator])
