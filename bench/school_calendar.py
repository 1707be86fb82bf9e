"""How fast is "is this school open today?" over a whole school year?

Seeds 16 schools (spread over the three holiday regions, some with closed days),
then builds a `programmes.calendar.SchoolCalendar` for school year 2026-2027 per
school and asks the status of every day. Prints the queries per school (they
must not depend on the number of days) and the days answered per second.

    .venv/bin/python bench/school_calendar.py                 # fresh SQLite in a temp dir
    .venv/bin/python bench/school_calendar.py --configured-db # DATABASE_URL, rolled back

With `--configured-db` the database must be migrated already; everything the
benchmark writes is rolled back at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHOOLS = 16
REGIONS = ("noord", "midden", "zuid")
LABEL = "2026-2027"


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote to a configured database."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--configured-db",
        action="store_true",
        help="use the database from DATABASE_URL (rolled back) instead of a fresh SQLite file",
    )
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over all schools")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    scratch = None
    if not args.configured_db:
        os.environ.pop("DATABASE_URL", None)
        scratch = tempfile.mkdtemp(prefix="bench-calendar-")
        os.environ["VAR_DIR"] = scratch

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, transaction

    if not args.configured_db:
        call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")

    try:
        with transaction.atomic():
            run(args.rounds)
            raise Rollback
    except Rollback:
        pass
    finally:
        connection.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


def seed() -> list:
    from programmes import services
    from programmes.models import School

    services.school_year_get_or_create(label=LABEL)
    schools = []
    for n in range(SCHOOLS):
        brin = f"9{n // 10}B{chr(65 + n % 26)}"
        school = School.objects.filter(brin=brin, branch="00").first() or services.school_create(
            name=f"Benchmarkschool {n + 1}",
            brin=brin,
            branch="00",
            school_type="po",
            holiday_region=REGIONS[n % 3],
            city="Zwolle",
            municipality="Zwolle",
        )
        if n % 2 == 0 and not school.closures.exists():
            services.school_closure_create(
                school=school, start_date=dt.date(2026, 11, 4), reason="Dankdag"
            )
            services.school_closure_create(
                school=school, start_date=dt.date(2027, 3, 10), reason="Biddag"
            )
            services.school_closure_create(
                school=school,
                start_date=dt.date(2027, 2, 1),
                end_date=dt.date(2027, 2, 2),
                reason="Studiedagen",
            )
        schools.append(school)
    return schools


def run(rounds: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programmes.calendar import SchoolCalendar
    from programmes.models import SchoolHoliday, SchoolYear

    schools = seed()
    year = SchoolYear.objects.get(label=LABEL)
    days = [
        year.start_date + dt.timedelta(days=offset)
        for offset in range((year.end_date - year.start_date).days + 1)
    ]
    holidays = SchoolHoliday.objects.filter(school_year=year).count()
    print(f"school year {LABEL}: {len(days)} days, {holidays} holiday rows, {len(schools)} schools")
    print()
    print(f"{'school':<22} {'region':<7} {'queries':>7} {'open':>5} {'closed':>7}")

    for school in schools:
        with CaptureQueriesContext(connection) as queries:
            calendar = SchoolCalendar(school, year.start_date, year.end_date)
            statuses = [calendar.status(day) for day in days]
        open_days = sum(status.is_open for status in statuses)
        closed_weekdays = sum(
            not status.is_open and status.date.weekday() < 5 for status in statuses
        )
        print(
            f"{school.name:<22} {school.holiday_region:<7} {len(queries):>7} "
            f"{open_days:>5} {closed_weekdays:>7}"
        )

    started = time.perf_counter()
    for _ in range(rounds):
        for school in schools:
            calendar = SchoolCalendar(school, year.start_date, year.end_date)
            for day in days:
                calendar.status(day)
    elapsed = time.perf_counter() - started
    answered = rounds * len(schools) * len(days)
    print()
    print(
        f"{answered} day statuses in {elapsed:.3f} s over {rounds} rounds: "
        f"{answered / elapsed:,.0f} days/s, "
        f"{elapsed / (rounds * len(schools)) * 1000:.2f} ms per school-year"
    )
    print("(open = school days; closed = weekdays closed by holidays, public holidays, closures)")


if __name__ == "__main__":
    raise SystemExit(main())
