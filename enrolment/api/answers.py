"""What the endpoints answer about enrolments: first session days, waitlist positions, the
consent summary, and the parent's view of their enrolments (never a token)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Min
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from rest_framework.response import Response

from enrolment import services
from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.serializers import LinkAnswerSerializer, PublicSubmissionSerializer
from scheduler.models import Group, Session, SessionKind, SessionStatus


def first_session_dates(groups: Iterable[Group]) -> dict[int, Any]:
    """The first scheduled child session day per group, in two queries for any number."""
    ids = {g.pk for g in groups}
    rows = (
        Session.objects.filter(
            group_id__in=ids, kind=SessionKind.CHILD, status=SessionStatus.SCHEDULED
        )
        .values("group_id")
        .annotate(first=Min("starts_at"))
    )
    firsts = {row["group_id"]: localtime(row["first"]).date() for row in rows}
    return {g.pk: firsts.get(g.pk, g.first_date) for g in groups}


def waitlist_positions(group_ids: Iterable[int]) -> dict[int, int]:
    """Position (1 = next) of every waitlisted enrolment of these groups: priority pupils
    first, then first come, first served (the order of `services.offer_next`)."""
    positions: dict[int, int] = {}
    counters: dict[int, int] = {}
    queue = (
        Enrolment.objects.filter(group_id__in=set(group_ids), status=EnrolmentStatus.WAITLISTED)
        .order_by("group_id", "-priority", "created_at", "pk")
        .values_list("pk", "group_id")
    )
    for pk, group_id in queue:
        counters[group_id] = counters.get(group_id, 0) + 1
        positions[pk] = counters[group_id]
    return positions


def consent_summary(state: dict[str, Any]) -> tuple[list[str], str]:
    """Whose consent is missing, and the state in words."""
    waiting = [g.name for g in state["missing_guardians"]]
    if state["child_missing"]:
        waiting.append(_("het kind zelf"))
    if state["refused"]:
        return waiting, _("geweigerd")
    if state["complete"]:
        return waiting, _("compleet")
    return waiting, _("wacht op: %(names)s") % {"names": ", ".join(waiting)}


def _public_enrolments(enrolments: Sequence[Enrolment]) -> list[dict[str, Any]]:
    """The parent's view of their enrolments, in a fixed order (the order seats were taken)."""
    pks = [e.pk for e in enrolments]
    rows = list(
        Enrolment.objects.filter(pk__in=pks)
        .select_related("child", "group__programme", "submission")
        .prefetch_related("submission__guardians", "consents")
        .order_by("pk")
    )
    firsts = first_session_dates([e.group for e in rows])
    positions = waitlist_positions(
        e.group_id for e in rows if e.status == EnrolmentStatus.WAITLISTED
    )
    return [
        _public_enrolment(
            enrolment,
            services.consent_state(enrolment),
            firsts.get(enrolment.group_id),
            positions.get(enrolment.pk),
        )
        for enrolment in rows
    ]


def _created_enrolments(result: services.SubmissionResult) -> list[dict[str, Any]]:
    """`_public_enrolments` for a submission just made, from what it knows: no query.

    Nobody has answered consent yet, so the state follows from the requirements alone.
    A replay of the same request reads the database and must answer the same (tested)."""
    today = localtime(timezone.now()).date()
    return [
        _public_enrolment(
            enrolment,
            services.consent_state_of(
                services.consent_requirements(
                    enrolment.group.programme, result.guardians, enrolment.child.age_on(today)
                ),
                [],
            ),
            result.first_session_dates.get(enrolment.group_id),
            result.waitlist_positions.get(enrolment.pk),
        )
        for enrolment in sorted(result.enrolments, key=lambda e: e.pk)
    ]


def _public_enrolment(
    enrolment: Enrolment, state: dict[str, Any], first_session_date: Any, position: int | None
) -> dict[str, Any]:
    waiting, _summary = consent_summary(state)
    return {
        "public_id": enrolment.public_id,
        "child_first_name": enrolment.child.first_name,
        "group": enrolment.group_id,
        "programme": enrolment.group.programme.name,
        "first_session_date": first_session_date,
        "status": enrolment.status,
        "status_display": enrolment.get_status_display(),
        "waitlist_position": position,
        "hold_expires_at": enrolment.hold_expires_at,
        "offer_expires_at": enrolment.offer_expires_at,
        "consent_complete": state["complete"],
        "consent_waiting_for": [] if state["refused"] else waiting,
        "pool_answer_awaited": enrolment.awaits_pool_answer,
    }


def link_answer(
    message: str, enrolments: Sequence[Enrolment], *, consent_given: bool | None = None
) -> Response:
    return Response(
        LinkAnswerSerializer(
            {
                "message": message,
                "consent_given": consent_given,
                "enrolments": _public_enrolments(enrolments),
            }
        ).data
    )


def _submission_answer(result: services.SubmissionResult) -> dict[str, Any]:
    """The answer to a submission; a replay (same Idempotency-Key) answers the same."""
    return PublicSubmissionSerializer(_submission_data(result)).data


def _submission_data(result: services.SubmissionResult) -> dict[str, Any]:
    return {
        "submission": result.submission.public_id,
        "message": _(
            "Dank u wel. U krijgt een e-mail met een link om uw e-mailadres te bevestigen en "
            "toestemming te geven. Pas daarna is de aanmelding compleet."
        ),
        "enrolments": _public_enrolments(result.enrolments)
        if result.replayed
        else _created_enrolments(result),
    }
