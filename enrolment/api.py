"""The enrolment API under /api/v1/: public enrolment and consent, staff reads and actions.

Public endpoints (`public/...`) need no account. They are rate-limited as the pages are
(`enrolment.throttle.PublicRateThrottle`: per address, per e-mail address and per link
token; a 429 says when to try again), accept JSON only, and take a link's secret token in
the body, never in the address (addresses end up in logs). Their answers never contain a
token. `POST public/enrolments/` honours an `Idempotency-Key` header: the same key with
the same body answers the first submission again (200 instead of 201) and makes nothing
new; the same key with another body is a 422 that says nothing about the first (see
`services.submission_replay`). The answer is built from the submission as it stands (no
copy of the first answer is stored), so a replay right after the first request equals it;
a replay after consent was given shows the newer status.

Staff endpoints follow the habits of the other API modules: reads go through
`enrolment.access` (an enrolment or group outside the user's scope is a 404),
changes are allowed by `enrolment.access` (else 403) and go through
`enrolment.services`; a service's `ValidationError` becomes a 400 with field
messages (`config.api.exception_handler`). Group- and session-scoped endpoints live
under their own prefixes (`rosters/`, `waitlists/`, `attendance/`, `class-bookings/`)
so they never collide with the scheduler's `groups/` and `sessions/` routes.
Every roster read is written to the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import (
    Min,
    Prefetch,
    QuerySet,
)
from django.http import Http404
from django.urls import path, re_path
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied, ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from core.api import validated
from core.api_auth import ApiTokenAuthentication
from core.schema import ErrorDetailSerializer
from enrolment import access, public_cache, selectors, services
from enrolment.audit import AuditAction, audit_record
from enrolment.catalogue import open_groups_with_seats
from enrolment.duplicates import duplicate_merge, duplicate_original
from enrolment.filters import EnrolmentFilter
from enrolment.models import (
    Consent,
    Enrolment,
    EnrolmentStatus,
    Intake,
    LinkPurpose,
)
from enrolment.serializers import (
    AttendanceInputSerializer,
    AttendanceSheetSerializer,
    ChildConsentInputSerializer,
    ClassBookingInputSerializer,
    ClassBookingSerializer,
    EnrolmentDetailSerializer,
    EnrolmentListSerializer,
    IntakeInputSerializer,
    LinkAnswerSerializer,
    LinkConfirmSerializer,
    LinkConsentSerializer,
    LinkOfferSerializer,
    LinkStatusSerializer,
    LinkWithdrawSerializer,
    PublicChildInputSerializer,
    PublicConsentTextSerializer,
    PublicEnrolmentFormSerializer,
    PublicGroupSerializer,
    PublicInterestAnswerSerializer,
    PublicInterestSerializer,
    PublicProgrammeSerializer,
    PublicSchoolSerializer,
    PublicSubmissionSerializer,
    RosterSerializer,
    WaitlistEntrySerializer,
)
from enrolment.throttle import PublicRateThrottle
from programmes import access as programme_access
from programmes.models import EnrolmentMode, Programme, School
from scheduler import access as scheduler_access
from scheduler import services as scheduler_services
from scheduler.models import Group, Session, SessionKind, SessionStatus

# The error codes `services.link_resolve` gives for a link that cannot be used.
LINK_ERROR_CODES = frozenset({"invalid_link", "wrong_link", "revoked_link", "expired_link"})
# An Idempotency-Key is a client-chosen label such as a UUID: printable ASCII, no spaces.
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{8,80}$")
UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


# --- shared machinery --------------------------------------------------------------------


class SafeJSONParser(JSONParser):
    """JSON, where absurdly deep nesting is a 400 instead of a RecursionError (a 500)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("De JSON is te diep genest.")) from None


class HasStaffRole(BasePermission):
    """Signed in with a role (manager, coordinator or trainer); anyone else gets a 403."""

    message = _("U heeft geen toegang tot deze gegevens.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(programme_access.roles_of(request.user))


def path_id(name: str, what: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=what)


GROUP_ID = path_id("group_id", "De groep (id).")


def _link_errors_on_token(exc: DjangoValidationError) -> Exception:
    """A link that cannot be used is a field message on `token`; other errors pass as is."""
    if getattr(exc, "code", None) in LINK_ERROR_CODES:
        return ValidationError({"token": exc.messages})
    return exc


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


# --- public: answers ---------------------------------------------------------------------


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


# --- public: finding a group -------------------------------------------------------------


class PublicView(APIView):
    """No account, no session (so no CSRF target), JSON only, throttled per client."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    throttle_scope = "enrolment-public"
    parser_classes = [SafeJSONParser]


class PublicSchoolListView(PublicView, generics.ListAPIView):
    """Active schools, found by name or place, with only what a parent needs to pick one."""

    serializer_class = PublicSchoolSerializer
    filter_backends = [SearchFilter]
    search_fields = ["name", "city"]

    def get_queryset(self) -> QuerySet[School]:
        return School.objects.filter(active=True).order_by("name", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page from the public cache (`enrolment.public_cache`); the links to the
        next and previous page are made from this request's address, as DRF makes them."""
        paginator = self.paginator
        assert isinstance(paginator, PageNumberPagination)
        terms = tuple(SearchFilter().get_search_terms(request))  # a 400 comes before the cache
        page = request.query_params.get(paginator.page_query_param) or "1"

        def build() -> tuple[dict[str, Any], None]:
            rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            return {
                "count": paginator.page.paginator.count,
                "number": paginator.page.number,
                "results": self.get_serializer(rows, many=True).data,
            }, None

        found = public_cache.cached(public_cache.school_search_key(terms, page), build)
        pages = DjangoPaginator(range(found["count"]), paginator.get_page_size(request))
        paginator.request = request
        paginator.page = pages.page(found["number"])
        if pages.num_pages > 1:
            paginator.display_page_controls = True  # the browsable API's page links
        return paginator.get_paginated_response(found["results"])

    @extend_schema(
        operation_id="public_schools_list",
        auth=[],
        description="Zoek de school van uw kind op naam of plaats.",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PublicSchoolGroupsView(PublicView, generics.ListAPIView):
    """The open groups pupils of one school may join."""

    serializer_class = PublicGroupSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Group]:
        return Group.objects.none()  # only for the schema; `list` builds the answer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """`catalogue.open_groups_with_seats`, as rows. The groups come from the public
        cache and the seats are counted now (one query); the rest of each row is
        serialized once per school, day, language and catalogue version (also cached:
        serializing costs more than the rest of the request)."""
        school_id = int(self.kwargs["school_id"])
        today = localtime(timezone.now()).date()
        found = open_groups_with_seats(school_id, today=today)
        if found is None:  # no such active school: what get_object_or_404 says
            raise Http404(f"No {School._meta.object_name} matches the given query.")

        def build() -> tuple[dict[int, dict[str, Any]], None]:
            rows = self.get_serializer(found.groups, many=True).data
            return {g.pk: dict(row) for row, g in zip(rows, found.groups, strict=True)}, None

        rows = public_cache.cached(
            public_cache.school_groups_key(school_id, today, found.version), build
        )
        if any(group.pk not in rows for group in found.groups):
            # Rebuilt within one version (a change that sends no signal, seen after an
            # entry's lifetime): these groups' own rows, not kept.
            rows = build()[0]
        answer = []
        for group in found.groups:
            row = dict(rows[group.pk])
            row["seats_left"], row["waitlist"] = group.seats_left, group.waitlist
            answer.append(row)
        return Response(answer)

    @extend_schema(
        operation_id="public_school_groups_list",
        parameters=[path_id("school_id", "De school (id).")],
        auth=[],
        description="De groepen waarvoor leerlingen van deze school zich nu kunnen aanmelden, "
        "met het aantal vrije plaatsen of de melding dat de groep vol is (wachtlijst). Een "
        "lege lijst: er is nu niets open; registreer dan belangstelling.",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PublicProgrammeListView(PublicView, generics.ListAPIView):
    """Programmes parents enrol children for (to register interest where no group is open)."""

    serializer_class = PublicProgrammeSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Programme]:
        return Programme.objects.filter(
            active=True, enrolment_mode=EnrolmentMode.INDIVIDUAL
        ).order_by("name_nl", "id")

    @extend_schema(operation_id="public_programmes_list", auth=[])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PublicConsentTextView(PublicView):
    @extend_schema(
        operation_id="public_consent_text_retrieve",
        auth=[],
        responses={200: PublicConsentTextSerializer},
        description="De toestemmingstekst die nu geldt. Toon hem bij het formulier en stuur "
        "zijn versie mee als consent_text_version.",
    )
    def get(self, request: Request) -> Response:
        text = services.consent_text_current()
        return Response(PublicConsentTextSerializer(text).data)


# --- public: enrolling -------------------------------------------------------------------


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


# --- public: link actions ----------------------------------------------------------------


class PublicLinkView(PublicView):
    throttle_scope = "enrolment-links"

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoValidationError):
            exc = _link_errors_on_token(exc)
        return super().handle_exception(exc)


def _link_schema(
    request: type[Serializer],
    description: str,
    operation_id: str,
    extra: dict[int, OpenApiResponse] | None = None,
) -> Any:
    return extend_schema(
        operation_id=operation_id,
        auth=[],
        request=request,
        responses={
            200: LinkAnswerSerializer,
            400: OpenApiResponse(
                description="Ongeldige invoer, of een link die niet (meer) geldig, verlopen, "
                "ingetrokken of voor iets anders bedoeld is (melding onder `token`)."
            ),
            **(extra or {}),
        },
        description=description,
    )


# A different answer to consent already answered is refused (services.AnswerChangeRefused).
_ANSWER_CHANGE_REFUSED = {
    409: OpenApiResponse(
        response=ErrorDetailSerializer,
        description="U beantwoordde deze vraag eerder anders; er is niets gewijzigd. De melding "
        "zegt waarom en hoe het wel kan: toestemming intrekken gaat door het kind af te melden "
        "(`/links/withdraw/` met de link uit de bevestigingsmail), een weigering heeft de "
        "aanmelding al beëindigd.",
    )
}


def _answer_change_refused(refused: services.AnswerChangeRefused) -> Response:
    return Response({"detail": " ".join(refused.messages)}, status=status.HTTP_409_CONFLICT)


class PublicLinkConfirmView(PublicLinkView):
    @_link_schema(
        LinkConfirmSerializer,
        "De aanmelder bevestigt het e-mailadres en geeft (of weigert) toestemming. Daarna "
        "krijgen de andere ouders met gezag een verzoek om toestemming. Hetzelfde antwoord "
        "nog eens verandert niets; een ander antwoord dan eerder wordt geweigerd (409).",
        "public_links_confirm",
        _ANSWER_CHANGE_REFUSED,
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkConfirmSerializer, request.data)
        try:
            answer = services.email_confirm(
                token=data["token"], consent_given=data["consent_given"]
            )
        except services.AnswerChangeRefused as refused:
            return _answer_change_refused(refused)
        return link_answer(answer.message, answer.enrolments, consent_given=answer.given)


class PublicLinkConsentView(PublicLinkView):
    @_link_schema(
        LinkConsentSerializer,
        "Een andere ouder met gezag (of het kind zelf, met de link voor het kind) geeft of "
        "weigert toestemming. Eén weigering beëindigt de aanmelding. Hetzelfde antwoord nog "
        "eens verandert niets; een ander antwoord dan eerder wordt geweigerd (409).",
        "public_links_consent",
        _ANSWER_CHANGE_REFUSED,
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkConsentSerializer, request.data)
        try:
            answer = services.consent_answer(token=data["token"], given=data["given"])
        except services.AnswerChangeRefused as refused:
            return _answer_change_refused(refused)
        return link_answer(answer.message, answer.enrolments, consent_given=answer.given)


class PublicLinkOfferView(PublicLinkView):
    @_link_schema(
        LinkOfferSerializer,
        "Neem een aangeboden plaats (van de wachtlijst) aan of sla hem af.",
        "public_links_offer",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkOfferSerializer, request.data)
        enrolment = services.offer_answer(token=data["token"], accept=data["accept"])
        message = (
            _("U heeft de plaats aangenomen.")
            if data["accept"]
            else _("U heeft de plaats afgeslagen; die gaat naar het volgende kind.")
        )
        return link_answer(message, [enrolment])


# Links that show the whole submission; the others show only their own enrolment.
_SUBMISSION_LINKS = {LinkPurpose.CONFIRM, LinkPurpose.MANAGE}


class PublicLinkStatusView(PublicLinkView):
    @_link_schema(
        LinkStatusSerializer,
        "De stand van zaken: per kind de status (code en in woorden), de plaats op de "
        "wachtlijst en wiens toestemming nog ontbreekt.",
        "public_links_status",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkStatusSerializer, request.data)
        link = services.link_resolve(data["token"], purposes=LinkPurpose.values)
        if link.purpose in _SUBMISSION_LINKS or link.enrolment_id is None:
            enrolments = list(Enrolment.objects.filter(submission_id=link.submission_id))
        else:
            enrolments = [link.enrolment]
        return link_answer("", enrolments)


class PublicLinkWithdrawView(PublicLinkView):
    @_link_schema(
        LinkWithdrawSerializer,
        "Meld een kind af met de link uit de bevestigingsmail. Een vastgehouden plaats gaat "
        "naar het volgende kind op de wachtlijst.",
        "public_links_withdraw",
    )
    def post(self, request: Request) -> Response:
        data = validated(LinkWithdrawSerializer, request.data)
        try:
            enrolment = services.enrolment_withdraw_by_link(
                token=data["token"], enrolment_public_id=str(data["enrolment"])
            )
        except Enrolment.DoesNotExist:
            raise ValidationError(
                {"enrolment": [_("Deze inschrijving hoort niet bij deze link.")]}
            ) from None
        return link_answer(_("De aanmelding is afgemeld."), [enrolment])


# --- staff: enrolments -------------------------------------------------------------------


class StaffRules(BasePermission):
    """Reads are scoped by the queryset; a change needs a role at all (else 403 before any
    lookup) and the view's `may_change` for the visible object (else 403)."""

    message = _("U mag dit niet wijzigen.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return bool(programme_access.roles_of(request.user))

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return view.may_change(request.user, obj)


class StaffView:
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    parser_classes = [SafeJSONParser]


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
        if self.action == "withdraw":
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


# --- staff: waitlists, rosters, attendance, class bookings -------------------------------


def _roster_group(user: Any, group_id: int) -> Group:
    # The answers name no trainers: no query for them (roster_groups prefetches them).
    group = selectors.roster_groups(user).prefetch_related(None).filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("Niet gevonden."))
    return group


def _roster_row_data(row: selectors.RosterRow) -> dict[str, Any]:
    """A roster row as the roster page shows it (`enrolment.selectors.RosterRow`)."""
    row.child.age = row.age  # for RosterChildSerializer
    return {
        "public_id": row.enrolment.public_id,
        "child": row.child,
        "status": row.enrolment.status,
        "status_display": row.status_label,
        "waitlist_position": row.waitlist_position,
        "consent_complete": row.consent_complete,
        "consent_summary": row.consent_summary,
        "consent": [
            {"who": line.who, "state": line.state, "label": line.label}
            for line in row.consent_lines
        ],
        "intake": row.intake_label,
        "absent_twice": row.absent_twice,
        "guardians": _guardians_data(row.guardians),
    }


class WaitlistView(StaffView, APIView):
    permission_classes = [IsAuthenticated, HasStaffRole]

    @extend_schema(
        operation_id="waitlists_list",
        parameters=[GROUP_ID],
        responses={200: WaitlistEntrySerializer(many=True)},
        description="De wachtlijst van een groep in de volgorde waarin plaatsen worden "
        "aangeboden, met de plaats van elk kind in de hele rij. Een coördinator ziet alleen "
        "de leerlingen van de eigen school.",
    )
    def get(self, request: Request, group_id: int) -> Response:
        group = _roster_group(request.user, group_id)
        line = selectors.roster(request.user, group).waitlist
        rows = [
            {
                "position": row.waitlist_position,
                "public_id": row.enrolment.public_id,
                "child": row.child,
                "priority": row.enrolment.priority,
                "created_at": row.enrolment.created_at,
                "consent_complete": row.consent_complete,
            }
            for row in line
        ]
        return Response(WaitlistEntrySerializer(rows, many=True).data)


class RosterView(StaffView, APIView):
    permission_classes = [IsAuthenticated, HasStaffRole]

    @extend_schema(
        operation_id="rosters_retrieve",
        parameters=[GROUP_ID],
        responses={200: RosterSerializer},
        description="De deelnemerslijst van een groep zoals de pagina hem toont: kind, "
        "school, groep/klas, status, toestemming, intake en de contactgegevens van de "
        "ouders; daarna de wachtlijst. Een trainer ziet alleen de eigen groepen, een "
        "coördinator de leerlingen van de eigen school. Elke opvraging komt in het auditlog.",
    )
    def get(self, request: Request, group_id: int) -> Response:
        group = _roster_group(request.user, group_id)
        roster = selectors.roster(request.user, group)
        audit_record(
            actor=request.user, action=AuditAction.ROSTER_VIEWED, target=f"group {group.pk}"
        )
        data = {
            "group": group,
            "seats_taken": roster.seats_taken,
            "participants": [_roster_row_data(row) for row in roster.participants],
            "waitlist": [_roster_row_data(row) for row in roster.waitlist],
        }
        return Response(RosterSerializer(data).data)


class AttendanceView(StaffView, APIView):
    """Attendance at one child session: the group's trainers and the manager mark it; a
    coordinator may read it for their own pupils."""

    permission_classes = [IsAuthenticated, HasStaffRole]

    def _session(self, session_id: int) -> Session:
        groups = access.attendance_groups_readable_by(self.request.user)
        session = (
            Session.objects.filter(pk=session_id, group__in=groups)
            .select_related("group__programme")
            .first()
        )
        if session is None:
            raise NotFound(_("Niet gevonden."))
        return session

    def _sheet(self, session: Session) -> Response:
        rows = [
            {
                "enrolment": enrolment.public_id,
                "child_first_name": enrolment.child.first_name,
                "child_last_name": enrolment.child.last_name,
                "status": mark.status if mark else None,
                "note": mark.note if mark else "",
            }
            for enrolment, mark in selectors.attendance_sheet(
                self.request.user, session.group, session
            )
        ]
        data = {
            "session": session,
            "can_edit": access.can_take_attendance(self.request.user, session.group),
            "rows": rows,
        }
        return Response(AttendanceSheetSerializer(data).data)

    @extend_schema(
        operation_id="attendance_retrieve",
        parameters=[path_id("session_id", "De bijeenkomst (id).")],
        responses={200: AttendanceSheetSerializer},
        description="Wie er bij een bijeenkomst was: de bevestigde kinderen van de groep met "
        "hun aanwezigheid (of leeg als die nog niet is ingevuld).",
    )
    def get(self, request: Request, session_id: int) -> Response:
        return self._sheet(self._session(session_id))

    @extend_schema(
        operation_id="attendance_update",
        parameters=[path_id("session_id", "De bijeenkomst (id).")],
        request=AttendanceInputSerializer,
        responses={200: AttendanceSheetSerializer},
        description="Vul de aanwezigheid in (aanwezig, afwezig, afgemeld, met een notitie). "
        "Alleen de trainers van de groep en de programmabeheerder. Alles of niets: bij een "
        "fout wordt niets opgeslagen.",
    )
    def put(self, request: Request, session_id: int) -> Response:
        session = self._session(session_id)
        if not access.can_take_attendance(request.user, session.group):
            raise PermissionDenied(_("Alleen de trainers van de groep vullen de aanwezigheid in."))
        data = validated(AttendanceInputSerializer, request.data)
        public_ids = [record["enrolment"] for record in data["records"]]
        if len(set(public_ids)) != len(public_ids):
            raise ValidationError({"records": [_("Noem elk kind één keer.")]})
        ids = dict(
            access.enrolments_visible_to(request.user)
            .filter(group=session.group, public_id__in=public_ids)
            .values_list("public_id", "pk")
        )
        unknown = [str(p) for p in public_ids if p not in ids]
        if unknown:
            raise ValidationError(
                {"records": [_("Deze kinderen horen niet bij deze groep: %s") % ", ".join(unknown)]}
            )
        services.attendance_record(
            session=session,
            marks={ids[r["enrolment"]]: (r["status"], r["note"]) for r in data["records"]},
            recorded_by=request.user,
        )
        return self._sheet(session)


class ClassBookingView(StaffView, APIView):
    """The class booked into a class-mode group (class, number of pupils, mentor).

    No pupil data: the booking is a few fields on the group.
    """

    permission_classes = [IsAuthenticated, HasStaffRole]

    def _group(self, group_id: int) -> Group:
        group = (
            scheduler_access.groups_visible_to(self.request.user)
            .filter(pk=group_id, programme__enrolment_mode=EnrolmentMode.CLASS)
            .select_related("programme", "host_school")
            .first()
        )
        if group is None:
            raise NotFound(_("Niet gevonden."))
        return group

    def _answer(self, group: Group) -> Response:
        data = {
            "group": group.pk,
            "programme": group.programme.name,
            "host_school": group.host_school.name,
            "status": group.status,
            "class_name": group.class_name,
            "class_size": group.class_size,
            "mentor_name": group.mentor_name,
            "mentor_email": group.mentor_email,
            "can_book": scheduler_access.can_book_class(self.request.user, group.host_school_id),
        }
        return Response(ClassBookingSerializer(data).data)

    @extend_schema(
        operation_id="class_bookings_retrieve",
        parameters=[GROUP_ID],
        responses={200: ClassBookingSerializer},
    )
    def get(self, request: Request, group_id: int) -> Response:
        return self._answer(self._group(group_id))

    @extend_schema(
        operation_id="class_bookings_set",
        parameters=[GROUP_ID],
        request=ClassBookingInputSerializer,
        responses={200: ClassBookingSerializer},
        description="Boek een klas in een groep van een klassenprogramma, of wijzig de "
        "boeking: de coördinator van de school of de programmabeheerder.",
    )
    def post(self, request: Request, group_id: int) -> Response:
        group = self._group(group_id)
        if not scheduler_access.can_book_class(request.user, group.host_school_id):
            raise PermissionDenied(_("Alleen de coördinator van de school boekt een klas."))
        data = validated(ClassBookingInputSerializer, request.data)
        group = scheduler_services.class_booking_set(group=group, booked_by=request.user, **data)
        return self._answer(self._group(group.pk))


# --- routes ------------------------------------------------------------------------------

router = SimpleRouter()
router.register("enrolments", EnrolmentViewSet, basename="enrolment")

urlpatterns = [
    path("public/schools/", PublicSchoolListView.as_view(), name="api-public-schools"),
    re_path(
        r"^public/schools/(?P<school_id>[0-9]{1,18})/groups/$",
        PublicSchoolGroupsView.as_view(),
        name="api-public-school-groups",
    ),
    path("public/programmes/", PublicProgrammeListView.as_view(), name="api-public-programmes"),
    path("public/consent-text/", PublicConsentTextView.as_view(), name="api-public-consent-text"),
    path("public/enrolments/", PublicEnrolmentView.as_view(), name="api-public-enrolments"),
    path("public/interest/", PublicInterestView.as_view(), name="api-public-interest"),
    path("public/links/confirm/", PublicLinkConfirmView.as_view(), name="api-link-confirm"),
    path("public/links/consent/", PublicLinkConsentView.as_view(), name="api-link-consent"),
    path("public/links/offer/", PublicLinkOfferView.as_view(), name="api-link-offer"),
    path("public/links/status/", PublicLinkStatusView.as_view(), name="api-link-status"),
    path("public/links/withdraw/", PublicLinkWithdrawView.as_view(), name="api-link-withdraw"),
    re_path(r"^waitlists/(?P<group_id>[0-9]{1,18})/$", WaitlistView.as_view(), name="api-waitlist"),
    re_path(r"^rosters/(?P<group_id>[0-9]{1,18})/$", RosterView.as_view(), name="api-roster"),
    re_path(
        r"^attendance/(?P<session_id>[0-9]{1,18})/$",
        AttendanceView.as_view(),
        name="api-attendance",
    ),
    re_path(
        r"^class-bookings/(?P<group_id>[0-9]{1,18})/$",
        ClassBookingView.as_view(),
        name="api-class-booking",
    ),
    *router.urls,
]
