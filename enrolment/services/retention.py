"""Retention and data rights: children's personal data goes when it is no longer needed.

The law (AVG/GDPR) and the programmes' consent text promise that an enrolment's personal
data is erased a set time (`settings.ENROLMENT_RETENTION_MONTHS`, default 12) after its
group ended, and earlier when a guardian asks. Erasing keeps only what anonymous counts
need: the enrolment's programme, group, school year, status and dates; the child's school
and grade; consent facts (given or refused, by whom in kind, how, which text version, when);
intake outcomes and reason categories; attendance statuses. Names, dates of birth, class
names, e-mail addresses, phone numbers, relations, free-text notes and secret links go.

Nothing is deleted that a report counts: rows are blanked in place (no migration needed),
so the per-group counts by status are the same before and after.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from core.domain_events import emit
from enrolment import events
from enrolment.audit import AuditAction, audit_record
from enrolment.models import (
    ACTIVE,
    AccessLink,
    Attendance,
    Child,
    Consent,
    Enrolment,
    Guardian,
    Intake,
    LinkPurpose,
    Submission,
)
from enrolment.services.guardians import CONTACT_PURPOSES
from enrolment.services.links import _make_link, link_resolve
from enrolment.services.transitions import _now
from enrolment.services.withdrawal import enrolment_withdraw
from programmes import access
from scheduler.models import Group, GroupStatus, SessionStatus

# What an erased child row holds instead of a name and a date of birth. Blank strings and a
# fixed, impossible date of birth keep the NOT NULL columns (and so no migration is needed).
ERASED_DATE_OF_BIRTH = dt.date(1900, 1, 1)


class ErasureReason:
    RETENTION = "retention"
    GUARDIAN_REQUEST = "guardian_request"
    MANAGER = "manager"


# --- when a group ended and when its data goes -----------------------------------------------


def _today() -> dt.date:
    return localtime(timezone.now()).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _with_end_fields(groups: QuerySet[Group]) -> QuerySet[Group]:
    """`groups` annotated with what `_end_of` needs: their last sessions."""
    return groups.annotate(
        last_held=Max("sessions__starts_at", filter=Q(sessions__status=SessionStatus.SCHEDULED)),
        last_any=Max("sessions__starts_at"),
    )


END_FIELDS = ("status", "updated_at", "first_date", "last_held", "last_any")


def _end_of(
    status: str,
    updated_at: dt.datetime,
    first_date: dt.date,
    last_held: dt.datetime | None,
    last_any: dt.datetime | None,
) -> dt.date:
    if status == GroupStatus.CANCELLED:
        cancelled_on = localtime(updated_at).date()
        return min(cancelled_on, localtime(last_any).date()) if last_any else cancelled_on
    if last_held or last_any:
        return localtime(last_held or last_any).date()
    return first_date


def group_end_dates(group_ids: Iterable[int] | None = None) -> dict[int, dt.date]:
    """The day each group ended (or will end), in one query.

    A running or finished group ends on its last scheduled session (of any kind, so the
    parents' evaluation meeting counts). A cancelled group ended on the day it was cancelled
    (its `updated_at`: a cancelled group is final and no longer saved), or on its last
    session if that came earlier. A group without sessions ends on its first date.
    """
    groups = Group.objects.all()
    if group_ids is not None:
        groups = groups.filter(pk__in=list(group_ids))
    rows = _with_end_fields(groups).values_list("pk", *END_FIELDS)
    return {pk: _end_of(*fields) for pk, *fields in rows}


def erase_date(end_date: dt.date) -> dt.date:
    """The first day on which data of a group that ended on `end_date` is erased: the day
    after it ended `ENROLMENT_RETENTION_MONTHS` months ago ("more than" that long ago)."""
    return add_months(end_date, settings.ENROLMENT_RETENTION_MONTHS) + dt.timedelta(days=1)


def _group_has_ended(group: Group, today: dt.date) -> bool:
    if group.status in {GroupStatus.CANCELLED, GroupStatus.COMPLETED}:
        return True
    return group_end_dates([group.pk])[group.pk] < today


# --- erasing -----------------------------------------------------------------------------------


def _erase(enrolment_id: int, *, reason: str) -> bool:
    """Erase one enrolment inside the caller's transaction; False when it was erased already."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("group")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None or enrolment.erased_at is not None:
        return False
    if enrolment.status in ACTIVE and not _group_has_ended(enrolment.group, _today()):
        # The child leaves the group first; the seat goes to the next child on the waitlist.
        enrolment_withdraw(enrolment=enrolment)
        enrolment.refresh_from_db()

    erased_values = [
        *Child.objects.filter(pk=enrolment.child_id).values_list("first_name", "last_name").get()
    ]
    Child.objects.filter(pk=enrolment.child_id).update(
        first_name="", last_name="", date_of_birth=ERASED_DATE_OF_BIRTH, class_name=""
    )
    Intake.objects.filter(enrolment=enrolment).update(notes="")
    Attendance.objects.filter(enrolment=enrolment).update(note="")
    AccessLink.objects.filter(enrolment=enrolment).delete()

    # Guardians are shared by the siblings of one submission: keep their contact details
    # while a sibling's enrolment still runs, erase them with the last one.
    still_needed = (
        Enrolment.objects.filter(
            submission_id=enrolment.submission_id, erased_at__isnull=True, status__in=ACTIVE
        )
        .exclude(pk=enrolment.pk)
        .exists()
    )
    enroller_contact = (
        Guardian.objects.filter(submission_id=enrolment.submission_id, is_enroller=True)
        .values_list("email", "language")
        .first()
    ) or ("", "")
    guardian_ids: list[int] = []
    if not still_needed:
        for pk, *contact in Guardian.objects.filter(
            submission_id=enrolment.submission_id
        ).values_list("pk", "name", "email", "phone", "pending_email"):
            guardian_ids.append(pk)
            erased_values += contact
        Guardian.objects.filter(submission_id=enrolment.submission_id).update(
            name="", email="", phone="", relation="", pending_email=""
        )
        AccessLink.objects.filter(submission_id=enrolment.submission_id).delete()
        # The fingerprint is an HMAC of the names and addresses entered: with them gone, a
        # retry with the submission's Idempotency-Key is refused instead of replayed.
        Submission.objects.filter(pk=enrolment.submission_id).update(request_fingerprint="")

    # The key is a hash of name and date of birth; a per-row value keeps the
    # one-active-enrolment constraint satisfied without it.
    changed = Enrolment.objects.filter(pk=enrolment.pk, erased_at__isnull=True).update(
        erased_at=timezone.now(), child_key=f"erased:{enrolment.pk}"
    )
    if not changed:
        return False
    audit_record(
        actor="system", action=AuditAction.DATA_ERASED, target=f"enrolment {enrolment.pk} {reason}"
    )
    emit(
        events.Erased(
            enrolment_id=enrolment.pk,
            notify_email=enroller_contact[0],
            notify_language=enroller_contact[1],
            guardian_ids=tuple(guardian_ids),
            erased_values=tuple(value for value in erased_values if value),
        )
    )
    return True


@transaction.atomic
def enrolment_erase(*, enrolment: Enrolment, reason: str) -> Enrolment:
    """Erase the personal data of one enrolment, keeping what anonymous counts need.

    Blanks the child's names, class name and date of birth, the intake notes and the
    attendance notes; deletes the enrolment's secret links; and, when no other active
    enrolment of the same submission still needs them, blanks the guardians' names, e-mail
    addresses, phones and relations and deletes every link of the submission. Consent rows
    stay as anonymous facts (given or refused, method, text version, date). An active
    enrolment of a group that has not ended is withdrawn first, so its seat passes to the
    waitlist; in a group that ended the status stays as it is (it is what reports count).
    Sets `erased_at`, writes an audit entry and emits Erased. A second call changes nothing.
    """
    _erase(enrolment.pk, reason=reason)
    return Enrolment.objects.get(pk=enrolment.pk)


def _groups_due(today: dt.date) -> dict[int, int]:
    """{group id: unerased enrolments} of the groups that ended more than the retention time
    before `today`. One query, however many groups and enrolments there are."""
    unerased = (
        Enrolment.objects.filter(group=OuterRef("pk"), erased_at__isnull=True)
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        _with_end_fields(Group.objects.annotate(unerased=Subquery(unerased)))
        .filter(unerased__gt=0)
        .values_list("pk", "unerased", *END_FIELDS)
    )
    return {pk: n for pk, n, *fields in rows if erase_date(_end_of(*fields)) <= today}


def enrolments_due_for_erasure(*, today: dt.date | None = None) -> list[int]:
    """Ids of the unerased enrolments whose group ended more than the retention time ago."""
    due = _groups_due(today or _today())
    return list(
        Enrolment.objects.filter(group_id__in=list(due), erased_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def enrolments_due_for_erasure_count(*, today: dt.date | None = None) -> int:
    """How many enrolments `retention_sweep` would erase on `today` (the manager's start
    page). One query, also when there are none."""
    return sum(_groups_due(today or _today()).values())


def retention_sweep(*, today: dt.date | None = None) -> int:
    """Erase every enrolment (active or finished) of the groups that ended more than
    `ENROLMENT_RETENTION_MONTHS` months before `today`; returns how many were erased.

    Each enrolment is erased in its own transaction under a row lock, so a sweep that is
    interrupted keeps what it did, and two sweeps at once erase (and announce) each
    enrolment once. A second run the same day returns 0.
    """
    erased = 0
    for pk in enrolments_due_for_erasure(today=today):
        with transaction.atomic():
            erased += _erase(pk, reason=ErasureReason.RETENTION)
    return erased


@shared_task(name="enrolment.retention_daily")
def retention_daily() -> int:
    """Daily (`settings.CELERY_BEAT_SCHEDULE`): erase the personal data of enrolments whose
    group ended more than the retention time ago. Returns how many enrolments were erased.
    Safe to run twice, even at the same time (see `retention_sweep`)."""
    return retention_sweep()


# --- the manager's overview -------------------------------------------------------------------


@dataclass
class GroupRetention:
    """What personal data a group's enrolments still hold, and when it goes."""

    group: Group
    end_date: dt.date
    erase_on: dt.date
    enrolments: int
    by_status: dict[str, int] = field(default_factory=dict)
    kinds: list[tuple[str, int]] = field(default_factory=list)
    # What other apps still hold of the group's families, e.g. ("Nog in berichten", 3).
    leftovers: list[tuple[str, int]] = field(default_factory=list)


# Apps to the right of enrolment (which enrolment may not import) hold personal data of
# families too, e.g. the outbox of notifications. Each registers, in its AppConfig.ready, a
# counter: given group ids, it returns {group_id: records still holding personal data of
# that group's families}, in one query for all groups, so the overview stays a fixed number
# of queries. Groups it leaves out count 0.
LeftoverCounter = Callable[[list[int]], dict[int, int]]
LEFTOVER_COUNTERS: list[tuple[Any, LeftoverCounter]] = []


def register_leftover_counter(label: Any, func: LeftoverCounter) -> None:
    """Show `label` with `func`'s count per group on the retention overview. Registering
    the same function again changes nothing (a second `ready()` in tests)."""
    if all(registered is not func for _label, registered in LEFTOVER_COUNTERS):
        LEFTOVER_COUNTERS.append((label, func))


DATA_KINDS: list[tuple[str, Any]] = [
    ("children", _("namen, geboortedatum en klas van kinderen")),
    ("guardians", _("namen, e-mailadressen en telefoonnummers van ouders")),
    ("consents", _("toestemmingen gekoppeld aan een ouder of kind")),
    ("intake_notes", _("notities bij de intake")),
    ("attendance_notes", _("notities bij de aanwezigheid")),
    ("links", _("geldige persoonlijke links in e-mails")),
]


def _counts(rows: Iterable[tuple[int, int]]) -> dict[int, int]:
    return dict(rows)


def retention_overview(*, user: Any, group_id: int | None = None) -> list[GroupRetention]:
    """Per group (or only `group_id`): how many enrolments still hold personal data, which
    kinds of data (counts, never the data itself), what other apps still hold of its families
    (`LEFTOVER_COUNTERS`), when the group ended and the day its data will be erased. Sorted
    by erase date. The manager only (PermissionDenied otherwise). A fixed number of queries,
    however many groups there are.
    """
    if not access.is_manager(user):
        raise PermissionDenied
    held = Enrolment.objects.filter(erased_at__isnull=True)
    if group_id is not None:
        held = held.filter(group_id=group_id)
    by_status: dict[int, dict[str, int]] = defaultdict(dict)
    for gid, status, count in (
        held.values("group_id", "status")
        .annotate(n=Count("pk"))
        .values_list("group_id", "status", "n")
    ):
        by_status[gid][status] = count
    if not by_status:
        return []
    ids = list(by_status)
    kinds = _data_kinds(ids, by_status)
    leftovers = [(label, counter(ids)) for label, counter in LEFTOVER_COUNTERS]
    ends = group_end_dates(ids)
    groups = Group.objects.filter(pk__in=ids).select_related(
        "programme", "host_school", "school_year"
    )
    overview = [
        GroupRetention(
            group=group,
            end_date=ends[group.pk],
            erase_on=erase_date(ends[group.pk]),
            enrolments=sum(by_status[group.pk].values()),
            by_status=by_status[group.pk],
            kinds=[(str(label), kinds[key].get(group.pk, 0)) for key, label in DATA_KINDS],
            leftovers=[(str(label), counts.get(group.pk, 0)) for label, counts in leftovers],
        )
        for group in groups
    ]
    overview.sort(key=lambda row: (row.erase_on, row.group.pk))
    return overview


def _data_kinds(ids: list[int], by_status: dict[int, dict[str, int]]) -> dict[str, dict[int, int]]:
    """Per kind of personal data (`DATA_KINDS`), how many rows each group still holds."""
    in_groups = {"enrolment__group_id__in": ids, "enrolment__erased_at__isnull": True}
    now = timezone.now()
    return {
        "children": {gid: sum(statuses.values()) for gid, statuses in by_status.items()},
        "guardians": _counts(
            Guardian.objects.filter(
                submission__enrolments__group_id__in=ids,
                submission__enrolments__erased_at__isnull=True,
            )
            .exclude(email="")
            .values("submission__enrolments__group_id")
            .annotate(n=Count("pk", distinct=True))
            .values_list("submission__enrolments__group_id", "n")
        ),
        "consents": _counts(
            Consent.objects.filter(**in_groups)
            .values("enrolment__group_id")
            .annotate(n=Count("pk"))
            .values_list("enrolment__group_id", "n")
        ),
        "intake_notes": _counts(
            Intake.objects.filter(**in_groups)
            .exclude(notes="")
            .values("enrolment__group_id")
            .annotate(n=Count("pk"))
            .values_list("enrolment__group_id", "n")
        ),
        "attendance_notes": _counts(
            Attendance.objects.filter(**in_groups)
            .exclude(note="")
            .values("enrolment__group_id")
            .annotate(n=Count("pk"))
            .values_list("enrolment__group_id", "n")
        ),
        "links": _counts(
            AccessLink.objects.filter(
                submission__enrolments__group_id__in=ids,
                submission__enrolments__erased_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
            )
            .values("submission__enrolments__group_id")
            .annotate(n=Count("pk", distinct=True))
            .values_list("submission__enrolments__group_id", "n")
        ),
    }


# --- the guardian's rights: see and erase -----------------------------------------------------

# The links that open the data page (`personal_data_export_by_link`,
# `personal_data_erase_request`): the enroller's confirm and manage links, and a data link
# (`data_link_issue`), which another guardian gets from their own consent link; the consent
# link itself stays a link for consent.
DATA_PURPOSES = (LinkPurpose.MANAGE, LinkPurpose.CONFIRM, LinkPurpose.DATA)
DATA_LINK_HOURS = 1


@transaction.atomic
def data_link_issue(*, token: str) -> str:
    """A guardian with authority asks, through their own link (confirm, manage or consent),
    for the way to their data: a new link of purpose data, for them and their submission,
    valid for `DATA_LINK_HOURS`. Their earlier data links are revoked, so one works at a time;
    an erasure deletes it with the submission's other links. What the data link shows and
    erases is what `personal_data_export_by_link` and `personal_data_erase_request` give
    any holder of a data link. Returns the raw token (it exists only in the answer).

    Refuses (ValidationError, nothing changes): a link that is not valid or not a guardian's
    own (the child's consent link, an offer), and a guardian without parental authority.
    """
    link = link_resolve(token, purposes=CONTACT_PURPOSES)
    if not link.guardian.has_authority:
        raise ValidationError(
            _(
                "Alleen een ouder met gezag kan hier de gegevens van de aanmelding inzien. "
                "Neem voor uw eigen gegevens contact op met de gemeente."
            ),
            code="no_authority",
        )
    AccessLink.objects.filter(
        guardian_id=link.guardian_id, purpose=LinkPurpose.DATA, revoked_at__isnull=True
    ).update(revoked_at=_now())
    return _make_link(purpose=LinkPurpose.DATA, guardian=link.guardian, hours=DATA_LINK_HOURS)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _guardian_data(g: Guardian, *, viewer: Guardian | None) -> dict[str, Any]:
    """A guardian as the download shows it to `viewer` (None: the full record)."""
    data: dict[str, Any] = {
        "id": g.pk,
        "name": g.name,
        "relation": g.relation,
        "authority": g.authority,
        "is_enroller": g.is_enroller,
    }
    if viewer is None or g.pk == viewer.pk:
        data |= {
            "email": g.email,
            "phone": g.phone,
            "language": g.language,
            "email_confirmed_at": _iso(g.email_confirmed_at),
        }
    return data


def _intake_data(enrolment: Enrolment) -> dict[str, Any] | None:
    intake = getattr(enrolment, "intake", None)
    if intake is None:
        return None
    return {
        "outcome": intake.outcome,
        "reason": intake.reason,
        "notes_held": bool(intake.notes),
        "recorded_at": _iso(intake.created_at),
    }


def _enrolment_data(e: Enrolment) -> dict[str, Any]:
    """One enrolment with its consents, intake outcome and attendance, for the download."""
    return {
        "id": str(e.public_id),
        "child": e.child_id,
        "programme": e.group.programme.name,
        "group": e.group.round_label,
        "host_school": e.group.host_school.name,
        "school_year": e.school_year.label,
        "status": e.status,
        "created_at": _iso(e.created_at),
        "confirmed_at": _iso(e.confirmed_at),
        "ended_at": _iso(e.ended_at),
        "erased_at": _iso(e.erased_at),
        "consents": [
            {
                "party": c.party,
                "guardian": c.guardian_id,
                "given": c.given,
                "method": c.method,
                "consent_text_version": c.consent_text.version,
                "recorded_at": _iso(c.created_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in e.consents.all()
        ],
        "intake": _intake_data(e),
        "attendance": [
            {
                "session_date": _iso(localtime(a.session.starts_at).date()),
                "status": a.status,
                "note_held": bool(a.note),
            }
            for a in sorted(e.attendance.all(), key=lambda a: a.session.starts_at)
        ],
    }


@transaction.atomic
def personal_data_export(*, submission: Submission, guardian: Guardian | None = None) -> dict:
    """Everything held about one submission, as JSON-able data, for the guardian's download.

    Holds the guardians, the children, every enrolment (status, programme, group, dates), the
    consents with the text version, the intake outcome and the attendance. Asked by a
    `guardian`, the other guardians appear with name, relation and authority only: their
    e-mail address and phone are theirs (after a separation they may not be shared). Staff's
    free-text notes (intake, attendance) are marked as held but not included: they are given
    on request after the municipality has checked them for other people's data.
    Writes an audit entry (actor "guardian <id>", never a name).
    """
    submission = Submission.objects.select_related("consent_text").get(pk=submission.pk)
    guardians = list(submission.guardians.all())
    children = list(submission.children.select_related("school"))
    enrolments = list(
        submission.enrolments.select_related(
            "group__programme", "group__host_school", "school_year", "intake"
        )
        .prefetch_related("consents__consent_text", "attendance__session")
        .order_by("pk")
    )
    export = {
        "submission": {
            "id": str(submission.public_id),
            "created_at": _iso(submission.created_at),
            "consent_text_version": submission.consent_text.version,
        },
        "guardians": [_guardian_data(g, viewer=guardian) for g in guardians],
        "children": [
            {
                "id": c.pk,
                "first_name": c.first_name,
                "last_name": c.last_name,
                "date_of_birth": _iso(c.date_of_birth),
                "school": c.school.name,
                "grade": c.grade,
                "class_name": c.class_name,
            }
            for c in children
        ],
        "enrolments": [_enrolment_data(e) for e in enrolments],
    }
    audit_record(
        actor=f"guardian {guardian.pk}" if guardian else "system",
        action=AuditAction.DATA_DOWNLOADED,
        target=f"submission {submission.pk}",
    )
    return export


def personal_data_export_by_link(*, token: str) -> dict:
    """The export for the guardian whose link (manage, confirm or data) this is."""
    link = link_resolve(token, purposes=DATA_PURPOSES)
    return personal_data_export(submission=link.submission, guardian=link.guardian)


@transaction.atomic
def personal_data_erase_request(*, token: str) -> int:
    """A guardian asks, through their link (manage, confirm or data), to erase everything held
    about their submission: every enrolment is erased (an active one is withdrawn first and
    its seat offered to the next child). The link itself goes with the rest, so it works once.
    Writes an audit entry (actor "guardian <id>"). Returns how many enrolments were erased.
    """
    link = link_resolve(token, purposes=DATA_PURPOSES)
    guardian_id, submission_id = link.guardian_id, link.submission_id
    audit_record(
        actor=f"guardian {guardian_id}",
        action=AuditAction.DATA_ERASED,
        target=f"submission {submission_id}",
    )
    erased = 0
    for pk in (
        Enrolment.objects.filter(submission_id=submission_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        erased += _erase(pk, reason=ErasureReason.GUARDIAN_REQUEST)
    return erased
