"""`manage.py seed_demo`: the Zwolle demo, safe to run any number of times.

It creates what is missing and leaves what exists alone (a programme manager's
edits in the demo survive a second run): four programmes, 12 primary and 4
secondary schools with invented names, 8 trainers, school year 2026-2027, a
few closed days and one log-in per role. Every row goes through
`programmes.services`, so the demo obeys the same rules as real data.

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

from programmes import services
from programmes.access import MANAGER_GROUP, Role
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
    Trainer,
)

SCHOOL_YEAR = "2026-2027"
CITY = "Zwolle"


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
    study_days: tuple[dt.date, ...] = field(default=())


SCHOOLS: tuple[DemoSchool, ...] = (
    DemoSchool("CBS De Regenboog", "24RB", SchoolType.PO, "Bachlaan 40", "8031 HL", True),
    DemoSchool(
        "OBS De Zonnewijzer",
        "25ZW",
        SchoolType.PO,
        "Zonnebloemstraat 7",
        "8012 DA",
        study_days=(dt.date(2027, 2, 5),),
    ),
    DemoSchool("CBS Het Kompas", "26KP", SchoolType.PO, "Meeuwenlaan 3", "8021 AC", True),
    DemoSchool("OBS De Vlinderboom", "27VB", SchoolType.PO, "Vlinderstraat 18", "8017 BK"),
    DemoSchool(
        "Kindcentrum De Sterrenwacht",
        "28SW",
        SchoolType.PO,
        "Sterrenlaan 2",
        "8043 EZ",
        study_days=(dt.date(2026, 10, 2),),
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
        study_days=(dt.date(2027, 6, 18),),
    ),
    DemoSchool("Stadsmavo De IJssel", "43IJ", SchoolType.VO, "IJsselkade 3", "8011 NP"),
)

# The demo coordinator's schools: a Christian and a public primary school.
COORDINATED_BRINS = ("24RB", "27VB")

DANKDAG = dt.date(2026, 11, 4)  # first Wednesday of November
BIDDAG = dt.date(2027, 3, 10)  # second Wednesday of March


@dataclass(frozen=True)
class DemoTrainer:
    username: str
    first_name: str
    last_name: str
    qualifications: tuple[str, ...]
    max_sessions_per_week: int = 6


TRAINERS: tuple[DemoTrainer, ...] = (
    DemoTrainer("trainer", "Sanne", "de Boer", ("kies", "jes")),
    DemoTrainer("i.mulder", "Ingrid", "Mulder", ("kies",), 4),
    DemoTrainer("f.elamrani", "Fatima", "El Amrani", ("kies", "jes")),
    DemoTrainer("p.dijkstra", "Pieter", "Dijkstra", ("jes", "think"), 8),
    DemoTrainer("m.hendriks", "Maaike", "Hendriks", ("mkp", "think")),
    DemoTrainer("j.vanderveen", "Jeroen", "van der Veen", ("mkp",)),
    DemoTrainer("k.postma", "Karin", "Postma", ("kies", "mkp", "think"), 10),
    DemoTrainer("d.bakker", "Daan", "Bakker", ("mkp", "jes")),
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
        with transaction.atomic():
            programmes = self.seed_programmes()
            services.school_year_get_or_create(label=SCHOOL_YEAR)
            schools = self.seed_schools()
            users = self.seed_accounts()
            self.seed_trainers(programmes)
            self.seed_coordinators(schools, users["coordinator"])
        summary = ", ".join(f"{count} {what}" for what, count in self.created.items() if count)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({summary or 'nothing new'} created).")
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

    def seed_schools(self) -> dict[str, School]:
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
                    holiday_region=HolidayRegion.NOORD,
                    street_address=demo.street_address,
                    postcode=demo.postcode,
                    city=CITY,
                    municipality=CITY,
                )
            closures = [(day, "Studiedag") for day in demo.study_days]
            if demo.christian:
                closures += [(DANKDAG, "Dankdag"), (BIDDAG, "Biddag")]
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

    def seed_coordinators(self, schools: dict[str, School], coordinator: Any) -> None:
        for brin in COORDINATED_BRINS:
            school = schools[brin]
            current = list(school.coordinators.all())
            if coordinator not in current:
                services.school_update(school=school, coordinators=[*current, coordinator])
