"""Every change of the evaluations app: questionnaire versions, opening a group's moment
(the invitations), answering, and the periodic sweep that opens moments and reminds.

Services validate, save in one transaction and emit domain events; bad input is a
ValidationError with field messages and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment.audit import AuditAction, audit_record
from enrolment.models import Enrolment, Guardian
from enrolment.services import consent_requirements
from enrolment.services.retention import add_months
from evaluations import access, events
from evaluations.models import (
    NO,
    SCALE_MAX,
    SCALE_MIN,
    YES,
    Answer,
    GroupMoment,
    Invitation,
    Moment,
    PairKey,
    Question,
    QuestionKind,
    Questionnaire,
    Respondent,
    Response,
)
from evaluations.selectors import TOOK_PART, current_questionnaires, open_moment
from scheduler.models import Group, GroupStatus, SessionKind, SessionStatus

OPEN_TEXT_MAX = 2000
# Groups whose moments the sweep opens (a draft has no children; a cancelled group no after).
SWEPT_STATUSES = (
    GroupStatus.PUBLISHED,
    GroupStatus.ENROLMENT_CLOSED,
    GroupStatus.RUNNING,
    GroupStatus.COMPLETED,
)


def answer_days() -> int:
    """How long a moment stays open (the closing date of its invitations)."""
    return int(getattr(settings, "EVALUATIONS_ANSWER_DAYS", 21))


def reminder_days() -> int:
    """After how many days one reminder goes to whoever has not answered."""
    return int(getattr(settings, "EVALUATIONS_REMINDER_DAYS", 7))


def _today() -> dt.date:
    return localtime(timezone.now()).date()


# --- questionnaires --------------------------------------------------------------------------


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    """Put a version in use from now on. Refuses a version without questions. A published
    version is never changed again (`questionnaire_new_version` makes the next one)."""
    if questionnaire.published_at is not None:
        return questionnaire
    if not questionnaire.questions.exists():
        raise ValidationError({"questions": _("Een vragenlijst heeft minstens één vraag.")})
    questionnaire.published_at = timezone.now()
    questionnaire.save(update_fields=["published_at"])
    return questionnaire


@transaction.atomic
def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """A draft copy (questions included) with the next version number, to edit and publish."""
    latest = (
        Questionnaire.objects.filter(
            programme_id=questionnaire.programme_id, respondent=questionnaire.respondent
        ).aggregate(v=Max("version"))["v"]
        or 0
    )
    questions = list(questionnaire.questions.all())
    copy = Questionnaire.objects.get(pk=questionnaire.pk)
    copy.pk = None
    copy.version = latest + 1
    copy.published_at = None
    copy.created_at = timezone.now()
    copy.save()
    for question in questions:
        question.pk = None
        question.questionnaire = copy
    Question.objects.bulk_create(questions)
    return copy


# --- pairing -------------------------------------------------------------------------------


def pair_key_get(
    *, enrolment: Enrolment, respondent: str, guardian: Guardian | None = None
) -> PairKey:
    """The pseudonym of one respondent about one enrolment, made on first use."""
    key, _created = PairKey.objects.get_or_create(
        enrolment=enrolment,
        respondent=respondent,
        guardian=guardian,
        defaults={"key": PairKey.new_key()},
    )
    return key


# --- opening a moment ----------------------------------------------------------------------


def _invite(
    *, questionnaire: Questionnaire, group: Group, moment: str, closes_at: dt.datetime, **who: Any
) -> Invitation:
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        token_hash=Invitation.hash(token),
        questionnaire=questionnaire,
        group=group,
        moment=moment,
        expires_at=closes_at,
        **who,
    )
    emit(events.InvitationIssued(invitation_id=invitation.pk, token=token))
    return invitation


@transaction.atomic
def moment_open(*, group: Group, moment: str, closes_at: dt.datetime | None = None) -> GroupMoment:
    """Open a group's questionnaires for `moment` until `closes_at` (default: in
    `EVALUATIONS_ANSWER_DAYS` days).

    Issues a personal link (InvitationIssued, a mail through the outbox) to every guardian
    with an e-mail address of a child who takes part, to a child of 12 or over whose
    consent the programme asks (the mail goes to the enrolling guardian, for the child), and
    to the group's mentor when the group has one; younger children answer in the group.
    Only questionnaires that ask at this moment count. Opening an opened moment changes
    nothing and returns it. Refuses a cancelled group and a moment no questionnaire of the
    programme asks at."""
    if moment not in Moment.values:
        raise ValidationError({"moment": _("Kies een meetmoment.")})
    if group.status == GroupStatus.CANCELLED:
        raise ValidationError({"group": _("Deze groep is geannuleerd.")})
    existing = GroupMoment.objects.filter(group=group, moment=moment).first()
    if existing is not None:
        return existing
    questionnaires = {
        respondent: q
        for (programme_id, respondent), q in current_questionnaires([group.programme_id]).items()
        if moment in q.moments()
    }
    if not questionnaires:
        raise ValidationError(
            {"moment": _("Geen vragenlijst van dit programma vraagt op dit moment.")}
        )
    now = timezone.now()
    closes_at = closes_at or now + dt.timedelta(days=answer_days())
    if closes_at <= now:
        raise ValidationError({"closes_at": _("De sluitingsdatum ligt in de toekomst.")})
    opened = GroupMoment.objects.create(group=group, moment=moment, closes_at=closes_at)
    enrolments = list(
        Enrolment.objects.filter(group=group, status__in=TOOK_PART).select_related(
            "child", "programme"
        )
    )
    guardians = Guardian.objects.filter(
        submission_id__in={e.submission_id for e in enrolments}
    ).exclude(email="")
    by_submission: dict[int, list[Guardian]] = {}
    for guardian in guardians:
        by_submission.setdefault(guardian.submission_id, []).append(guardian)
    today = localtime(now).date()
    common = {"group": group, "moment": moment, "closes_at": closes_at}
    for enrolment in enrolments:
        if Respondent.GUARDIAN in questionnaires:
            for guardian in by_submission.get(enrolment.submission_id, []):
                key = pair_key_get(
                    enrolment=enrolment, respondent=Respondent.GUARDIAN, guardian=guardian
                )
                _invite(questionnaire=questionnaires[Respondent.GUARDIAN], pair_key=key, **common)
        child_asks = consent_requirements(enrolment.programme, [], enrolment.child.age_on(today))
        if Respondent.CHILD in questionnaires and child_asks["child"]:
            key = pair_key_get(enrolment=enrolment, respondent=Respondent.CHILD)
            _invite(questionnaire=questionnaires[Respondent.CHILD], pair_key=key, **common)
    if Respondent.TEACHER in questionnaires and group.mentor_email:
        _invite(
            questionnaire=questionnaires[Respondent.TEACHER], email=group.mentor_email, **common
        )
    return opened


def teacher_invitation(*, enrolment: Enrolment, moment: str) -> Invitation | None:
    """The invitation of the child's teacher at `moment`, if one was sent."""
    return Invitation.objects.filter(
        pair_key__enrolment=enrolment, pair_key__respondent=Respondent.TEACHER, moment=moment
    ).first()


def _already_invited(at: dt.datetime) -> ValidationError:
    return ValidationError(
        {
            "email": _(
                "De leerkracht is al uitgenodigd op %(date)s. Wie nog niet heeft ingevuld, "
                "krijgt vanzelf één herinnering."
            )
            % {"date": date_format(localtime(at).date(), "j F Y")}
        }
    )


@transaction.atomic
def teacher_invite(
    *, group: Group, enrolment: Enrolment, email: str, invited_by: Any
) -> Invitation:
    """Invite the teacher (leerkracht or mentor) of one child taking part in `group` to
    answer the teacher's questionnaire about that child at the group's open moment.

    For groups of individually enrolled children, whose teachers we hold no address of: the
    coordinator of the child's school (or the programme manager) gives it. The address is
    kept only on the invitation, which goes with the enrolment's retention
    (`evaluations.erasure`). The teacher answers under a pseudonym of their own per child
    (`PairKey`, respondent teacher), so their before and after pair up per child. Issues the
    personal link through InvitationIssued (one mail through the outbox) and writes an audit
    entry (target "enrolment <id>", never the address).

    Refuses (ValidationError, nothing stored) a user who may not invite for the child's
    school (PermissionDenied), a child who does not take part in the group, a group without
    an open moment, a programme without a teacher's questionnaire at that moment, an
    address that is not one, and a second invitation for the child and moment (the
    unanswered one gets its reminder with the other invitations)."""
    if not access.may_invite_teacher(invited_by, enrolment.child.school_id):
        raise PermissionDenied
    if enrolment.group_id != group.pk or enrolment.status not in TOOK_PART:
        raise ValidationError({"child": _("Dit kind zit niet in deze groep.")})
    opened = open_moment(group)
    if opened is None:
        raise ValidationError({"moment": _("De vragenlijst staat nu niet open.")})
    questionnaire = current_questionnaires([group.programme_id]).get(
        (group.programme_id, Respondent.TEACHER)
    )
    if questionnaire is None or opened.moment not in questionnaire.moments():
        raise ValidationError(
            {"moment": _("Dit programma heeft op dit moment geen vragenlijst voor de leerkracht.")}
        )
    email = (email or "").strip()
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError as error:
        raise ValidationError(
            {"email": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.")}
        ) from error
    sent = teacher_invitation(enrolment=enrolment, moment=opened.moment)
    if sent is not None:
        raise _already_invited(sent.created_at)
    key = pair_key_get(enrolment=enrolment, respondent=Respondent.TEACHER)
    try:
        with transaction.atomic():
            invitation = _invite(
                questionnaire=questionnaire,
                group=group,
                moment=opened.moment,
                closes_at=opened.closes_at,
                pair_key=key,
                email=email,
            )
    except IntegrityError as error:  # invited at the same moment by someone else
        raise _already_invited(timezone.now()) from error
    audit_record(
        actor=invited_by, action=AuditAction.TEACHER_INVITED, target=f"enrolment {enrolment.pk}"
    )
    return invitation


# --- answering -----------------------------------------------------------------------------


def _clean_value(question: Question, raw: str) -> tuple[int | None, str]:
    """The stored value of one raw answer; ValidationError with the question's message."""
    if question.kind == QuestionKind.OPEN:
        if len(raw) > OPEN_TEXT_MAX:
            raise ValidationError(_("Gebruik hoogstens %(n)s tekens.") % {"n": OPEN_TEXT_MAX})
        return None, raw
    if question.kind == QuestionKind.YES_NO:
        mapping = {"yes": YES, "no": NO, str(YES): YES, str(NO): NO}
        if raw not in mapping:
            raise ValidationError(_("Kies ja of nee."))
        return mapping[raw], ""
    top = len(question.options()) if question.kind == QuestionKind.CHOICE else SCALE_MAX
    if not raw.isdigit() or not SCALE_MIN <= int(raw) <= top:
        raise ValidationError(_("Kies een van de antwoorden."))
    return int(raw), ""


def answers_clean(questionnaire: Questionnaire, data: Mapping[str, Any]) -> list[Answer]:
    """Answers (unsaved) from form data keyed `q<question id>`; a blank question is skipped.
    Refuses (ValidationError per field) a value that is not one of the question's answers."""
    answers: list[Answer] = []
    errors: dict[str, list[str]] = {}
    for question in questionnaire.questions.all():
        field = f"q{question.pk}"
        raw = str(data.get(field) or "").strip()
        if not raw:
            continue
        try:
            value, text = _clean_value(question, raw)
        except ValidationError as error:
            errors[field] = error.messages
            continue
        answers.append(Answer(question=question, value=value, text=text))
    if errors:
        raise ValidationError(errors)
    return answers


def _store(
    *,
    questionnaire: Questionnaire,
    group: Group,
    moment: str,
    pair_key: str,
    school_id: int | None,
    data: Mapping[str, Any],
) -> Response:
    answers = answers_clean(questionnaire, data)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                questionnaire=questionnaire,
                programme_id=group.programme_id,
                group=group,
                school_year_id=group.school_year_id,
                school_id=school_id,
                respondent=questionnaire.respondent,
                moment=moment,
                pair_key=pair_key,
            )
    except IntegrityError as error:
        raise ValidationError(_("Deze vragenlijst is al ingevuld.")) from error
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)
    emit(
        events.ResponseSubmitted(
            group_id=group.pk, moment=moment, respondent=questionnaire.respondent
        )
    )
    return response


class InvitationError(ValidationError):
    """A link that does not (or no longer) work; `code` says why."""


def invitation_for_token(token: str) -> Invitation:
    """The invitation of a token, or InvitationError: unknown, revoked, answered, expired."""
    invitation = (
        Invitation.objects.select_related(
            "questionnaire", "group__programme", "group__host_school", "pair_key__enrolment__child"
        )
        .filter(token_hash=Invitation.hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(_("Deze link bestaat niet."), code="unknown")
    if invitation.revoked_at is not None:
        raise InvitationError(_("Deze link is vervangen door een nieuwere."), code="revoked")
    if invitation.answered_at is not None:
        raise InvitationError(_("Deze vragenlijst is al ingevuld. Dank u wel!"), code="answered")
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("De vragenlijst is gesloten."), code="expired")
    return invitation


@transaction.atomic
def invitation_answer(*, token: str, data: Mapping[str, Any]) -> Response:
    """Store the answers given through a personal link, once. Refuses a link that does not
    work (InvitationError) and an answer that is not one of a question's answers; a question
    left blank is no answer. Marks the invitation answered (the link stops working) and
    emits ResponseSubmitted."""
    invitation = invitation_for_token(token)
    claimed = Invitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(
        answered_at=timezone.now()
    )
    if not claimed:
        raise InvitationError(_("Deze vragenlijst is al ingevuld. Dank u wel!"), code="answered")
    key = invitation.pair_key
    return _store(
        questionnaire=invitation.questionnaire,
        group=invitation.group,
        moment=invitation.moment,
        pair_key=key.key if key else "",
        school_id=key.enrolment.child.school_id if key else invitation.group.host_school_id,
        data=data,
    )


@transaction.atomic
def child_answer_in_group(
    *, group: Group, enrolment: Enrolment, data: Mapping[str, Any]
) -> Response:
    """Store a child's answers given in the group (the trainer's tablet), at the group's
    open moment, once per child and moment. Refuses a child who does not take part in the
    group, a group without an open moment or without a children's questionnaire at it."""
    if enrolment.group_id != group.pk or enrolment.status not in TOOK_PART:
        raise ValidationError({"child": _("Dit kind zit niet in deze groep.")})
    opened = open_moment(group)
    if opened is None:
        raise ValidationError({"moment": _("De vragenlijst staat nu niet open.")})
    questionnaire = current_questionnaires([group.programme_id]).get(
        (group.programme_id, Respondent.CHILD)
    )
    if questionnaire is None or opened.moment not in questionnaire.moments():
        raise ValidationError({"moment": _("Er is geen vragenlijst voor kinderen.")})
    key = pair_key_get(enrolment=enrolment, respondent=Respondent.CHILD)
    return _store(
        questionnaire=questionnaire,
        group=group,
        moment=opened.moment,
        pair_key=key.key,
        school_id=enrolment.child.school_id,
        data=data,
    )


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Stop a personal link from working (a new one can be issued by a reminder)."""
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    invitation.refresh_from_db()
    return invitation


# --- the daily sweep -----------------------------------------------------------------------


def moment_dates(group_ids: list[int]) -> dict[int, dict[str, dt.date]]:
    """Per group: the day each moment opens. Before: the first child session; after: the
    last scheduled session (the parents' evaluation meeting counts). One query."""
    rows = (
        Group.objects.filter(pk__in=group_ids)
        .annotate(
            first_child=Min(
                "sessions__starts_at",
                filter=Q(
                    sessions__kind=SessionKind.CHILD, sessions__status=SessionStatus.SCHEDULED
                ),
            ),
            last_any=Max("sessions__starts_at", filter=Q(sessions__status=SessionStatus.SCHEDULED)),
        )
        .values_list("pk", "first_child", "last_any")
    )
    return {
        pk: {Moment.BEFORE: localtime(first).date(), Moment.AFTER: localtime(last).date()}
        for pk, first, last in rows
        if first and last
    }


@dataclass
class SweepResult:
    opened: int = 0
    reminded: int = 0


def evaluations_sweep(*, today: dt.date | None = None) -> SweepResult:
    """Open every moment that is due today (within its answering time, so a late sweep
    still opens it and an old group is not asked again), and send one reminder, with a new
    link, to whoever has not answered `EVALUATIONS_REMINDER_DAYS` after the opening. Each
    group in its own transaction; safe to run twice (a second run does nothing)."""
    today = today or _today()
    result = SweepResult()
    window = dt.timedelta(days=answer_days())
    groups = Group.objects.filter(status__in=SWEPT_STATUSES).values_list("pk", "programme_id")
    group_programmes = dict(groups)
    current = current_questionnaires(set(group_programmes.values()))
    opened_already = set(
        GroupMoment.objects.filter(group_id__in=group_programmes).values_list("group_id", "moment")
    )
    for group_id, dates in moment_dates(list(group_programmes)).items():
        asked = {
            m
            for (programme_id, _r), q in current.items()
            if programme_id == group_programmes[group_id]
            for m in q.moments()
        }
        follow_up = [
            q.follow_up_months
            for (programme_id, _r), q in current.items()
            if programme_id == group_programmes[group_id] and q.follow_up_months
        ]
        due = dict(dates)
        if follow_up:
            due[Moment.FOLLOW_UP] = add_months(dates[Moment.AFTER], min(follow_up))
        for moment, day in due.items():
            if moment not in asked or (group_id, moment) in opened_already:
                continue
            if day <= today < day + window:
                with transaction.atomic():
                    group = Group.objects.select_for_update().get(pk=group_id)
                    moment_open(group=group, moment=moment)
                result.opened += 1
    result.reminded = invitations_remind(today=today)
    return result


def invitations_remind(*, today: dt.date | None = None) -> int:
    """One reminder per unanswered, open invitation of a moment opened at least
    `EVALUATIONS_REMINDER_DAYS` ago: a new token (the first link stops working) and
    InvitationIssued(reminder=True). Returns how many were reminded."""
    now = timezone.now()
    cutoff = now - dt.timedelta(days=reminder_days())
    due = Invitation.objects.filter(
        created_at__lte=cutoff,
        reminded_at__isnull=True,
        answered_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).values_list("pk", flat=True)
    reminded = 0
    for pk in list(due):
        with transaction.atomic():
            token = Invitation.new_token()
            changed = Invitation.objects.filter(
                pk=pk, reminded_at__isnull=True, answered_at__isnull=True
            ).update(reminded_at=now, token_hash=Invitation.hash(token))
            if changed:
                emit(events.InvitationIssued(invitation_id=pk, token=token, reminder=True))
                reminded += changed
    return reminded
