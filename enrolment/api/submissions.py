"""Public: enrolling (`POST public/enrolments/`, with its Idempotency-Key) and registering
interest where no group is open."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import validated
from enrolment import services
from enrolment.api.answers import _submission_answer
from enrolment.api.base import IDEMPOTENCY_KEY, PublicView
from enrolment.serializers import (
    PublicChildInputSerializer,
    PublicEnrolmentFormSerializer,
    PublicInterestAnswerSerializer,
    PublicInterestSerializer,
    PublicSubmissionSerializer,
)


def _idempotency_key(request: Request) -> str | None:
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    if not IDEMPOTENCY_KEY.match(raw):
        raise ValidationError(
            {
                "Idempotency-Key": [
                    _("Gebruik 8 tot 80 zichtbare tekens zonder spaties, bijvoorbeeld een UUID.")
                ]
            }
        )
    return raw


class PublicEnrolmentView(PublicView):
    throttle_scope = "enrolment-submit"

    @extend_schema(
        operation_id="public_enrolments_create",
        auth=[],
        request=PublicEnrolmentFormSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Een zelfgekozen, geheime sleutel (bijv. een UUID). Wordt "
                "hetzelfde verzoek opnieuw gestuurd met dezelfde sleutel, dan volgt het eerste "
                "antwoord (200) en wordt er niets nieuws aangemaakt. Dezelfde sleutel met een "
                "andere inhoud geeft 422.",
            )
        ],
        responses={
            201: PublicSubmissionSerializer,
            200: OpenApiResponse(
                PublicSubmissionSerializer,
                description="Herhaald verzoek (zelfde Idempotency-Key, zelfde inhoud): het "
                "eerste antwoord.",
            ),
            422: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Deze Idempotency-Key is al gebruikt voor een aanmelding met een "
                "andere inhoud. Er is niets gewijzigd en het antwoord zegt niets over die "
                "aanmelding.",
            ),
        },
        description="Meld één of meer kinderen (broers en zussen) aan. Elk kind krijgt een "
        "plaats die wordt vastgehouden tot de toestemming binnen is, of een plaats op de "
        "wachtlijst. Bij een fout wordt niets opgeslagen.",
    )
    def post(self, request: Request) -> Response:
        key = _idempotency_key(request)
        # Validated before any replay: a key replays only to the same validated input
        # (services.submission_replay), so the input must be known first. The service
        # checks the consent text version and replays a repeat, as for the enrolment form.
        data = _enrolment_input(request.data)
        try:
            result = services.submission_create(
                children=[services.ChildInput(**child) for child in data["children"]],
                enroller=services.GuardianInput(**data["enroller"]),
                other_guardians=[
                    services.GuardianInput(**g) for g in data.get("other_guardians") or []
                ],
                consent_text_version=data["consent_text_version"],
                idempotency_key=key,
            )
        except services.IdempotencyKeyReused as reused:
            return Response(
                {"Idempotency-Key": list(reused.messages)},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(
            _submission_answer(result),
            status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED,
        )


def _enrolment_input(body: Any) -> dict[str, Any]:
    """The validated enrolment, or a 400 that says everything at once: the fields that are
    wrong and, for each child filled in correctly, why they cannot join their group
    (`services.children_eligibility_errors`, as the enrolment form says it)."""
    serializer = PublicEnrolmentFormSerializer(data=body)
    if serializer.is_valid():
        return dict(serializer.validated_data)
    errors = dict(serializer.errors)
    raw_children = body.get("children") if isinstance(body, dict) else None
    if isinstance(raw_children, list):
        children = []
        for raw in raw_children[:6]:
            child = PublicChildInputSerializer(data=raw)
            children.append(
                services.ChildInput(**child.validated_data) if child.is_valid() else None
            )
        errors.update(services.children_eligibility_errors(children))
    raise ValidationError(errors)


class PublicInterestView(PublicView):
    throttle_scope = "enrolment-submit"

    @extend_schema(
        operation_id="public_interest_create",
        auth=[],
        request=PublicInterestSerializer,
        responses={201: PublicInterestAnswerSerializer},
        description="Laat weten dat u belangstelling heeft voor een programma op een school "
        "waar nu geen groep open is. Een e-mailadres is niet verplicht.",
    )
    def post(self, request: Request) -> Response:
        data = validated(PublicInterestSerializer, request.data)
        interest = services.interest_register(**data)
        answer = {
            "school": interest.school_id,
            "programme": interest.programme_id,
            "message": _("Dank u wel. De school en de gemeente zien dat er belangstelling is."),
        }
        return Response(PublicInterestAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)
