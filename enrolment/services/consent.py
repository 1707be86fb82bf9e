"""Consent: whose consent an enrolment needs, what is given or missing, and the answers
guardians and children give on their links (or at the intake)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.domain_events import emit
from enrolment import events
from enrolment.models import (
    ACTIVE,
    AccessLink,
    Authority,
    Child,
    Consent,
    ConsentMethod,
    ConsentParty,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    Intake,
    IntakeOutcome,
    LinkPurpose,
)
from enrolment.services.links import _make_link, link_resolve
from enrolment.services.seats import LOCKED_WITH_ENROLMENT, offer_next
from enrolment.services.transitions import _now, _set_status
from programmes.models import ChildConsent, GuardianConsent, Programme


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
    # Consent withdrawn counts as not given (and not as a refusal: withdrawing ends what
    # needs it in `consent_withdraw`, which says why).
    valid = [c for c in consents if c.given and c.withdrawn_at is None]
    given_guardians = {c.guardian_id for c in valid if c.guardian_id}
    child_given = any(c.party == ConsentParty.CHILD for c in valid)
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

    Giving consent is not undone by answering again; withdrawing it is its own action
    (`consent_withdraw`), and a refusal has already ended the enrolment."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="answer_change_refused")


@dataclass(frozen=True)
class ConsentAnswer:
    """What an answer on a link did, read after the action (the doors show `message`)."""

    enrolments: list[Enrolment]
    given: bool | None  # this person's answer as stored; None when no consent is asked of them
    recorded: bool  # False: the same answer was already there, nothing changed
    message: str


def _refuse_changed_answer(earlier: Consent, *, given: bool) -> None:
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
            "met de knop 'Toestemming intrekken' op de pagina van deze link."
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
    _refuse_changed_answers(enrolments, guardian=guardian, given=consent_given)
    first_time = guardian.email_confirmed_at is None
    if first_time:
        guardian.email_confirmed_at = _now()
        guardian.save(update_fields=["email_confirmed_at"])
    recorded = False
    asked: dict[Guardian, list[Enrolment]] = {}
    for enrolment in enrolments:
        if enrolment.status not in ACTIVE:
            continue
        recorded |= _confirmed_consent_record(
            enrolment, guardian=guardian, given=consent_given, first_time=first_time, asked=asked
        )
        _evaluate(enrolment)
    _consent_requests_send(asked)
    if first_time:
        _email_confirmed_announce(link, guardian=guardian, enrolments=enrolments)
    return _email_confirm_answer(
        enrolments,
        guardian=guardian,
        consent_given=consent_given,
        recorded=recorded,
        first_time=first_time,
    )


def _refuse_changed_answers(
    enrolments: list[Enrolment], *, guardian: Guardian, given: bool
) -> None:
    """`_refuse_changed_answer` for each enrolment this guardian answered before."""
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
            _refuse_changed_answer(previous, given=given)


def _confirmed_consent_record(
    enrolment: Enrolment,
    *,
    guardian: Guardian,
    given: bool,
    first_time: bool,
    asked: dict[Guardian, list[Enrolment]],
) -> bool:
    """The enroller's answer for one active enrolment; on their first confirmation with
    consent, the child's own consent request, and in `asked` the other guardians whose
    consent this enrolment needs (`_consent_requests_send` asks each once for all the
    children). True: recorded."""
    recorded = False
    needs = _requirements_for(enrolment)
    if guardian.has_authority and (needs["guardians"] or needs["any_guardian"]):
        recorded = (
            _record_consent(
                enrolment=enrolment,
                guardian=guardian,
                given=given,
                method=ConsentMethod.LINK,
            )
            is not None
        )
    if first_time and given:
        for other in needs["guardians"]:
            if other.pk != guardian.pk and not needs["any_guardian"]:
                asked.setdefault(other, []).append(enrolment)
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
    return recorded


def _consent_requests_send(asked: dict[Guardian, list[Enrolment]]) -> None:
    """One consent request and one link per guardian, for all the children of the
    submission that need their consent (siblings are answered on one page, a choice per
    child). The link is anchored to the first of those enrolments (what a reminder is about)
    and covers the submission (`consent_answer`)."""
    for other, enrolments in sorted(asked.items(), key=lambda item: item[0].pk):
        emit(
            events.ConsentRequested(
                enrolment_id=enrolments[0].pk,
                guardian_id=other.pk,
                token=_make_link(
                    purpose=LinkPurpose.CONSENT, guardian=other, enrolment=enrolments[0]
                ),
                enrolment_ids=tuple(e.pk for e in enrolments),
            )
        )


def _email_confirmed_announce(
    link: AccessLink, *, guardian: Guardian, enrolments: list[Enrolment]
) -> None:
    """After the first confirmation: offer the seats that are free now, then emit
    EmailConfirmed."""
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


def _email_confirm_answer(
    enrolments: list[Enrolment],
    *,
    guardian: Guardian,
    consent_given: bool,
    recorded: bool,
    first_time: bool,
) -> ConsentAnswer:
    """What the confirmation did, read after it, in words for the page and the API."""
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


def consent_asked_of(guardian: Guardian, enrolments: Sequence[Enrolment]) -> list[Enrolment]:
    """The enrolments among `enrolments` (one submission's) that need `guardian`'s own
    consent: what their one consent link asks them about, a choice per child."""
    asked = []
    for enrolment in enrolments:
        needs = _requirements_for(enrolment)
        if not needs["any_guardian"] and guardian.pk in {g.pk for g in needs["guardians"]}:
            asked.append(enrolment)
    return asked


def _answer_one(
    enrolment: Enrolment, *, guardian: Guardian | None, given: bool
) -> tuple[bool, str | None]:
    """Record one answer on a consent link: (recorded, message when nothing was recorded).
    Raises `AnswerChangeRefused` for a different answer than the one already recorded."""
    party = ConsentParty.GUARDIAN if guardian else ConsentParty.CHILD
    earlier = enrolment.consents.filter(party=party, guardian=guardian).first()
    if earlier is not None and (not earlier.given or enrolment.status in ACTIVE):
        _refuse_changed_answer(earlier, given=given)
        return False, _already_answered_message(given)
    if enrolment.status not in ACTIVE:
        raise ValidationError(
            _("Deze aanmelding loopt niet meer; er hoeft niets meer te gebeuren.")
        )
    _record_consent(enrolment=enrolment, guardian=guardian, given=given, method=ConsentMethod.LINK)
    _evaluate(enrolment)
    return True, None


def _answers_for(
    asked: list[Enrolment], *, given: bool | None, answers: dict[str, bool] | None
) -> list[tuple[Enrolment, bool]]:
    """Which enrolment gets which answer: `answers` by public id (each one asked about),
    else `given` for every one asked about. Refuses (ValidationError) an unknown child or
    no answer at all."""
    if answers:
        by_id = {str(e.public_id): e for e in asked}
        unknown = [key for key in answers if key not in by_id]
        if unknown:
            raise ValidationError(
                {"answers": [_("Deze inschrijving hoort niet bij deze link.")]},
                code="wrong_enrolment",
            )
        return [(by_id[key], value) for key, value in answers.items()]
    if given is None:
        raise ValidationError({"answers": [_("Kies bij elk kind ja of nee.")]}, code="required")
    return [(enrolment, given) for enrolment in asked]


@transaction.atomic
def consent_answer(
    *, token: str, given: bool | None = None, answers: dict[str, bool] | None = None
) -> ConsentAnswer:
    """Another guardian (CONSENT link) or the child (CHILD_CONSENT link) answers.

    A guardian's one link covers every child of the submission that needs their consent
    (`consent_asked_of`): `answers` gives a choice per child (by the enrolment's public id),
    `given` the same answer for all of them. A child answers for themselves (`given`).
    One refusal ends that child's enrolment and frees its seat. A guardian's first answer
    confirms their e-mail address (the link reached it). The same answer again changes
    nothing and says so. Refuses (`AnswerChangeRefused`, nothing changes) a different
    answer to one already recorded: consent given is withdrawn with its own action
    (`consent_withdraw`), and a refusal has ended the enrolment. Refuses (ValidationError)
    a first answer to an enrolment that has ended, and a child the link is not about.
    """
    link = link_resolve(token, purposes=[LinkPurpose.CONSENT, LinkPurpose.CHILD_CONSENT])
    is_child = link.purpose == LinkPurpose.CHILD_CONSENT
    guardian = None if is_child else link.guardian
    locked = _locked_enrolments(link.submission_id)
    if is_child:
        asked = [e for e in locked if e.pk == link.enrolment_id]
    else:
        # The children still to answer for, and those answered already (the same answer
        # again says so); an ended child nobody answered for is left out, unless it is all
        # the link is about (then the answer is refused).
        answered = set(
            Consent.objects.filter(enrolment__in=locked, guardian=guardian).values_list(
                "enrolment_id", flat=True
            )
        )
        asked = [
            e for e in consent_asked_of(guardian, locked) if e.status in ACTIVE or e.pk in answered
        ] or [e for e in locked if e.pk == link.enrolment_id]
    pairs = _answers_for(asked, given=given, answers=answers)
    for enrolment, answer in pairs:  # every answer is checked before any is recorded
        earlier = enrolment.consents.filter(
            party=ConsentParty.CHILD if is_child else ConsentParty.GUARDIAN, guardian=guardian
        ).first()
        if earlier is not None and (not earlier.given or enrolment.status in ACTIVE):
            _refuse_changed_answer(earlier, given=answer)
    results = [_answer_one(e, guardian=guardian, given=answer) for e, answer in pairs]
    recorded = any(done for done, _message in results)
    if guardian is not None and recorded and guardian.email_confirmed_at is None:
        # The link came to this address: answering it shows the address is theirs, as the
        # enroller's confirm link shows theirs.
        guardian.email_confirmed_at = _now()
        guardian.save(update_fields=["email_confirmed_at"])
    if recorded and link.used_at is None:
        link.used_at = _now()
        link.save(update_fields=["used_at"])
    values = {answer for _e, answer in pairs}
    uniform = values.pop() if len(values) == 1 else None
    return ConsentAnswer(
        [e for e, _a in pairs],
        given=uniform,
        recorded=recorded,
        message=_consent_answer_message(uniform, recorded=recorded, results=results),
    )


def _consent_answer_message(
    given: bool | None, *, recorded: bool, results: list[tuple[bool, str | None]]
) -> str:
    if not recorded:
        return next((m for _done, m in results if m), _already_answered_message(bool(given)))
    if given is None:
        return _("Dank u wel. Uw antwoorden zijn vastgelegd.")
    if given:
        return _("Dank u wel. De toestemming is vastgelegd.")
    if len(results) > 1:
        return _("Uw antwoord is vastgelegd. De kinderen doen niet mee.")
    return _("Uw antwoord is vastgelegd. Het kind doet niet mee.")


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
