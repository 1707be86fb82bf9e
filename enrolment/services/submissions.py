"""Submitting: one or more children (siblings) enrolled with their guardians entered once,
from the enrolment form and the public API alike; with the Idempotency-Key that makes a
retry safe."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.models import (
    ACTIVE,
    Authority,
    Child,
    ConsentText,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    LinkPurpose,
    Submission,
    age_on,
)
from enrolment.names import person_name_error
from enrolment.services.consent import consent_requirements
from enrolment.services.consent_texts import STALE_CONSENT_TEXT, _consent_text_or_none
from enrolment.services.eligibility import child_key, eligibility_errors, first_child_session_date
from enrolment.services.links import _make_link
from enrolment.services.seats import _lock_group, seats_taken_in, waitlist_position
from enrolment.services.transitions import _now
from programmes.models import GuardianConsent, School
from scheduler.models import Group


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
        return _stale_consent_text_replay(idempotency_key=idempotency_key, fingerprint=fingerprint)
    return _submission_store(
        children=children,
        enroller=enroller,
        other_guardians=other_guardians,
        consent_text=in_force,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
    )


def _submission_store(
    *,
    children: Sequence[ChildInput],
    enroller: GuardianInput,
    other_guardians: Sequence[GuardianInput],
    consent_text: ConsentText,
    idempotency_key: str | None,
    fingerprint: str | None,
) -> SubmissionResult:
    """Store the submission in a transaction of its own, answering a used key with the first
    answer; refused input raises ValidationError.

    Two tries: the second runs only when the first lost a race to a concurrent submission
    of the same child (the one-active-enrolment constraint, checked at commit of the
    other), and then sees that enrolment and stores this one as a possible duplicate.
    So the race gives the same answer as any submission, never an error."""
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


def _stale_consent_text_replay(
    *, idempotency_key: str | None, fingerprint: str | None
) -> SubmissionResult:
    """A post against a consent text that is not in force: a repeat of a request that
    succeeded before the text changed still gets its first answer; anything else is refused
    under `consent_text_version` with `STALE_CONSENT_TEXT`, to be sent again after reading
    the new text."""
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
    """One try of `submission_create`, inside its transaction: validate the input (refusing
    with every field's messages, nothing written), build the rows, place each child."""
    first_days = _submission_validate(
        children=children, enroller=enroller, other_guardians=other_guardians
    )
    guardians, pupils, duplicate = _submission_build(
        children=children, all_guardians=[enroller, *other_guardians]
    )
    return _submission_place(
        children=children,
        guardians=guardians,
        pupils=pupils,
        duplicate=duplicate,
        consent_text=consent_text,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
        first_days=first_days,
    )


def _submission_validate(
    *,
    children: Sequence[ChildInput],
    enroller: GuardianInput,
    other_guardians: Sequence[GuardianInput],
) -> dict[int, dt.date]:
    """Refuse (ValidationError, by field) what is wrong with the input; nothing is written.

    Returns the first child session day per group id, which the answer shows."""
    if not children:
        raise ValidationError(_("Vul minstens één kind in."))
    errors, first_days = _children_errors(children)
    all_guardians = [enroller, *other_guardians]
    _name_errors(children, all_guardians, errors)
    _guardian_errors(children, enroller, other_guardians, errors)
    if errors:
        raise ValidationError(errors)
    return first_days


def _children_errors(
    children: Sequence[ChildInput],
) -> tuple[dict[str, list[str]], dict[int, dt.date]]:
    """Each child's eligibility, and the same child twice in one form, keyed "children.0";
    with the first child session day per group id."""
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
        # (`possible_duplicate`, asked in `_submission_build`, after the checks).
        if triple in keys:
            child_errors.append(
                _("%(name)s staat twee keer in dit formulier voor %(programme)s.")
                % {"name": child.first_name, "programme": group.programme.name}
            )
        keys.add(triple)
        if child_errors:
            errors[f"children.{index}"] = child_errors
    return errors, first_days


def _guardian_errors(
    children: Sequence[ChildInput],
    enroller: GuardianInput,
    other_guardians: Sequence[GuardianInput],
    errors: dict[str, list[str]],
) -> None:
    """One e-mail address per guardian, and the guardians whose consent the programme needs
    for each child (under "other_guardians")."""
    all_guardians = [enroller, *other_guardians]
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


def _submission_build(
    *, children: Sequence[ChildInput], all_guardians: Sequence[GuardianInput]
) -> tuple[list[Guardian], list[Child], list[bool]]:
    """The guardian and child rows, checked but not saved, and per child whether it is
    possibly enrolled already (`possible_duplicate`).

    Every row is built and checked before anything is written or locked: field rules
    (lengths, e-mail, choices) in Python. The row constraints (one enroller, choices, the
    grade range, which eligibility already narrowed to the programme's) hold by
    construction and the database enforces them, so full_clean skips the query per
    constraint and per foreign key it would otherwise make while seats are locked."""
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
    return guardians, pupils, duplicate


def _submission_place(
    *,
    children: Sequence[ChildInput],
    guardians: list[Guardian],
    pupils: list[Child],
    duplicate: list[bool],
    consent_text: ConsentText,
    idempotency_key: str | None,
    fingerprint: str | None,
    first_days: dict[int, dt.date],
) -> SubmissionResult:
    """Save the submission and its rows, give each child a seat or a waitlist place, and
    announce it (EnrolmentReceived; per child SeatHeld or Waitlisted)."""
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
    enrolments = _enrolments_place(
        submission=submission, children=children, pupils=pupils, duplicate=duplicate, now=now
    )
    positions = _submission_announce(
        submission=submission, enroller=guardians[0], enrolments=enrolments
    )
    return SubmissionResult(
        submission,
        enrolments,
        guardians=guardians,
        first_session_dates=first_days,
        waitlist_positions=positions,
    )


def _enrolments_place(
    *,
    submission: Submission,
    children: Sequence[ChildInput],
    pupils: list[Child],
    duplicate: list[bool],
    now: dt.datetime,
) -> list[Enrolment]:
    """One enrolment per child, in the order of `children`: a held seat while the group has
    one free (counted under the group's lock), else a place on the waitlist."""
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
    return [placed[i] for i in range(len(children))]


def _submission_announce(
    *, submission: Submission, enroller: Guardian, enrolments: list[Enrolment]
) -> dict[int, int]:
    """Emit EnrolmentReceived (with the confirm link) and, per child, SeatHeld or Waitlisted;
    returns the waitlist position per waitlisted enrolment id."""
    token = _make_link(purpose=LinkPurpose.CONFIRM, guardian=enroller)
    emit(
        events.EnrolmentReceived(
            submission_id=submission.pk,
            guardian_id=enroller.pk,
            confirm_token=token,
            guardian=enroller,
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
                    enroller=enroller,
                )
            )
        else:
            emit(events.SeatHeld(enrolment_id=enrolment.pk))
    return positions
