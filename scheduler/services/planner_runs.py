"""The year planner's runs: queue one, execute it (the Celery task `scheduler.run_planner`
lives here, beside the service it calls), and accept its proposals as draft groups."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import EnrolmentMode, SchoolYear, Trainer
from programmes.selectors import refuse_school_year_without_holidays
from scheduler.models import (
    Group,
    PlannerRun,
    PlannerRunStatus,
    PlanningRequest,
    PlanningRequestStatus,
)
from scheduler.services.groups import group_create
from scheduler.services.overrides import ConflictError, SoftConflictError

logger = logging.getLogger(__name__)

# The planner modules (and OR-Tools) are imported inside these functions, so importing the
# services does not load the solver.

# A class-mode group needs a mentor's name; a planning request does not ask for one.
PLANNER_MENTOR_PLACEHOLDER = "nog in te vullen"

# The solver stops itself at the run's time limit (at most 600 s); these limits only catch
# a run that hangs anyway (building a huge instance, a stuck database).
SOFT_TIME_LIMIT = 15 * 60
TIME_LIMIT = SOFT_TIME_LIMIT + 60


@transaction.atomic
def planner_run_start(
    *,
    school_year: SchoolYear,
    started_by: Any | None,
    time_limit_seconds: int = 30,
    confirm_no_holidays: bool = False,
) -> PlannerRun:
    """Queue a year planner run over `school_year`'s open requests.

    Creates the run (status queued) and enqueues the task `run_planner` on the
    planning queue after the commit; with eager Celery (`make run`) the run is done when
    the commit returns.

    Refuses a time limit outside 1 to 600 seconds, and a school year without holidays
    for the region of a school with an open request (code "no_holidays") unless
    `confirm_no_holidays` says the year has none.
    """
    if not 1 <= time_limit_seconds <= 600:
        raise ValidationError(
            {"time_limit_seconds": _("Kies een rekentijd van 1 tot 600 seconden.")}
        )
    refuse_school_year_without_holidays(
        school_year=school_year,
        regions=PlanningRequest.objects.filter(
            school_year=school_year, status=PlanningRequestStatus.OPEN, programme__active=True
        )
        .values_list("school__holiday_region", flat=True)
        .distinct(),
        confirm_no_holidays=confirm_no_holidays,
    )
    run = PlannerRun.objects.create(
        school_year=school_year, started_by=started_by, time_limit_seconds=time_limit_seconds
    )
    transaction.on_commit(lambda: run_planner.delay(run.pk))
    return run


def planner_run_execute(*, run_id: int) -> bool:
    """Run the planner for a queued run: build, solve, store the proposal, mark it done.

    Safe to call twice: only the call that moves the run from queued to running does the
    work (a conditional update); the others return False. Any error marks the run failed
    with the error text instead of propagating. Progress: 10 claimed, 30 loaded, 50
    candidates and baseline ready, 100 done.
    """
    from scheduler.planner import plan_year, result_as_json
    from scheduler.planner.loading import build_instance

    claimed = PlannerRun.objects.filter(pk=run_id, status=PlannerRunStatus.QUEUED).update(
        status=PlannerRunStatus.RUNNING, progress=10
    )
    if not claimed:
        return False
    run = PlannerRun.objects.select_related("school_year").get(pk=run_id)

    def progress(percent: int) -> None:
        PlannerRun.objects.filter(pk=run_id).update(progress=percent)

    try:
        instance = build_instance(
            school_year=run.school_year,
            not_before=timezone.localdate() + dt.timedelta(days=1),
            buffer_minutes=settings.SCHEDULER_TRAVEL_BUFFER_MINUTES,
        )
        progress(30)
        result = plan_year(instance, time_limit=run.time_limit_seconds, progress=progress)
        PlannerRun.objects.filter(pk=run_id).update(
            status=PlannerRunStatus.DONE,
            progress=100,
            result=result_as_json(result),
            finished_at=timezone.now(),
        )
    except Exception as exc:  # a failed run must say why, whatever broke
        logger.exception("Planner run %s failed", run_id)
        PlannerRun.objects.filter(pk=run_id).update(
            status=PlannerRunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
    return True


# Routed to the "planning" queue by CELERY_TASK_ROUTES, so a long solve never holds up mail.
@shared_task(name="scheduler.run_planner", soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def run_planner(run_id: int) -> bool:
    """Execute planner run `run_id`. Safe to run twice: a run is claimed only once."""
    return planner_run_execute(run_id=run_id)


def _proposal_refused(exc: ValidationError, request: PlanningRequest) -> ValidationError:
    """The same error, with every message saying which proposal no longer fits."""
    prefix = _(
        "Het voorstel voor %(programme)s op %(school)s (%(round)s) past niet meer; "
        "start de planner opnieuw."
    ) % {
        "programme": request.programme.name,
        "school": request.school.name,
        "round": request.round_label,
    }
    if isinstance(exc, ConflictError | SoftConflictError):
        conflicts = [replace(c, message=f"{prefix} {c.message}") for c in exc.conflicts]
        return type(exc)(conflicts)
    return ValidationError([f"{prefix} {message}" for message in exc.messages])


@transaction.atomic
def planner_run_accept(
    *,
    run: PlannerRun,
    request_ids: Sequence[int],
    accepted_by: Any | None,
    confirm_no_holidays: bool = False,
) -> list[Group]:
    """Turn the chosen proposals of a finished run into draft groups, all or nothing.

    For each request id: `group_create` with the proposed weekday, time, first date and
    trainers (sessions generated and conflict-checked again), then the request becomes
    planned with that group. Refuses a run that is not done, a request that is not in
    the proposal or no longer open, a school year without holidays for a chosen school's
    region (code "no_holidays") unless `confirm_no_holidays` says the year has none, and
    any conflict (the world changed since the run): then nothing is created.
    """
    run = PlannerRun.objects.select_related("school_year").get(pk=run.pk)
    if run.status != PlannerRunStatus.DONE:
        raise ValidationError(
            _("Alleen het voorstel van een afgeronde planner-run kan worden overgenomen.")
        )
    wanted = list(dict.fromkeys(int(pk) for pk in request_ids))
    if not wanted:
        raise ValidationError(_("Kies minstens één voorstel."))
    proposals = {p["request_id"]: p for p in run.result.get("proposals", [])}
    missing = [pk for pk in wanted if pk not in proposals]
    if missing:
        raise ValidationError(
            _("Verzoek %(ids)s staat niet in dit voorstel.")
            % {"ids": ", ".join(str(pk) for pk in missing)}
        )
    # Lock the requests first, so two accepts of the same request cannot both pass.
    list(PlanningRequest.objects.select_for_update().filter(pk__in=wanted).values_list("pk"))
    requests = PlanningRequest.objects.select_related("programme", "school").in_bulk(wanted)
    for pk in wanted:
        request = requests.get(pk)
        if request is None or request.status != PlanningRequestStatus.OPEN:
            raise ValidationError(
                _("Verzoek %(id)s is niet meer open; het is al ingepland of ingetrokken.")
                % {"id": pk}
            )
    refuse_school_year_without_holidays(
        school_year=run.school_year,
        regions={requests[pk].school.holiday_region for pk in wanted},
        confirm_no_holidays=confirm_no_holidays,
    )
    trainer_ids = {t for pk in wanted for t in proposals[pk]["trainer_ids"]}
    trainers = Trainer.objects.select_related("user").in_bulk(trainer_ids)
    groups: list[Group] = []
    for pk in wanted:
        request, proposal = requests[pk], proposals[pk]
        class_mode = request.programme.enrolment_mode == EnrolmentMode.CLASS
        try:
            if any(t not in trainers for t in proposal["trainer_ids"]):
                raise ValidationError(_("Een voorgestelde trainer bestaat niet meer."))
            created = group_create(
                programme=request.programme,
                host_school=request.school,
                school_year=request.school_year,
                round_label=request.round_label,
                weekday=int(proposal["weekday"]),
                start_time=dt.time.fromisoformat(proposal["start_time"]),
                first_date=dt.date.fromisoformat(proposal["first_date"]),
                trainers=[trainers[t] for t in proposal["trainer_ids"]],
                class_name=request.class_name,
                class_size=request.expected_children if class_mode else None,
                mentor_name=PLANNER_MENTOR_PLACEHOLDER if class_mode else "",
                created_by=accepted_by,
                confirm_no_holidays=confirm_no_holidays,
            )
        except ValidationError as exc:
            raise _proposal_refused(exc, request) from exc
        PlanningRequest.objects.filter(pk=pk, status=PlanningRequestStatus.OPEN).update(
            status=PlanningRequestStatus.PLANNED, group=created.group
        )
        groups.append(created.group)
    return groups
