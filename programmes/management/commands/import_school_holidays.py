"""`manage.py import_school_holidays (--school-year YYYY-YYYY | --url URL | --file FILE)`.

Reads the government's open data of school holidays (rijksoverheid.nl, JSON or XML)
and writes it through `programmes.holiday_opendata`; prints what changed per year.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from programmes.holiday_opendata import (
    opendata_url,
    school_holidays_fetch,
    school_holidays_import_opendata,
)
from programmes.models import SchoolYear


class Command(BaseCommand):
    help = (
        "Import the school holidays of the Rijksoverheid's open data (JSON or XML) from "
        "opendata.rijksoverheid.nl (--school-year), another URL (--url) or a file (--file). "
        "Adds new holidays, updates changed ones, and reports per school year; a bad file "
        "is refused as a whole."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument(
            "--school-year",
            help="Fetch this school year (e.g. 2029-2030) from opendata.rijksoverheid.nl.",
        )
        where.add_argument("--url", help="Fetch the file from this URL (http, https, file).")
        where.add_argument("--file", type=Path, help="Read the file from disk.")
        parser.add_argument("--source", default="", help="Where the dates come from.")

    def handle(self, *args: Any, **options: Any) -> None:
        data, origin = self.read(options)
        try:
            result = school_holidays_import_opendata(data=data, source=options["source"])
        except ValidationError as error:
            raise CommandError(
                f"{origin}: niet geïmporteerd.\n" + "\n".join(error.messages)
            ) from error
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"{origin}: {result}."))

    def read(self, options: dict[str, Any]) -> tuple[bytes, str]:
        path: Path | None = options["file"]
        if path is not None:
            try:
                return path.read_bytes(), str(path)
            except OSError as error:
                raise CommandError(f"Kan {path} niet lezen: {error.strerror or error}") from error
        url = options["url"]
        if url is None:
            label = options["school_year"].strip()
            try:
                SchoolYear.bounds_for_label(label)
            except (ValueError, ValidationError) as error:
                raise CommandError(
                    f"--school-year {label}: geef een schooljaar als 2029-2030."
                ) from error
            url = opendata_url(label)
        try:
            return school_holidays_fetch(url=url), url
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
