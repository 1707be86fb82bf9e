"""`manage.py seed_demo_referrals`: the demo's wijkteammedewerker, her slots and referrals.

Run after `seed_demo` (which makes the `wijkteam` log-in) on every `make run`. The
`wijkteam` account serves the demo coordinator's schools; she gets prevention-talk slots on
the coming school days when she has none ahead, and a few referrals (hers and the
coordinator's) when there are none. A second run on the same day adds nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from programmes.management.commands.seed_demo import COORDINATED_BRINS
from programmes.models import EnrolmentMode, Programme, School
from referrals.models import Referral, TalkPlace, TalkSlot, WijkteamWorker
from referrals.services import referral_send, talk_slot_create, wijkteam_worker_create

WORKER_USERNAME = "wijkteam"
COORDINATOR_USERNAME = "coordinator"
SLOT_HOURS = (9, 11, 14)
DEMO_FAMILIES = (
    ("familie.jansen@example.org", "nl", "Fijn dat we elkaar spraken op school."),
    ("family.smith@example.org", "en", "As discussed: this group could help."),
    ("ouders.bakker@example.org", "nl", ""),
)


class Command(BaseCommand):
    help = "Seed the demo wijkteammedewerker's talk slots and referrals (after seed_demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or options["demo"]):
            raise CommandError(
                "seed_demo_referrals is demo data; run it with DEBUG=true or --demo."
            )
        users = get_user_model().objects.in_bulk(
            [WORKER_USERNAME, COORDINATOR_USERNAME], field_name="username"
        )
        if WORKER_USERNAME not in users:
            raise CommandError("Run manage.py seed_demo first (it makes the wijkteam log-in).")
        schools = list(School.objects.filter(brin__in=COORDINATED_BRINS, branch="00"))
        with transaction.atomic():
            worker = WijkteamWorker.objects.filter(user=users[WORKER_USERNAME]).first()
            if worker is None:
                worker = wijkteam_worker_create(
                    user=users[WORKER_USERNAME],
                    schools=schools,
                    office_address="Wijkteam Zwolle-Zuid, Ceintuurbaan 2, Zwolle",
                )
            slots = self._slots(worker, schools)
            referrals = self._referrals(worker, users.get(COORDINATOR_USERNAME), schools)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wijkteam demo ready ({slots} slots and {referrals} referrals created)."
            )
        )

    def _slots(self, worker: WijkteamWorker, schools: list[School]) -> int:
        now = timezone.now()
        if TalkSlot.objects.filter(worker=worker, starts_at__gt=now).exists():
            return 0
        made = 0
        day = timezone.localdate() + dt.timedelta(days=1)
        while made < 9:
            if day.weekday() < 5:
                for n, hour in enumerate(SLOT_HOURS):
                    place = (TalkPlace.SCHOOL, TalkPlace.OFFICE, TalkPlace.VIDEO)[n]
                    starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
                    try:
                        talk_slot_create(
                            worker=worker,
                            starts_at=starts_at,
                            place=place,
                            school=schools[0] if place == TalkPlace.SCHOOL and schools else None,
                            book_days_ahead=21,
                        )
                    except ValidationError:
                        continue
                    made += 1
            day += dt.timedelta(days=1)
        return made

    def _referrals(self, worker: WijkteamWorker, coordinator: Any, schools: list[School]) -> int:
        if Referral.objects.exists() or not schools:
            return 0
        programme = (
            Programme.objects.filter(active=True, enrolment_mode=EnrolmentMode.INDIVIDUAL)
            .order_by("code")
            .first()
        )
        if programme is None:
            return 0
        made = 0
        for n, (email, language, note) in enumerate(DEMO_FAMILIES):
            referrer = coordinator if n == 2 and coordinator is not None else worker.user
            referral_send(
                referrer=referrer,
                programme=programme,
                school=schools[n % len(schools)],
                email=email,
                language=language,
                note=note,
            )
            made += 1
        return made
