"""Groups: the preview of a new group, its creation with its series of sessions, its
status (publish, cancel) and the rules of where and when a group may be."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.domain_events import emit
from programmes.calendar import SchoolCalendar
from programmes.dates import day_text, moment_text
from programmes.models import EnrolmentMode, Programme, School, SchoolYear, Trainer
from programmes.selectors import (
    certificate_ends,
    certificate_valid_on,
    programme_class_error,
    programme_school_error,
    refuse_school_year_without_holidays,
)
from scheduler import events
from scheduler.conflicts import Conflict, ConflictChecker, Slot
from scheduler.models import Group, GroupStatus, Session, SessionStatus
from scheduler.series import (
    SeriesPlan,
    at_amsterdam,
    first_weekday_on_or_after,
    plan_series,
    series_last_day,
)
from scheduler.services.overrides import record_overrides, resolve_conflicts
from scheduler.services.trainers import validate_trainers


@dataclass
class GroupCreated:
    group: Group
    plan: SeriesPlan
    overridden: list[Conflict] = field(default_factory=list)


def _group_place_errors(
    *,
    programme: Programme,
    host_school: School,
    first_date: dt.date,
    class_name: str = "",
    as_of: dt.date | None = None,
) -> dict[str, str]:
    """Where and when a new group may be: a first day not before today (`as_of`), a host
    school of the programme's sector, a class of its grades (class-mode programmes)."""
    errors: dict[str, str] = {}
    if first_date < (as_of or timezone.localdate()):
        errors["first_date"] = _(
            "De eerste datum, %(date)s, is al voorbij. Kies vandaag of een latere dag."
        ) % {"date": day_text(first_date)}
    school_error = programme_school_error(programme, host_school)
    if school_error:
        errors["host_school"] = school_error
    class_error = class_grade_error(programme, class_name)
    if class_error:
        errors["class_name"] = class_error
    return errors


def class_grade_error(programme: Programme, class_name: str) -> str | None:
    """A class-mode programme takes only classes of its grades (`programme_class_error`):
    asked when a group is made or published and when its class is booked. None for no
    class named (whether one is needed is the caller's rule) or an individual programme."""
    if programme.enrolment_mode != EnrolmentMode.CLASS or not class_name.strip():
        return None
    return programme_class_error(programme, class_name.strip())


def _refuse_plan_in_past(plan: SeriesPlan, as_of: dt.date | None = None) -> None:
    """A first day of today is fine, a first session whose hour has passed is not."""
    now = timezone.now() if as_of is None else at_amsterdam(as_of, dt.time(0))
    if plan.sessions and plan.sessions[0].starts_at <= now:
        raise ValidationError(
            {
                "start_time": _(
                    "De eerste bijeenkomst, %(when)s, is al voorbij. Kies een latere eerste "
                    "datum of begintijd."
                )
                % {"when": moment_text(plan.sessions[0].starts_at)}
            }
        )


def group_preview(
    *,
    programme: Programme,
    host_school: School,
    first_date: dt.date,
    weekday: int,
    start_time: dt.time,
    parent_meeting_time: dt.time = dt.time(19, 30),
    class_name: str = "",
) -> SeriesPlan:
    """The "Voorbeeld" step of a new group (page and API): its sessions and skipped dates.

    Refuses what `group_create` would refuse for the same place and dates, so a group that
    cannot be created never reaches the "Groep aanmaken" step: a first date before today
    (or a first session whose time has passed), a host school of another sector than the
    programme's (PO/VO), and a class outside the programme's grades. Saves nothing.
    """
    errors = _group_place_errors(
        programme=programme, host_school=host_school, first_date=first_date, class_name=class_name
    )
    if errors:
        raise ValidationError(errors)
    plan = series_preview(
        programme=programme,
        host_school=host_school,
        first_date=first_date,
        weekday=weekday,
        start_time=start_time,
        parent_meeting_time=parent_meeting_time,
    )
    _refuse_plan_in_past(plan)
    return plan


def series_preview(
    *,
    programme: Programme,
    host_school: School,
    first_date: dt.date,
    weekday: int,
    start_time: dt.time,
    parent_meeting_time: dt.time = dt.time(19, 30),
) -> SeriesPlan:
    """The sessions a group would get, and the dates skipped with the reasons. Saves nothing.

    Checks no rule of place or date (seed code searches past weeks with it); the doors
    preview with `group_preview`."""
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
        # A preview may not name the programme yet: then no certificate is asked.
        programme=getattr(group_like, "programme", None),
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


def _default_capacity(programme: Programme, class_size: int | None) -> int:
    """A class-mode group holds its class; any other group the programme's maximum."""
    if programme.enrolment_mode == EnrolmentMode.CLASS and class_size:
        return class_size
    return programme.group_size_max


def _group_create_errors(
    *,
    programme: Programme,
    host_school: School,
    school_year: SchoolYear,
    weekday: int,
    first_date: dt.date,
    capacity: int,
    class_name: str,
    class_size: int | None,
    mentor_name: str,
    enrolment_closes_on: dt.date | None,
    as_of: dt.date | None,
) -> dict[str, str]:
    """What `group_create` refuses of its input, by field (empty when nothing)."""
    errors = _group_place_errors(
        programme=programme,
        host_school=host_school,
        first_date=first_date,
        class_name=class_name,
        as_of=as_of,
    )
    if not programme.active:
        errors["programme"] = _("Dit programma wordt niet meer aangeboden.")
    if programme.enrolment_mode == EnrolmentMode.INDIVIDUAL and capacity > programme.group_size_max:
        errors["capacity"] = _("%(programme)s heeft hoogstens %(max)s plaatsen per groep.") % {
            "programme": programme.name,
            "max": programme.group_size_max,
        }
    if "first_date" in errors:
        pass  # the first date has passed: say that first
    elif not school_year.contains(first_date):
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
    return errors


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
    as_of: dt.date | None = None,
) -> GroupCreated:
    """Create a draft group and generate its sessions around the host school's closed days.

    Refuses: an inactive programme, a capacity above the programme's maximum, a first
    date before today (or a first session whose time has passed), outside the school year
    or not on the chosen weekday, a host school of another sector than the programme's
    (PO/VO; a special-education school hosts either), a class-mode group without its class
    or with a class outside the programme's grades, unqualified or too many trainers, a
    school year without holidays for the host school's region (code "no_holidays") unless
    `confirm_no_holidays` says the year has none, and any hard conflict of the series.
    Soft conflicts need `override_by` (a programme manager); they are recorded.

    `as_of` is the day the group is made on: today for every door (pages, API, planner).
    Only code that writes history (the demo seed, tests of past groups) passes an earlier
    day, to record a group as it was made then.
    """
    trainers = list(trainers)
    if capacity is None:
        capacity = _default_capacity(programme, class_size)
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
    _refuse_new_group(
        group, trainers=trainers, as_of=as_of, confirm_no_holidays=confirm_no_holidays
    )
    group.full_clean()
    plan, overridden = _new_group_series(
        group, trainers=trainers, as_of=as_of, override_by=override_by
    )
    group.save()
    group.trainers.set(trainers)
    group.admitted_schools.set({host_school, *admitted_schools})
    _sessions_save(group, plan, overridden, override_by)
    for trainer in trainers:
        emit(events.TrainerAssigned(group_id=group.pk, trainer_id=trainer.pk))
    return GroupCreated(group=group, plan=plan, overridden=overridden)


def _refuse_new_group(
    group: Group, *, trainers: list[Trainer], as_of: dt.date | None, confirm_no_holidays: bool
) -> None:
    """Refuse the unsaved `group` as `group_create` describes: its fields, a school year
    without holidays for the host school's region, and its trainers."""
    errors = _group_create_errors(
        programme=group.programme,
        host_school=group.host_school,
        school_year=group.school_year,
        weekday=group.weekday,
        first_date=group.first_date,
        capacity=group.capacity,
        class_name=group.class_name,
        class_size=group.class_size,
        mentor_name=group.mentor_name,
        enrolment_closes_on=group.enrolment_closes_on,
        as_of=as_of,
    )
    if errors:
        raise ValidationError(errors)
    refuse_school_year_without_holidays(
        school_year=group.school_year,
        regions=[group.host_school.holiday_region],
        confirm_no_holidays=confirm_no_holidays,
    )
    validate_trainers(group.programme, trainers)


def _new_group_series(
    group: Group, *, trainers: list[Trainer], as_of: dt.date | None, override_by: Any | None
) -> tuple[SeriesPlan, list[Conflict]]:
    """The series of the unsaved `group` around its host school's closed days, and the soft
    conflicts `override_by` accepts; refuses a series in the past or with hard conflicts."""
    plan = series_preview(
        programme=group.programme,
        host_school=group.host_school,
        first_date=group.first_date,
        weekday=group.weekday,
        start_time=group.start_time,
        parent_meeting_time=group.parent_meeting_time,
    )
    _refuse_plan_in_past(plan, as_of)
    overridden = resolve_conflicts(
        series_conflicts(group_like=group, trainers=trainers, plan=plan), override_by=override_by
    )
    return plan, overridden


def _sessions_save(
    group: Group, plan: SeriesPlan, overridden: list[Conflict], override_by: Any | None
) -> None:
    """Store the planned series of a new group, with the soft conflicts that were accepted."""
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
            record_overrides(by_start[conflict.starts_at], [conflict], override_by)


def _uncertified_trainers(group: Group) -> list[str]:
    """Why a trainer of `group` may not lead one of its coming sessions: their certificate
    for the programme ends before it (it may have been shortened after they were assigned).
    One message per trainer, naming the first session they may not lead."""
    coming = list(
        group.sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )
    trainers = list(group.trainers.select_related("user"))
    ends = certificate_ends([t.pk for t in trainers], group.programme_id)
    found = []
    for trainer in trainers:
        late = next(
            (
                at
                for at in coming
                if not certificate_valid_on(ends.get(trainer.pk), localtime(at).date())
            ),
            None,
        )
        if late is not None:
            found.append(
                _(
                    "Het certificaat van %(trainer)s voor %(programme)s is geldig tot en met "
                    "%(until)s, vóór de bijeenkomst van %(when)s. Vervang de trainer of leg eerst "
                    "het nieuwe certificaat vast."
                )
                % {
                    "trainer": trainer.display_name,
                    "programme": group.programme.name,
                    "until": day_text(ends[trainer.pk]),
                    "when": moment_text(late),
                }
            )
    return found


@transaction.atomic
def group_transition(*, group: Group, to: str) -> Group:
    """Move a group to status `to` if the transition is allowed (see GROUP_TRANSITIONS).

    Publishing needs the programme's full trainer set, and refuses a host school of
    another sector than the programme's and a class outside the programme's grades.
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
        misplaced = [
            message
            for message in (
                programme_school_error(group.programme, group.host_school),
                class_grade_error(group.programme, group.class_name),
            )
            if message
        ]
        if misplaced:
            raise ValidationError(misplaced)
        needed = group.programme.trainers_per_group
        if group.trainers.count() < needed:
            raise ValidationError(
                _("Wijs eerst %(count)s trainer(s) toe voordat de groep gepubliceerd wordt.")
                % {"count": needed}
            )
        uncertified = _uncertified_trainers(group)
        if uncertified:
            raise ValidationError(uncertified)
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
