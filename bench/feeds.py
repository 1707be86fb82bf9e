"""How fast is a trainer's calendar feed of 500 sessions, and does polling get a 304?

Builds a trainer with 500 sessions (spread over 10 groups, one in ten cancelled), makes
a feed link and asks the feed view through Django's test Client: one request to warm
up (it records each session's DTSTAMP), then `--requests` timed requests (median and
worst), the queries per request, and a conditional request with If-None-Match and
one with If-Modified-Since (both should answer 304). Target: median under 100 ms.

    .venv/bin/python bench/feeds.py                  # fresh SQLite in a temp dir
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/groepsplanner \\
        .venv/bin/python bench/feeds.py --configured-db  # migrated database, rolled back
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 500
GROUPS = 10
TARGET_MS = 100


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote to a configured database."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--configured-db",
        action="store_true",
        help="use the database from DATABASE_URL (rolled back) instead of a fresh SQLite file",
    )
    parser.add_argument("--requests", type=int, default=20, help="timed feed requests")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SITE_URL", "https://zwolle.example.org")
    scratch = None
    if not args.configured_db:
        os.environ.pop("DATABASE_URL", None)
        scratch = tempfile.mkdtemp(prefix="bench-feeds-")
        os.environ["VAR_DIR"] = scratch
        os.makedirs(os.path.join(scratch, "static"), exist_ok=True)

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, transaction

    if not args.configured_db:
        call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    try:
        with transaction.atomic():
            ok = run(args.requests)
            raise Rollback
    except Rollback:
        pass
    finally:
        connection.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0 if ok else 1


def seed():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from notifications.calendar import AMSTERDAM
    from programmes.models import Programme, School, SchoolYear, Trainer
    from scheduler.models import Group, GroupStatus, Session, SessionKind, SessionStatus

    user = get_user_model().objects.create_user(
        username="bench-trainer", first_name="Bench", last_name="Trainer"
    )
    trainer = Trainer.objects.create(user=user)
    programme = Programme.objects.create(
        code="bench-kies",
        name_nl="KIES",
        name_en="KIES",
        audience="po",
        grade_min=4,
        grade_max=8,
        age_min=7,
        age_max=12,
        enrolment_mode="individual",
        group_size_min=6,
        group_size_max=10,
        child_sessions=40,
        session_minutes=60,
        discreet_titles=True,
    )
    school = School.objects.create(
        name="Benchmarkschool",
        brin="99ZZ",
        school_type="po",
        holiday_region="noord",
        city="Zwolle",
        municipality="Zwolle",
    )
    year, _ = SchoolYear.objects.get_or_create(
        label="2026-2027",
        defaults={"start_date": dt.date(2026, 8, 1), "end_date": dt.date(2027, 7, 31)},
    )
    today = timezone.localdate()
    per_group = SESSIONS // GROUPS
    for g in range(GROUPS):
        group = Group.objects.create(
            programme=programme,
            host_school=school,
            school_year=year,
            round_label=f"bench {g}",
            capacity=10,
            location="Benchmarkschool, Schoolstraat 1",
            room=str(g),
            weekday=g % 5,
            start_time=dt.time(9 + g % 6, 0),
            first_date=today,
            status=GroupStatus.PUBLISHED,
        )
        group.trainers.add(trainer)
        first = dt.datetime.combine(
            today - dt.timedelta(days=10), dt.time(9 + g % 6), tzinfo=AMSTERDAM
        )
        Session.objects.bulk_create(
            Session(
                group=group,
                kind=SessionKind.PARENT if n % 12 == 0 else SessionKind.CHILD,
                sequence=n + 1,
                starts_at=first + dt.timedelta(days=3 * n),
                ends_at=first + dt.timedelta(days=3 * n, hours=1),
                status=SessionStatus.CANCELLED if n % 10 == 3 else SessionStatus.SCHEDULED,
                revision=n % 3,
            )
            for n in range(per_group)
        )
    return trainer


def run(requests: int) -> bool:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from notifications.feed_tokens import feed_token_regenerate
    from notifications.models import FeedKind

    trainer = seed()
    link = feed_token_regenerate(owner=trainer.user, kind=FeedKind.TRAINER, trainer=trainer)
    client = Client()

    def fetch(**headers: str):
        return client.get(link.path, secure=True, headers=headers)

    started = time.perf_counter()
    warm = fetch()
    warm_ms = (time.perf_counter() - started) * 1000
    assert warm.status_code == 200, warm.status_code
    events = warm.content.count(b"BEGIN:VEVENT")
    print(
        f"feed: {events} events, {len(warm.content) / 1024:.0f} KiB; "
        f"first request (records DTSTAMPs) {warm_ms:.1f} ms"
    )

    timings = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = fetch()
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        assert response.content == warm.content, "same content must give the same bytes"
    median = statistics.median(timings)
    print(
        f"full feed, {requests} requests: median {median:.1f} ms, "
        f"min {min(timings):.1f} ms, max {max(timings):.1f} ms, "
        f"{len(queries)} queries per request (target: median < {TARGET_MS} ms)"
    )

    conditional = []
    for header in ({"if_none_match": warm["ETag"]}, {"if_modified_since": warm["Last-Modified"]}):
        started = time.perf_counter()
        response = fetch(**header)
        elapsed = (time.perf_counter() - started) * 1000
        name = next(iter(header)).replace("_", "-").title()
        conditional.append(response.status_code)
        print(
            f"conditional request with {name}: {response.status_code}, "
            f"{len(response.content)} bytes, {elapsed:.1f} ms"
        )
    ok = median < TARGET_MS and conditional == [304, 304]
    print("result:", "OK" if ok else "NOT MET")
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
