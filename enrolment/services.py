"""Every change to enrolments: submitting, consent, intake, seats, waitlist, withdrawal.

Seats are scarce: every service that may take a seat first locks the group row
(`SELECT ... FOR UPDATE`) inside its transaction and only then counts, so
held + offered + confirmed never exceeds the capacity, however many parents
submit at once. Freeing a seat needs no lock; handing it to the next child does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.domain_events import emit
from enrolment import events, public_cache
from enrolment.models import (
    ACTIVE,
    SEAT_HOLDING,
    AccessLink,
    Authority,
    Child,
    Consent,
    ConsentMethod,
    ConsentParty,
    ConsentText,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    Intake,
    IntakeOutcome,
    Interest,
    LinkPurpose,
    Submission,
    age_on,
)
from enrolment.names import person_name_error
from programmes.dates import date_of_birth_error
from programmes.models import (
    ChildConsent,
    EnrolmentMode,
    GuardianConsent,
    Programme,
    School,
    reply_to_subquery,
)
from scheduler.models import Group, GroupStatus, SessionKind, SessionStatus

# --- input shapes ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChildInput:
    first_name: str
    last_name: str
    date_of_birth: dt.date
    school: School
    grade: int
    group: Group
    class_name: str = ""


@dataclass(frozen=True)
class GuardianInput:
    name: str
    email: str
    authority: str
    language: str = "nl"
    phone: str = ""
    relation: str = ""


@dataclass
class SubmissionResult:
    submission: Submission
    enrolments: list[Enrolment]
    replayed: bool = False
    # What a new submission already knows, so its answer needs no query: the guardians as
    # entered (enroller first), the first child session day per group id, and the waitlist
    # position per waitlisted enrolment id. Empty for a replay, which reads the database.
    guardians: list[Guardian] = field(default_factory=list)
    first_session_dates: dict[int, dt.date] = field(default_factory=dict)
    waitlist_positions: dict[int, int] = field(default_factory=dict)


# --- small helpers ---------------------------------------------------------------------


def child_key(first_name: str, last_name: str, date_of_birth: dt.date) -> str:
    """The same child entered twice (other spelling of case or accents) gives the same key."""

    def norm(text: str) -> str:
        stripped = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return " ".join(stripped.lower().split())

    raw = f"{norm(first_name)}|{norm(last_name)}|{date_of_birth.isoformat()}"
    return hashlib.sha256(raw.encode()).hexdigest()


def first_child_session_date(group: Group) -> dt.date:
    """The day of the group's first scheduled child session, else its planned first date.

    A group from the public catalogue (`enrolment.catalogue.catalogue_group`) carries it
    already as `first_day` (so do `enrolment.catalogue.open_groups`')."""
    known = getattr(group, "first_day", None)
    if known is not None:
        return known
    first = (
        group.sessions.filter(kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return localtime(first).date() if first else group.first_date


def _now() -> dt.datetime:
    return timezone.now()


def _set_status(enrolment: Enrolment, status: str, **fields: Any) -> None:
    if not enrolment.can_become(status):
        raise ValidationError(
            _("Een inschrijving met status '%(from)s' kan niet naar '%(to)s'.")
            % {"from": enrolment.get_status_display(), "to": EnrolmentStatus(status).label}
        )
    enrolment.status = status
    for name, value in fields.items():
        setattr(enrolment, name, value)
    enrolment.save()


def _make_link(
    *,
    purpose: str,
    guardian: Guardian,
    enrolment: Enrolment | None = None,
    hours: float | None = None,
) -> str:
    token = AccessLink.new_token()
    now = _now()
    AccessLink.objects.create(
        token_hash=AccessLink.hash(token),
        purpose=purpose,
        guardian=guardian,
        submission_id=guardian.submission_id,
        enrolment=enrolment,
        created_at=now,
        expires_at=now
        + (dt.timedelta(hours=hours) if hours else dt.timedelta(days=settings.ENROLMENT_LINK_DAYS)),
    )
    return token


def link_resolve(token: str, *, purposes: Iterable[str]) -> AccessLink:
    """The usable link for `token`, or ValidationError with a message a parent understands.

    The token is looked up by its hash and compared in constant time.
    """
    digest = AccessLink.hash(token or "")
    link = (
        AccessLink.objects.select_related("guardian", "submission", "enrolment")
        .filter(token_hash=digest)
        .first()
    )
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        raise ValidationError(_("Deze link is niet (meer) geldig."), code="invalid_link")
    if link.purpose not in set(purposes):
        raise ValidationError(_("Deze link is niet bedoeld voor deze pagina."), code="wrong_link")
    if link.revoked_at is not None:
        raise ValidationError(_("Deze link is ingetrokken."), code="revoked_link")
    if link.expires_at <= _now():
        raise ValidationError(
            _("Deze link is verlopen. Neem contact op met de school als u hulp nodig heeft."),
            code="expired_link",
        )
    return link


# --- eligibility -----------------------------------------------------------------------


def group_open_for_enrolment(group: Group, today: dt.date | None = None) -> bool:
    today = today or localtime(_now()).date()
    if group.status != GroupStatus.PUBLISHED:
        return False
    if group.programme.enrolment_mode != EnrolmentMode.INDIVIDUAL:
        return False
    if group.enrolment_opens_on and today < group.enrolment_opens_on:
        return False
    return not (group.enrolment_closes_on and today > group.enrolment_closes_on)


def eligibility_errors(
    child: ChildInput, *, today: dt.date | None = None, first_day: dt.date | None = None
) -> list[str]:
    """Every reason this child cannot join this group, in words a parent understands.

    `first_day`: the group's `first_child_session_date`, when the caller already has it."""
    group, programme = child.group, child.group.programme
    errors: list[str] = []
    if not group_open_for_enrolment(group, today):
        errors.append(_("Aanmelden voor deze groep is nu niet mogelijk."))
    if first_day is None:
        first_day = first_child_session_date(group)
    age = age_on(child.date_of_birth, first_day)
    born_error = date_of_birth_error(child.date_of_birth, today)
    if born_error:
        errors.append(born_error)
    elif not programme.age_min <= age <= programme.age_max:
        errors.append(
            _(
                "%(name)s is op %(date)s %(age)s jaar; %(programme)s is voor kinderen van "
                "%(min)s tot en met %(max)s jaar."
            )
            % {
                "name": child.first_name,
                "date": first_day.strftime("%d-%m-%Y"),
                "age": age,
                "programme": programme.name,
                "min": programme.age_min,
                "max": programme.age_max,
            }
        )
    if not programme.grade_min <= child.grade <= programme.grade_max:
        errors.append(
            _("%(programme)s is voor groep/klas %(min)s tot en met %(max)s.")
            % {"programme": programme.name, "min": programme.grade_min, "max": programme.grade_max}
        )
    # The host school's pupils are always admitted; only others need the list (a query).
    if child.school.pk != group.host_school_id and child.school.pk not in {
        s.pk for s in group.admitted_schools.all()
    }:
        errors.append(
            _("Deze groep is niet open voor leerlingen van %(school)s.")
            % {"school": child.school.name}
        )
    return errors


def children_eligibility_errors(children: Sequence[ChildInput | None]) -> dict[str, list[str]]:
    """Why each child that was filled in correctly cannot join their group, while another
    part of the same form was wrong: so a parent hears every problem in one round, not the
    age after the e-mail address. Keyed as `submission_create` keys its errors
    ("children.0"); a None (a child whose own fields failed) is skipped."""
    errors: dict[str, list[str]] = {}
    first_days: dict[int, dt.date] = {}
    for index, child in enumerate(children):
        if child is None:
            continue
        if child.group.pk not in first_days:
            first_days[child.group.pk] = first_child_session_date(child.group)
        messages = eligibility_errors(child, first_day=first_days[child.group.pk])
        if messages:
            errors[f"children.{index}"] = messages
    return errors


def consent_requirements(
    programme: Programme, guardians: Sequence[Any], age: int
) -> dict[str, Any]:
    """Whose consent an enrolment needs: {'guardians': [...], 'child': bool}.

    Dutch rule for youth support (WGBO/Jeugdwet), as the programme's policy applies it:
    under 12 the guardians with authority; 12 to 15 the child and those guardians;
    from 16 the child alone. A guardian with sole authority is enough alone.
    """
    with_authority = [g for g in guardians if g.authority != Authority.NONE]
    sole = [g for g in with_authority if g.authority == Authority.SOLE]
    child_needed = programme.consent_child == ChildConsent.FROM_12 and age >= 12
    if programme.consent_child == ChildConsent.FROM_12 and age >= 16:
        return {"guardians": [], "child": True, "any_guardian": False}
    if programme.consent_guardians == GuardianConsent.NONE:
        needed: list[Any] = []
    elif sole:
        needed = sole[:1]
    elif programme.consent_guardians == GuardianConsent.ONE_GUARDIAN:
        return {"guardians": with_authority, "child": child_needed, "any_guardian": True}
    else:
        needed = with_authority
    return {"guardians": needed, "child": child_needed, "any_guardian": False}


# --- submitting ------------------------------------------------------------------------

# What `select_for_update` locks with an enrolment: its row and its group's (seats are
# counted under the group's lock, so taking both in one statement keeps the order every
# path locks in). Not the rows merely joined for reading (programme, child, submission,
# consent text): a FOR UPDATE on those would stall every new submission that refers to them.
LOCKED_WITH_ENROLMENT = ("self", "group")


def _lock_group(group_id: int) -> Group:
    """Lock the group row before counting its seats.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite (make run) ignores that, so a no-op
    UPDATE first takes the database's write lock, which serialises writers there too.
    """
    if connection.vendor == "sqlite":
        Group.objects.filter(pk=group_id).update(capacity=F("capacity"))
    # OF self: only the group's row. A plain FOR UPDATE would lock the joined programme
    # and school rows too, and so queue every enrolment of the programme behind this one.
    # The host school's reply-to address comes along for the messages about the new
    # enrolment (notifications.listeners); the seats are counted in a statement of their
    # own, after the lock (`seats_taken_in`), so the count sees every enrolment committed
    # while this one waited.
    return (
        Group.objects.select_for_update(of=("self",))
        .select_related("programme", "host_school")
        .annotate(host_reply_to=reply_to_subquery("host_school"))
        .get(pk=group_id)
    )


def seats_taken_in(group: Group) -> int:
    """The seats of `group` held or confirmed now, one COUNT. Whoever decides on a seat
    counts after locking the group (`_lock_group`); reads of many groups count them all in
    one query (`enrolment.selectors.seats_taken`)."""
    return group.enrolments.filter(status__in=SEAT_HOLDING).count()


def waitlist_position(enrolment: Enrolment) -> int:
    """1 for the first child in line. Priority pupils go first, then first come, first served."""
    earlier = Q(created_at__lt=enrolment.created_at) | Q(
        created_at=enrolment.created_at, pk__lt=enrolment.pk
    )
    ahead = Q(priority=True) & earlier if enrolment.priority else Q(priority=True) | earlier
    return (
        Enrolment.objects.filter(group_id=enrolment.group_id, status=EnrolmentStatus.WAITLISTED)
        .filter(ahead)
        .count()
        + 1
    )


# The one refusal of a post made against an older consent text, page and API alike.
STALE_CONSENT_TEXT = gettext_noop(
    "De tekst over toestemming is net veranderd. Lees de nieuwe tekst en geef daarna "
    "opnieuw toestemming."
)


class IdempotencyKeyReused(ValidationError):
    """An Idempotency-Key that already made a submission, sent with another request body.

    Carries one fixed message and nothing about the submission the key made."""


def idempotency_key_hash(key: str) -> str:
    """What is stored of an Idempotency-Key: its SHA-256. The key is the client's secret."""
    return hashlib.sha256(key.encode()).hexdigest()


def submission_fingerprint(
    *,
    children: Sequence[ChildInput],
    enroller: GuardianInput,
    other_guardians: Sequence[GuardianInput] = (),
    consent_text_version: str,
) -> str:
    """A fingerprint of one request: HMAC-SHA256 of its validated input as canonical JSON.

    Same input, same fingerprint, whatever the field order or date spelling the client
    used. Keyed (SECRET_KEY) rather than a bare SHA-256 because the input is personal
    data: whoever reads the table cannot test guesses of a child's name and birth date
    against it. A rotated SECRET_KEY only turns a retry that spans the rotation into a
    refusal.
    """

    def guardian(g: GuardianInput) -> dict[str, str]:
        return {
            "name": g.name,
            "email": g.email,
            "authority": g.authority,
            "language": g.language,
            "phone": g.phone,
            "relation": g.relation,
        }

    canonical = json.dumps(
        {
            "children": [
                {
                    "first_name": c.first_name,
                    "last_name": c.last_name,
                    "date_of_birth": c.date_of_birth.isoformat(),
                    "school": c.school.pk,
                    "grade": c.grade,
                    "group": c.group.pk,
                    "class_name": c.class_name,
                }
                for c in children
            ],
            "enroller": guardian(enroller),
            "other_guardians": [guardian(g) for g in other_guardians],
            "consent_text_version": consent_text_version,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return salted_hmac(
        "enrolment.submission_fingerprint", canonical, algorithm="sha256"
    ).hexdigest()


def submission_replay(*, idempotency_key: str, fingerprint: str) -> SubmissionResult | None:
    """The submission `idempotency_key` made, if the request was the same one again.

    None: the key is unused. Raises IdempotencyKeyReused, revealing nothing of the
    earlier submission, when the key was used with another body (fingerprint), or
    before fingerprints were kept (no fingerprint: whether it is the same request is
    unknown, so it is not replayed). Binding the key to the body is what makes a
    leaked or guessed key worthless: a replay tells the sender only what they sent.
    That is also why keys need no scoping per client (an address or API token): a
    parent's retry may come from another network, and the body already binds it.
    """
    existing = Submission.objects.filter(
        idempotency_key_hash=idempotency_key_hash(idempotency_key)
    ).first()
    if existing is None:
        return None
    if not existing.request_fingerprint or not constant_time_compare(
        existing.request_fingerprint, fingerprint
    ):
        raise IdempotencyKeyReused(
            _("Deze Idempotency-Key is al gebruikt voor een andere aanmelding."),
            code="idempotency_key_reused",
        )
    return SubmissionResult(existing, list(existing.enrolments.all()), replayed=True)


def submission_create(
    *,
    children: Sequence[ChildInput],
    enroller: GuardianInput,
    other_guardians: Sequence[GuardianInput] = (),
    consent_text_version: str | None = None,
    consent_text: ConsentText | None = None,
    idempotency_key: str | None = None,
) -> SubmissionResult:
    """Enrol one or more children (siblings) with their guardians entered once.

    Both doors call it alike: the enrolment form (`idempotency_key` from its hidden field)
    and `POST /api/v1/public/enrolments/` (from the Idempotency-Key header).

    The parent consents to the text they read: `consent_text_version` is the version the
    form or API post names (code that holds the text itself may pass `consent_text`).
    Only the text in force is accepted; an older or unknown version (or none in force) is
    refused under `consent_text_version` with `STALE_CONSENT_TEXT`, before any other
    check, so the parent reads the new text and consents again.

    A repeated `idempotency_key` with the same input returns the first submission
    (`replayed`) instead of making a second, also when the consent text changed since the
    first; with other input it raises IdempotencyKeyReused (see `submission_replay`).
    Concurrent requests with one key make one submission: the unique key hash decides the
    race.

    Each child gets a seat (held while consent is pending) or a place on the waitlist.
    Refuses, changing nothing: a stale consent text (above), a name that is not a name
    (`enrolment.names`: no line break, link or address reaches a mail), an ineligible
    child (age on the first session date, grade, school, window), the same child twice in
    one submission, and missing guardians whose consent the programme needs. Never
    refuses, nor answers differently, because another family enrolled the child (that
    would tell a stranger that the child's parents separate): such an enrolment is stored
    alike, flagged `possible_duplicate` for the coordinator to merge, outside the
    database's one-active-enrolment rule. Emits EnrolmentReceived and, per child,
    SeatHeld or Waitlisted.
    """
    if consent_text_version is None:
        if consent_text is None:
            raise TypeError("submission_create needs consent_text_version (or consent_text)")
        consent_text_version = consent_text.version
    fingerprint = (
        submission_fingerprint(
            children=children,
            enroller=enroller,
            other_guardians=other_guardians,
            consent_text_version=consent_text_version,
        )
        if idempotency_key
        else None
    )
    in_force = _consent_text_or_none()
    if in_force is None or in_force.version != consent_text_version:
        # A repeat of a request that succeeded before the text changed still gets its first
        # answer; anything else must be sent again after reading the new text.
        if idempotency_key and fingerprint:
            earlier = submission_replay(idempotency_key=idempotency_key, fingerprint=fingerprint)
            if earlier is not None:
                return earlier
        raise ValidationError(
            {
                "consent_text_version": [
                    ValidationError(_(STALE_CONSENT_TEXT), code="stale_consent_text")
                ]
            }
        )
    consent_text = in_force
    # Two tries: the second runs only when the first lost a race to a concurrent submission
    # of the same child (the one-active-enrolment constraint, checked at commit of the
    # other), and then sees that enrolment and stores this one as a possible duplicate.
    # So the race gives the same answer as any submission, never an error.
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _submission_create(
                    children=children,
                    enroller=enroller,
                    other_guardians=other_guardians,
                    consent_text=consent_text,
                    idempotency_key=idempotency_key,
                    fingerprint=fingerprint,
                )
        except (IntegrityError, ValidationError) as error:
            # A used key is looked up only now, when the submission could not be made: a
            # repeat of a request that succeeded is refused by the unique key hash (a
            # twin, concurrent or not, whose insert made this one wait for its commit).
            # It gets the first answer; another request with the same key is refused. The
            # first try of a key costs no look-up.
            if idempotency_key and fingerprint:
                earlier = submission_replay(
                    idempotency_key=idempotency_key, fingerprint=fingerprint
                )
                if earlier is not None:
                    return earlier
            if isinstance(error, ValidationError):
                raise
            if attempt == 2:
                raise ValidationError(
                    _("Uw aanmelding kon nu niet worden opgeslagen. Probeer het opnieuw.")
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _name_errors(
    children: Sequence[ChildInput], guardians: Sequence[GuardianInput], errors: dict[str, Any]
) -> None:
    """Names that are not names (`enrolment.names`), by the child or guardian they belong to:
    a name reaches the family's e-mails, so a link or a line break never gets in."""
    for index, child in enumerate(children):
        for value in (child.first_name, child.last_name):
            message = person_name_error(value)
            if message:
                errors.setdefault(f"children.{index}", []).append(message)
    for index, guardian in enumerate(guardians):
        message = person_name_error(guardian.name)
        if message:
            errors.setdefault("enroller" if index == 0 else "other_guardians", []).append(message)


def _submission_create(
    *,
    children: Sequence[ChildInput],
    enroller: GuardianInput,
    other_guardians: Sequence[GuardianInput],
    consent_text: ConsentText,
    idempotency_key: str | None,
    fingerprint: str | None,
) -> SubmissionResult:
    if not children:
        raise ValidationError(_("Vul minstens één kind in."))
    errors: dict[str, list[str]] = {}
    keys: set[tuple[str, int, int]] = set()
    first_days: dict[int, dt.date] = {}
    for index, child in enumerate(children):
        if child.group.pk not in first_days:
            first_days[child.group.pk] = first_child_session_date(child.group)
        child_errors = eligibility_errors(child, first_day=first_days[child.group.pk])
        key = child_key(child.first_name, child.last_name, child.date_of_birth)
        group = child.group
        triple = (key, group.programme_id, group.school_year_id)
        # Only the submitter's own input is refused here (the same child twice in one form).
        # Whether another family enrolled this child is never part of the answer: that
        # would tell a stranger that the child's parents separate. It is resolved inside
        # (`possible_duplicate`, asked below, after the checks).
        if triple in keys:
            child_errors.append(
                _("%(name)s staat twee keer in dit formulier voor %(programme)s.")
                % {"name": child.first_name, "programme": group.programme.name}
            )
        keys.add(triple)
        if child_errors:
            errors[f"children.{index}"] = child_errors
    all_guardians = [enroller, *other_guardians]
    _name_errors(children, all_guardians, errors)
    emails = [g.email.strip().lower() for g in all_guardians]
    if len(set(emails)) != len(emails):
        errors["other_guardians"] = [_("Geef voor elke ouder een eigen e-mailadres.")]
    for child in children:
        programme = child.group.programme
        today = localtime(_now()).date()
        age = age_on(child.date_of_birth, today)
        needs = consent_requirements(programme, all_guardians, age)
        if (
            programme.consent_guardians == GuardianConsent.ALL_WITH_AUTHORITY
            and age < 16
            and enroller.authority == Authority.JOINT
            and not any(g.authority != Authority.NONE for g in other_guardians)
        ):
            errors.setdefault("other_guardians", []).append(
                _(
                    "Bij gezamenlijk gezag geven beide ouders toestemming. Vul de gegevens van "
                    "de andere ouder met gezag in."
                )
            )
        elif (
            programme.consent_guardians != GuardianConsent.NONE
            and age < 16
            and not needs["guardians"]
        ):
            errors.setdefault("other_guardians", []).append(
                _("Vul de gegevens in van een ouder of voogd met gezag; die geeft toestemming.")
            )
    if errors:
        raise ValidationError(errors)

    # Every row is built and checked before anything is written or locked: field rules
    # (lengths, e-mail, choices) in Python. The row constraints (one enroller, choices, the
    # grade range, which eligibility already narrowed to the programme's) hold by
    # construction and the database enforces them, so full_clean skips the query per
    # constraint and per foreign key it would otherwise make while seats are locked.
    guardians = [
        Guardian(
            is_enroller=index == 0,
            name=g.name.strip(),
            email=g.email.strip(),
            phone=g.phone.strip(),
            relation=g.relation,
            authority=g.authority,
            language=g.language,
        )
        for index, g in enumerate(all_guardians)
    ]
    for guardian in guardians:
        guardian.full_clean(exclude=["submission"], validate_constraints=False)
    pupils = [
        Child(
            first_name=data.first_name.strip(),
            last_name=data.last_name.strip(),
            date_of_birth=data.date_of_birth,
            school=data.school,
            grade=data.grade,
            class_name=data.class_name.strip(),
        )
        for data in children
    ]
    for pupil in pupils:
        pupil.full_clean(exclude=["submission", "school"], validate_constraints=False)
    # Asked after every check, so the checks and their answer are the same whether or not
    # the child is enrolled already; the answer is only stored, on the new enrolment.
    duplicate = [
        Enrolment.objects.filter(
            child_key=child_key(data.first_name, data.last_name, data.date_of_birth),
            programme_id=data.group.programme_id,
            school_year_id=data.group.school_year_id,
            status__in=ACTIVE,
            possible_duplicate=False,
        ).exists()
        for data in children
    ]

    now = _now()
    submission = Submission.objects.create(
        idempotency_key_hash=idempotency_key_hash(idempotency_key) if idempotency_key else None,
        request_fingerprint=fingerprint or "",
        consent_text=consent_text,
        created_at=now,
    )
    for row in [*guardians, *pupils]:
        row.submission = submission
    Guardian.objects.bulk_create(guardians)
    Child.objects.bulk_create(pupils)
    enrolments: list[Enrolment] = []
    # Lock the groups in a fixed order so two families with siblings never deadlock.
    order = sorted(range(len(children)), key=lambda i: children[i].group.pk)
    placed: dict[int, Enrolment] = {}
    for index in order:
        data, child = children[index], pupils[index]
        try:
            group = _lock_group(data.group.pk)
        except Group.DoesNotExist:  # deleted since the form (or the cache) showed it
            raise ValidationError(
                {f"children.{index}": [_("Aanmelden voor deze groep is nu niet mogelijk.")]}
            ) from None
        has_seat = seats_taken_in(group) < group.capacity
        enrolment = Enrolment.objects.create(
            submission=submission,
            child=child,
            group=group,
            programme_id=group.programme_id,
            school_year_id=group.school_year_id,
            child_key=child_key(child.first_name, child.last_name, child.date_of_birth),
            status=EnrolmentStatus.AWAITING_CONSENT if has_seat else EnrolmentStatus.WAITLISTED,
            priority=settings.ENROLMENT_HOST_PRIORITY and data.school.pk == group.host_school_id,
            possible_duplicate=duplicate[index],
            hold_expires_at=now + dt.timedelta(days=settings.ENROLMENT_HOLD_DAYS)
            if has_seat
            else None,
            # Taken after the group lock, so the waitlist follows the order of arrival.
            created_at=_now(),
        )
        placed[index] = enrolment
    enrolments = [placed[i] for i in range(len(children))]
    token = _make_link(purpose=LinkPurpose.CONFIRM, guardian=guardians[0])
    emit(
        events.EnrolmentReceived(
            submission_id=submission.pk,
            guardian_id=guardians[0].pk,
            confirm_token=token,
            guardian=guardians[0],
            enrolments=tuple(sorted(enrolments, key=lambda e: e.pk)),
        )
    )
    positions: dict[int, int] = {}
    for enrolment in enrolments:
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            positions[enrolment.pk] = waitlist_position(enrolment)
            emit(
                events.Waitlisted(
                    enrolment_id=enrolment.pk,
                    position=positions[enrolment.pk],
                    enrolment=enrolment,
                    enroller=guardians[0],
                )
            )
        else:
            emit(events.SeatHeld(enrolment_id=enrolment.pk))
    return SubmissionResult(
        submission,
        enrolments,
        guardians=guardians,
        first_session_dates=first_days,
        waitlist_positions=positions,
    )


# --- consent ---------------------------------------------------------------------------


def _age_today(child: Child) -> int:
    return child.age_on(localtime(_now()).date())


def _requirements_for(enrolment: Enrolment) -> dict[str, Any]:
    guardians = list(enrolment.submission.guardians.all())
    return consent_requirements(enrolment.group.programme, guardians, _age_today(enrolment.child))


def consent_state(enrolment: Enrolment) -> dict[str, Any]:
    """What is given, refused and still missing for `enrolment`."""
    return consent_state_of(_requirements_for(enrolment), list(enrolment.consents.all()))


def consent_state_of(needs: dict[str, Any], consents: Sequence[Consent]) -> dict[str, Any]:
    """The consent state for these requirements (`consent_requirements`) and answers."""
    refused = [c for c in consents if not c.given]
    given_guardians = {c.guardian_id for c in consents if c.given and c.guardian_id}
    child_given = any(c.given and c.party == ConsentParty.CHILD for c in consents)
    if needs["any_guardian"]:
        missing_guardians = [] if given_guardians else list(needs["guardians"])
    else:
        missing_guardians = [g for g in needs["guardians"] if g.pk not in given_guardians]
    return {
        "refused": bool(refused),
        "missing_guardians": missing_guardians,
        "child_missing": needs["child"] and not child_given,
        "complete": not refused
        and not missing_guardians
        and not (needs["child"] and not child_given),
        "needs_child": needs["child"],
    }


def _evaluate(enrolment: Enrolment) -> None:
    """Move a seat-holding enrolment on when its consent is complete or refused."""
    if enrolment.status not in {EnrolmentStatus.AWAITING_CONSENT, EnrolmentStatus.WAITLISTED}:
        return
    state = consent_state(enrolment)
    now = _now()
    if state["refused"]:
        had_seat = enrolment.holds_seat
        enrolment.status = EnrolmentStatus.REFUSED
        enrolment.ended_at = now
        enrolment.save()
        emit(events.ConsentRefused(enrolment_id=enrolment.pk, guardian_id=None))
        if had_seat:
            emit(events.SeatReleased(enrolment_id=enrolment.pk, reason="refused"))
            offer_next(group_id=enrolment.group_id)
        return
    if not state["complete"]:
        return
    if enrolment.consent_complete_at is None:
        enrolment.consent_complete_at = now
        enrolment.save(update_fields=["consent_complete_at"])
    if enrolment.status != EnrolmentStatus.AWAITING_CONSENT:
        return  # waitlisted: consent is ready for when a seat comes
    intake = Intake.objects.filter(enrolment=enrolment).first()
    if enrolment.group.programme.requires_intake and (
        intake is None or intake.outcome != IntakeOutcome.SUITABLE
    ):
        _set_status(enrolment, EnrolmentStatus.AWAITING_INTAKE, hold_expires_at=None)
        return
    _set_status(enrolment, EnrolmentStatus.CONFIRMED, confirmed_at=now, hold_expires_at=None)
    emit(events.SeatConfirmed(enrolment_id=enrolment.pk))


def _record_consent(
    *,
    enrolment: Enrolment,
    guardian: Guardian | None,
    given: bool,
    method: str,
    recorded_by: Any | None = None,
) -> Consent | None:
    party = ConsentParty.GUARDIAN if guardian else ConsentParty.CHILD
    existing = enrolment.consents.filter(party=party, guardian=guardian).first()
    if existing is not None:
        return None  # already answered: a second click changes nothing
    consent = Consent.objects.create(
        enrolment=enrolment,
        party=party,
        guardian=guardian,
        given=given,
        method=method,
        consent_text=enrolment.submission.consent_text,
        recorded_by=recorded_by,
    )
    if given:
        emit(
            events.ConsentGiven(
                enrolment_id=enrolment.pk, guardian_id=guardian.pk if guardian else None
            )
        )
    return consent


def _locked_enrolments(submission_id: int) -> list[Enrolment]:
    return list(
        Enrolment.objects.select_for_update(of=LOCKED_WITH_ENROLMENT)
        .filter(submission_id=submission_id)
        .select_related("group__programme", "child", "submission__consent_text")
        .order_by("pk")
    )


class AnswerChangeRefused(ValidationError):
    """A second, different answer to consent already answered: nothing changed.

    Giving consent is not undone by answering again; withdrawing is its own action
    (`enrolment_withdraw`), and a refusal has already ended the enrolment."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="answer_change_refused")


@dataclass(frozen=True)
class ConsentAnswer:
    """What an answer on a link did, read after the action (the doors show `message`)."""

    enrolments: list[Enrolment]
    given: bool | None  # this person's answer as stored; None when no consent is asked of them
    recorded: bool  # False: the same answer was already there, nothing changed
    message: str


def _refuse_changed_answer(earlier: Consent, *, given: bool, withdraw_here: bool) -> None:
    """Raise `AnswerChangeRefused` when `given` differs from the answer already recorded."""
    if earlier.given == given:
        return
    if not earlier.given:
        raise AnswerChangeRefused(
            _(
                "U gaf eerder geen toestemming; daarom is de aanmelding gestopt. Er is niets "
                "veranderd. Wilt u het kind toch laten meedoen? Meld het dan opnieuw aan."
            )
        )
    raise AnswerChangeRefused(
        _(
            "U gaf eerder al toestemming; er is niets veranderd. Wilt u die intrekken? Dat kan "
            "door het kind af te melden met de knop 'Afmelden' op de pagina van deze link."
        )
        if withdraw_here
        else _(
            "U gaf eerder al toestemming; er is niets veranderd. Wilt u die intrekken? Neem dan "
            "contact op met de school; die kan het kind afmelden."
        )
    )


def _already_answered_message(given: bool) -> str:
    return (
        _("Uw toestemming was al vastgelegd. Er is niets veranderd.")
        if given
        else _("U had al laten weten dat u geen toestemming geeft. Er is niets veranderd.")
    )


@transaction.atomic
def email_confirm(*, token: str, consent_given: bool) -> ConsentAnswer:
    """The enrolling guardian confirms their e-mail address and gives (or refuses) consent.

    Sends consent requests to the other guardians whose consent is needed, and a link
    for the child's own consent where the child is 12 or older. The first confirmation
    offers a free seat to a waitlisted child (`offer_next` passes unconfirmed families by)
    and emits EmailConfirmed last, when every child's state is known: until then no mail
    but the confirmation mail goes out for the submission (see notifications.listeners).
    The same answer again changes nothing and says so. Refuses (`AnswerChangeRefused`,
    nothing changes) a different answer to consent this guardian already answered: consent
    given is withdrawn by withdrawing the child (`enrolment_withdraw_by_link`), a refusal
    has ended it.
    """
    link = link_resolve(token, purposes=[LinkPurpose.CONFIRM])
    guardian = link.guardian
    enrolments = _locked_enrolments(link.submission_id)
    earlier = {
        c.enrolment_id: c
        for c in Consent.objects.filter(
            enrolment__in=enrolments, party=ConsentParty.GUARDIAN, guardian=guardian
        )
    }
    for enrolment in enrolments:
        previous = earlier.get(enrolment.pk)
        # consent given to an enrolment that has ended since is history, not an answer to change
        if previous is not None and (not previous.given or enrolment.status in ACTIVE):
            _refuse_changed_answer(previous, given=consent_given, withdraw_here=True)
    first_time = guardian.email_confirmed_at is None
    if first_time:
        guardian.email_confirmed_at = _now()
        guardian.save(update_fields=["email_confirmed_at"])
    recorded = False
    for enrolment in enrolments:
        if enrolment.status not in ACTIVE:
            continue
        needs = _requirements_for(enrolment)
        if guardian.has_authority and (needs["guardians"] or needs["any_guardian"]):
            recorded |= (
                _record_consent(
                    enrolment=enrolment,
                    guardian=guardian,
                    given=consent_given,
                    method=ConsentMethod.LINK,
                )
                is not None
            )
        if first_time and consent_given:
            for other in needs["guardians"]:
                if other.pk != guardian.pk and not needs["any_guardian"]:
                    emit(
                        events.ConsentRequested(
                            enrolment_id=enrolment.pk,
                            guardian_id=other.pk,
                            token=_make_link(
                                purpose=LinkPurpose.CONSENT, guardian=other, enrolment=enrolment
                            ),
                        )
                    )
            if needs["child"]:
                emit(
                    events.ConsentRequested(
                        enrolment_id=enrolment.pk,
                        guardian_id=guardian.pk,
                        token=_make_link(
                            purpose=LinkPurpose.CHILD_CONSENT,
                            guardian=guardian,
                            enrolment=enrolment,
                        ),
                        for_child=True,
                    )
                )
        _evaluate(enrolment)
    if first_time:
        # `offer_next` passed this family by while the address was unconfirmed: a seat that
        # is free now is offered (the groups are locked with the enrolments above).
        for group_id in sorted(
            {e.group_id for e in enrolments if e.status == EnrolmentStatus.WAITLISTED}
        ):
            offer_next(group_id=group_id)
        # Announced last, so its listener sees where each child stands now.
        emit(
            events.EmailConfirmed(
                submission_id=link.submission_id,
                guardian_id=guardian.pk,
                duplicate_ids=tuple(
                    e.pk for e in enrolments if e.possible_duplicate and e.status in ACTIVE
                ),
            )
        )
    answered = Consent.objects.filter(
        enrolment__in=enrolments, party=ConsentParty.GUARDIAN, guardian=guardian
    ).values_list("given", flat=True)
    given = consent_given if consent_given in answered else None
    if recorded:
        message = (
            _("Dank u wel. Uw e-mailadres is bevestigd en uw toestemming is vastgelegd.")
            if consent_given
            else _("Uw e-mailadres is bevestigd. U heeft geen toestemming gegeven.")
        )
    elif given is not None:
        message = _already_answered_message(given)
    elif first_time:
        message = _("Dank u wel. Uw e-mailadres is bevestigd.")
    else:
        message = _("Uw e-mailadres was al bevestigd. Er is niets veranderd.")
    return ConsentAnswer(enrolments, given=given, recorded=recorded, message=message)


@transaction.atomic
def consent_answer(*, token: str, given: bool) -> ConsentAnswer:
    """Another guardian (CONSENT link) or the child (CHILD_CONSENT link) answers.

    One refusal ends the enrolment and frees its seat. A guardian's first answer confirms
    their e-mail address (the link reached it). The same answer again changes
    nothing and says so. Refuses (`AnswerChangeRefused`, nothing changes) a different
    answer to one already recorded: this link cannot withdraw the child (the enrolling
    guardian or the school can), and a refusal has ended the enrolment. Refuses
    (ValidationError) a first answer to an enrolment that has ended.
    """
    link = link_resolve(token, purposes=[LinkPurpose.CONSENT, LinkPurpose.CHILD_CONSENT])
    enrolment = (
        Enrolment.objects.select_for_update(of=LOCKED_WITH_ENROLMENT)
        .select_related("group__programme", "child", "submission__consent_text")
        .get(pk=link.enrolment_id)
    )
    is_child = link.purpose == LinkPurpose.CHILD_CONSENT
    guardian = None if is_child else link.guardian
    party = ConsentParty.CHILD if is_child else ConsentParty.GUARDIAN
    earlier = enrolment.consents.filter(party=party, guardian=guardian).first()
    if earlier is not None and (not earlier.given or enrolment.status in ACTIVE):
        _refuse_changed_answer(earlier, given=given, withdraw_here=False)
        return ConsentAnswer(
            [enrolment], given=given, recorded=False, message=_already_answered_message(given)
        )
    if enrolment.status not in ACTIVE:
        raise ValidationError(
            _("Deze aanmelding loopt niet meer; er hoeft niets meer te gebeuren.")
        )
    _record_consent(enrolment=enrolment, guardian=guardian, given=given, method=ConsentMethod.LINK)
    if guardian is not None and guardian.email_confirmed_at is None:
        # The link came to this address: answering it shows the address is theirs, as the
        # enroller's confirm link shows theirs.
        guardian.email_confirmed_at = _now()
        guardian.save(update_fields=["email_confirmed_at"])
    if link.used_at is None:
        link.used_at = _now()
        link.save(update_fields=["used_at"])
    _evaluate(enrolment)
    message = (
        _("Dank u wel. De toestemming is vastgelegd.")
        if given
        else _("Uw antwoord is vastgelegd. Het kind doet niet mee.")
    )
    return ConsentAnswer([enrolment], given=given, recorded=True, message=message)


@transaction.atomic
def child_consent_record_at_intake(
    *, enrolment: Enrolment, given: bool, recorded_by: Any
) -> Enrolment:
    """A trainer or coordinator records the child's own consent at the intake."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    _record_consent(
        enrolment=enrolment,
        guardian=None,
        given=given,
        method=ConsentMethod.INTAKE,
        recorded_by=recorded_by,
    )
    _evaluate(enrolment)
    return enrolment


@transaction.atomic
def intake_record(
    *, enrolment: Enrolment, outcome: str, reason: str = "", notes: str = "", recorded_by: Any
) -> Intake:
    """Record the intake outcome. Suitable confirms an enrolment whose consent is complete;
    not suitable ends it (with a reason category) and frees the seat."""
    enrolment = (
        Enrolment.objects.select_for_update(of=LOCKED_WITH_ENROLMENT)
        .select_related("group__programme")
        .get(pk=enrolment.pk)
    )
    if enrolment.status not in ACTIVE:
        raise ValidationError(_("Deze aanmelding loopt niet meer."))
    if outcome == IntakeOutcome.NOT_SUITABLE and not reason:
        raise ValidationError({"reason": _("Kies een reden als deelname niet passend is.")})
    intake, _created = Intake.objects.update_or_create(
        enrolment=enrolment,
        defaults={"outcome": outcome, "reason": reason, "notes": notes, "recorded_by": recorded_by},
    )
    intake.full_clean()
    if outcome == IntakeOutcome.NOT_SUITABLE:
        had_seat = enrolment.holds_seat
        _set_status(enrolment, EnrolmentStatus.NOT_SUITABLE, ended_at=_now(), hold_expires_at=None)
        if had_seat:
            emit(events.SeatReleased(enrolment_id=enrolment.pk, reason="not_suitable"))
            offer_next(group_id=enrolment.group_id)
    elif enrolment.status == EnrolmentStatus.AWAITING_INTAKE:
        _set_status(enrolment, EnrolmentStatus.CONFIRMED, confirmed_at=_now())
        emit(events.SeatConfirmed(enrolment_id=enrolment.pk))
    return intake


# --- seats and the waitlist ------------------------------------------------------------


def _offer_hours(group: Group) -> float:
    starts = first_child_session_date(group)
    days_left = (starts - localtime(_now()).date()).days
    return (
        settings.ENROLMENT_OFFER_HOURS_SHORT if days_left <= 7 else settings.ENROLMENT_OFFER_HOURS
    )


def offer_next(*, group_id: int) -> list[Enrolment]:
    """Offer every free seat of the group to the next children on the waitlist.

    Runs inside the caller's transaction; locks the group before counting. A child whose
    enroller has not confirmed their e-mail address is passed by (keeping its place): no
    offer could be mailed to them, and an offer nobody hears of would only block the seat
    until it expired. `email_confirm` offers a free seat when they confirm.
    """
    group = _lock_group(group_id)
    if group.status in {GroupStatus.CANCELLED, GroupStatus.COMPLETED}:
        return []
    free = group.capacity - seats_taken_in(group)
    offered: list[Enrolment] = []
    if free <= 0:
        return offered
    queue = (
        Enrolment.objects.filter(
            group=group,
            status=EnrolmentStatus.WAITLISTED,
            submission__guardians__is_enroller=True,
            submission__guardians__email_confirmed_at__isnull=False,
        )
        .select_related("submission")
        .order_by("-priority", "created_at", "pk")[:free]
    )
    hours = _offer_hours(group)
    for enrolment in queue:
        _set_status(
            enrolment, EnrolmentStatus.OFFERED, offer_expires_at=_now() + dt.timedelta(hours=hours)
        )
        enroller = enrolment.submission.guardians.get(is_enroller=True)
        token = _make_link(
            purpose=LinkPurpose.OFFER, guardian=enroller, enrolment=enrolment, hours=hours
        )
        emit(events.SeatOffered(enrolment_id=enrolment.pk, guardian_id=enroller.pk, token=token))
        offered.append(enrolment)
    return offered


@transaction.atomic
def offer_answer(*, token: str, accept: bool) -> Enrolment:
    """Accept or decline an offered seat. Accepting continues with consent (or confirms at
    once when consent is already complete); declining passes the seat on."""
    link = link_resolve(token, purposes=[LinkPurpose.OFFER])
    enrolment = (
        Enrolment.objects.select_for_update(of=LOCKED_WITH_ENROLMENT)
        .select_related("group__programme", "child")
        .get(pk=link.enrolment_id)
    )
    if enrolment.status != EnrolmentStatus.OFFERED:
        raise ValidationError(_("Dit aanbod is niet meer open."))
    if enrolment.offer_expires_at and enrolment.offer_expires_at <= _now():
        raise ValidationError(_("Dit aanbod is verlopen."))
    link.used_at = _now()
    link.save(update_fields=["used_at"])
    if not accept:
        _set_status(enrolment, EnrolmentStatus.DECLINED, ended_at=_now(), offer_expires_at=None)
        emit(events.SeatReleased(enrolment_id=enrolment.pk, reason="declined"))
        offer_next(group_id=enrolment.group_id)
        return enrolment
    _set_status(
        enrolment,
        EnrolmentStatus.AWAITING_CONSENT,
        offer_expires_at=None,
        hold_expires_at=_now() + dt.timedelta(days=settings.ENROLMENT_HOLD_DAYS),
    )
    emit(events.SeatHeld(enrolment_id=enrolment.pk))
    _evaluate(enrolment)
    return enrolment


def holds_and_offers_expire() -> int:
    """Expire seat holds without consent and offers without answer; pass the seats on.

    Each enrolment is claimed with a conditional update, so two sweeps running at once
    never expire (or announce) the same one twice. Returns how many expired.
    """
    now = _now()
    expired = 0
    candidates = list(
        Enrolment.objects.filter(
            status=EnrolmentStatus.AWAITING_CONSENT, hold_expires_at__lte=now
        ).values_list("pk", "group_id", "status")
    ) + list(
        Enrolment.objects.filter(
            status=EnrolmentStatus.OFFERED, offer_expires_at__lte=now
        ).values_list("pk", "group_id", "status")
    )
    for pk, group_id, status in candidates:
        with transaction.atomic():
            changed = Enrolment.objects.filter(pk=pk, status=status).update(
                status=EnrolmentStatus.EXPIRED, ended_at=now
            )
            if not changed:
                continue
            expired += 1
            if status == EnrolmentStatus.OFFERED:
                emit(events.OfferExpired(enrolment_id=pk))
            emit(events.SeatReleased(enrolment_id=pk, reason="expired"))
            offer_next(group_id=group_id)
    return expired


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    """Withdraw an active enrolment (by the parent's link, a coordinator or the manager);
    a held seat goes to the waitlist. Emits Withdrawn."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status not in ACTIVE:
        raise ValidationError(_("Deze aanmelding loopt niet meer."))
    had_seat = enrolment.holds_seat
    _set_status(
        enrolment,
        EnrolmentStatus.WITHDRAWN,
        ended_at=_now(),
        hold_expires_at=None,
        offer_expires_at=None,
    )
    emit(events.Withdrawn(enrolment_id=enrolment.pk))
    if had_seat:
        emit(events.SeatReleased(enrolment_id=enrolment.pk, reason="withdrawn"))
        offer_next(group_id=enrolment.group_id)
    return enrolment


@transaction.atomic
def enrolment_withdraw_by_link(*, token: str, enrolment_public_id: str) -> Enrolment:
    link = link_resolve(token, purposes=[LinkPurpose.MANAGE, LinkPurpose.CONFIRM])
    enrolment = Enrolment.objects.get(
        submission_id=link.submission_id, public_id=enrolment_public_id
    )
    return enrolment_withdraw(enrolment=enrolment)


@transaction.atomic
def interest_register(*, school: School, programme: Programme, email: str = "") -> Interest:
    """A parent wishes a programme at a school where no group is open. No child data."""
    interest = Interest(school=school, programme=programme, email=email.strip())
    interest.full_clean()
    interest.save()
    return interest


def consent_text_current() -> ConsentText:
    """The consent text in force now; refuses when there is none yet.

    Cached (`enrolment.public_cache`): every parent reads it, and it changes about once a
    year. A saved or deleted text drops the entry; no entry outlives the moment the next
    version takes effect."""
    text = public_cache.cached(public_cache.CONSENT_TEXT_KEY, _consent_text_in_force)
    if text is None:
        raise ValidationError(_("Er is nog geen toestemmingstekst vastgesteld."))
    return text


def _consent_text_or_none() -> ConsentText | None:
    """`consent_text_current`, or None while no text is in force."""
    try:
        return consent_text_current()
    except ValidationError:
        return None


def _consent_text_in_force() -> tuple[ConsentText | None, float | None]:
    """The text in force now, and when the next version (if any) takes over."""
    now = _now()
    text = ConsentText.objects.filter(active_from__lte=now).order_by("-active_from").first()
    upcoming = (
        ConsentText.objects.filter(active_from__gt=now)
        .order_by("active_from")
        .values_list("active_from", flat=True)
        .first()
    )
    return text, upcoming.timestamp() if upcoming else None


def consent_text_in_use(consent_text: ConsentText) -> bool:
    """A version that a submission showed or a consent recorded is a fact; it is never edited."""
    return consent_text.pk is not None and (
        Submission.objects.filter(consent_text_id=consent_text.pk).exists()
        or Consent.objects.filter(consent_text_id=consent_text.pk).exists()
    )


@transaction.atomic
def consent_text_save(*, consent_text: ConsentText) -> ConsentText:
    """Add a new consent text version, or correct one that nobody has seen yet.

    Refuses to change a version already used by a submission or consent: publish a new
    version instead. Validates (`full_clean`) before saving.
    """
    if consent_text_in_use(consent_text):
        raise ValidationError(
            _("Deze versie van de toestemmingstekst is al gebruikt; maak een nieuwe versie.")
        )
    consent_text.full_clean()
    consent_text.save()
    return consent_text


# --- staff: attendance ------------------------------------------------------------------
# (Imports local to these services keep this block a single append to the module.)
# Class bookings are the scheduler's (`scheduler.services.class_booking_set`): they write
# the group.

ATTENDANCE_NOTE_MAX = 200


def _previous_and_next_session_ids(session: Any) -> list[int]:
    """The group's child sessions just before and just after `session` (the latter only when
    it has started), so a new absence can complete a pair of consecutive absences."""
    from scheduler.models import Session

    siblings = Session.objects.filter(
        group_id=session.group_id, kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED
    ).exclude(pk=session.pk)
    before = (
        siblings.filter(
            Q(starts_at__lt=session.starts_at) | Q(starts_at=session.starts_at, pk__lt=session.pk)
        )
        .order_by("-starts_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    after = (
        siblings.filter(
            Q(starts_at__gt=session.starts_at) | Q(starts_at=session.starts_at, pk__gt=session.pk)
        )
        .filter(starts_at__lte=_now())
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return [pk for pk in (before, after) if pk is not None]


@transaction.atomic
def attendance_record(
    *, session: Any, marks: dict[int, tuple[str, str]], recorded_by: Any
) -> list[Any]:
    """Record who was present, absent or excused at one child session, with optional notes.

    `marks` maps enrolment ids to (status, note). All marks are saved or none: one row per
    (session, enrolment), updated when it exists. Refuses: a parent meeting, a cancelled
    session, a session on a later day, enrolments that are not confirmed children of the
    session's group, unknown statuses, notes over 200 characters. A child absent (not excused)
    at this session and at the session next to it emits AbsentTwice, once.
    Whether `recorded_by` may take attendance is the caller's check
    (`enrolment.access.can_take_attendance`).
    """
    from enrolment.models import Attendance, AttendanceStatus
    from scheduler.models import Session

    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.kind != SessionKind.CHILD:
        raise ValidationError(_("Aanwezigheid houdt u bij voor bijeenkomsten met de kinderen."))
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Deze bijeenkomst is vervallen."))
    if localtime(session.starts_at).date() > localtime(_now()).date():
        raise ValidationError(_("Deze bijeenkomst is nog niet geweest."))
    attending = {EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED}
    known = set(
        Enrolment.objects.filter(
            group_id=session.group_id, pk__in=list(marks), status__in=attending
        ).values_list("pk", flat=True)
    )
    errors: list[str] = []
    if set(marks) - known:
        errors.append(_("Een of meer kinderen horen niet (meer) bij deze groep."))
    if any(status not in AttendanceStatus.values for status, _note in marks.values()):
        errors.append(_("Kies aanwezig, afwezig of afgemeld."))
    if any(len(note or "") > ATTENDANCE_NOTE_MAX for _status, note in marks.values()):
        errors.append(_("Een notitie is hoogstens %(max)s tekens.") % {"max": ATTENDANCE_NOTE_MAX})
    if errors:
        raise ValidationError(errors)
    before = dict(
        Attendance.objects.filter(session=session, enrolment_id__in=known).values_list(
            "enrolment_id", "status"
        )
    )
    now = _now()
    saved = []
    for enrolment_id in sorted(marks):
        status, note = marks[enrolment_id]
        attendance, _created = Attendance.objects.update_or_create(
            session=session,
            enrolment_id=enrolment_id,
            defaults={
                "status": status,
                "note": (note or "").strip(),
                "recorded_by": recorded_by,
                "recorded_at": now,
            },
        )
        saved.append(attendance)
    newly_absent = [
        pk
        for pk, (status, _note) in marks.items()
        if status == AttendanceStatus.ABSENT and before.get(pk) != AttendanceStatus.ABSENT
    ]
    if newly_absent:
        neighbours = _previous_and_next_session_ids(session)
        twice = set(
            Attendance.objects.filter(
                session_id__in=neighbours,
                enrolment_id__in=newly_absent,
                status=AttendanceStatus.ABSENT,
            ).values_list("enrolment_id", flat=True)
        )
        for enrolment_id in sorted(twice):
            emit(events.AbsentTwice(enrolment_id=enrolment_id))
    return saved


# --- reminders (used by notifications.reminders) ---------------------------------------


def consent_link_renew(*, link: AccessLink) -> str:
    """A fresh consent link for the guardian and enrolment of `link`, for a reminder e-mail.

    Runs in the caller's transaction (the reminder rolls it back when the reminder was sent
    already) and returns the raw token, which exists only in memory. The earlier link stays
    valid until it expires. Refuses (ValidationError) a link that is not a guardian's consent
    link of an enrolment.
    """
    if link.purpose != LinkPurpose.CONSENT or link.enrolment_id is None:
        raise ValidationError(_("Alleen een toestemmingslink kan vernieuwd worden."))
    return _make_link(purpose=LinkPurpose.CONSENT, guardian=link.guardian, enrolment=link.enrolment)
