"""Every change to groups, sessions and planning requests.

Each service validates, checks conflicts, saves inside one transaction and
emits the domain events of `scheduler.events`; the scheduler sends nothing
itself. Hard conflicts raise `ConflictError`; soft ones raise `SoftConflictError`
unless `override_by` (a programme manager) accepts them, which is recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from config.domain_events import emit
from programmes.calendar import SchoolCalendar
from programmes.models import EnrolmentMode, Programme, School, SchoolYear, Trainer
from programmes.selectors import refuse_school_year_without_holidays
from scheduler import access, events
from scheduler.conflicts import Conflict, ConflictChecker, Slot
from scheduler.models import (
    ConflictOverride,
    Group,
    GroupStatus,
    PlannerRun,
    PlannerRunStatus,
    PlanningRequest,
    PlanningRequestStatus,
    Session,
    SessionStatus,
)
from scheduler.series import (
    SeriesPlan,
    at_amsterdam,
    first_weekday_on_or_after,
    plan_series,
    series_last_day,
)

logger = logging.getLogger(__name__)


class ConflictError(ValidationError):
    """Refused: at least one hard conflict. `conflicts` holds all conflicts found."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = list(conflicts)
        super().__init__([c.message for c in self.conflicts if c.is_hard])


class SoftConflictError(ValidationError):
    """Only soft conflicts; a programme manager may accept them with `override_by`."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = list(conflicts)
        super().__init__([c.message for c in self.conflicts])


@dataclass
class GroupCreated:
    group: Group
    plan: SeriesPlan
    overridden: list[Conflict] = field(default_factory=list)


def _resolve_conflicts(conflicts: list[Conflict], *, override_by: Any | None) -> list[Conflict]:
    """Raise for hard conflicts, or for soft ones nobody with the right may accept."""
    if any(c.is_hard for c in conflicts):
        raise ConflictError(conflicts)
    if conflicts and not (
        override_by is not None and access.can_override_soft_conflicts(override_by)
    ):
        raise SoftConflictError(conflicts)
    return conflicts


def _record_overrides(session: Session, conflicts: Iterable[Conflict], by: Any) -> None:
    ConflictOverride.objects.bulk_create(
        ConflictOverride(session=session, kind=c.kind, message=c.message, overridden_by=by)
        for c in conflicts
    )


def _validate_trainers(programme: Programme, trainers: Sequence[Trainer]) -> None:
    if len(set(t.pk for t in trainers)) != len(trainers):
        raise ValidationError({"trainers": _("Kies elke trainer maar één keer.")})
    if len(trainers) > programme.trainers_per_group:
        raise ValidationError(
            {
                "trainers": _(
                    "%(programme)s heeft %(count)s trainer(s) per groep nodig, niet meer."
                )
                % {"programme": programme.name, "count": programme.trainers_per_group}
            }
        )
    qualified = set(programme.qualified_trainers.values_list("pk", flat=True))
    for trainer in trainers:
        if trainer.pk not in qualified:
            raise ValidationError(
                {
                    "trainers": _("%(trainer)s is niet gekwalificeerd voor %(programme)s.")
                    % {"trainer": trainer.display_name, "programme": programme.name}
                }
            )


def series_preview(
    *,
    programme: Programme,
    host_school: School,
    first_date: dt.date,
    weekday: int,
    start_time: dt.time,
    parent_meeting_time: dt.time = dt.time(19, 30),
) -> SeriesPlan:
    """The sessions a group would get, and the dates skipped with the reasons. Saves nothing."""
    calendar = SchoolCalendar(host_school, first_date, series_last_day(first_date))
    return plan_series(
        calendar=calendar,
        first_date=first_date,
        weekday=weekday,
        start_time=start_time,
        child_sessions=programme.child_sessions,
        session_minutes=programme.session_minutes,
        parent_meetings_before=programme.parent_meetings_before,
        parent_meetings_after=programme.parent_meetings_after,
        parent_meeting_time=parent_meeting_time,
        parent_meeting_minutes=programme.parent_meeting_minutes,
    )


def series_conflicts(
    *, group_like: Group, trainers: Sequence[Trainer], plan: SeriesPlan
) -> list[Conflict]:
    """Every conflict of a planned series: with existing sessions and within itself."""
    if not plan.sessions:
        return []
    checker = ConflictChecker(
        school=group_like.host_school,
        trainers=trainers,
        start=plan.sessions[0].date,
        end=plan.sessions[-1].date,
    )
    found: list[Conflict] = []
    for planned in plan.sessions:
        slot = Slot(
            starts_at=planned.starts_at,
            ends_at=planned.ends_at,
            school_id=group_like.host_school_id,
            room=group_like.room,
            trainer_ids=tuple(t.pk for t in trainers),
            label=str(planned.kind),
        )
        found.extend(checker.check(slot))
        checker.accept(slot)
    return found


@transaction.atomic
def group_create(
    *,
    programme: Programme,
    host_school: School,
    school_year: SchoolYear,
    round_label: str,
    weekday: int,
    start_time: dt.time,
    first_date: dt.date,
    trainers: Sequence[Trainer] = (),
    capacity: int | None = None,
    admitted_schools: Sequence[School] = (),
    location: str = "",
    room: str = "",
    parent_meeting_time: dt.time = dt.time(19, 30),
    enrolment_opens_on: dt.date | None = None,
    enrolment_closes_on: dt.date | None = None,
    class_name: str = "",
    class_size: int | None = None,
    mentor_name: str = "",
    mentor_email: str = "",
    created_by: Any | None = None,
    override_by: Any | None = None,
    confirm_no_holidays: bool = False,
) -> GroupCreated:
    """Create a draft group and generate its sessions around the host school's closed days.

    Refuses: an inactive programme, a capacity above the programme's maximum, a first
    date outside the school year or not on the chosen weekday, unqualified or too many
    trainers, a class-mode group without its class, a school year without holidays for
    the host school's region (code "no_holidays") unless `confirm_no_holidays` says the
    year has none, and any hard conflict of the series.
    Soft conflicts need `override_by` (a programme manager); they are recorded.
    """
    trainers = list(trainers)
    errors: dict[str, str] = {}
    if not programme.active:
        errors["programme"] = _("Dit programma wordt niet meer aangeboden.")
    if capacity is None:
        capacity = (
            class_size
            if programme.enrolment_mode == EnrolmentMode.CLASS and class_size
            else programme.group_size_max
        )
    if programme.enrolment_mode == EnrolmentMode.INDIVIDUAL and capacity > programme.group_size_max:
        errors["capacity"] = _("%(programme)s heeft hoogstens %(max)s plaatsen per groep.") % {
            "programme": programme.name,
            "max": programme.group_size_max,
        }
    if not school_year.contains(first_date):
        errors["first_date"] = _("De eerste datum ligt niet in schooljaar %(label)s.") % {
            "label": school_year.label
        }
    elif first_date.weekday() != weekday:
        errors["first_date"] = _(
            "De eerste datum valt niet op de gekozen weekdag; de eerstvolgende is %(date)s."
        ) % {"date": first_weekday_on_or_after(first_date, weekday).strftime("%d-%m-%Y")}
    if programme.enrolment_mode == EnrolmentMode.CLASS:
        if not class_name:
            errors["class_name"] = _("Vul de klas in, bijvoorbeeld 7B.")
        if not class_size:
            errors["class_size"] = _("Vul het aantal leerlingen van de klas in.")
        if not mentor_name:
            errors["mentor_name"] = _("Vul de naam van de mentor in.")
    if enrolment_closes_on and enrolment_closes_on >= first_date:
        errors["enrolment_closes_on"] = _("Aanmelden moet sluiten vóór de eerste datum.")
    if errors:
        raise ValidationError(errors)
    refuse_school_year_without_holidays(
        school_year=school_year,
        regions=[host_school.holiday_region],
        confirm_no_holidays=confirm_no_holidays,
    )
    _validate_trainers(programme, trainers)

    group = Group(
        programme=programme,
        host_school=host_school,
        school_year=school_year,
        round_label=round_label,
        admits_host_only=not admitted_schools,
        capacity=capacity,
        location=location or f"{host_school.name}, {host_school.street_address}".strip(", "),
        room=room,
        weekday=weekday,
        start_time=start_time,
        parent_meeting_time=parent_meeting_time,
        first_date=first_date,
        enrolment_opens_on=enrolment_opens_on,
        enrolment_closes_on=enrolment_closes_on,
        class_name=class_name,
        class_size=class_size,
        mentor_name=mentor_name,
        mentor_email=mentor_email,
        created_by=created_by,
    )
    group.full_clean()
    plan = series_preview(
        programme=programme,
        host_school=host_school,
        first_date=first_date,
        weekday=weekday,
        start_time=start_time,
        parent_meeting_time=parent_meeting_time,
    )
    overridden = _resolve_conflicts(
        series_conflicts(group_like=group, trainers=trainers, plan=plan), override_by=override_by
    )
    group.save()
    group.trainers.set(trainers)
    group.admitted_schools.set({host_school, *admitted_schools})
    sessions = Session.objects.bulk_create(
        Session(
            group=group,
            kind=planned.kind,
            sequence=planned.sequence,
            starts_at=planned.starts_at,
            ends_at=planned.ends_at,
        )
        for planned in plan.sessions
    )
    if overridden:
        by_start = {s.starts_at: s for s in sessions}
        for conflict in overridden:
            _record_overrides(by_start[conflict.starts_at], [conflict], override_by)
    for trainer in trainers:
        emit(events.TrainerAssigned(group_id=group.pk, trainer_id=trainer.pk))
    return GroupCreated(group=group, plan=plan, overridden=overridden)


@transaction.atomic
def group_transition(*, group: Group, to: str) -> Group:
    """Move a group to status `to` if the transition is allowed (see GROUP_TRANSITIONS).

    Publishing needs the programme's full trainer set and at least one session.
    Cancelling goes through `group_cancel`, which also cancels the sessions.
    """
    group = Group.objects.select_for_update().get(pk=group.pk)
    if to == GroupStatus.CANCELLED:
        return group_cancel(group=group, reason="")
    if not group.can_become(to):
        raise ValidationError(
            _("Een groep met status '%(from)s' kan niet naar '%(to)s'.")
            % {"from": group.get_status_display(), "to": GroupStatus(to).label}
        )
    if to == GroupStatus.PUBLISHED:
        needed = group.programme.trainers_per_group
        if group.trainers.count() < needed:
            raise ValidationError(
                _("Wijs eerst %(count)s trainer(s) toe voordat de groep gepubliceerd wordt.")
                % {"count": needed}
            )
    group.status = to
    group.save(update_fields=["status", "updated_at"])
    if to == GroupStatus.PUBLISHED:
        emit(events.GroupPublished(group_id=group.pk))
    return group


@transaction.atomic
def group_cancel(*, group: Group, reason: str = "") -> Group:
    """Cancel a group and its future sessions (each gets a new revision); emits GroupCancelled."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    if not group.can_become(GroupStatus.CANCELLED):
        raise ValidationError(_("Deze groep kan niet meer geannuleerd worden."))
    group.status = GroupStatus.CANCELLED
    group.save(update_fields=["status", "updated_at"])
    group.sessions.filter(status=SessionStatus.SCHEDULED).update(
        status=SessionStatus.CANCELLED, revision=F("revision") + 1
    )
    emit(events.GroupCancelled(group_id=group.pk, reason=reason))
    return group


def _session_slot(session: Session, starts_at: dt.datetime, ends_at: dt.datetime) -> Slot:
    group = session.group
    return Slot(
        starts_at=starts_at,
        ends_at=ends_at,
        school_id=group.host_school_id,
        room=group.room,
        trainer_ids=tuple(t.pk for t in group.trainers.all()),
        label=str(session),
    )


def _refuse_outside_school_year(session: Session, starts_at: dt.datetime) -> None:
    year = session.group.school_year
    if starts_at.tzinfo is not None and not year.contains(localtime(starts_at).date()):
        raise ValidationError(
            {
                "starts_at": _("De nieuwe datum ligt niet in schooljaar %(label)s.")
                % {"label": year.label}
            }
        )


def session_conflicts(
    *, session: Session, starts_at: dt.datetime, ends_at: dt.datetime | None = None
) -> list[Conflict]:
    """The conflicts `session` would have at a new time. Saves nothing.

    Refuses a time outside the group's school year.
    """
    _refuse_outside_school_year(session, starts_at)
    ends_at = ends_at or starts_at + (session.ends_at - session.starts_at)
    group = session.group
    trainers = list(group.trainers.all())
    day = localtime(starts_at).date()
    checker = ConflictChecker(
        school=group.host_school,
        trainers=trainers,
        start=day,
        end=day,
        exclude_session_ids=[session.pk],
    )
    return checker.check(_session_slot(session, starts_at, ends_at))


@transaction.atomic
def session_move(
    *,
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    override_by: Any | None = None,
) -> Session:
    """Move one session (keeping its length unless `ends_at` is given), conflict-checked.

    Bumps the revision and emits SessionMoved. Refuses a cancelled session or group, and
    a time outside the group's school year.
    """
    session = (
        Session.objects.select_for_update(of=("self", "group"))
        .select_related("group__host_school", "group__programme", "group__school_year")
        .get(pk=session.pk)
    )
    if session.is_cancelled or session.group.is_cancelled:
        raise ValidationError(_("Een vervallen bijeenkomst kan niet verplaatst worden."))
    if starts_at.tzinfo is None:
        raise ValidationError({"starts_at": _("Geef een tijd met tijdzone.")})
    ends_at = ends_at or starts_at + (session.ends_at - session.starts_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Het einde moet na het begin liggen.")})
    overridden = _resolve_conflicts(
        session_conflicts(session=session, starts_at=starts_at, ends_at=ends_at),
        override_by=override_by,
    )
    old_starts_at = session.starts_at
    session.starts_at, session.ends_at = starts_at, ends_at
    session.revision += 1
    session.save(update_fields=["starts_at", "ends_at", "revision"])
    _record_overrides(session, overridden, override_by)
    emit(
        events.SessionMoved(
            session_id=session.pk,
            revision=session.revision,
            old_starts_at=old_starts_at,
            new_starts_at=starts_at,
        )
    )
    return session


@transaction.atomic
def session_cancel(
    *, session: Session, add_replacement: bool = False, override_by: Any | None = None
) -> Session | None:
    """Cancel one session; optionally add a replacement in the first free open week after the
    group's last session of that kind. Emits SessionCancelled (and SessionAdded). Returns the
    replacement, if any.
    """
    session = (
        Session.objects.select_for_update(of=("self", "group"))
        .select_related("group__host_school", "group__programme")
        .get(pk=session.pk)
    )
    if session.is_cancelled:
        raise ValidationError(_("Deze bijeenkomst is al vervallen."))
    replacement = None
    if add_replacement:
        replacement = _session_add_replacement(session=session, override_by=override_by)
    session.status = SessionStatus.CANCELLED
    session.revision += 1
    session.save(update_fields=["status", "revision"])
    emit(
        events.SessionCancelled(
            session_id=session.pk,
            revision=session.revision,
            replacement_id=replacement.pk if replacement else None,
        )
    )
    if replacement:
        emit(events.SessionAdded(session_id=replacement.pk, revision=replacement.revision))
    return replacement


def _session_add_replacement(*, session: Session, override_by: Any | None) -> Session:
    group = session.group
    taken_days = {
        localtime(s).date()
        for s in group.sessions.filter(status=SessionStatus.SCHEDULED).values_list(
            "starts_at", flat=True
        )
    }
    last_of_kind = group.sessions.filter(
        kind=session.kind, status=SessionStatus.SCHEDULED
    ).aggregate(last=Max("starts_at"))["last"]
    day = localtime(last_of_kind).date() + dt.timedelta(weeks=1)
    calendar = SchoolCalendar(group.host_school, day, series_last_day(day))
    time = localtime(session.starts_at).time()
    duration = session.ends_at - session.starts_at
    while True:
        if day > calendar.end:
            raise ValidationError(
                _("Er is binnen een jaar geen vrije week voor een vervangende bijeenkomst.")
            )
        if calendar.is_open(day) and day not in taken_days:
            starts_at = at_amsterdam(day, time)
            conflicts = session_conflicts(session=session, starts_at=starts_at)
            if not any(c.is_hard for c in conflicts):
                break
        day += dt.timedelta(weeks=1)
    overridden = _resolve_conflicts(conflicts, override_by=override_by)
    sequence = (group.sessions.filter(kind=session.kind).aggregate(m=Max("sequence"))["m"] or 0) + 1
    replacement = Session.objects.create(
        group=group,
        kind=session.kind,
        sequence=sequence,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        replaces=session,
    )
    _record_overrides(replacement, overridden, override_by)
    return replacement


@transaction.atomic
def group_replace_trainer(
    *, group: Group, old: Trainer | None, new: Trainer, override_by: Any | None = None
) -> Group:
    """Swap `old` for `new` (or add `new` when `old` is None) on every coming session.

    `new` must be qualified and free; the coming sessions get a new revision (their
    attendees change). Emits TrainerRemoved and TrainerAssigned.
    """
    group = (
        Group.objects.select_for_update(of=("self",))
        .select_related("programme", "host_school")
        .get(pk=group.pk)
    )
    if group.is_cancelled:
        raise ValidationError(_("De groep is geannuleerd."))
    current = list(group.trainers.all())
    if old is not None and old not in current:
        raise ValidationError(
            {
                "old": _("%(trainer)s is geen trainer van deze groep.")
                % {"trainer": old.display_name}
            }
        )
    if new in current:
        raise ValidationError(
            {"new": _("%(trainer)s is al trainer van deze groep.") % {"trainer": new.display_name}}
        )
    _validate_trainers(group.programme, [t for t in current if t != old] + [new])
    coming = list(
        group.sessions.filter(
            status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now()
        ).order_by("starts_at")
    )
    conflicts: list[Conflict] = []
    if coming:
        checker = ConflictChecker(
            school=group.host_school,
            trainers=[new],
            start=localtime(coming[0].starts_at).date(),
            end=localtime(coming[-1].starts_at).date(),
        )
        for session in coming:
            slot = Slot(
                session.starts_at,
                session.ends_at,
                group.host_school_id,
                group.room,
                (new.pk,),
                str(session),
            )
            conflicts.extend(c for c in checker.check(slot) if c.trainer_id == new.pk)
            checker.accept(slot)
    overridden = _resolve_conflicts(conflicts, override_by=override_by)
    if old is not None:
        group.trainers.remove(old)
    group.trainers.add(new)
    Session.objects.filter(pk__in=[s.pk for s in coming]).update(revision=F("revision") + 1)
    by_start = {s.starts_at: s for s in coming}
    for conflict in overridden:
        _record_overrides(by_start[conflict.starts_at], [conflict], override_by)
    if old is not None:
        emit(events.TrainerRemoved(group_id=group.pk, trainer_id=old.pk))
    emit(events.TrainerAssigned(group_id=group.pk, trainer_id=new.pk))
    return group


@transaction.atomic
def planning_request_create(
    *,
    school: School,
    programme: Programme,
    school_year: SchoolYear,
    round_label: str,
    window_start: dt.date,
    window_end: dt.date,
    preferred_weekdays: Sequence[int],
    expected_children: int,
    earliest_start: dt.time = dt.time(8, 30),
    latest_start: dt.time = dt.time(15, 0),
    class_name: str = "",
    notes: str = "",
    requested_by: Any | None = None,
) -> PlanningRequest:
    """A coordinator's request for a programme at their school within a window."""
    weekdays = sorted(set(preferred_weekdays))
    errors: dict[str, str] = {}
    if not weekdays or any(d not in range(5) for d in weekdays):
        errors["preferred_weekdays"] = _(
            "Kies minstens één schooldag (maandag tot en met vrijdag)."
        )
    if not (school_year.contains(window_start) and school_year.contains(window_end)):
        errors["window_start"] = _("De periode moet binnen schooljaar %(label)s liggen.") % {
            "label": school_year.label
        }
    if not programme.active:
        errors["programme"] = _("Dit programma wordt niet meer aangeboden.")
    if programme.enrolment_mode == EnrolmentMode.CLASS and not class_name:
        errors["class_name"] = _("Vul de klas in, bijvoorbeeld 7B.")
    if errors:
        raise ValidationError(errors)
    request = PlanningRequest(
        school=school,
        programme=programme,
        school_year=school_year,
        round_label=round_label,
        window_start=window_start,
        window_end=window_end,
        preferred_weekdays=weekdays,
        earliest_start=earliest_start,
        latest_start=latest_start,
        expected_children=expected_children,
        class_name=class_name,
        notes=notes,
        requested_by=requested_by,
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def planning_request_withdraw(*, request: PlanningRequest) -> PlanningRequest:
    if request.status != PlanningRequestStatus.OPEN:
        raise ValidationError(_("Alleen een open verzoek kan worden ingetrokken."))
    request.status = PlanningRequestStatus.WITHDRAWN
    request.save(update_fields=["status"])
    return request


# --- the year planner -------------------------------------------------------------------
# The planner modules (and OR-Tools) are imported inside these functions, so importing the
# services does not load the solver.

# A class-mode group needs a mentor's name; a planning request does not ask for one.
PLANNER_MENTOR_PLACEHOLDER = "nog in te vullen"


@transaction.atomic
def planner_run_start(
    *,
    school_year: SchoolYear,
    started_by: Any | None,
    time_limit_seconds: int = 30,
    confirm_no_holidays: bool = False,
) -> PlannerRun:
    """Queue a year planner run over `school_year`'s open requests.

    Creates the run (status queued) and enqueues `scheduler.tasks.run_planner` on the
    planning queue after the commit; with eager Celery (`make run`) the run is done when
    the commit returns.

    Refuses a time limit outside 1 to 600 seconds, and a school year without holidays
    for the region of a school with an open request (code "no_holidays") unless
    `confirm_no_holidays` says the year has none.
    """
    from scheduler.tasks import run_planner

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
