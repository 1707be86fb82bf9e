"""How well does the year planner do against a greedy first fit, and how fast?

Generates synthetic school years (fixed seed, no database) of three sizes:

- zwolle: 50 primary and 11 secondary schools, 10 trainers, 40 requests;
- region: 250 schools, 40 trainers, 200 requests;
- city:   450 schools, 80 trainers, 500 requests;

with the 2026-2027 holidays of regio noord plus public holidays, some study
days and Biddag/Dankdag, the programmes KIES, !JES, THINK and Marietje Kessels,
trainers qualified for 1 to 3 of them with a weekly maximum of 4 to 8, a few
existing groups and leave periods, and requests with windows of 8 to 16 weeks
and 1 to 3 preferred weekdays. Runs the greedy baseline and the CP-SAT planner
on each and prints a table.

    .venv/bin/python bench/planner.py
    .venv/bin/python bench/planner.py --sizes zwolle,region --time-limit 60 --workers 2

Targets: zwolle proven optimal in under 5 s; region within 60 s at a gap of at
most 2 % (children served against the solver's upper bound); the solver never
serves fewer children than greedy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from scheduler.planner import (  # noqa: E402
    BusyPeriod,
    PlannerInstance,
    ProgrammeSpec,
    RequestSpec,
    SchoolSpec,
    TrainerSpec,
    closed_days,
    plan_violations,
    plan_year,
)
from scheduler.series import at_amsterdam  # noqa: E402

D = dt.date
YEAR_START, YEAR_END = D(2026, 8, 1), D(2027, 7, 31)
NOORD_2026_2027 = [
    (D(2026, 10, 10), D(2026, 10, 18), "Herfstvakantie"),
    (D(2026, 12, 19), D(2027, 1, 3), "Kerstvakantie"),
    (D(2027, 2, 20), D(2027, 2, 28), "Voorjaarsvakantie"),
    (D(2027, 4, 24), D(2027, 5, 2), "Meivakantie"),
    (D(2027, 7, 10), D(2027, 8, 22), "Zomervakantie"),
    (D(2026, 8, 1), D(2026, 8, 16), "Zomervakantie"),
]
BIDDAG, DANKDAG = D(2027, 3, 10), D(2026, 11, 4)
# Schools ask for groups in rounds: autumn, winter and spring (a window starts within
# three weeks of its round's start, and every window ends before the summer holiday).
ROUNDS = (
    ("najaar 2026", D(2026, 8, 31)),
    ("winter 2027", D(2027, 1, 4)),
    ("voorjaar 2027", D(2027, 3, 8)),
)
ROUNDS_UNTIL = D(2027, 7, 9)

KIES = ProgrammeSpec(1, "KIES", 8, 60, 2, parent_meetings_before=1, parent_meetings_after=1)
JES = ProgrammeSpec(2, "!JES", 7, 75, 2, parent_meetings_before=3, parent_meetings_after=1)
THINK = ProgrammeSpec(3, "THINK op school", 6, 60, 1)
MKP = ProgrammeSpec(4, "Marietje Kessels Project", 11, 60, 2, parent_meetings_before=1)
PROGRAMMES = {p.id: p for p in (KIES, JES, THINK, MKP)}
# Children per request: individual groups, or whole classes.
CHILDREN = {KIES.id: (6, 10), JES.id: (6, 8), THINK.id: (20, 30), MKP.id: (20, 28)}


@dataclass(frozen=True)
class Size:
    name: str
    primary: int
    secondary: int
    trainers: int
    requests: int


SIZES = {
    "zwolle": Size("zwolle", 50, 11, 10, 40),
    "region": Size("region", 210, 40, 40, 200),
    "city": Size("city", 380, 70, 80, 500),
}


def generate(size: Size, seed: int = 2026) -> PlannerInstance:
    rnd = random.Random(f"{size.name}-{seed}")
    schools: dict[int, SchoolSpec] = {}
    school_is_primary: dict[int, bool] = {}
    for n in range(size.primary + size.secondary):
        school_id = 1000 + n
        closures = []
        for _ in range(rnd.randint(0, 2)):  # study days
            day = YEAR_START + dt.timedelta(days=rnd.randint(30, 330))
            closures.append((day, day, "Studiedag"))
        if rnd.random() < 0.25:  # reformed schools close on Biddag and Dankdag
            closures += [(BIDDAG, BIDDAG, "Biddag"), (DANKDAG, DANKDAG, "Dankdag")]
        primary = n < size.primary
        kind = "Basisschool" if primary else "Scholengemeenschap"
        schools[school_id] = SchoolSpec(
            school_id,
            f"{kind} {n}",
            closed_days(
                start=YEAR_START, end=YEAR_END, holidays=NOORD_2026_2027, closures=closures
            ),
        )
        school_is_primary[school_id] = primary

    trainers = []
    for n in range(size.trainers):
        trainer_id = 1 + n
        qualifications = frozenset(rnd.sample(sorted(PROGRAMMES), rnd.randint(1, 3)))
        sessions: list[BusyPeriod] = []
        if rnd.random() < 0.3:  # an existing group in the autumn
            school_id = rnd.choice(sorted(schools))
            weekday = rnd.randint(0, 4)
            start = at_amsterdam(D(2026, 9, 7), dt.time(rnd.choice([9, 11, 13]), 0))
            start += dt.timedelta(days=weekday)
            for week in range(5):
                begins = start + dt.timedelta(weeks=week)
                sessions.append(
                    BusyPeriod(
                        begins, begins + dt.timedelta(hours=1), school_id, group_id=trainer_id
                    )
                )
        unavailable: list[BusyPeriod] = []
        if rnd.random() < 0.2:  # a leave of one or two weeks
            first = D(2026, 9, 1) + dt.timedelta(weeks=rnd.randint(0, 36))
            last = first + dt.timedelta(weeks=rnd.randint(1, 2))
            unavailable.append(
                BusyPeriod(at_amsterdam(first, dt.time(0)), at_amsterdam(last, dt.time(0)))
            )
        trainers.append(
            TrainerSpec(
                trainer_id,
                f"Trainer {trainer_id}",
                qualifications,
                rnd.randint(4, 8),
                tuple(sessions),
                tuple(unavailable),
            )
        )

    requests = []
    school_ids = sorted(schools)
    for n in range(size.requests):
        school_id = rnd.choice(school_ids)
        if school_is_primary[school_id]:
            programme = KIES if rnd.random() < 0.6 else MKP
        else:
            programme = JES if rnd.random() < 0.4 else THINK
        # 8 to 16 weeks, and a coordinator rarely asks for less than the series needs.
        weeks = rnd.randint(max(8, programme.meetings + 3), 16)
        round_label, round_start = rnd.choice(ROUNDS)
        window_start = round_start + dt.timedelta(weeks=rnd.randint(0, 3))
        earliest = rnd.choice([dt.time(8, 30), dt.time(9, 0), dt.time(10, 0), dt.time(13, 0)])
        latest = min(
            dt.time(15, 0),
            (
                dt.datetime.combine(YEAR_START, earliest) + dt.timedelta(hours=rnd.randint(0, 5))
            ).time(),
        )
        low, high = CHILDREN[programme.id]
        requests.append(
            RequestSpec(
                id=1 + n,
                school_id=school_id,
                programme_id=programme.id,
                window_start=window_start,
                window_end=min(
                    ROUNDS_UNTIL, window_start + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
                ),
                preferred_weekdays=tuple(sorted(rnd.sample(range(5), rnd.randint(1, 3)))),
                expected_children=rnd.randint(low, high),
                earliest_start=earliest,
                latest_start=latest,
                round_label=round_label,
            )
        )
    return PlannerInstance(requests, PROGRAMMES, schools, trainers, buffer_minutes=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="zwolle,region,city")
    parser.add_argument("--time-limit", type=float, default=60.0, help="per instance")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026, help="instance generator seed")
    args = parser.parse_args()

    header = (
        f"{'size':<7} {'requests':>8} {'satisfied':>14} {'children':>15} {'bound':>6} "
        f"{'gap':>6} {'penalty':>13} {'build s':>8} {'solve s':>8} {'dtime':>6} {'status':<9} "
        f"{'check':<5}"
    )
    print(header)
    print("-" * len(header))
    for name in args.sizes.split(","):
        instance = generate(SIZES[name.strip()], args.seed)
        started = time.perf_counter()
        result = plan_year(instance, time_limit=args.time_limit, workers=args.workers)
        total = time.perf_counter() - started
        stats = result.stats
        problems = plan_violations(result.problem, result.plan)
        problems += plan_violations(result.problem, result.greedy)
        greedy_children = result.greedy.children(result.problem)
        penalty = f"{stats.penalty}/{stats.penalty_bound}" if stats.penalty is not None else "-"
        print(
            f"{name:<7} {len(instance.requests):>8} "
            f"{len(result.plan.assignments):>6} vs {len(result.greedy.assignments):>4} "
            f"{stats.children_served:>6} vs {greedy_children:>5} {stats.children_bound:>6} "
            f"{stats.gap:>6.2%} {penalty:>13} {total - stats.solve_seconds:>8.1f} "
            f"{stats.solve_seconds:>8.1f} {stats.deterministic_time:>6.1f} {stats.status:<9} "
            f"{'ok' if not problems else 'FAIL':<5}"
        )
        for problem in problems[:5]:
            print("   ", problem)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
