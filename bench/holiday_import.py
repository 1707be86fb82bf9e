"""Time the school-holiday .ics import of a large file (within one web request's budget).

A generated calendar of `--events` all-day events (default 2,500, about 320 kB, under
the upload limit), each an extra holiday ("Vrije dag N") of one region, spread over
school years 2030-2031 to 2034-2035, is imported twice: first into empty years (all
created), then again (all unchanged). Prints the file size, the wall time, the time per
row and the number of queries of each run. On a fresh SQLite database in a temporary
directory, or with `--configured-db` on DATABASE_URL (everything rolled back).
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

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ("noord", "midden", "zuid")


class Rollback(Exception):
    pass


def calendar(events: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//holidays//NL"]
    first = dt.date(2030, 8, 5)
    for number in range(events):
        day = first + dt.timedelta(days=number // len(REGIONS))
        region = REGIONS[number % len(REGIONS)]
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{number}@example.org",
            f"SUMMARY:Vrije dag {number} regio {region}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2500)
    parser.add_argument("--configured-db", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    scratch = None
    if not args.configured_db:
        os.environ.pop("DATABASE_URL", None)
        scratch = tempfile.mkdtemp(prefix="bench-holidays-")
        os.environ["VAR_DIR"] = scratch

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, transaction

    from programmes.holiday_import import school_holidays_import_ics

    if not args.configured_db:
        call_command("migrate", verbosity=0)
    data = calendar(args.events)
    print(f"database: {connection.vendor}; file: {args.events} events, {len(data) / 1000:.0f} kB")
    try:
        with transaction.atomic():
            for label in ("first import", "second import"):
                queries = []

                def count(execute, sql, params, many, context, queries=queries):
                    queries.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    started = time.perf_counter()
                    result = school_holidays_import_ics(data=data, source="bench")
                    elapsed = time.perf_counter() - started
                print(
                    f"{label}: {elapsed:.2f} s, {elapsed / args.events * 1000:.2f} ms per row, "
                    f"{len(queries)} queries; created {result.created}, "
                    f"updated {result.updated}, unchanged {result.unchanged}"
                )
            raise Rollback
    except Rollback:
        pass
    finally:
        connection.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
