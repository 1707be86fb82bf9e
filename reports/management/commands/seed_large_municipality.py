"""`manage.py seed_large_municipality`: a large invented municipality, for demos and load.

Builds "Vechtstede" on the current database: 60 primary and 15 secondary schools
with their coordinators, 30 trainers, three school years (last, this and next, counted
from today, so the data follows the calendar),
about 300 groups of the four programmes in every state, about 2,500 enrolments
with guardians, consents, intakes and attendance, co-financing agreements and
invoices for the secondary schools, planning requests and interest registrations.
`--scale 0.1` makes a tenth of it.

Everything is invented: names come from the short lists below, e-mail addresses
end in example.org, BRIN codes start with 50 to 99. Rows are written with
bulk_create, not through the services, so it takes seconds; the data keeps the
services' rules by construction (seats never above capacity, a child's age and
grade within the programme's range on the first session, every needed consent of
a confirmed enrolment, qualified trainers, no trainer in two places at once, no
session on a closed school day) and no domain event fires, so no e-mail is queued
for these invented families. Needs the programmes of `seed_demo` (it makes them
when they are missing).

Holidays are never made up: a year the stored holiday data does not cover for the region
is planned without them (the builder writes its sessions directly, so the scheduler's
refusal does not apply), and the command names those years; the manager's pages warn.

Runs once: when Vechtstede exists it says so and adds nothing. Like the other
demo commands it needs DEBUG=true or `--demo`.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from enrolment.models import (
    SEAT_HOLDING,
    Attendance,
    AttendanceStatus,
    Authority,
    Child,
    Consent,
    ConsentMethod,
    ConsentParty,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    Intake,
    IntakeOutcome,
    IntakeReason,
    Interest,
    Relation,
    Submission,
    age_on,
)
from enrolment.services import child_key, consent_text_current
from programmes import services as catalogue
from programmes.calendar import SchoolCalendar, public_holidays
from programmes.management.commands.seed_demo import PROGRAMMES
from programmes.models import (
    ChildConsent,
    CoFinancingAgreement,
    CostBasis,
    EnrolmentMode,
    HolidayRegion,
    Invoice,
    InvoiceStatus,
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolType,
    SchoolYear,
    Trainer,
)
from programmes.selectors import school_year_has_holidays
from reports.ledger import delivered_units, school_share
from scheduler.models import (
    Group,
    GroupStatus,
    PlanningRequest,
    Session,
    SessionKind,
    SessionStatus,
)
from scheduler.series import PlannedSession, plan_series

MUNICIPALITY = "Vechtstede"
REGION = HolidayRegion.MIDDEN
USERNAME_PREFIX = "vs."

GIRLS = (
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Yara", "Eva", "Liv",
    "Noor", "Lotte", "Fenna", "Saar", "Lina", "Anna", "Fleur", "Isa", "Roos", "Maud", "Jasmijn",
    "Amira", "Hanna", "Vera", "Femke", "Lieke", "Esmee", "Ilse", "Elif",
)  # fmt: skip
BOYS = (
    "Noah", "Sem", "Liam", "Lucas", "Daan", "Levi", "Finn", "Luuk", "Milan", "Jesse", "Bram",
    "Thijs", "Mees", "Sven", "Ruben", "Stijn", "Jens", "Tim", "Gijs", "Thomas", "Jayden", "Owen",
    "Adam", "Mohammed", "Ravi", "Hugo", "Julian", "Niels", "Teun", "Wout",
)  # fmt: skip
ADULTS = (
    "Marieke", "Sandra", "Linda", "Esther", "Ingrid", "Petra", "Monique", "Karin", "Anouk",
    "Naima", "Yvonne", "Miriam", "Jeroen", "Mark", "Erik", "Bas", "Ronald", "Sander", "Dennis",
    "Martijn", "Youssef", "Patrick", "Arjen", "Wouter", "Hans", "Kees", "Rik", "Joost",
)  # fmt: skip
SURNAMES = (
    "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks",
    "Dekker", "Brouwer", "Dijkstra", "Kok", "Jacobs", "Vermeulen", "Schouten", "Willems",
    "Hoekstra", "Koster", "Prins", "Huisman", "Kuipers", "Postma", "Timmermans", "Groen",
    "Wouters", "Kramer", "Veenstra", "Scholten", "Boersma", "Bosman", "Koning", "Haan", "Bulut",
    "Yilmaz", "El Idrissi", "Nijhuis", "Wolters", "Oosterhuis",
)  # fmt: skip
TUSSENVOEGSELS = ("", "", "", "", "de ", "van ", "van der ", "van den ", "van de ", "ter ")
PO_KINDS = (
    "CBS", "OBS", "RKBS", "Daltonschool", "Jenaplanschool", "Kindcentrum", "IKC",
    "Montessorischool",
)  # fmt: skip
PO_NAMES = (
    "De Vlonder", "Het Zeildoek", "De Wilgenhoek", "Het Klaverblad", "De Vuurtoren",
    "De Notenbalk", "Het Vogelnest", "De Zandloper", "Het Speelkwartier", "De Windroos",
    "De Kikkerbeek", "Het Kristal", "De Bolster", "Het Mozaïek", "De Lispeltuin", "Het Molenrad",
    "De Boomgaard", "De Horizon", "Het Startpunt", "De Zonnehoeve", "De Vlinderhof", "Het Anker",
    "De Hoeksteen", "De Lichtboei", "Het Zevengesternte", "De Akker", "Het Veerhuis",
    "De Uitkijk", "De Oversteek", "De Linde",
)  # fmt: skip
VO_NAMES = (
    "Vechtstede College", "Stedelijk Lyceum Vechtstede", "Het Baken", "Scholengemeenschap De Brink",
    "Oude Vesting College", "Vakcollege De Werf", "Mavo Het Waterfront", "Het Hanze Atheneum",
    "Christelijk Lyceum De Poort", "Groen College De Uiterwaard", "Montessori College Vechtstede",
    "Het Erasmus College", "Technasium De Sluis", "Scholengemeenschap Het Veld",
    "Rijnland Lyceum Vechtstede", "Het Kanaal College", "De Dijk Mavo", "Atheneum De Kade",
)  # fmt: skip
STREETS = (
    "Schoolstraat", "Kerkweg", "Lindelaan", "Molenweg", "Dorpsstraat", "Beukenlaan",
    "Kastanjelaan", "Stationsweg", "Vechtkade", "Esdoornplein", "Sportlaan", "Parkweg",
)  # fmt: skip

# Programme -> groups per school year at scale 1, as (autumn, spring) rounds.
GROUPS_PER_YEAR = {"kies": (32, 33), "jes": (12, 13), "think": (3, 3), "mkp": (3, 3)}
# Next year's planning is only beginning: this share of the groups exists as draft.
NEXT_YEAR_SHARE = 0.8
CHILD_TIMES = (dt.time(9, 0), dt.time(11, 0), dt.time(13, 15))
LONG_CHILD_TIMES = (dt.time(8, 45), dt.time(11, 0), dt.time(13, 30))


@dataclass
class PlannedGroup:
    group: Group
    sessions: list[PlannedSession]
    trainer_ids: list[int]
    admitted: list[School] = field(default_factory=list)
    session_rows: list[Session] = field(default_factory=list)


def _weighted(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


class Command(BaseCommand):
    help = "Build a large invented municipality (Vechtstede) on the current database, once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every count (schools, trainers, groups, ...); default 1.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument("--demo", action="store_true", help="Allow with DEBUG off.")

    def handle(self, *args: Any, scale: float, seed: int, demo: bool, **options: Any) -> None:
        if not (settings.DEBUG or demo):
            raise CommandError(
                "seed_large_municipality fills the database with invented data; "
                "run it with DEBUG=true or pass --demo."
            )
        if not 0 < scale <= 5:
            raise CommandError("--scale must lie between 0 and 5, e.g. 0.1 or 1.")
        existing = School.objects.filter(municipality=MUNICIPALITY).count()
        if existing:
            self.stdout.write(
                f"{MUNICIPALITY} exists already ({existing} schools); nothing was added. "
                "Start from an empty database to build it again."
            )
            return
        started = time.monotonic()
        builder = MunicipalityBuilder(scale=scale, rng=random.Random(seed))
        with transaction.atomic():
            counts = builder.build()
        summary = ", ".join(f"{count} {what}" for what, count in counts.items())
        for year in builder.years:
            if not school_year_has_holidays(year, region=REGION):
                self.stdout.write(
                    self.style.WARNING(
                        f"School year {year.label} has no holiday data for regio {REGION}: "
                        "its groups are planned without holidays, and the manager's pages "
                        "warn about it."
                    )
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"{MUNICIPALITY} ready in {time.monotonic() - started:.1f} s: {summary}."
            )
        )


class MunicipalityBuilder:
    """Builds Vechtstede in memory, step by step, and writes each step with bulk_create.

    It keeps its own book of every trainer's sessions, so it never places a trainer in
    two groups at once, too close together at two schools, or above their weekly maximum.
    """

    def __init__(self, *, scale: float, rng: random.Random) -> None:
        self.scale = scale
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.counts: dict[str, int] = {}
        self.used_keys: set[str] = set()
        self.sequence = 0
        self.buffer = dt.timedelta(minutes=settings.SCHEDULER_TRAVEL_BUFFER_MINUTES)
        # trainer id -> day -> [(start, end, school id)]; trainer id -> (iso year, week) -> n
        self.busy: dict[int, dict[dt.date, list[tuple[dt.datetime, dt.datetime, int]]]] = (
            defaultdict(lambda: defaultdict(list))
        )
        self.week_load: dict[int, dict[tuple[int, int], int]] = defaultdict(
            lambda: defaultdict(int)
        )
        self.calendars: dict[tuple[int, int], SchoolCalendar] = {}

    def n(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))

    def next_number(self) -> int:
        self.sequence += 1
        return self.sequence

    # --- the catalogue --------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        self.programmes = self.ensure_programmes()
        first = SchoolYear.label_for(self.today)
        start = int(first[:4])
        self.years = [
            catalogue.school_year_get_or_create(label=f"{year}-{year + 1}")
            for year in (start - 1, start, start + 1)
        ]
        first, last = self.years[0].start_date, self.years[-1].end_date
        self.holidays = list(
            SchoolHoliday.objects.filter(
                region=REGION, start_date__lte=last, end_date__gte=first
            ).values_list("start_date", "end_date")
        )
        self.public_holidays = public_holidays(first, last)
        self.consent_text = consent_text_current()
        self.trainers = self.make_trainers()
        self.po_schools, self.vo_schools = self.make_schools()
        planned = self.make_groups()
        self.make_enrolments(planned)
        self.make_cofinancing()
        self.make_planning_requests()
        self.make_interest()
        return self.counts

    def ensure_programmes(self) -> dict[str, Programme]:
        existing = {p.code: p for p in Programme.objects.filter(code__in=PROGRAMMES)}
        for code, fields in PROGRAMMES.items():
            if code not in existing:
                existing[code] = catalogue.programme_create(code=code, **fields)
        return existing

    def person_name(self, first_names: Sequence[str]) -> tuple[str, str]:
        last = self.rng.choice(TUSSENVOEGSELS) + self.rng.choice(SURNAMES)
        return self.rng.choice(first_names), last

    def make_users(self, kind: str, count: int) -> list[Any]:
        user_model = get_user_model()
        # An unusable password: these invented people cannot log in.
        password = make_password(None)
        users = []
        for index in range(1, count + 1):
            first, last = self.person_name(ADULTS)
            username = f"{USERNAME_PREFIX}{kind}{index:03d}"
            users.append(
                user_model(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    password=password,
                )
            )
        return user_model.objects.bulk_create(users)

    def make_trainers(self) -> list[Trainer]:
        users = self.make_users("trainer", self.n(30, minimum=8))
        trainers = Trainer.objects.bulk_create(
            [
                Trainer(user=user, max_sessions_per_week=self.rng.choice((6, 8, 10, 12)))
                for user in users
            ]
        )
        codes = sorted(self.programmes)
        through = Trainer.qualifications.through
        rows = []
        self.qualified: dict[str, list[Trainer]] = defaultdict(list)
        for index, trainer in enumerate(trainers):
            # Every programme gets trainers in turn, then a second qualification for some.
            chosen = {codes[index % len(codes)]}
            if self.rng.random() < 0.6:
                chosen.add(self.rng.choice(("kies", "kies", "jes", "mkp", "think")))
            for code in sorted(chosen):
                rows.append(through(trainer_id=trainer.pk, programme_id=self.programmes[code].pk))
                self.qualified[code].append(trainer)
        through.objects.bulk_create(rows)
        self.trainer_users = {t.pk: t.user_id for t in trainers}
        self.counts["trainers"] = len(trainers)
        return trainers

    def free_brins(self) -> Iterator[str]:
        taken = set(School.objects.values_list("brin", flat=True))
        letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
        for number in range(50, 100):
            for first in letters:
                for second in letters:
                    brin = f"{number:02d}{first}{second}"
                    if brin not in taken:
                        yield brin

    def make_schools(self) -> tuple[list[School], list[School]]:
        brins = self.free_brins()
        po_names = [f"{kind} {name}" for name in PO_NAMES for kind in PO_KINDS]
        self.rng.shuffle(po_names)
        n_po, n_vo = self.n(60, minimum=2), self.n(15)
        vo_names = [
            VO_NAMES[i % len(VO_NAMES)] + ("" if i < len(VO_NAMES) else f" {i}")
            for i in range(n_vo)
        ]
        schools = []
        po_names = [
            po_names[i % len(po_names)]
            + (f" {i // len(po_names) + 1}" if i >= len(po_names) else "")
            for i in range(n_po)
        ]
        for name, school_type in [(n, SchoolType.PO) for n in po_names] + [
            (n, SchoolType.VO) for n in vo_names
        ]:
            schools.append(
                School(
                    name=name,
                    brin=next(brins),
                    branch="00",
                    school_type=school_type,
                    holiday_region=REGION,
                    street_address=f"{self.rng.choice(STREETS)} {self.rng.randint(1, 180)}",
                    postcode=f"7{self.rng.randint(100, 999)} {self.rng.choice('ABCDEGHJKLMN')}"
                    f"{self.rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
                    city=MUNICIPALITY,
                    municipality=MUNICIPALITY,
                )
            )
        schools = School.objects.bulk_create(schools)
        coordinators = self.make_users("coordinator", len(schools))
        through = School.coordinators.through
        through.objects.bulk_create(
            [
                through(school_id=s.pk, user_id=u.pk)
                for s, u in zip(schools, coordinators, strict=True)
            ]
        )
        # One study day per school and year, on a weekday outside the holidays.
        closures = []
        for school in schools:
            for year in self.years:
                day = year.start_date + dt.timedelta(days=self.rng.randint(40, 300))
                day += dt.timedelta(days=(7 - day.weekday()) % 7 + self.rng.randint(0, 4))
                while self.is_holiday(day):
                    day += dt.timedelta(weeks=1)
                closures.append(
                    SchoolClosure(school=school, start_date=day, end_date=day, reason="Studiedag")
                )
        SchoolClosure.objects.bulk_create(closures)
        self.counts["schools"] = len(schools)
        return [s for s in schools if s.school_type == SchoolType.PO], [
            s for s in schools if s.school_type == SchoolType.VO
        ]

    def is_holiday(self, day: dt.date) -> bool:
        """A school holiday of the region or a public holiday (all schools share them)."""
        return day in self.public_holidays or any(
            first <= day <= last for first, last in self.holidays
        )

    # --- groups and sessions --------------------------------------------------------------

    def calendar(self, school: School, year: SchoolYear) -> SchoolCalendar:
        key = (school.pk, year.pk)
        if key not in self.calendars:
            self.calendars[key] = SchoolCalendar(
                school, year.start_date, year.end_date + dt.timedelta(days=120)
            )
        return self.calendars[key]

    def round_start(self, year: SchoolYear, round_index: int) -> dt.date:
        base = (
            dt.date(year.start_date.year, 9, 8)
            if round_index == 0
            else dt.date(year.end_date.year, 1, 19)
        )
        return base + dt.timedelta(weeks=self.rng.randint(0, 4))

    def is_free(self, trainer: Trainer, sessions: Sequence[PlannedSession], school_id: int) -> bool:
        busy = self.busy[trainer.pk]
        weeks = self.week_load[trainer.pk]
        for session in sessions:
            if weeks[session.date.isocalendar()[:2]] >= trainer.max_sessions_per_week:
                return False
            for start, end, other_school in busy.get(session.date, ()):
                gap = dt.timedelta(0) if other_school == school_id else self.buffer
                if session.starts_at < end + gap and start < session.ends_at + gap:
                    return False
        return True

    def book(self, trainer_id: int, sessions: Sequence[PlannedSession], school_id: int) -> None:
        for session in sessions:
            self.busy[trainer_id][session.date].append(
                (session.starts_at, session.ends_at, school_id)
            )
            self.week_load[trainer_id][session.date.isocalendar()[:2]] += 1

    def status_for(self, year: SchoolYear, sessions: Sequence[PlannedSession], group: Group) -> str:
        if sessions[-1].ends_at < self.now:
            return GroupStatus.COMPLETED
        if sessions[0].starts_at <= self.now:
            return GroupStatus.RUNNING
        if year == self.years[2]:
            return _weighted(self.rng, [(GroupStatus.DRAFT, 0.75), (GroupStatus.PUBLISHED, 0.25)])
        if self.rng.random() < 0.05:
            return GroupStatus.CANCELLED
        if group.enrolment_closes_on and self.today > group.enrolment_closes_on:
            return GroupStatus.ENROLMENT_CLOSED
        if group.enrolment_opens_on and self.today >= group.enrolment_opens_on:
            return _weighted(self.rng, [(GroupStatus.PUBLISHED, 0.85), (GroupStatus.DRAFT, 0.15)])
        return _weighted(self.rng, [(GroupStatus.PUBLISHED, 0.5), (GroupStatus.DRAFT, 0.5)])

    def plan_group(
        self, programme: Programme, school: School, year: SchoolYear, round_index: int, **extra: Any
    ) -> PlannedGroup | None:
        """A group with sessions on open days and free, qualified trainers, or None."""
        first_date = self.round_start(year, round_index)
        times = LONG_CHILD_TIMES if programme.session_minutes > 60 else CHILD_TIMES
        candidates = [(day, at) for day in range(5) for at in times]
        self.rng.shuffle(candidates)
        best: tuple[list[Trainer], list[PlannedSession], int, dt.time] | None = None
        for weekday, start_time in candidates[:8]:
            try:
                plan = plan_series(
                    calendar=self.calendar(school, year),
                    first_date=first_date,
                    weekday=weekday,
                    start_time=start_time,
                    child_sessions=programme.child_sessions,
                    session_minutes=programme.session_minutes,
                    parent_meetings_before=programme.parent_meetings_before,
                    parent_meetings_after=programme.parent_meetings_after,
                    parent_meeting_minutes=programme.parent_meeting_minutes,
                )
            except (ValidationError, ValueError):
                continue  # does not fit in the school year's calendar
            pool = sorted(
                self.qualified[programme.code],
                key=lambda t: (sum(self.week_load[t.pk].values()), self.rng.random()),
            )
            chosen = [t for t in pool if self.is_free(t, plan.sessions, school.pk)]
            chosen = chosen[: programme.trainers_per_group]
            if best is None or len(chosen) > len(best[0]):
                best = (chosen, plan.sessions, weekday, start_time)
            if len(chosen) == programme.trainers_per_group:
                break
        if best is None:
            return None
        trainers, sessions, weekday, start_time = best
        group = Group(
            programme=programme,
            host_school=school,
            school_year=year,
            round_label=f"{('najaar', 'voorjaar')[round_index]} {sessions[0].date.year}",
            admits_host_only=True,
            capacity=programme.group_size_max,
            location=f"{school.name}, {school.street_address}",
            weekday=weekday,
            start_time=start_time,
            first_date=first_date,
            **extra,
        )
        if programme.enrolment_mode == EnrolmentMode.INDIVIDUAL:
            group.enrolment_opens_on = first_date - dt.timedelta(weeks=12)
            group.enrolment_closes_on = first_date - dt.timedelta(days=10)
        status = self.status_for(year, sessions, group)
        if len(trainers) < programme.trainers_per_group:
            if status in (GroupStatus.RUNNING, GroupStatus.COMPLETED):
                return None  # a group that ran had its trainers; this one cannot be made
            if status != GroupStatus.CANCELLED:
                status = GroupStatus.DRAFT  # publishing needs the full set of trainers
        group.status = status
        if status != GroupStatus.CANCELLED:
            for trainer in trainers:
                self.book(trainer.pk, sessions, school.pk)
        return PlannedGroup(group, sessions, [t.pk for t in trainers])

    def make_groups(self) -> list[PlannedGroup]:
        planned: list[PlannedGroup] = []
        for year_index, year in enumerate(self.years):
            share = NEXT_YEAR_SHARE if year_index == 2 else 1.0
            for code, per_round in GROUPS_PER_YEAR.items():
                programme = self.programmes[code]
                hosts = self.po_schools if programme.audience == "po" else self.vo_schools
                for round_index, count in enumerate(per_round):
                    for _ in range(self.n(count * share)):
                        planned.extend(
                            self.plan_for(programme, self.rng.choice(hosts), year, round_index)
                        )
        groups = Group.objects.bulk_create([p.group for p in planned])
        self.counts["groups"] = len(groups)
        session_rows = []
        for item in planned:
            cancelled = item.group.status == GroupStatus.CANCELLED
            item.session_rows = [
                Session(
                    group=item.group,
                    kind=s.kind,
                    sequence=s.sequence,
                    starts_at=s.starts_at,
                    ends_at=s.ends_at,
                    status=SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED,
                    revision=1 if cancelled else 0,
                )
                for s in item.sessions
            ]
            session_rows.extend(item.session_rows)
        Session.objects.bulk_create(session_rows, batch_size=1000)
        self.counts["sessions"] = len(session_rows)
        trainers = Group.trainers.through
        trainers.objects.bulk_create(
            [trainers(group_id=p.group.pk, trainer_id=t) for p in planned for t in p.trainer_ids]
        )
        admitted = Group.admitted_schools.through
        admitted.objects.bulk_create(
            [admitted(group_id=p.group.pk, school_id=s.pk) for p in planned for s in p.admitted]
        )
        return planned

    def plan_for(
        self, programme: Programme, host: School, year: SchoolYear, round_index: int
    ) -> list[PlannedGroup]:
        if programme.code == "think":
            size = self.rng.randint(22, min(30, programme.group_size_max))
            item = self.plan_group(
                programme,
                host,
                year,
                round_index,
                class_name=f"{self.rng.randint(1, 2)}{self.rng.choice('ABCDE')}",
                class_size=size,
                **self.mentor(),
            )
            return [item] if item else []
        if programme.code == "mkp":
            # A class split into a girls' and a boys' group.
            klas = f"{self.rng.randint(7, 8)}{self.rng.choice('ABC')}"
            mentor = self.mentor()
            items = []
            for half in ("meisjes", "jongens"):
                item = self.plan_group(
                    programme,
                    host,
                    year,
                    round_index,
                    class_name=f"{klas} {half}",
                    class_size=self.rng.randint(10, 15),
                    **mentor,
                )
                if item:
                    items.append(item)
            return items
        item = self.plan_group(programme, host, year, round_index)
        if item and programme.audience == "po" and self.rng.random() < 0.4:
            # Children of neighbouring schools may join this group.
            others = [s for s in self.po_schools if s.pk != host.pk]
            item.admitted = self.rng.sample(others, k=min(len(others), self.rng.randint(1, 3)))
            item.group.admits_host_only = False
        return [item] if item else []

    def mentor(self) -> dict[str, str]:
        first, last = self.person_name(ADULTS)
        number = self.next_number()
        return {
            "mentor_name": f"{first[0]}. {last}",
            "mentor_email": f"mentor.{number}@example.org",
        }

    # --- enrolments -----------------------------------------------------------------------

    def seat_statuses(self, item: PlannedGroup) -> list[str]:
        """One status per application to this group, keeping seats within capacity."""
        group, programme = item.group, item.group.programme
        capacity, intake = group.capacity, programme.requires_intake
        # Popular groups get a waitlist; some applications end without a seat.
        demand = self.rng.randint(max(1, capacity * 6 // 10), capacity + 10)
        seated, waiting = min(demand, capacity), max(0, demand - capacity)
        inactive = [
            _weighted(
                self.rng,
                [
                    (EnrolmentStatus.WITHDRAWN, 3),
                    (EnrolmentStatus.REFUSED, 1),
                    (EnrolmentStatus.EXPIRED, 2),
                    (EnrolmentStatus.DECLINED, 1),
                ]
                + ([(EnrolmentStatus.NOT_SUITABLE, 1)] if intake else []),
            )
            for _ in range(self.rng.randint(0, 4))
        ]
        if group.status == GroupStatus.COMPLETED:
            seats = [EnrolmentStatus.COMPLETED] * seated
            waiting_status = EnrolmentStatus.EXPIRED
        elif group.status == GroupStatus.RUNNING:
            seats = [EnrolmentStatus.CONFIRMED] * seated
            waiting_status = EnrolmentStatus.EXPIRED
        elif group.status == GroupStatus.ENROLMENT_CLOSED:
            options = [(EnrolmentStatus.CONFIRMED, 0.85), (EnrolmentStatus.OFFERED, 0.05)]
            options.append(
                (EnrolmentStatus.AWAITING_INTAKE if intake else EnrolmentStatus.CONFIRMED, 0.1)
            )
            seats = [_weighted(self.rng, options) for _ in range(seated)]
            waiting_status = EnrolmentStatus.WAITLISTED
        else:
            options = [
                (EnrolmentStatus.CONFIRMED, 0.45),
                (EnrolmentStatus.AWAITING_CONSENT, 0.3),
                (EnrolmentStatus.OFFERED, 0.08),
                (EnrolmentStatus.AWAITING_INTAKE if intake else EnrolmentStatus.CONFIRMED, 0.17),
            ]
            seats = [_weighted(self.rng, options) for _ in range(seated)]
            waiting_status = EnrolmentStatus.WAITLISTED
        return seats + [waiting_status] * waiting + inactive

    def child_for(self, item: PlannedGroup, first_day: dt.date) -> tuple[Child, str]:
        group, programme = item.group, item.group.programme
        schools = [group.host_school, *item.admitted]
        for _attempt in range(20):
            grade = self.rng.randint(programme.grade_min, programme.grade_max)
            typical = grade + (3 if programme.audience == "po" else 11)
            age = min(
                max(typical + self.rng.choice((0, 0, 1)), programme.age_min), programme.age_max
            )
            anniversary = first_day - relativedelta(years=age)
            born = anniversary - dt.timedelta(days=self.rng.randint(0, 360))
            if age_on(born, first_day) != age:
                continue
            first, last = self.person_name(self.rng.choice((GIRLS, BOYS)))
            key = child_key(first, last, born)
            if key in self.used_keys:
                continue
            self.used_keys.add(key)
            school = group.host_school if self.rng.random() < 0.7 else self.rng.choice(schools)
            child = Child(
                first_name=first,
                last_name=last,
                date_of_birth=born,
                school=school,
                grade=grade,
                class_name=f"{grade}{self.rng.choice('ABC')}",
            )
            return child, key
        raise CommandError("Could not invent a unique child; use another --seed.")

    def make_enrolments(self, planned: Sequence[PlannedGroup]) -> None:
        accepting = {
            GroupStatus.PUBLISHED,
            GroupStatus.ENROLMENT_CLOSED,
            GroupStatus.RUNNING,
            GroupStatus.COMPLETED,
        }
        rows: dict[str, list[Any]] = defaultdict(list)
        pending: list[tuple[PlannedGroup, Enrolment, list[Guardian], str, dt.datetime]] = []
        for item in planned:
            group = item.group
            if group.programme.enrolment_mode != EnrolmentMode.INDIVIDUAL:
                continue
            if group.status not in accepting or self.today < group.enrolment_opens_on:
                continue
            first_day = next(s.date for s in item.sessions if s.kind == SessionKind.CHILD)
            opened = timezone.make_aware(
                dt.datetime.combine(group.enrolment_opens_on, dt.time(8, 0))
            )
            closes = timezone.make_aware(
                dt.datetime.combine(group.enrolment_closes_on, dt.time(20, 0))
            )
            for status in self.seat_statuses(item):
                created = self.applied_at(status, opened, min(closes, self.now))
                submission = Submission(consent_text=self.consent_text, created_at=created)
                child, key = self.child_for(item, first_day)
                guardians = self.guardians_for(child)
                enrolment = Enrolment(
                    child=child,
                    group=group,
                    programme=group.programme,
                    school_year=group.school_year,
                    child_key=key,
                    status=status,
                    created_at=created,
                )
                rows["submissions"].append(submission)
                rows["children"].append(child)
                rows["guardians"].extend(guardians)
                pending.append((item, enrolment, guardians, status, created))
                child.submission = submission
                enrolment.submission = submission
                for guardian in guardians:
                    guardian.submission = submission
        # Everything is built in memory first (a consent confirms its guardian's e-mail
        # address), then written parents first: bulk_create takes each foreign key from
        # the related object, which has its primary key by then.
        enrolments, consents, intakes, attendance = [], [], [], []
        for item, enrolment, guardians, status, created in pending:
            self.set_moments(item, enrolment, status, created)
            enrolments.append(enrolment)
            consents.extend(self.consents_for(item, enrolment, guardians, status))
            intakes.extend(self.intake_for(item, enrolment, status))
            attendance.extend(self.attendance_for(item, enrolment, status))
        Submission.objects.bulk_create(rows["submissions"], batch_size=1000)
        Child.objects.bulk_create(rows["children"], batch_size=1000)
        Guardian.objects.bulk_create(rows["guardians"], batch_size=1000)
        Enrolment.objects.bulk_create(enrolments, batch_size=1000)
        Consent.objects.bulk_create(consents, batch_size=1000)
        Intake.objects.bulk_create(intakes, batch_size=1000)
        Attendance.objects.bulk_create(attendance, batch_size=2000)
        self.counts["enrolments"] = len(enrolments)
        self.counts["guardians"] = len(rows["guardians"])
        self.counts["consents"] = len(consents)
        self.counts["attendance records"] = len(attendance)

    def applied_at(self, status: str, opened: dt.datetime, until: dt.datetime) -> dt.datetime:
        if status == EnrolmentStatus.AWAITING_CONSENT:
            # Still within its hold, or the expiry sweep would have released the seat.
            days = settings.ENROLMENT_HOLD_DAYS
            earliest = max(opened, self.now - dt.timedelta(days=max(days - 1, 0)))
            return earliest + (self.now - earliest) * self.rng.random()
        return opened + (until - opened) * self.rng.random()

    def guardians_for(self, child: Child) -> list[Guardian]:
        joint = self.rng.random() < 0.75
        relations = [Relation.MOTHER, Relation.FATHER]
        self.rng.shuffle(relations)
        guardians = []
        for index in range(2 if joint else 1):
            number = self.next_number()
            first = self.rng.choice(ADULTS)
            guardians.append(
                Guardian(
                    is_enroller=index == 0,
                    name=f"{first} {child.last_name}"
                    if index == 0
                    else f"{first} {self.rng.choice(SURNAMES)}",
                    email=f"ouder.{number}@example.org",
                    phone=f"06{self.rng.randint(10_000_000, 99_999_999)}" if index == 0 else "",
                    relation=relations[index],
                    authority=Authority.JOINT if joint else Authority.SOLE,
                    language="en" if self.rng.random() < 0.06 else "nl",
                )
            )
        return guardians

    def set_moments(
        self, item: PlannedGroup, enrolment: Enrolment, status: str, created: dt.datetime
    ) -> None:
        later = min(created + dt.timedelta(days=self.rng.randint(1, 4)), self.now)
        last_end = item.sessions[-1].ends_at
        if status in (
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.COMPLETED,
            EnrolmentStatus.AWAITING_INTAKE,
        ):
            enrolment.consent_complete_at = later
        if status in (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED):
            enrolment.confirmed_at = later
        if status == EnrolmentStatus.AWAITING_CONSENT:
            enrolment.hold_expires_at = created + dt.timedelta(days=settings.ENROLMENT_HOLD_DAYS)
        if status == EnrolmentStatus.OFFERED:
            enrolment.offer_expires_at = self.now + dt.timedelta(hours=self.rng.randint(2, 40))
        if status == EnrolmentStatus.COMPLETED:
            enrolment.ended_at = last_end
        elif status not in SEAT_HOLDING and status != EnrolmentStatus.WAITLISTED:
            enrolment.ended_at = later

    def consents_for(
        self, item: PlannedGroup, enrolment: Enrolment, guardians: list[Guardian], status: str
    ) -> list[Consent]:
        programme = item.group.programme
        full = status in (
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.COMPLETED,
            EnrolmentStatus.AWAITING_INTAKE,
            EnrolmentStatus.NOT_SUITABLE,
        ) or (status == EnrolmentStatus.WITHDRAWN and self.rng.random() < 0.5)
        moment = enrolment.consent_complete_at or min(
            enrolment.created_at + dt.timedelta(hours=self.rng.randint(1, 48)), self.now
        )
        consents = []

        def consent(guardian: Guardian | None, given: bool) -> Consent:
            return Consent(
                enrolment=enrolment,
                party=ConsentParty.GUARDIAN if guardian else ConsentParty.CHILD,
                guardian=guardian,
                given=given,
                method=ConsentMethod.LINK,
                consent_text=self.consent_text,
                created_at=moment,
            )

        if full:
            consents = [consent(g, True) for g in guardians]
            age = age_on(enrolment.child.date_of_birth, moment.date())
            if programme.consent_child == ChildConsent.FROM_12 and age >= 12:
                consents.append(consent(None, True))
            guardians[0].email_confirmed_at = moment
        elif status == EnrolmentStatus.AWAITING_CONSENT and len(guardians) > 1:
            consents = [consent(guardians[0], True)]
        elif status == EnrolmentStatus.REFUSED:
            consents = [consent(guardians[0], True)] if len(guardians) > 1 else []
            consents.append(consent(guardians[-1], False))
        return consents

    def intake_for(self, item: PlannedGroup, enrolment: Enrolment, status: str) -> list[Intake]:
        if not item.group.programme.requires_intake:
            return []
        trainer_user = self.trainer_user(item)
        moment = min(
            (enrolment.consent_complete_at or enrolment.created_at) + dt.timedelta(days=3), self.now
        )
        if status in (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED):
            return [
                Intake(
                    enrolment=enrolment,
                    outcome=IntakeOutcome.SUITABLE,
                    recorded_by_id=trainer_user,
                    created_at=moment,
                )
            ]
        if status == EnrolmentStatus.NOT_SUITABLE:
            return [
                Intake(
                    enrolment=enrolment,
                    outcome=IntakeOutcome.NOT_SUITABLE,
                    reason=self.rng.choice(IntakeReason.values),
                    recorded_by_id=trainer_user,
                    created_at=moment,
                )
            ]
        return []

    def trainer_user(self, item: PlannedGroup) -> int | None:
        """The user id of the group's first trainer, who records intakes and attendance."""
        return self.trainer_users[item.trainer_ids[0]] if item.trainer_ids else None

    def attendance_for(
        self, item: PlannedGroup, enrolment: Enrolment, status: str
    ) -> list[Attendance]:
        if status not in (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED):
            return []
        if item.group.status not in (GroupStatus.RUNNING, GroupStatus.COMPLETED):
            return []
        recorder = self.trainer_user(item)
        return [
            Attendance(
                session=session,
                enrolment=enrolment,
                status=_weighted(
                    self.rng,
                    [
                        (AttendanceStatus.PRESENT, 0.88),
                        (AttendanceStatus.ABSENT, 0.05),
                        (AttendanceStatus.EXCUSED, 0.07),
                    ],
                ),
                recorded_by_id=recorder,
                recorded_at=session.ends_at,
            )
            for session in item.session_rows
            if session.kind == SessionKind.CHILD and session.ends_at < self.now
        ]

    # --- co-financing, planning requests, interest ------------------------------------------

    def make_cofinancing(self) -> None:
        think = self.programmes["think"]
        hosted = defaultdict(int)
        for group in Group.objects.filter(programme=think, host_school__municipality=MUNICIPALITY):
            if group.status != GroupStatus.CANCELLED:
                hosted[(group.host_school_id, group.school_year_id)] += 1
        agreements = []
        for year in self.years[:2]:
            for school in self.vo_schools:
                planned = hosted[(school.pk, year.pk)]
                if not planned and self.rng.random() < 0.7:
                    continue
                percentage = self.rng.random() < 0.6
                agreements.append(
                    CoFinancingAgreement(
                        school=school,
                        school_year=year,
                        programme=think,
                        cost_basis=CostBasis.PER_CLASS,
                        price=think.default_cost_per_group,
                        school_share_percentage=Decimal("50.00") if percentage else None,
                        school_share_fixed=None if percentage else Decimal("350.00"),
                        school_share_cap=Decimal("2000.00") if self.rng.random() < 0.2 else None,
                        units_agreed=max(planned, 1),
                    )
                )
        agreements = CoFinancingAgreement.objects.bulk_create(agreements)
        invoices = []
        for number, agreement in enumerate(agreements, start=1):
            agreement.programme = think
            amount = school_share(agreement, delivered_units(agreement))
            if amount <= 0:
                continue
            reference = f"VS-{agreement.school_year.start_date.year}-{number:04d}"
            if agreement.school_year == self.years[0]:
                sent = agreement.school_year.end_date - dt.timedelta(days=self.rng.randint(30, 90))
                paid = self.rng.random() < 0.8
                invoices.append(
                    Invoice(
                        agreement=agreement,
                        reference=reference,
                        amount=amount,
                        status=InvoiceStatus.PAID if paid else InvoiceStatus.SENT,
                        date_sent=sent,
                        date_paid=sent + dt.timedelta(days=self.rng.randint(7, 45))
                        if paid
                        else None,
                    )
                )
            elif self.rng.random() < 0.6:
                invoices.append(
                    Invoice(
                        agreement=agreement,
                        reference=reference,
                        amount=amount,
                        status=InvoiceStatus.SENT,
                        date_sent=self.today - dt.timedelta(days=self.rng.randint(3, 50)),
                    )
                )
            else:
                invoices.append(Invoice(agreement=agreement, reference=reference, amount=amount))
        Invoice.objects.bulk_create(invoices)
        self.counts["co-financing agreements"] = len(agreements)
        self.counts["invoices"] = len(invoices)

    def make_planning_requests(self) -> None:
        year = self.years[2]
        requests = []
        for _ in range(self.n(35)):
            code = self.rng.choice(("kies", "kies", "jes", "think", "mkp"))
            programme = self.programmes[code]
            school = self.rng.choice(
                self.po_schools if programme.audience == "po" else self.vo_schools
            )
            start = self.round_start(year, self.rng.randint(0, 1))
            class_mode = programme.enrolment_mode == EnrolmentMode.CLASS
            requests.append(
                PlanningRequest(
                    school=school,
                    programme=programme,
                    school_year=year,
                    round_label=f"{'najaar' if start.month >= 8 else 'voorjaar'} {start.year}",
                    window_start=start,
                    window_end=start + dt.timedelta(weeks=16),
                    preferred_weekdays=sorted(self.rng.sample(range(5), k=self.rng.randint(1, 3))),
                    expected_children=self.rng.randint(20, 30)
                    if class_mode
                    else self.rng.randint(programme.group_size_min, programme.group_size_max),
                    class_name=f"{self.rng.randint(7, 8)}{self.rng.choice('ABC')}"
                    if code == "mkp"
                    else (
                        f"{self.rng.randint(1, 2)}{self.rng.choice('ABC')}" if class_mode else ""
                    ),
                )
            )
        PlanningRequest.objects.bulk_create(requests)
        self.counts["planning requests"] = len(requests)

    def make_interest(self) -> None:
        rows = []
        for _ in range(self.n(150)):
            vo = self.rng.random() < 0.25
            school = self.rng.choice(self.vo_schools if vo else self.po_schools)
            email = (
                ""
                if self.rng.random() < 0.6
                else f"belangstelling.{self.next_number()}@example.org"
            )
            rows.append(
                Interest(
                    school=school,
                    programme=self.programmes["jes" if vo else "kies"],
                    email=email,
                    created_at=self.now - dt.timedelta(days=self.rng.randint(0, 120)),
                )
            )
        Interest.objects.bulk_create(rows)
        self.counts["interest registrations"] = len(rows)
