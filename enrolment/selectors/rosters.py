"""Rosters: a group's children with their consent, intake and attendance, and the flags
(absent twice) the roster and the overview show."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from enrolment import access
from enrolment.models import (
    ACTIVE,
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
from enrolment.selectors.seats import ATTENDING, PARTICIPATING
from enrolment.services import consent_state, waitlist_position
from programmes.models import Trainer
from scheduler.models import Group, Session, SessionKind, SessionStatus


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
