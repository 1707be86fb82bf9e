"""The reports API under /api/v1/: co-financing agreements, invoices, ledger and participation.

The same habits as the other API modules (`programmes.api`, `scheduler.api`):

- token authentication first, so an anonymous request gets a 401;
- co-financing is read by the programme manager (everything) and by school coordinators
  (their own schools' agreements and invoices, read only; another school's is a 404);
  trainers and users without a role get a 403;
- only the manager changes agreements and invoices, through `programmes.services`, which
  validate and own the transaction; a refusal becomes a 400 with field messages
  (`config.api.exception_handler`), a refused invoice transition included
  (`non_field_errors`), and nothing changes;
- the figures of an agreement are those of `reports.ledger`, computed for a whole page
  of agreements in a fixed number of queries;
- the participation report is for the manager only and, because it leaves the
  operational page, shows what the council page shows, suppressed by the same function
  (`reports.suppression.participation_as_shown`): counts of children of 1 to 4 as "< 5",
  as "*" a second count that would give one back by subtraction, and as "*" a ratio
  whose numerator or denominator is hidden or from 1 to 4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from core.api import AccessRules, validated
from core.api_auth import ApiTokenAuthentication
from core.filters import IdFilter
from programmes import access, services
from programmes.models import CoFinancingAgreement, Invoice, InvoiceStatus, SchoolYear
from reports import ledger
from reports.serializers import (
    AgreementSerializer,
    InvoicePaidSerializer,
    InvoiceSentSerializer,
    InvoiceSerializer,
    LedgerSerializer,
    ParticipationQuerySerializer,
    ParticipationSerializer,
    SchoolYearQuerySerializer,
)
from reports.suppression import participation_as_shown


class ReadsCoFinancing(BasePermission):
    """The programme manager and school coordinators; trainers and anyone else get a 403."""

    message = _("U heeft geen toegang tot de cofinanciering.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.is_manager(request.user) or access.is_coordinator(request.user)


class ReadsParticipation(BasePermission):
    """The participation report: the programme manager only."""

    message = _("Alleen de programmabeheerder kan de deelnamecijfers opvragen.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.is_manager(request.user)


def chosen_school_year(query: dict[str, Any]) -> SchoolYear:
    """The school year asked for, or else the current one (`SchoolYear.objects.current`, as
    the report pages); a 400 only when no school year exists at all."""
    if query.get("school_year") is not None:
        return query["school_year"]
    current = SchoolYear.objects.current()
    if current is None:
        raise ValidationError(
            {"school_year": [_("Er is geen schooljaar van vandaag; geef een schooljaar op.")]}
        )
    return current


def attach_figures(agreements: Sequence[CoFinancingAgreement]) -> None:
    """Give every agreement its ledger figures as `agreement.figures` (a `LedgerRow`).

    The agreements must come from `agreements()`. `ledger.figures_for` computes them for
    all of them, whatever their school years, in one query, with the arithmetic of the
    ledger pages.
    """
    for agreement, row in zip(agreements, ledger.figures_for(agreements), strict=True):
        agreement.figures = row


def agreements(user: Any) -> QuerySet[CoFinancingAgreement]:
    """The agreements `user` may see, with what is needed for their figures."""
    return ledger.with_invoice_sums(
        ledger.agreements_visible_to(user).select_related("school", "school_year", "programme")
    )


class CoFinancingViewSet(viewsets.GenericViewSet):
    """Base: reads for the manager and coordinators (scoped), changes for the manager."""

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, ReadsCoFinancing, AccessRules]
    filter_backends = [DjangoFilterBackend, OrderingFilter]

    def may_write(self, user: Any) -> bool:
        return access.is_manager(user)

    def may_change(self, user: Any, obj: Any) -> bool:
        return access.is_manager(user)


# --- agreements --------------------------------------------------------------------------


class AgreementFilter(filters.FilterSet):
    school_year = IdFilter(field_name="school_year_id", label=_("schooljaar (id)"))
    school = IdFilter(field_name="school_id", label=_("school (id)"))
    programme = IdFilter(field_name="programme_id", label=_("programma (id)"))

    class Meta:
        model = CoFinancingAgreement
        fields = ["school_year", "school", "programme", "cost_basis"]


@extend_schema_view(
    list=extend_schema(
        description="Cofinancieringsafspraken binnen uw bereik, met geleverde eenheden, "
        "aandelen van school en gemeente, gefactureerd, betaald en openstaand."
    ),
    retrieve=extend_schema(description="Eén afspraak met haar cijfers."),
    create=extend_schema(description="Leg een afspraak vast (alleen de programmabeheerder)."),
    update=extend_schema(description="Wijzig een afspraak (alleen de programmabeheerder)."),
    partial_update=extend_schema(
        description="Wijzig velden van een afspraak (alleen de programmabeheerder)."
    ),
)
class AgreementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CoFinancingViewSet,
):
    """Co-financing agreements: the figures come from `reports.ledger`."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    ordering_fields = ["school__name", "programme__name_nl", "school_year__start_date"]
    ordering = ["school_year__start_date", "school__name", "programme__name_nl", "id"]

    def get_queryset(self) -> QuerySet[CoFinancingAgreement]:
        return agreements(self.request.user)

    def _answer(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        agreement = self.get_queryset().get(pk=pk)
        attach_figures([agreement])
        return Response(self.get_serializer(agreement).data, status=status_code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(queryset if page is None else page)
        attach_figures(rows)
        data = self.get_serializer(rows, many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        agreement = self.get_object()
        attach_figures([agreement])
        return Response(self.get_serializer(agreement).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(AgreementSerializer, request.data, request=request)
        agreement = services.agreement_create(**data, actor=request.user)
        return self._answer(agreement.pk, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        agreement = self.get_object()
        serializer = self.get_serializer(
            agreement, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        services.agreement_update(
            agreement=agreement, actor=request.user, **serializer.validated_data
        )
        return self._answer(agreement.pk)


# --- invoices ----------------------------------------------------------------------------


def overdue_cutoff() -> dt.date:
    """A sent invoice is overdue when it was sent before this day (see `Invoice.is_overdue`)."""
    return timezone.localdate() - dt.timedelta(days=settings.COFINANCING_PAYMENT_TERM_DAYS)


class InvoiceFilter(filters.FilterSet):
    agreement = IdFilter(field_name="agreement_id", label=_("afspraak (id)"))
    school = IdFilter(field_name="agreement__school_id", label=_("school (id)"))
    school_year = IdFilter(field_name="agreement__school_year_id", label=_("schooljaar (id)"))
    status = filters.ChoiceFilter(
        choices=InvoiceStatus.choices,
        method="filter_status",
        label=_("status zoals getoond; sent is verstuurd en nog binnen de betaaltermijn"),
    )

    class Meta:
        model = Invoice
        fields = ["agreement", "school", "school_year", "status"]

    def filter_status(self, queryset: QuerySet[Invoice], name: str, value: str) -> QuerySet:
        # "overdue" is never stored: it is a sent invoice past the payment term, and such
        # an invoice no longer shows as "sent".
        if value == InvoiceStatus.OVERDUE:
            return queryset.filter(status=InvoiceStatus.SENT, date_sent__lt=overdue_cutoff())
        if value == InvoiceStatus.SENT:
            return queryset.filter(status=InvoiceStatus.SENT, date_sent__gte=overdue_cutoff())
        return queryset.filter(status=value)


@extend_schema_view(
    list=extend_schema(description="Facturen binnen uw bereik."),
    retrieve=extend_schema(description="Eén factuur."),
    create=extend_schema(
        description="Maak een conceptfactuur bij een afspraak (alleen de programmabeheerder)."
    ),
)
class InvoiceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, CoFinancingViewSet
):
    """Invoices: concept, then sent, then paid; "overdue" follows from the payment term."""

    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    ordering_fields = ["created_at", "date_sent", "date_paid", "amount", "reference"]
    ordering = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[Invoice]:
        return Invoice.objects.filter(
            agreement__in=ledger.agreements_visible_to(self.request.user)
        ).select_related("agreement__school", "agreement__school_year", "agreement__programme")

    def _answer(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        invoice = self.get_queryset().get(pk=pk)
        return Response(InvoiceSerializer(invoice).data, status=status_code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(InvoiceSerializer, request.data, request=request)
        invoice = services.invoice_create(**data, actor=request.user)
        return self._answer(invoice.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=InvoiceSentSerializer,
        responses={200: InvoiceSerializer},
        description="Markeer een conceptfactuur als verstuurd; de betaaltermijn begint dan. "
        "Een factuur die geen concept is: 400 met de reden in non_field_errors.",
    )
    @action(detail=True, methods=["post"], url_path="mark-sent")
    def mark_sent(self, request: Request, pk: str | None = None) -> Response:
        invoice = self.get_object()
        data = validated(InvoiceSentSerializer, request.data, request=request)
        services.invoice_mark_sent(
            invoice=invoice,
            date_sent=data.get("date_sent") or timezone.localdate(),
            actor=request.user,
        )
        return self._answer(invoice.pk)

    @extend_schema(
        request=InvoicePaidSerializer,
        responses={200: InvoiceSerializer},
        description="Markeer een verstuurde (of te late) factuur als betaald, niet vóór de "
        "verzenddatum. Een factuur die niet verstuurd is: 400 met de reden in "
        "non_field_errors.",
    )
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request: Request, pk: str | None = None) -> Response:
        invoice = self.get_object()
        data = validated(InvoicePaidSerializer, request.data, request=request)
        services.invoice_mark_paid(
            invoice=invoice,
            date_paid=data.get("date_paid") or timezone.localdate(),
            actor=request.user,
        )
        return self._answer(invoice.pk)


# --- reports -----------------------------------------------------------------------------


class ReportView(APIView):
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]


class LedgerView(ReportView):
    """The co-financing ledger of one school year."""

    permission_classes = [IsAuthenticated, ReadsCoFinancing]

    @extend_schema(
        operation_id="reports_cofinancing_retrieve",
        parameters=[SchoolYearQuerySerializer],
        responses={200: LedgerSerializer},
        description="Het cofinancieringsoverzicht van een schooljaar (weggelaten: dat van "
        "vandaag; is dat nog niet ingevoerd, het laatst begonnen schooljaar): per afspraak "
        "afgesproken en geleverde eenheden, aandelen, gefactureerd, betaald en openstaand, "
        "met totalen. Een coördinator ziet alleen de afspraken van de eigen school.",
    )
    def get(self, request: Request) -> Response:
        school_year = chosen_school_year(
            validated(SchoolYearQuerySerializer, request.query_params, request=request)
        )
        found = ledger.ledger_rows(school_year, request.user)
        for row in found.rows:
            row.agreement.figures = row
        body = {
            "school_year": school_year,
            "rows": [row.agreement for row in found.rows],
            "totals": found.totals,
        }
        return Response(LedgerSerializer(body, context={"request": request}).data)


class ParticipationView(ReportView):
    """The participation numbers for the council, small numbers suppressed."""

    permission_classes = [IsAuthenticated, ReadsParticipation]

    @extend_schema(
        operation_id="reports_participation_retrieve",
        parameters=[ParticipationQuerySerializer],
        responses={200: ParticipationSerializer},
        description="Deelnamecijfers van een schooljaar (weggelaten: dat van vandaag; is dat "
        "nog niet ingevoerd, het laatst begonnen schooljaar), voor "
        "één programma of alle, zoals de raadsversie ze toont: per programma groepen en "
        "plaatsen, de groepen die niet begonnen naar de reden (samengevoegd, te weinig "
        "kinderen, anders), en per school en programma belangstelling, aangeboden groepen en "
        "geplaatste leerlingen, met totalen. "
        'Aantallen van kinderen van 1 tot en met 4 staan als "< 5": zulke kleine aantallen '
        'kunnen naar een kind wijzen. Als "*" staat een tweede aantal dat anders een "< 5" '
        "zou verraden (totaal min de rest). Een verhouding (bezettingsgraad, aanwezigheid) "
        'staat als "*" als haar teller of noemer verborgen is of 1 tot en met 4. '
        "0 blijft 0; aantallen groepen (ook die niet begonnen) en aangeboden plaatsen "
        "worden nooit verborgen. "
        "Alleen voor de programmabeheerder.",
    )
    def get(self, request: Request) -> Response:
        query = validated(ParticipationQuerySerializer, request.query_params, request=request)
        # The API leaves the operational page: whoever reads it, small counts are hidden,
        # exactly as on the council page and in the downloads.
        shown = participation_as_shown(
            school_year=chosen_school_year(query),
            programme=query.get("programme"),
            viewer_is_manager_operational=False,
        )
        report = shown.report
        body = {
            **{
                name: getattr(report, name)
                for name in (
                    "school_year",
                    "programme",
                    "groups_planned",
                    "groups_running",
                    "groups_completed",
                    "groups_cancelled",
                    "seats_offered",
                    "median_days_to_consent",
                )
            },
            # Counts of groups, as on the page: not suppressed (`not_started_by_reason`).
            "not_started": {**asdict(report.not_started), "total": report.not_started.total},
            "pupils_in_classes": shown.pupils_in_classes,
            "attendance_present": shown.attendance_present,
            "attendance_recorded": shown.attendance_recorded,
            "attendance_rate": shown.attendance_rate,
            "seats_filled": shown.seats_filled,
            "fill_rate": shown.fill_rate,
            "enrolments_by_status": shown.enrolments_by_status,
            "waitlist_length": shown.waitlist_length,
            "programmes": [
                {
                    **asdict(line),
                    "seats_filled": shown.programme_seats_filled(line),
                    "fill_rate": shown.programme_fill_rate(line),
                    "pupils_in_classes": shown.programme_pupils_in_classes(line),
                }
                for line in shown.programmes
            ],
            "rows": [asdict(line) for line in shown.lines],
            "programme_totals": [
                {
                    "programme_id": found.programme_id,
                    "programme_name": found.programme_name,
                    **asdict(found.totals),
                }
                for found in shown.counts.programme_totals
            ],
            "totals": asdict(shown.counts.totals),
        }
        return Response(ParticipationSerializer(body).data)


router = SimpleRouter()
router.register("cofinancing/agreements", AgreementViewSet, basename="cofinancing-agreement")
router.register("cofinancing/invoices", InvoiceViewSet, basename="cofinancing-invoice")

urlpatterns = [
    path("reports/cofinancing/", LedgerView.as_view(), name="api-report-cofinancing"),
    path("reports/participation/", ParticipationView.as_view(), name="api-report-participation"),
    *router.urls,
]
