"""`manage.py seed_demo_groups`: groups, planning requests and enrolments for the demo.

Runs after `seed_demo` (which makes the catalogue and the log-ins) so the demo
shows a working round: a published KIES group a parent can enrol in, a !JES
group, a THINK class booking, a draft Marietje Kessels group, two planning
requests and a few enrolments in different states. Dates follow today, so the
demo stays alive whenever it is started. Everything goes through the services;
running it twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from enrolment.models import Authority, Enrolment
from enrolment.services import (
    ChildInput,
    GuardianInput,
    consent_text_current,
    submission_create,
)
from programmes.models import CostBasis, Programme, School, SchoolYear, Trainer
from programmes.services import agreement_create, invoice_create, school_year_get_or_create
from scheduler.models import Group, GroupStatus
from scheduler.services import group_create, group_transition, planning_request_create

ROUND = "demo"


def _monday_after(day: dt.date, weeks: int) -> dt.date:
    later = day + dt.timedelta(weeks=weeks)
    return later + dt.timedelta(days=(7 - later.weekday()) % 7)


class Command(BaseCommand):
    help = "Add demo groups, planning requests and enrolments (after seed_demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="Allow with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or options["demo"]):
            raise CommandError(
                "seed_demo_groups makes demo data; run it with DEBUG=true or --demo."
            )
        if Group.objects.filter(round_label__startswith=ROUND).exists():
            self.stdout.write("Demo groups exist already; nothing new.")
            return
        if not Programme.objects.filter(code="kies").exists():
            raise CommandError("Run seed_demo first: the catalogue is missing.")
        today = timezone.localdate()
        start = _monday_after(today, 6)
        year = school_year_get_or_create(label=SchoolYear.label_for(start))
        manager = get_user_model().objects.get(username="beheerder")
        programme = {p.code: p for p in Programme.objects.all()}
        school = {s.brin: s for s in School.objects.all()}
        trainer = {t.user.username: t for t in Trainer.objects.select_related("user")}
        round_label = f"{ROUND} {start:%B %Y}"

        def make(
            code: str, host: str, weekday: int, time: dt.time, trainers: list[str], **extra: Any
        ) -> Group:
            first = start + dt.timedelta(days=weekday)
            group = group_create(
                programme=programme[code],
                host_school=school[host],
                school_year=year,
                round_label=round_label,
                weekday=weekday,
                start_time=time,
                first_date=first,
                trainers=[trainer[name] for name in trainers],
                created_by=manager,
                override_by=manager,
                **extra,
            ).group
            return group

        kies = make(
            "kies",
            "24RB",
            0,
            dt.time(13, 0),
            ["trainer", "i.mulder"],
            admitted_schools=[school["27VB"], school["26KP"]],
            enrolment_opens_on=today - dt.timedelta(days=7),
            enrolment_closes_on=start - dt.timedelta(days=3),
        )
        kies = group_transition(group=kies, to=GroupStatus.PUBLISHED)
        jes = make(
            "jes",
            "40ZL",
            1,
            dt.time(14, 30),
            ["trainer", "f.elamrani"],
            enrolment_opens_on=today - dt.timedelta(days=7),
            enrolment_closes_on=start - dt.timedelta(days=3),
        )
        group_transition(group=jes, to=GroupStatus.PUBLISHED)
        think = make(
            "think",
            "43IJ",
            3,
            dt.time(10, 0),
            ["p.dijkstra"],
            class_name="1B",
            class_size=27,
            mentor_name="M. de Jong",
            mentor_email="mentor@example.org",
        )
        group_transition(group=think, to=GroupStatus.PUBLISHED)
        # The school co-finances THINK: an agreement for two classes, half of the price,
        # and a first invoice still in concept, so the co-financing pages have an example.
        agreement = agreement_create(
            actor=manager,
            school=school["43IJ"],
            school_year=year,
            programme=programme["think"],
            cost_basis=CostBasis.PER_CLASS,
            price=Decimal("850.00"),
            school_share_percentage=Decimal("50"),
            units_agreed=2,
            notes="Klas 1B dit najaar, een tweede klas in het voorjaar.",
        )
        invoice_create(
            agreement=agreement,
            reference=f"THINK-{year.label}-001",
            amount=Decimal("425.00"),
            actor=manager,
        )
        make(
            "mkp",
            "27VB",
            2,
            dt.time(9, 0),
            ["m.hendriks", "j.vanderveen"],
            class_name="8A",
            class_size=24,
            mentor_name="J. Smit",
        )

        coordinator = get_user_model().objects.get(username="coordinator")
        window_end = min(start + dt.timedelta(weeks=20), year.end_date)
        planning_request_create(
            school=school["27VB"],
            programme=programme["kies"],
            school_year=year,
            round_label=f"{ROUND} voorjaar",
            window_start=start,
            window_end=window_end,
            preferred_weekdays=[1, 3],
            expected_children=7,
            requested_by=coordinator,
        )
        planning_request_create(
            school=school["24RB"],
            programme=programme["mkp"],
            school_year=year,
            round_label=f"{ROUND} voorjaar",
            window_start=start,
            window_end=window_end,
            preferred_weekdays=[2],
            expected_children=26,
            class_name="7B",
            requested_by=coordinator,
        )

        text = consent_text_current()
        families = [
            ("Noor", "Visser", dt.date(today.year - 9, 4, 12), "24RB", 6, Authority.JOINT),
            ("Daan", "Meijer", dt.date(today.year - 10, 9, 3), "27VB", 7, Authority.SOLE),
            ("Lina", "Bos", dt.date(today.year - 8, 1, 20), "24RB", 5, Authority.JOINT),
        ]
        for first, last, born, brin, grade, authority in families:
            others = []
            if authority == Authority.JOINT:
                others = [
                    GuardianInput(
                        name=f"Ouder 2 {last}",
                        email=f"{last.lower()}.2@example.org",
                        authority=Authority.JOINT,
                    )
                ]
            submission_create(
                children=[
                    ChildInput(
                        first_name=first,
                        last_name=last,
                        date_of_birth=born,
                        school=school[brin],
                        grade=grade,
                        group=kies,
                    )
                ],
                enroller=GuardianInput(
                    name=f"Ouder {last}",
                    email=f"{last.lower()}@example.org",
                    authority=authority,
                    phone="0612345678",
                ),
                other_guardians=others,
                consent_text=text,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo groups ready: 4 groups, 2 planning requests, "
                f"{Enrolment.objects.filter(group=kies).count()} enrolments in {kies}."
            )
        )
