"""Reads for the staff pages: rosters, the overview, flags and registered interest.

Every read starts from the scope of `enrolment.access` (or `scheduler.access`), so
what is out of scope is never fetched. Each function fetches with a fixed number
of queries, however many enrolments a group or a school has.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from enrolment import access
from enrolment.models import (
    ACTIVE,
    SEAT_HOLDING,
    Attendance,
    AttendanceStatus,
    Child,
    ConsentParty,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    Intake,
    IntakeOutcome,
    IntakeReason,
    Relation,
)
from enrolment.services import consent_state, waitlist_position
from programmes import access as catalogue_access
from programmes.models import EnrolmentMode, Programme, School, Trainer
from scheduler import access as scheduler_access
from scheduler.models import Group, GroupStatus, Session, SessionKind, SessionStatus

# Statuses shown in the roster's first section (the children who have or are about to
# have a seat) and in its exports; completed children stay on it after the group ends.
PARTICIPATING = SEAT_HOLDING | {EnrolmentStatus.COMPLETED}
# Children who may be marked present or absent.
ATTENDING = frozenset({EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED})


def seats_taken(group_ids: Sequence[int]) -> dict[int, int]:
    """Seats held or confirmed per group id, in one query (none for no groups); a group
    without any is left out. For reading: a service that gives a seat counts the seats of
    one group under its lock (`enrolment.services.seats_taken_in`)."""
    if not group_ids:
        return {}
    return dict(
        Enrolment.objects.filter(group_id__in=group_ids, status__in=sorted(SEAT_HOLDING))
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
        .order_by()
    )


def seats_left(capacity: int, taken: int) -> int:
    """The seats a group of `capacity` has left with `taken` seats held or confirmed; never
    below 0 (a capacity lowered below the seats taken leaves none, not a negative count)."""
    return max(0, capacity - taken)


def choice_label(choices: Any, value: Any) -> str:
    """What `get_<field>_display()` shows for `value` of a field with these `choices`, without
    the dict of every lazy label that Django builds (and translates) on each of those calls."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


# --- flags ------------------------------------------------------------------------------


def absent_twice_ids(
    enrolments: QuerySet[Enrolment], *, now: dt.datetime | None = None
) -> set[int]:
    """Ids of those `enrolments` absent (not excused) at both of their group's two most recent
    child sessions that have started. Two queries, however many groups and enrolments."""
    now = now or timezone.now()
    recent: dict[int, list[int]] = defaultdict(list)
    sessions = (
        Session.objects.filter(
            group_id__in=enrolments.values("group_id"),
            kind=SessionKind.CHILD,
            status=SessionStatus.SCHEDULED,
            starts_at__lte=now,
        )
        .order_by("group_id", "-starts_at", "-pk")
        .values_list("pk", "group_id")
    )
    for session_id, group_id in sessions:
        if len(recent[group_id]) < 2:
            recent[group_id].append(session_id)
    session_ids = [pk for pks in recent.values() if len(pks) == 2 for pk in pks]
    if not session_ids:
        return set()
    absences = Counter(
        Attendance.objects.filter(
            session_id__in=session_ids,
            status=AttendanceStatus.ABSENT,
            enrolment__in=enrolments.values("pk"),
        ).values_list("enrolment_id", flat=True)
    )
    return {pk for pk, count in absences.items() if count == 2}


# --- the roster ---------------------------------------------------------------------------


@dataclass
class ConsentLine:
    who: str
    state: str  # "given", "refused" or "missing"
    label: str


@dataclass
class RosterRow:
    enrolment: Enrolment
    child: Child
    age: int
    guardians: list[Guardian]
    consent_lines: list[ConsentLine]
    consent_complete: bool
    intake: Intake | None
    waitlist_position: int | None = None
    absent_twice: bool = False

    @property
    def status_label(self) -> str:
        label = choice_label(EnrolmentStatus, self.enrolment.status)
        if self.waitlist_position:
            label = _("%(status)s (plaats %(position)s)") % {
                "status": label,
                "position": self.waitlist_position,
            }
        return label

    @property
    def consent_summary(self) -> str:
        return "; ".join(f"{line.who}: {line.label}" for line in self.consent_lines)

    @property
    def intake_label(self) -> str:
        if self.intake is None:
            return ""
        label = choice_label(IntakeOutcome, self.intake.outcome)
        if self.intake.reason:
            label = f"{label} ({choice_label(IntakeReason, self.intake.reason)})"
        return label


@dataclass
class Roster:
    group: Group
    participants: list[RosterRow] = field(default_factory=list)
    waitlist: list[RosterRow] = field(default_factory=list)
    ended: list[Enrolment] = field(default_factory=list)
    seats_taken: int = 0
    sessions: list[Session] = field(default_factory=list)

    @property
    def rows(self) -> list[RosterRow]:
        """What the exports hold: the participants, then the waitlist in order."""
        return [*self.participants, *self.waitlist]


def roster_groups(user: Any) -> QuerySet[Group]:
    """Groups whose roster `user` may open, with what the roster header shows."""
    return (
        access.roster_groups_visible_to(user)
        .select_related("programme", "host_school", "school_year")
        .prefetch_related(Prefetch("trainers", queryset=Trainer.objects.select_related("user")))
    )


def _consent_texts() -> dict[str, str]:
    return {
        "given": _("gegeven"),
        "refused": _("geweigerd"),
        "missing": _("ontbreekt nog"),
        "child": _("kind zelf"),
    }


def _consent_lines(
    enrolment: Enrolment, state: dict[str, Any], texts: dict[str, str]
) -> list[ConsentLine]:
    answers = {
        (c.party, c.guardian_id): ("given" if c.given else "refused")
        for c in enrolment.consents.all()
    }
    missing = {g.pk for g in state["missing_guardians"]}
    lines = []
    for guardian in enrolment.submission.guardians.all():
        answer = answers.get((ConsentParty.GUARDIAN, guardian.pk))
        if answer is None and guardian.pk in missing:
            answer = "missing"
        if answer:
            lines.append(ConsentLine(guardian.name, answer, texts[answer]))
    child_answer = answers.get((ConsentParty.CHILD, None))
    if child_answer is None and state["child_missing"]:
        child_answer = "missing"
    if child_answer:
        lines.append(ConsentLine(texts["child"], child_answer, texts[child_answer]))
    return lines


def _roster_row(enrolment: Enrolment, today: dt.date, texts: dict[str, str]) -> RosterRow:
    state = consent_state(enrolment)
    intake: Intake | None
    try:
        intake = enrolment.intake
    except Intake.DoesNotExist:
        intake = None
    guardians = list(enrolment.submission.guardians.all())
    for guardian in guardians:
        # For the roster's templates: `get_relation_display` costs a translated dict a call.
        guardian.relation_label = choice_label(Relation, guardian.relation)
    return RosterRow(
        enrolment=enrolment,
        child=enrolment.child,
        age=enrolment.child.age_on(today),
        guardians=guardians,
        consent_lines=_consent_lines(enrolment, state, texts),
        consent_complete=state["complete"],
        intake=intake,
    )


def roster(user: Any, group: Group) -> Roster:
    """The enrolments of `group` that `user` may see, split into participants, the waitlist
    (in the order seats are offered, with each child's place in the whole group's line) and
    ended enrolments. A fixed number of queries for any number of children."""
    visible = access.enrolments_visible_to(user).filter(group=group, erased_at__isnull=True)
    enrolments = list(
        visible.select_related("child__school", "submission", "intake").prefetch_related(
            "submission__guardians", "consents"
        )
    )
    # The whole group's seats and line (other schools' children count too), one query.
    seats_taken = 0
    line: list[int] = []
    for pk, status in (
        Enrolment.objects.filter(group=group, status__in=sorted(ACTIVE))
        .order_by("-priority", "created_at", "pk")
        .values_list("pk", "status")
    ):
        if status == EnrolmentStatus.WAITLISTED:
            line.append(pk)
        else:
            seats_taken += 1
    positions = {pk: index + 1 for index, pk in enumerate(line)}
    sessions = list(
        group.sessions.filter(kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED).order_by(
            "starts_at"
        )
    )
    flagged = _absent_twice_in_group(sessions, [e.pk for e in enrolments if e.status in ATTENDING])
    today = timezone.localdate()
    texts = _consent_texts()
    result = Roster(group=group, seats_taken=seats_taken, sessions=sessions)
    for enrolment in enrolments:
        enrolment.group = group  # consent_state reads the programme; no query per row
        if enrolment.status in PARTICIPATING:
            row = _roster_row(enrolment, today, texts)
            row.absent_twice = enrolment.pk in flagged
            result.participants.append(row)
        elif enrolment.status == EnrolmentStatus.WAITLISTED:
            row = _roster_row(enrolment, today, texts)
            row.waitlist_position = positions.get(enrolment.pk)
            result.waitlist.append(row)
        else:
            result.ended.append(enrolment)
    result.participants.sort(key=lambda r: (r.child.last_name.lower(), r.child.first_name.lower()))
    result.waitlist.sort(key=lambda r: r.waitlist_position or 0)
    return result


def _absent_twice_in_group(sessions: list[Session], enrolment_ids: list[int]) -> set[int]:
    """`absent_twice_ids` for the enrolments of one group whose scheduled child sessions are
    `sessions`: no query to find the two most recent ones, one for the absences (if any)."""
    now = timezone.now()
    started = sorted((s for s in sessions if s.starts_at <= now), key=lambda s: (s.starts_at, s.pk))
    if not enrolment_ids or len(started) < 2:
        return set()
    absences = Counter(
        Attendance.objects.filter(
            session_id__in=[s.pk for s in started[-2:]],
            status=AttendanceStatus.ABSENT,
            enrolment_id__in=enrolment_ids,
        ).values_list("enrolment_id", flat=True)
    )
    return {pk for pk, count in absences.items() if count == 2}


def enrolment_row(enrolment: Enrolment) -> RosterRow:
    """One enrolment as a roster row (child, guardians, consent, intake, place in line)."""
    enrolment = (
        Enrolment.objects.select_related(
            "child__school", "submission", "intake", "group__programme"
        )
        .prefetch_related("submission__guardians", "consents")
        .get(pk=enrolment.pk)
    )
    row = _roster_row(enrolment, timezone.localdate(), _consent_texts())
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        row.waitlist_position = waitlist_position(enrolment)
    return row


def attendance_sheet(user: Any, group: Group, session: Session) -> list[tuple[Enrolment, Any]]:
    """The confirmed children of `group` visible to `user`, each with their attendance at
    `session` (or None), sorted by name. Two queries."""
    enrolments = list(
        access.enrolments_visible_to(user)
        .filter(group=group, status__in=ATTENDING, erased_at__isnull=True)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "pk")
    )
    marks = {a.enrolment_id: a for a in Attendance.objects.filter(session=session)}
    return [(enrolment, marks.get(enrolment.pk)) for enrolment in enrolments]


# --- the overview ---------------------------------------------------------------------------


# What the overview shows of a pupil's enrolment: a page of them with five joined tables
# would otherwise read about a hundred columns per row (programme descriptions among them).
OVERVIEW_FIELDS = (
    "group_id",
    "status",
    "possible_duplicate",
    "child__first_name",
    "child__last_name",
    "child__grade",
    "child__school_id",
    "child__school__name",
    "group__programme_id",
    "group__host_school_id",
    "group__round_label",
    "group__programme__name_nl",
    "group__programme__name_en",
    "group__host_school__name",
)


def guardians_by_submission(submission_ids: Sequence[int]) -> dict[int, list[Guardian]]:
    """The guardians of each submission, enroller first, in one query."""
    found: dict[int, list[Guardian]] = defaultdict(list)
    for guardian in Guardian.objects.filter(submission_id__in=submission_ids).order_by(
        "-is_enroller", "pk"
    ):
        found[guardian.submission_id].append(guardian)
    return dict(found)


def overview_enrolments(user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Enrolment]:
    """Pupils across groups: for a coordinator their schools' pupils, for the manager all.

    Without a status filter only active enrolments are listed.
    """
    filters = filters or {}
    qs = access.enrolments_visible_to(user).filter(erased_at__isnull=True)
    if not catalogue_access.is_manager(user):
        qs = qs.filter(child__school__in=catalogue_access.schools_visible_to(user))
    if filters.get("school"):
        qs = qs.filter(child__school=filters["school"])
    if filters.get("programme"):
        qs = qs.filter(programme=filters["programme"])
    status = filters.get("status") or "active"
    if status == "active":
        qs = qs.filter(status__in=ACTIVE)
    elif status != "all":
        qs = qs.filter(status=status)
    query = (filters.get("q") or "").strip()
    if query:
        qs = qs.filter(Q(child__first_name__icontains=query) | Q(child__last_name__icontains=query))
    return (
        qs.select_related("child__school", "group__programme", "group__host_school")
        .only(*OVERVIEW_FIELDS)
        .order_by("child__school__name", "child__last_name", "child__first_name", "pk")
    )


def overview_flags(user: Any, listed: Sequence[Enrolment]) -> tuple[set[int], list[Enrolment]]:
    """For the overview: which of the `listed` enrolments (its page of pupils) were absent
    twice (`absent_twice_ids`), and who needs attention: the confirmed children in the user's
    school scope absent twice. One pass of `absent_twice_ids` over both, so one or two
    queries, and one more only when someone needs attention."""
    scope = access.enrolments_visible_to(user).filter(
        status=EnrolmentStatus.CONFIRMED, erased_at__isnull=True
    )
    if not catalogue_access.is_manager(user):
        scope = scope.filter(child__school__in=catalogue_access.schools_visible_to(user))
    listed_ids = [e.pk for e in listed]
    flagged = absent_twice_ids(
        Enrolment.objects.filter(Q(pk__in=listed_ids) | Q(pk__in=scope.values("pk")))
    )
    if not flagged:
        return set(), []
    attention = list(
        scope.filter(pk__in=flagged)
        .select_related("child__school", "group__programme", "group__host_school")
        .order_by("child__last_name", "child__first_name")
    )
    return {pk for pk in listed_ids if pk in flagged}, attention


def trainer_groups(user: Any) -> QuerySet[Group]:
    """The trainer's own groups (rosters they may open), with a count of active children."""
    return (
        access.roster_groups_visible_to(user)
        .filter(trainers__user=user)
        .exclude(status=GroupStatus.CANCELLED)
        .select_related("programme", "host_school", "school_year")
        .annotate(active_count=Count("enrolments", filter=Q(enrolments__status__in=sorted(ACTIVE))))
        .order_by("first_date", "pk")
    )


@dataclass
class DemandRow:
    school: str
    programme: str
    interest: int
    last_registered: dt.datetime | None
    groups_open: int


def interest_demand(user: Any) -> list[DemandRow]:
    """Registered interest per school and programme in the user's scope, next to the number of
    published groups open to pupils of that school. Two queries."""
    english = (get_language() or "nl").startswith("en")
    rows = list(
        access.interest_visible_to(user)
        .values("school_id", "school__name", "programme_id", "programme__name_nl")
        .annotate(count=Count("pk"), last=Max("created_at"))
        .order_by("school__name", "programme__name_nl")
    )
    if not rows:
        return []
    names = dict(
        Programme.objects.filter(pk__in={r["programme_id"] for r in rows}).values_list(
            "pk", "name_en" if english else "name_nl"
        )
    )
    school_ids = {r["school_id"] for r in rows}
    open_groups: dict[tuple[int, int], set[int]] = defaultdict(set)
    offered = (
        scheduler_access.groups_visible_to(user)
        .filter(status=GroupStatus.PUBLISHED, programme_id__in=names)
        .filter(Q(host_school_id__in=school_ids) | Q(admitted_schools__in=school_ids))
        .values_list("pk", "programme_id", "host_school_id", "admitted_schools")
    )
    for group_id, programme_id, host_id, admitted_id in offered:
        for school_id in (host_id, admitted_id):
            if school_id in school_ids:
                open_groups[(school_id, programme_id)].add(group_id)
    return [
        DemandRow(
            school=r["school__name"],
            programme=names.get(r["programme_id"], r["programme__name_nl"]),
            interest=r["count"],
            last_registered=r["last"],
            groups_open=len(open_groups[(r["school_id"], r["programme_id"])]),
        )
        for r in rows
    ]


# --- class bookings ----------------------------------------------------------------------


def class_groups(user: Any) -> QuerySet[Group]:
    """Class-mode groups hosted by the user's schools (the manager: all), newest first."""
    return (
        scheduler_access.groups_visible_to(user)
        .filter(
            programme__enrolment_mode=EnrolmentMode.CLASS,
            host_school__in=catalogue_access.schools_visible_to(user),
        )
        .exclude(status=GroupStatus.CANCELLED)
        .select_related("programme", "host_school", "school_year")
        .order_by("host_school__name", "first_date", "pk")
    )


def schools_for_filter(user: Any) -> QuerySet[School]:
    return catalogue_access.schools_visible_to(user).order_by("name")


# --- the coordinator's start page ----------------------------------------------------------

# An offer "about to expire" is one that ends within this time: the coordinator can still
# phone the family before the seat goes to the next child.
OFFER_EXPIRY_WARNING = dt.timedelta(days=3)
# Groups "starting soon" start within this time: still time to find children for them.
STARTING_SOON = dt.timedelta(weeks=4)


def _school_pupils(user: Any) -> QuerySet[Enrolment]:
    """Unerased enrolments of the pupils of the user's schools (the overview's scope)."""
    return access.enrolments_visible_to(user).filter(
        erased_at__isnull=True, child__school__in=catalogue_access.schools_visible_to(user)
    )


def _waiting_list(qs: QuerySet[Enrolment], order: str) -> list[Enrolment]:
    found = list(
        qs.select_related("child__school", "group__programme", "group__host_school").order_by(
            order, "pk"
        )
    )
    today = timezone.localdate()
    for enrolment in found:
        enrolment.days_waiting = (today - timezone.localdate(enrolment.created_at)).days
    return found


def consents_missing(user: Any) -> list[Enrolment]:
    """The user's schools' pupils still waiting for a consent, longest waiting first, each with
    `days_waiting` (days since the enrolment came in). One query."""
    return _waiting_list(
        _school_pupils(user).filter(status=EnrolmentStatus.AWAITING_CONSENT), "created_at"
    )


def intakes_to_do(user: Any) -> list[Enrolment]:
    """The user's schools' pupils whose seat waits for an intake, oldest first. One query."""
    return _waiting_list(
        _school_pupils(user).filter(status=EnrolmentStatus.AWAITING_INTAKE), "created_at"
    )


def offers_expiring(user: Any) -> list[Enrolment]:
    """Seats offered to the user's schools' pupils from the waitlist whose offer ends within
    `OFFER_EXPIRY_WARNING`, soonest first. One query."""
    limit = timezone.now() + OFFER_EXPIRY_WARNING
    return _waiting_list(
        _school_pupils(user).filter(
            status=EnrolmentStatus.OFFERED,
            offer_expires_at__isnull=False,
            offer_expires_at__lte=limit,
        ),
        "offer_expires_at",
    )


def groups_starting_with_seats(user: Any) -> list[Group]:
    """Published groups of an individual programme hosted by the user's schools that start
    within `STARTING_SOON` and still have seats, each with `seats_left`. Two queries."""
    today = timezone.localdate()
    groups = list(
        scheduler_access.groups_visible_to(user)
        .filter(
            host_school__in=catalogue_access.schools_visible_to(user),
            status=GroupStatus.PUBLISHED,
            programme__enrolment_mode=EnrolmentMode.INDIVIDUAL,
            first_date__gte=today,
            first_date__lte=today + STARTING_SOON,
        )
        .select_related("programme", "host_school")
        .order_by("first_date", "pk")
    )
    taken = seats_taken([g.pk for g in groups])
    for group in groups:
        group.seats_left = seats_left(group.capacity, taken.get(group.pk, 0))
    return [g for g in groups if g.seats_left > 0]


# --- the manager's start page ----------------------------------------------------------


@dataclass
class ProgrammeYear:
    """One programme's groups in a school year: how many per status, seats and capacity."""

    programme: Programme
    by_status: dict[str, int] = field(default_factory=dict)
    capacity: int = 0
    seats_filled: int = 0

    @property
    def groups(self) -> int:
        return sum(self.by_status.values())

    def status_counts(self) -> list[tuple[str, int]]:
        """(label, count) in the order a group goes through its states, zeros left out."""
        return [
            (label, self.by_status[value])
            for value, label in GroupStatus.choices
            if self.by_status.get(value)
        ]


def year_at_a_glance(school_year: Any) -> list[ProgrammeYear]:
    """Per programme with groups in `school_year`: the groups per status, the capacity of the
    groups that are not cancelled and the seats held, confirmed or completed in them. Four
    queries."""
    rows = (
        Group.objects.filter(school_year=school_year)
        .values("programme_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_programme: dict[int, ProgrammeYear] = {}
    for row in rows:
        line = by_programme.setdefault(row["programme_id"], ProgrammeYear(programme=None))  # type: ignore[arg-type]
        line.by_status[row["status"]] = row["n"]
    live = Group.objects.filter(school_year=school_year).exclude(status=GroupStatus.CANCELLED)
    for row in (
        live.values("programme_id")
        .annotate(
            filled=Count(
                "enrolments",
                filter=Q(enrolments__status__in=sorted(SEAT_HOLDING | {EnrolmentStatus.COMPLETED})),
            ),
        )
        .order_by()
    ):
        line = by_programme.get(row["programme_id"])
        if line is not None:
            line.seats_filled = row["filled"]
    # Capacity apart: summed over a join with enrolments it would count a group once per child.
    for row in live.values("programme_id").annotate(capacity=Sum("capacity")).order_by():
        line = by_programme.get(row["programme_id"])
        if line is not None:
            line.capacity = row["capacity"] or 0
    for programme in Programme.objects.filter(pk__in=by_programme):
        by_programme[programme.pk].programme = programme
    return sorted(by_programme.values(), key=lambda line: line.programme.name_nl)
