"""Staff: enrolments, read through `enrolment.access` (outside one's scope is a 404) and
changed through `enrolment.services`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from core.api import validated
from enrolment import access, services
from enrolment.api.answers import consent_summary
from enrolment.api.base import UUID_PATTERN, StaffRules, StaffView
from enrolment.audit import AuditAction, audit_record
from enrolment.duplicates import duplicate_merge, duplicate_original
from enrolment.filters import EnrolmentFilter
from enrolment.models import Consent, Enrolment, EnrolmentStatus, Intake
from enrolment.serializers import (
    ChildConsentInputSerializer,
    EnrolmentDetailSerializer,
    EnrolmentListSerializer,
    IntakeInputSerializer,
)


def _intake_of(enrolment: Enrolment) -> Intake | None:
    try:
        return enrolment.intake
    except Intake.DoesNotExist:
        return None


def enrolment_detail_data(enrolment: Enrolment) -> dict[str, Any]:
    """An enrolment as a staff member in scope sees it, with guardians, consent and intake."""
    state = services.consent_state(enrolment)
    _waiting, summary = consent_summary(state)
    intake = _intake_of(enrolment)
    enrolment.detail_waitlist_position = (
        services.waitlist_position(enrolment)
        if enrolment.status == EnrolmentStatus.WAITLISTED
        else None
    )
    enrolment.detail_guardians = _guardians_data(enrolment.submission.guardians.all())
    enrolment.detail_consent = {
        "complete": state["complete"],
        "refused": state["refused"],
        "missing_guardians": [g.name for g in state["missing_guardians"]],
        "needs_child": state["needs_child"],
        "child_missing": state["child_missing"],
        "summary": summary,
        "records": [
            {
                "party": c.party,
                "guardian": c.guardian.name if c.guardian else None,
                "given": c.given,
                "method": c.method,
                "consent_text_version": c.consent_text.version,
                "created_at": c.created_at,
            }
            for c in enrolment.consents.all()
        ],
    }
    enrolment.detail_intake = (
        None
        if intake is None
        else {
            "outcome": intake.outcome,
            "reason": intake.reason,
            "notes": intake.notes,
            "created_at": intake.created_at,
        }
    )
    return EnrolmentDetailSerializer(enrolment).data


def _guardians_data(guardians: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": g.name,
            "email": g.email,
            "phone": g.phone,
            "relation": g.relation,
            "authority": g.authority,
            "language": g.language,
            "is_enroller": g.is_enroller,
            "email_confirmed": g.email_confirmed_at is not None,
        }
        for g in guardians
    ]


class EnrolmentViewSet(
    StaffView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Enrolments in the user's scope: a trainer's groups, a coordinator's pupils, or all."""

    permission_classes = [IsAuthenticated, StaffRules]
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = EnrolmentFilter
    search_fields = ["child__first_name", "child__last_name"]
    ordering_fields = ["created_at", "status", "group__first_date"]
    ordering = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[Enrolment]:
        # Erased enrolments keep only anonymous counts; they are not shown one by one.
        visible = access.enrolments_visible_to(self.request.user).filter(erased_at__isnull=True)
        qs = visible.select_related("child__school", "group__programme", "group__host_school")
        if self.action == "list":
            return qs
        return qs.select_related("submission__consent_text", "intake").prefetch_related(
            "submission__guardians",
            Prefetch("consents", queryset=_consents_for_detail()),
        )

    def get_serializer_class(self) -> type[Serializer]:
        return EnrolmentListSerializer if self.action == "list" else EnrolmentDetailSerializer

    def may_change(self, user: Any, enrolment: Enrolment) -> bool:
        if self.action in ("withdraw", "consent_resend"):
            return access.can_withdraw(user, enrolment)
        if self.action == "merge":
            return access.can_merge_duplicate(user, enrolment, duplicate_original(enrolment))
        return access.can_record_intake(user, enrolment)

    def _detail(self, enrolment: Enrolment) -> Response:
        fresh = self.get_queryset().get(pk=enrolment.pk)
        return Response(enrolment_detail_data(fresh))

    @extend_schema(
        description="Een inschrijving met ouders, toestemming en intake. Het inzien wordt "
        "vastgelegd in het auditlog."
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrolment = self.get_object()
        audit_record(
            actor=request.user,
            action=AuditAction.ENROLMENT_VIEWED,
            target=f"enrolment {enrolment.public_id}",
        )
        return Response(enrolment_detail_data(enrolment))

    @extend_schema(
        request=None,
        responses={200: EnrolmentDetailSerializer},
        description="Meld het kind af (coördinator van de school of programmabeheerder). Een "
        "vastgehouden plaats gaat naar het volgende kind op de wachtlijst.",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, public_id: str | None = None) -> Response:
        enrolment = self.get_object()
        services.enrolment_withdraw(enrolment=enrolment)
        return self._detail(enrolment)

    @extend_schema(
        request=None,
        responses={200: EnrolmentDetailSerializer},
        description="Stuur de vraag om toestemming opnieuw (coördinator van de school of "
        "programmabeheerder): wie nog geen toestemming gaf, krijgt een nieuwe link; de oude "
        "link vervalt. Hooguit eens per dag per persoon.",
    )
    @action(detail=True, methods=["post"], url_path="consent-resend")
    def consent_resend(self, request: Request, public_id: str | None = None) -> Response:
        enrolment = self.get_object()
        result = services.consent_request_resend(enrolment=enrolment, actor=request.user)
        response = self._detail(enrolment)
        response.data["message"] = result.message
        return response

    @extend_schema(
        request=None,
        responses={200: EnrolmentDetailSerializer},
        description="Los een mogelijk dubbele aanmelding op (coördinator van beide scholen of "
        "programmabeheerder): de ouders van deze tweede aanmelding komen bij de eerste "
        "aanmelding van het kind, met hun toestemming, en deze aanmelding stopt. Het antwoord "
        "is de aanmelding die blijft. Loopt de eerste niet meer, dan blijft deze en vervalt de "
        "markering.",
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, public_id: str | None = None) -> Response:
        enrolment = self.get_object()
        kept = duplicate_merge(enrolment=enrolment, actor=request.user)
        return self._detail(kept)

    @extend_schema(
        request=IntakeInputSerializer,
        responses={200: EnrolmentDetailSerializer},
        description="Leg de uitkomst van de intake vast. Passend bevestigt een inschrijving "
        "waarvan de toestemming compleet is; niet passend (met een reden) beëindigt haar.",
    )
    @action(detail=True, methods=["post"])
    def intake(self, request: Request, public_id: str | None = None) -> Response:
        enrolment = self.get_object()
        data = validated(IntakeInputSerializer, request.data)
        services.intake_record(enrolment=enrolment, recorded_by=request.user, **data)
        return self._detail(enrolment)

    @extend_schema(
        request=ChildConsentInputSerializer,
        responses={200: EnrolmentDetailSerializer},
        description="Leg bij de intake de toestemming van het kind zelf vast (12 jaar en ouder).",
    )
    @action(detail=True, methods=["post"], url_path="child-consent")
    def child_consent(self, request: Request, public_id: str | None = None) -> Response:
        enrolment = self.get_object()
        data = validated(ChildConsentInputSerializer, request.data)
        services.child_consent_record_at_intake(
            enrolment=enrolment, given=data["given"], recorded_by=request.user
        )
        return self._detail(enrolment)


def _consents_for_detail() -> QuerySet[Consent]:
    return Consent.objects.select_related("guardian", "consent_text").order_by("created_at", "pk")
