"""The year planner: known optima on small instances, reasons, soundness, determinism,
and the database path (start, execute once, accept into draft groups)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduler.models import (
    Group,
    GroupStatus,
    PlannerRun,
    PlannerRunStatus,
    PlanningRequest,
    PlanningRequestStatus,
)
from scheduler.planner import (
    Assignment,
    BusyPeriod,
    PlannerInstance,
    PlanningProblem,
    ProgrammeSpec,
    RequestSpec,
    SchoolSpec,
    TrainerSpec,
    closed_days,
    plan_greedy,
    plan_violations,
    plan_year,
    result_as_json,
)
from scheduler.planner.loading import build_instance
from scheduler.planner.plan import plan_penalty
from scheduler.series import AMSTERDAM, at_amsterdam
from scheduler.services import (
    ConflictError,
    group_create,
    planner_run_accept,
    planner_run_execute,
    planner_run_start,
    planning_request_create,
    run_planner,
)
from tests import factories
from tests.clock import on_day

pytestmark = on_day("2026-12-06")

D = dt.date
YEAR_START, YEAR_END = D(2026, 8, 1), D(2027, 7, 31)
NOORD_2026_2027 = [
    (D(2026, 10, 10), D(2026, 10, 18), "Herfstvakantie"),
    (D(2026, 12, 19), D(2027, 1, 3), "Kerstvakantie"),
    (D(2027, 2, 20), D(2027, 2, 28), "Voorjaarsvakantie"),
    (D(2027, 4, 24), D(2027, 5, 2), "Meivakantie"),
    (D(2027, 7, 10), D(2027, 8, 22), "Zomervakantie"),
]
MON, TUE, WED, THU = 0, 1, 2, 3
ONE_PM = dt.time(13, 0)
# Eight child sessions with one trainer and no evening meetings: easy to reason about.
CHILDREN_ONLY = ProgrammeSpec(1, "KIES", child_sessions=8, session_minutes=60, trainers_per_group=1)
KIES = ProgrammeSpec(
    2,
    "KIES",
    child_sessions=8,
    session_minutes=60,
    trainers_per_group=2,
    parent_meetings_before=1,
    parent_meetings_after=1,
)


def school(school_id: int, closures: tuple = ()) -> SchoolSpec:
    closed = closed_days(
        start=YEAR_START, end=YEAR_END, holidays=NOORD_2026_2027, closures=closures
    )
    return SchoolSpec(school_id, f"School {school_id}", closed)


def trainer(trainer_id: int, *programmes: int, **fields: Any) -> TrainerSpec:
    fields.setdefault("max_sessions_per_week", 6)
    return TrainerSpec(trainer_id, f"Trainer {trainer_id}", frozenset(programmes or {1}), **fields)


def request(request_id: int, **fields: Any) -> RequestSpec:
    values: dict[str, Any] = {
        "school_id": request_id,
        "programme_id": 1,
        "window_start": D(2027, 1, 4),
        "window_end": D(2027, 3, 7),
        "preferred_weekdays": (MON,),
        "expected_children": 8,
        "earliest_start": ONE_PM,
        "latest_start": ONE_PM,
    }
    values.update(fields)
    return RequestSpec(id=request_id, **values)


def instance(requests: list[RequestSpec], trainers: list[TrainerSpec]) -> PlannerInstance:
    school_ids = {r.school_id for r in requests}
    return PlannerInstance(
        requests=requests,
        programmes={p.id: p for p in (CHILDREN_ONLY, KIES)},
        schools={s: school(s) for s in sorted(school_ids)},
        trainers=trainers,
    )


def solved(inst: PlannerInstance, time_limit: float = 5.0) -> Any:
    result = plan_year(inst, time_limit=time_limit)
    assert plan_violations(result.problem, result.plan) == []
    return result


def reasons(result: Any) -> dict[int, str]:
    return {u.request_id: u.reason for u in result.unsatisfied}


# --- known optima -------------------------------------------------------------------


def test_two_requests_competing_for_one_trainer_the_one_with_more_children_wins() -> None:
    # 4 January to 7 March 2027 holds exactly eight open Mondays, so both series would
    # need the one trainer on the same Mondays at 13:00.
    first = request(1, expected_children=6)
    second = request(2, expected_children=9)
    result = solved(instance([first, second], [trainer(1)]))

    assert list(result.plan.assignments) == [2]
    assert result.stats.status == "OPTIMAL"
    assert result.stats.children_served == 9
    # The baseline takes the requests in creation order and serves the smaller one.
    assert list(result.greedy.assignments) == [1]
    assert reasons(result)[1].startswith("Alle geschikte momenten botsen")


def test_a_request_that_fits_only_on_its_second_preferred_weekday_is_placed_there() -> None:
    mondays = tuple(
        BusyPeriod(at_amsterdam(day, ONE_PM), at_amsterdam(day, dt.time(14)), school_id=99)
        for day in (D(2027, 1, 4) + dt.timedelta(weeks=n) for n in range(10))
    )
    wanted = request(1, preferred_weekdays=(MON, WED))
    result = solved(instance([wanted], [trainer(1, sessions=mondays)]))

    candidate = result.plan.assignments[1].candidate
    assert candidate.weekday == WED
    assert candidate.first_date == D(2027, 1, 6)


def test_the_first_preferred_weekday_and_the_earliest_first_date_win_when_free() -> None:
    wanted = request(1, preferred_weekdays=(TUE, THU), window_end=D(2027, 4, 16))
    result = solved(instance([wanted], [trainer(1)]))

    candidate = result.plan.assignments[1].candidate
    assert (candidate.weekday, candidate.first_date) == (TUE, D(2027, 1, 5))
    assert candidate.preference_penalty == 0


def test_the_autumn_holiday_pushes_the_first_date_and_is_skipped_in_the_series() -> None:
    # The window opens on the first Monday of the autumn holiday (12 October 2026).
    pushed = request(1, window_start=D(2026, 10, 12), window_end=D(2026, 12, 18))
    # This one starts before the holiday and runs through it.
    through = request(2, window_start=D(2026, 9, 28), window_end=D(2026, 12, 18))
    result = solved(instance([pushed, through], [trainer(1), trainer(2)]))

    assert result.plan.assignments[1].candidate.first_date == D(2026, 10, 19)
    dates = [s.date for s in result.plan.assignments[2].candidate.sessions]
    assert dates[0] == D(2026, 9, 28)
    assert D(2026, 10, 12) not in dates
    assert dates[2] == D(2026, 10, 19)


def test_a_trainers_weekly_maximum_counts_existing_and_proposed_sessions() -> None:
    # Max two sessions a week, one of them taken every week by an existing group.
    existing = tuple(
        BusyPeriod(at_amsterdam(day, dt.time(9)), at_amsterdam(day, dt.time(10)), school_id=99)
        for day in (D(2027, 1, 5) + dt.timedelta(weeks=n) for n in range(12))
    )
    solo = trainer(1, max_sessions_per_week=2, sessions=existing)
    monday = request(1, expected_children=6)
    wednesday = request(2, preferred_weekdays=(WED,), expected_children=7)
    result = solved(instance([monday, wednesday], [solo]))

    assert list(result.plan.assignments) == [2]


def test_a_proposal_keeps_the_travel_buffer_after_an_existing_session_elsewhere() -> None:
    lunch = tuple(
        BusyPeriod(at_amsterdam(day, dt.time(12)), at_amsterdam(day, ONE_PM), school_id=99)
        for day in (D(2027, 1, 4) + dt.timedelta(weeks=n) for n in range(10))
    )
    wanted = request(1, earliest_start=ONE_PM, latest_start=dt.time(14))
    result = solved(instance([wanted], [trainer(1, sessions=lunch)]))

    assert result.plan.assignments[1].candidate.start_time >= dt.time(13, 30)


# --- reasons ------------------------------------------------------------------------


def test_a_window_too_short_around_the_autumn_holiday_is_explained() -> None:
    short = request(
        1,
        programme_id=KIES.id,
        window_start=D(2026, 10, 1),
        window_end=D(2026, 11, 15),
        preferred_weekdays=(THU,),
    )
    result = solved(instance([short], [trainer(1, KIES.id), trainer(2, KIES.id)]))

    assert reasons(result) == {
        1: "De periode is te kort: rond de vakanties passen de 10 bijeenkomsten niet tussen "
        "1-10-2026 en 15-11-2026 op de gewenste dagen."
    }


def test_a_request_without_enough_qualified_trainers_is_explained() -> None:
    kies = request(1, programme_id=KIES.id, window_end=D(2027, 4, 16))
    nobody = request(2, programme_id=CHILDREN_ONLY.id, window_end=D(2027, 4, 16))
    result = solved(instance([kies, nobody], [trainer(1, KIES.id)]))

    assert reasons(result) == {
        1: "Er zijn te weinig gekwalificeerde trainers (2 nodig, 1 beschikbaar).",
        2: "Er is geen gekwalificeerde trainer voor KIES.",
    }


def test_a_request_whose_trainers_are_always_busy_is_explained() -> None:
    away = (
        BusyPeriod(
            at_amsterdam(D(2027, 1, 1), dt.time(0)), at_amsterdam(D(2027, 4, 1), dt.time(0))
        ),
    )
    result = solved(instance([request(1)], [trainer(1, unavailable=away)]))

    assert reasons(result)[1].startswith("Geen gekwalificeerde trainer beschikbaar")


# --- soundness, the baseline, determinism -------------------------------------------


def random_instance(seed: int) -> PlannerInstance:
    """Ten requests over four schools and four trainers, tight enough to compete."""
    rnd = random.Random(seed)
    trainers = [
        trainer(
            n,
            *rnd.sample([CHILDREN_ONLY.id, KIES.id], rnd.randint(1, 2)),
            max_sessions_per_week=rnd.randint(1, 4),
        )
        for n in range(1, 5)
    ]
    requests = []
    for n in range(1, 11):
        start = D(2026, 9, 7) + dt.timedelta(weeks=rnd.randint(0, 20))
        earliest = rnd.choice([dt.time(9), dt.time(12, 30), ONE_PM])
        requests.append(
            request(
                n,
                school_id=rnd.randint(1, 4),
                programme_id=rnd.choice([CHILDREN_ONLY.id, KIES.id]),
                window_start=start,
                window_end=start + dt.timedelta(weeks=rnd.randint(10, 14)),
                preferred_weekdays=tuple(sorted(rnd.sample(range(5), rnd.randint(1, 2)))),
                expected_children=rnd.randint(5, 25),
                earliest_start=earliest,
                latest_start=(dt.datetime.combine(start, earliest) + dt.timedelta(hours=1)).time(),
            )
        )
    return instance(requests, trainers)


# Seeds where requests compete (the solver serves more than the baseline, or leaves some out).
@pytest.mark.parametrize("seed", [2, 4, 6, 7])
def test_proposals_break_no_rule_and_serve_at_least_as_many_children_as_greedy(
    seed: int,
) -> None:
    result = plan_year(random_instance(seed), time_limit=5)

    assert plan_violations(result.problem, result.plan) == []
    assert plan_violations(result.problem, result.greedy) == []
    assert result.stats.children_served >= result.greedy.children(result.problem)
    assert len(result.plan.assignments) + len(result.unsatisfied) == 10


def test_the_penalty_the_solver_minimises_is_the_one_the_plan_has() -> None:
    result = plan_year(random_instance(6), time_limit=5)

    assert result.stats.status == "OPTIMAL"
    assert result.stats.penalty == plan_penalty(result.problem, result.plan)


def test_the_rule_checker_finds_a_double_booked_trainer() -> None:
    """The soundness test above relies on this checker, so it must be able to fail."""
    problem = PlanningProblem(instance([request(1), request(2)], [trainer(1)]))
    plan = plan_greedy(problem)
    candidate = plan.assignments[1].candidate
    plan.assignments[2] = Assignment(2, dataclasses.replace(candidate, request_id=2), (1,))

    assert any("overlapt" in problem for problem in plan_violations(problem, plan))


def test_the_planner_gives_the_same_proposal_for_the_same_input() -> None:
    def proposal() -> dict[str, Any]:
        data = result_as_json(plan_year(random_instance(7), time_limit=5))
        return {key: data[key] for key in ("proposals", "unsatisfied")}

    assert proposal() == proposal()


# --- the database path --------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def before_the_year() -> Any:
    with time_machine.travel(dt.datetime(2026, 9, 1, 12, tzinfo=AMSTERDAM)):
        yield


def kies_request(kies: Any, year: Any, school: Any, **fields: Any) -> PlanningRequest:
    values: dict[str, Any] = {
        "school": school,
        "programme": kies,
        "school_year": year,
        "round_label": "najaar 2026",
        "window_start": D(2026, 11, 2),
        "window_end": D(2027, 1, 31),
        "preferred_weekdays": [MON],
        "expected_children": 8,
        "earliest_start": ONE_PM,
        "latest_start": ONE_PM,
        "requested_by": school.coordinators.first() or factories.UserFactory(),
    }
    values.update(fields)
    return planning_request_create(**values)


def start_run(year: Any, user: Any, django_capture_on_commit_callbacks: Any) -> PlannerRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = planner_run_start(school_year=year, started_by=user, time_limit_seconds=5)
    run.refresh_from_db()
    return run


@pytestmark_db
def test_starting_a_run_in_eager_mode_gives_a_done_run_with_a_proposal(
    kies: Any,
    year: Any,
    trainer_pair: Any,
    school_a: Any,
    alice: Any,
    before_the_year: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    wanted = kies_request(kies, year, school_a)
    run = start_run(year, alice, django_capture_on_commit_callbacks)

    assert (run.status, run.progress, run.error) == (PlannerRunStatus.DONE, 100, "")
    assert run.finished_at is not None
    [proposal] = run.result["proposals"]
    assert proposal["request_id"] == wanted.pk
    assert proposal["weekday_name"] == "maandag"
    assert (proposal["first_date"], proposal["start_time"]) == ("2026-11-02", "13:00")
    assert sorted(proposal["trainer_ids"]) == sorted(t.pk for t in trainer_pair)
    assert len(proposal["sessions"]) == 10
    assert proposal["sessions"][1]["starts_at"] == "2026-11-09T13:00:00+01:00"
    assert run.result["unsatisfied"] == []
    assert run.result["stats"]["status"] == "OPTIMAL"


@pytestmark_db
def test_accepting_a_proposal_creates_a_draft_group_and_plans_the_request(
    kies: Any,
    year: Any,
    trainer_pair: Any,
    school_a: Any,
    alice: Any,
    before_the_year: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    wanted = kies_request(kies, year, school_a)
    run = start_run(year, alice, django_capture_on_commit_callbacks)

    [group] = planner_run_accept(run=run, request_ids=[wanted.pk], accepted_by=alice)

    assert group.status == GroupStatus.DRAFT
    assert (group.host_school, group.round_label, group.created_by) == (
        school_a,
        "najaar 2026",
        alice,
    )
    assert (group.weekday, group.start_time, group.first_date) == (MON, ONE_PM, D(2026, 11, 2))
    assert set(group.trainers.all()) == set(trainer_pair)
    assert group.sessions.count() == 10
    wanted.refresh_from_db()
    assert (wanted.status, wanted.group) == (PlanningRequestStatus.PLANNED, group)
    with pytest.raises(ValidationError, match="niet meer open"):
        planner_run_accept(run=run, request_ids=[wanted.pk], accepted_by=alice)
    assert Group.objects.count() == 1


@pytestmark_db
def test_accepting_refuses_a_run_that_is_not_done(year: Any, alice: Any) -> None:
    run = PlannerRun.objects.create(school_year=year, started_by=alice)

    with pytest.raises(ValidationError, match="afgeronde planner-run"):
        planner_run_accept(run=run, request_ids=[1], accepted_by=alice)


@pytestmark_db
def test_accepting_aborts_when_the_trainers_got_busy_since_the_run(
    kies: Any,
    year: Any,
    trainer_pair: Any,
    school_a: Any,
    school_b: Any,
    alice: Any,
    before_the_year: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = kies_request(kies, year, school_a)
    second = kies_request(
        kies, year, school_b, window_start=D(2027, 2, 1), window_end=D(2027, 5, 31)
    )
    run = start_run(year, alice, django_capture_on_commit_callbacks)
    # Meanwhile someone plans the same trainers on the proposed Mondays.
    group_create(
        programme=kies,
        host_school=school_b,
        school_year=year,
        round_label="extra",
        weekday=MON,
        start_time=ONE_PM,
        first_date=D(2026, 11, 2),
        trainers=trainer_pair,
    )

    with pytest.raises(ConflictError) as excinfo:
        planner_run_accept(run=run, request_ids=[second.pk, first.pk], accepted_by=alice)

    assert "past niet meer" in excinfo.value.messages[0]
    assert Group.objects.count() == 1  # only the one made by hand; nothing half-accepted
    assert set(PlanningRequest.objects.values_list("status", flat=True)) == {"open"}


@pytestmark_db
def test_a_run_is_executed_once_even_if_the_task_runs_twice(
    kies: Any,
    year: Any,
    trainer_pair: Any,
    school_a: Any,
    alice: Any,
    before_the_year: None,
) -> None:
    kies_request(kies, year, school_a)
    run = PlannerRun.objects.create(school_year=year, started_by=alice, time_limit_seconds=5)

    assert run_planner(run.pk) is True
    run.refresh_from_db()
    finished_at = run.finished_at
    assert run_planner(run.pk) is False
    run.refresh_from_db()
    assert (run.status, run.finished_at) == (PlannerRunStatus.DONE, finished_at)


@pytestmark_db
def test_a_failing_run_is_marked_failed_with_its_error(
    year: Any, alice: Any, monkeypatch: Any
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr("scheduler.planner.loading.build_instance", broken)
    run = PlannerRun.objects.create(school_year=year, started_by=alice)

    assert planner_run_execute(run_id=run.pk) is True
    run.refresh_from_db()
    assert run.status == PlannerRunStatus.FAILED
    assert run.error == "RuntimeError: database gone"


@pytestmark_db
def test_building_the_instance_takes_the_same_queries_for_2_or_6_requests(
    kies: Any, year: Any
) -> None:
    def queries_for(requests: int) -> int:
        PlanningRequest.objects.all().delete()
        for n in range(requests):
            school = factories.SchoolFactory()
            factories.SchoolClosureFactory(school=school)
            trainer = factories.TrainerFactory(qualifications=[kies])
            factories.TrainerUnavailabilityFactory(trainer=trainer)
            kies_request(kies, year, school, expected_children=6 + n)
        with CaptureQueriesContext(connection) as queries:
            built = build_instance(school_year=year)
        assert len(built.requests) == requests
        return len(queries)

    assert queries_for(2) == queries_for(6) <= 7
