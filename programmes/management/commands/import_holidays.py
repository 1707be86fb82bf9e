"""`manage.py import_holidays FILE.ics [--region R] [--advisory] [--source TEXT]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from programmes.holiday_import import school_holidays_import_ics
from programmes.models import HolidayRegion


class Command(BaseCommand):
    help = (
        "Import school holidays from an iCalendar (.ics) file: adds new ones, updates "
        "existing ones, and refuses a malformed file as a whole."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The .ics file to import.")
        parser.add_argument(
            "--region",
            choices=HolidayRegion.values,
            help="Region for every event; without it each event must name its region.",
        )
        parser.add_argument(
            "--advisory",
            action="store_true",
            help="Mark the imported holidays as advisory (not yet checked).",
        )
        parser.add_argument("--source", default="", help="Where the dates come from.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Kan {path} niet lezen: {error.strerror or error}") from error
        try:
            result = school_holidays_import_ics(
                data=data,
                region=options["region"],
                advisory=options["advisory"],
                source=options["source"],
            )
        except ValidationError as error:
            raise CommandError(
                f"{path}: niet geïmporteerd.\n" + "\n".join(error.messages)
            ) from error
        self.stdout.write(self.style.SUCCESS(f"{path}: {result}."))
