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
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Max
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
from scheduler import access, events
from scheduler.conflicts import Conflict, ConflictChecker, Slot
from scheduler.models import (
    CLASS_BOOKABLE,
    ConflictOverride,
    Group,
    GroupStatus,
    PlannerRun,
    PlannerRunStatus,
    PlanningRequest,
    PlanningRequestStatus,
    Session,
    SessionKind,
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
    class_error = _class_grade_error(programme, class_name)
    if class_error:
        errors["class_name"] = class_error
    return errors


def _class_grade_error(programme: Programme, class_name: str) -> str | None:
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
    errors = _group_place_errors(
        programme=programme,
        host_school=host_school,
        first_date=first_date,
        class_name=class_name,
        as_of=as_of,
    )
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
    _refuse_plan_in_past(plan, as_of)
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
                _class_grade_error(group.programme, group.class_name),
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


# --- class bookings ------------------------------------------------------------------------

CLASS_SIZE_MAX = 40


@transaction.atomic
def class_booking_set(
    *,
    group: Group,
    class_name: str,
    class_size: int | None,
    mentor_name: str,
    mentor_email: str,
    booked_by: Any,
) -> Group:
    """Book a class into a class-mode group, or change the booking: the class, how many
    pupils and the mentor. No pupil data is collected. The group's capacity follows the
    class size. The class booking page and `POST /api/v1/class-bookings/{id}/` call it.

    Refuses, changing nothing: a group of an individual-mode programme, a group that is no
    longer a draft or published (`CLASS_BOOKABLE`), a missing class name or mentor name, a
    class outside the programme's grades (the rule a new group's class follows), a class
    size outside 1 to 40, an invalid mentor e-mail. Whether `booked_by` may book at the
    group's school is the caller's check (`scheduler.access.can_book_class`). Emits
    ClassBooked.
    """
    group = (
        Group.objects.select_for_update(of=("self",))
        .select_related("programme", "host_school")
        .get(pk=group.pk)
    )
    if group.programme.enrolment_mode != EnrolmentMode.CLASS:
        raise ValidationError(_("Voor dit programma melden ouders hun kind aan; boek geen klas."))
    if group.status not in CLASS_BOOKABLE:
        raise ValidationError(
            _("Deze groep is %(status)s; de klas kan niet meer worden gewijzigd.")
            % {"status": group.get_status_display()}
        )
    class_name, mentor_name = (class_name or "").strip(), (mentor_name or "").strip()
    mentor_email = (mentor_email or "").strip()
    errors: dict[str, str] = {}
    if not class_name:
        errors["class_name"] = _("Vul de klas in, bijvoorbeeld 7B.")
    else:
        grade_error = _class_grade_error(group.programme, class_name)
        if grade_error:
            errors["class_name"] = grade_error
    if class_size is None or not 1 <= class_size <= CLASS_SIZE_MAX:
        errors["class_size"] = _("Een klas heeft 1 tot %(max)s leerlingen.") % {
            "max": CLASS_SIZE_MAX
        }
    if not mentor_name:
        errors["mentor_name"] = _("Vul de naam van de mentor in.")
    try:
        validate_email(mentor_email)
    except ValidationError:
        errors["mentor_email"] = _("Vul een geldig e-mailadres van de mentor in.")
    if errors:
        raise ValidationError(errors)
    group.class_name = class_name
    group.class_size = class_size
    group.capacity = class_size
    group.mentor_name = mentor_name
    group.mentor_email = mentor_email
    group.full_clean()
    group.save(
        update_fields=[
            "class_name",
            "class_size",
            "capacity",
            "mentor_name",
            "mentor_email",
            "updated_at",
        ]
    )
    emit(
        events.ClassBooked(
            group_id=group.pk,
            booked_by_id=booked_by.pk if getattr(booked_by, "pk", None) else None,
        )
    )
    return group


# --- sessions: when a session may be -------------------------------------------------------
# A session (moved, added, or a replacement) never lies in the past, nor outside its group's
# order: the parents' meetings before (the information meetings) come before every child
# session, the parents' meetings after (the evaluation) after every one. Whether a stored
# parents' meeting is one "before" or "after" follows from where it lies now: before the
# group's first child session or not.

_BEFORE, _AFTER = "before", "after"


def _refuse_in_past(starts_at: dt.datetime) -> None:
    if starts_at <= timezone.now():
        raise ValidationError(
            {
                "starts_at": _("%(when)s is al voorbij. Kies een datum en tijd die nog komen.")
                % {"when": moment_text(starts_at)}
            }
        )


def _refuse_out_of_order(
    *,
    group: Group,
    kind: str,
    starts_at: dt.datetime,
    moving: Session | None = None,
    phase_of: Session | None = None,
) -> None:
    """Refuse a `kind` session at `starts_at` that breaks the group's order.

    `moving`: the session being moved (left out of the others). `phase_of`: the stored
    parents' meeting whose place (before or after the children) this one keeps: itself
    when moved, the cancelled one for its replacement; a new one takes the place it lands in.
    """
    timeline = list(
        group.sessions.filter(status=SessionStatus.SCHEDULED).only("pk", "kind", "starts_at")
    )
    first_child = min((s.starts_at for s in timeline if s.kind == SessionKind.CHILD), default=None)

    def phase(session: Session) -> str:
        before = first_child is not None and session.starts_at < first_child
        return _BEFORE if before else _AFTER

    others = [s for s in timeline if moving is None or s.pk != moving.pk]
    children = [s.starts_at for s in others if s.kind == SessionKind.CHILD]
    parents = [s for s in others if s.kind == SessionKind.PARENT]
    if kind == SessionKind.CHILD:
        before = [p.starts_at for p in parents if phase(p) == _BEFORE]
        after = [p.starts_at for p in parents if phase(p) == _AFTER]
        if before and starts_at <= max(before):
            message = _(
                "Een bijeenkomst met de kinderen komt na de ouderbijeenkomst vooraf van "
                "%(when)s. Kies een moment daarna, of verplaats eerst die ouderbijeenkomst "
                "naar een eerdere datum."
            ) % {"when": moment_text(max(before))}
        elif after and starts_at >= min(after):
            message = _(
                "Een bijeenkomst met de kinderen komt vóór de ouderbijeenkomst achteraf van "
                "%(when)s. Kies een moment daarvoor, of verplaats eerst die ouderbijeenkomst "
                "naar een latere datum."
            ) % {"when": moment_text(min(after))}
        else:
            return
    else:
        if not children:
            return
        if phase_of is not None:
            own = phase(phase_of)
        else:
            own = _BEFORE if starts_at < min(children) else _AFTER
        if own == _BEFORE and starts_at >= min(children):
            message = _(
                "Deze ouderbijeenkomst komt vóór de eerste bijeenkomst met de kinderen, op "
                "%(when)s. Kies een moment daarvoor."
            ) % {"when": moment_text(min(children))}
        elif own == _AFTER and starts_at <= max(children):
            message = _(
                "Deze ouderbijeenkomst komt na de laatste bijeenkomst met de kinderen, op "
                "%(when)s. Kies een moment daarna."
            ) % {"when": moment_text(max(children))}
        else:
            return
    raise ValidationError({"starts_at": message})


def _renumber(group: Group) -> None:
    """Number the group's sessions of each kind 1, 2, ... in date order.

    After a move or an addition the numbers follow the dates again, so session 8 is never
    listed before session 7: that is what the coordinator, the trainers and the parents
    read on the pages and in the mails. A cancelled session keeps its place in the count
    (it was planned as that meeting); a session's number is not part of its calendar event,
    so renumbering changes no revision."""
    counters: dict[str, int] = {}
    changed: list[Session] = []
    for session in group.sessions.order_by("starts_at", "pk").only("pk", "kind", "sequence"):
        counters[session.kind] = counters.get(session.kind, 0) + 1
        if session.sequence != counters[session.kind]:
            session.sequence = counters[session.kind]
            changed.append(session)
    if changed:
        Session.objects.bulk_update(changed, ["sequence"])


def _slot_conflicts(
    *,
    group: Group,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    label: str,
    exclude_session_ids: Sequence[int] = (),
) -> list[Conflict]:
    day = localtime(starts_at).date()
    trainers = list(group.trainers.all())
    checker = ConflictChecker(
        school=group.host_school,
        trainers=trainers,
        start=day,
        end=day,
        exclude_session_ids=list(exclude_session_ids),
        programme=group.programme,
    )
    slot = Slot(
        starts_at=starts_at,
        ends_at=ends_at,
        school_id=group.host_school_id,
        room=group.room,
        trainer_ids=tuple(t.pk for t in trainers),
        label=label,
    )
    return checker.check(slot)


def _refuse_outside_school_year(group: Group, starts_at: dt.datetime) -> None:
    year = group.school_year
    if starts_at.tzinfo is not None and not year.contains(localtime(starts_at).date()):
        raise ValidationError(
            {
                "starts_at": _("De nieuwe datum ligt niet in schooljaar %(label)s.")
                % {"label": year.label}
            }
        )


def _refuse_bad_times(starts_at: dt.datetime, ends_at: dt.datetime | None) -> None:
    if starts_at.tzinfo is None:
        raise ValidationError({"starts_at": _("Geef een tijd met tijdzone.")})
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Het einde moet na het begin liggen.")})


def session_conflicts(
    *, session: Session, starts_at: dt.datetime, ends_at: dt.datetime | None = None
) -> list[Conflict]:
    """The conflicts `session` would have at a new time. Saves nothing.

    Refuses a time outside the group's school year.
    """
    _refuse_outside_school_year(session.group, starts_at)
    ends_at = ends_at or starts_at + (session.ends_at - session.starts_at)
    return _slot_conflicts(
        group=session.group,
        starts_at=starts_at,
        ends_at=ends_at,
        label=str(session),
        exclude_session_ids=[session.pk],
    )


def session_move_check(
    *,
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    override_by: Any | None = None,
) -> list[Conflict]:
    """Everything `session_move` refuses, without changing anything; returns the soft
    conflicts `override_by` accepts. The admin's form asks it before saving."""
    if session.is_cancelled or session.group.is_cancelled:
        raise ValidationError(_("Een vervallen bijeenkomst kan niet verplaatst worden."))
    _refuse_bad_times(starts_at, ends_at)
    ends_at = ends_at or starts_at + (session.ends_at - session.starts_at)
    _refuse_bad_times(starts_at, ends_at)
    _refuse_in_past(starts_at)
    _refuse_outside_school_year(session.group, starts_at)
    _refuse_out_of_order(
        group=session.group,
        kind=session.kind,
        starts_at=starts_at,
        moving=session,
        phase_of=session,
    )
    return _resolve_conflicts(
        session_conflicts(session=session, starts_at=starts_at, ends_at=ends_at),
        override_by=override_by,
    )


@transaction.atomic
def session_move(
    *,
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    override_by: Any | None = None,
) -> Session:
    """Move one session (keeping its length unless `ends_at` is given), conflict-checked.

    Bumps the revision and emits SessionMoved; the group's sessions are numbered again in
    date order (see `_renumber`). Refuses a cancelled session or group, a time outside the
    group's school year, a time in the past, a child session before a parents' meeting
    that comes first or after one that comes last, and such a parents' meeting on the
    wrong side of the child sessions; each message says what to choose instead.
    """
    session = (
        Session.objects.select_for_update(of=("self", "group"))
        .select_related("group__host_school", "group__programme", "group__school_year")
        .get(pk=session.pk)
    )
    overridden = session_move_check(
        session=session, starts_at=starts_at, ends_at=ends_at, override_by=override_by
    )
    ends_at = ends_at or starts_at + (session.ends_at - session.starts_at)
    old_starts_at = session.starts_at
    session.starts_at, session.ends_at = starts_at, ends_at
    session.revision += 1
    session.save(update_fields=["starts_at", "ends_at", "revision"])
    _record_overrides(session, overridden, override_by)
    _renumber(session.group)
    session.refresh_from_db(fields=["sequence"])
    emit(
        events.SessionMoved(
            session_id=session.pk,
            revision=session.revision,
            old_starts_at=old_starts_at,
            new_starts_at=starts_at,
        )
    )
    return session


def _session_length(group: Group, kind: str) -> dt.timedelta:
    programme = group.programme
    minutes = (
        programme.session_minutes if kind == SessionKind.CHILD else programme.parent_meeting_minutes
    )
    return dt.timedelta(minutes=minutes)


def session_add_check(
    *,
    group: Group,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    override_by: Any | None = None,
) -> list[Conflict]:
    """Everything `session_add` refuses, without changing anything; returns the soft
    conflicts `override_by` accepts. The admin's form asks it before saving."""
    if group.status in {GroupStatus.CANCELLED, GroupStatus.COMPLETED}:
        raise ValidationError(
            _("Deze groep is %(status)s; er kunnen geen bijeenkomsten bij.")
            % {"status": group.get_status_display()}
        )
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("Kies een bijeenkomst of een ouderbijeenkomst.")})
    _refuse_bad_times(starts_at, ends_at)
    ends_at = ends_at or starts_at + _session_length(group, kind)
    _refuse_bad_times(starts_at, ends_at)
    _refuse_in_past(starts_at)
    _refuse_outside_school_year(group, starts_at)
    _refuse_out_of_order(group=group, kind=kind, starts_at=starts_at)
    return _resolve_conflicts(
        _slot_conflicts(
            group=group, starts_at=starts_at, ends_at=ends_at, label=str(SessionKind(kind).label)
        ),
        override_by=override_by,
    )


@transaction.atomic
def session_add(
    *,
    group: Group,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    override_by: Any | None = None,
) -> Session:
    """Add one session to a group (the programme's length unless `ends_at` is given).

    Numbers the group's sessions again in date order and emits SessionAdded. Refuses a
    cancelled or completed group, a time in the past or outside the school year, a time
    that breaks the group's order (see `session_move`) and hard conflicts; soft conflicts
    need `override_by`, which is recorded.
    """
    group = (
        Group.objects.select_for_update(of=("self",))
        .select_related("host_school", "programme", "school_year")
        .get(pk=group.pk)
    )
    overridden = session_add_check(
        group=group, kind=kind, starts_at=starts_at, ends_at=ends_at, override_by=override_by
    )
    session = Session.objects.create(
        group=group,
        kind=kind,
        sequence=group.sessions.filter(kind=kind).count() + 1,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + _session_length(group, kind),
    )
    _record_overrides(session, overridden, override_by)
    _renumber(group)
    session.refresh_from_db(fields=["sequence"])
    emit(events.SessionAdded(session_id=session.pk, revision=session.revision))
    return session


@transaction.atomic
def session_cancel(
    *, session: Session, add_replacement: bool = False, override_by: Any | None = None
) -> Session | None:
    """Cancel one session; optionally add a replacement in the first free open week after the
    last session of its part of the series (the parents' meetings before, the child
    sessions, or the parents' meetings after) and after today. Emits SessionCancelled (and
    SessionAdded). Returns the replacement, if any.

    A replacement never lands in the past nor out of the group's order: a child session's
    replacement comes before the parents' meeting after the children; when no week is free
    before it, the refusal says to move that meeting to a later week first.
    """
    session = (
        Session.objects.select_for_update(of=("self", "group"))
        .select_related("group__host_school", "group__programme", "group__school_year")
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
    if replacement:
        _renumber(session.group)
        replacement.refresh_from_db(fields=["sequence"])
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


def _replacement_window(session: Session) -> tuple[dt.date, Session | None]:
    """The first day a replacement of `session` may take (a week after the last scheduled
    session of its part of the series, and after today), and the session it must come
    before, if any (the first parents' meeting after the children for a child session,
    the first child session for a parents' meeting before)."""
    timeline = list(
        session.group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("starts_at", "pk")
    )
    children = [s for s in timeline if s.kind == SessionKind.CHILD]
    first_child = children[0].starts_at if children else None
    before = [
        s
        for s in timeline
        if s.kind == SessionKind.PARENT and first_child is not None and s.starts_at < first_child
    ]
    after = [s for s in timeline if s.kind == SessionKind.PARENT and s not in before]
    if session.kind == SessionKind.CHILD:
        part, limit = children, (after[0] if after else None)
    elif session in before:
        part, limit = before, (children[0] if children else None)
    else:
        part, limit = after + children[-1:], None
    last = max(s.starts_at for s in part) if part else session.starts_at
    day = localtime(last).date() + dt.timedelta(weeks=1)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    if day < tomorrow:
        day = first_weekday_on_or_after(tomorrow, day.weekday())
    return day, limit


def _session_add_replacement(*, session: Session, override_by: Any | None) -> Session:
    group = session.group
    taken_days = {
        localtime(s).date()
        for s in group.sessions.filter(status=SessionStatus.SCHEDULED).values_list(
            "starts_at", flat=True
        )
    }
    day, limit = _replacement_window(session)
    calendar = SchoolCalendar(group.host_school, day, series_last_day(day))
    time = localtime(session.starts_at).time()
    duration = session.ends_at - session.starts_at
    while True:
        if limit is not None and at_amsterdam(day, time) >= limit.starts_at:
            if limit.kind == SessionKind.PARENT:
                message = _(
                    "Er is geen vrije week meer vóór de ouderbijeenkomst achteraf van "
                    "%(when)s. Verplaats eerst die ouderbijeenkomst naar een latere week; dan "
                    "komt de vervangende bijeenkomst ervoor."
                )
            else:
                message = _(
                    "Er is geen vrije week meer vóór de eerste bijeenkomst met de kinderen, "
                    "op %(when)s. Verplaats deze ouderbijeenkomst naar een eerdere datum in "
                    "plaats van haar te laten vervallen."
                )
            raise ValidationError(message % {"when": moment_text(limit.starts_at)})
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
    _refuse_in_past(starts_at)
    _refuse_out_of_order(
        group=group, kind=session.kind, starts_at=starts_at, moving=session, phase_of=session
    )
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
            programme=group.programme,
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
