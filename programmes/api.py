"""The catalogue API under /api/v1/: thin views over `access` (who) and `services` (what).

Every view reads through an `access.<thing>_visible_to(user)` queryset, so an
object outside the user's scope is a 404, never a 403 that confirms it exists.
Writes are allowed by `AccessRules`, which asks the view's `may_write` and
`may_change`, which ask `programmes.access`; the view then hands the validated
data to a service. A service's `ValidationError` becomes a 400 with field
messages in `config.api.exception_handler`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db.models import Model, Prefetch, QuerySet
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.serializers import BaseSerializer
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api import AccessRules, validated
from core.api_auth import ApiTokenAuthentication
from programmes import access, accounts, api_tokens, services
from programmes.filters import (
    ProgrammeFilter,
    SchoolClosureFilter,
    SchoolFilter,
    SchoolHolidayFilter,
    SchoolYearFilter,
    TrainerFilter,
    TrainerUnavailabilityFilter,
)
from programmes.models import (
    Programme,
    Qualification,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)
from programmes.serializers import (
    AuthTokenSerializer,
    CertificateSerializer,
    ProgrammeSerializer,
    SchoolClosureSerializer,
    SchoolHolidaySerializer,
    SchoolSerializer,
    SchoolYearSerializer,
    TokenSerializer,
    TrainerSerializer,
    TrainerUnavailabilitySerializer,
)


class CatalogueViewSet(viewsets.ModelViewSet):
    """Base: scoped reads, writes for the programme manager through the services.

    Token authentication comes first so an anonymous request gets a 401 with a
    `WWW-Authenticate` header rather than a bare 403.
    """

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, AccessRules]

    def may_write(self, user: Any) -> bool:
        return access.can_manage_catalogue(user)

    def may_change(self, user: Any, obj: Model) -> bool:
        return access.can_manage_catalogue(user)

    # Subclasses call their services here.
    def create_object(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def update_object(self, instance: Any, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def delete_object(self, instance: Any) -> None:
        raise NotImplementedError

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = self.create_object(dict(serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = self.update_object(
            serializer.instance, dict(serializer.validated_data)
        )

    def perform_destroy(self, instance: Model) -> None:
        self.delete_object(instance)


class ProgrammeViewSet(CatalogueViewSet):
    """Programmes: everyone signed in sees the active ones; the manager sees all."""

    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    search_fields = ["code", "name_nl", "name_en", "description_nl"]
    ordering_fields = ["code", "name_nl", "name_en", "audience", "age_min"]
    ordering = ["name_nl", "id"]

    def get_queryset(self) -> QuerySet[Programme]:
        return access.programmes_visible_to(self.request.user)

    def create_object(self, data: dict[str, Any]) -> Programme:
        return services.programme_create(**data)

    def update_object(self, instance: Programme, data: dict[str, Any]) -> Programme:
        return services.programme_update(programme=instance, **data)

    def delete_object(self, instance: Programme) -> None:
        services.programme_delete(programme=instance)


class SchoolViewSet(CatalogueViewSet):
    """Schools: the manager sees all, a coordinator their own, anyone else none."""

    serializer_class = SchoolSerializer
    filterset_class = SchoolFilter
    search_fields = ["name", "brin", "city", "municipality", "postcode"]
    ordering_fields = ["name", "brin", "city", "municipality", "school_type"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[School]:
        return access.schools_visible_to(self.request.user).prefetch_related("coordinators")

    def create_object(self, data: dict[str, Any]) -> School:
        return services.school_create(**data)

    def update_object(self, instance: School, data: dict[str, Any]) -> School:
        return services.school_update(school=instance, **data)

    def delete_object(self, instance: School) -> None:
        services.school_delete(school=instance)


class TrainerViewSet(CatalogueViewSet):
    """Trainers: the manager sees all, a trainer only their own record."""

    serializer_class = TrainerSerializer
    filterset_class = TrainerFilter
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    ordering_fields = ["user__last_name", "user__first_name", "user__username"]
    ordering = ["user__last_name", "user__first_name", "id"]

    def get_queryset(self) -> QuerySet[Trainer]:
        return (
            access.trainers_visible_to(self.request.user)
            .select_related("user")
            .prefetch_related(
                "qualifications",
                Prefetch(
                    "certificates",
                    queryset=Qualification.objects.select_related("programme").order_by(
                        "programme__name_nl"
                    ),
                ),
            )
        )

    @extend_schema(
        request=CertificateSerializer,
        responses={200: TrainerSerializer},
        description="Leg het certificaat vast achter een kwalificatie van de trainer: nummer en "
        "laatste geldige dag (leeg: verloopt niet). Alleen de programmabeheerder. Na die dag "
        "mag de trainer geen bijeenkomst van het programma leiden.",
    )
    @action(detail=True, methods=["post"])
    def certificate(self, request: Request, pk: str | None = None) -> Response:
        trainer = self.get_object()  # writing is the manager's (AccessRules)
        data = validated(CertificateSerializer, request.data)
        services.qualification_certify(trainer=trainer, **data)
        return Response(TrainerSerializer(self.get_queryset().get(pk=trainer.pk)).data)

    def create_object(self, data: dict[str, Any]) -> Trainer:
        return services.trainer_create(**data)

    def update_object(self, instance: Trainer, data: dict[str, Any]) -> Trainer:
        data.pop("user", None)  # the serializer refuses a different user
        return services.trainer_update(trainer=instance, **data)

    def delete_object(self, instance: Trainer) -> None:
        services.trainer_delete(trainer=instance)


class TrainerUnavailabilityViewSet(CatalogueViewSet):
    """Periods a trainer cannot work: kept by the trainer themself or the manager."""

    serializer_class = TrainerUnavailabilitySerializer
    filterset_class = TrainerUnavailabilityFilter
    search_fields = ["reason", "trainer__user__first_name", "trainer__user__last_name"]
    ordering_fields = ["starts_at", "ends_at"]
    ordering = ["starts_at", "id"]

    def get_queryset(self) -> QuerySet[TrainerUnavailability]:
        return access.unavailabilities_visible_to(self.request.user).select_related("trainer__user")

    def may_write(self, user: Any) -> bool:
        return access.can_add_unavailabilities(user)

    def may_change(self, user: Any, obj: TrainerUnavailability) -> bool:
        return access.can_change_unavailability_of(user, obj.trainer)

    def _check_trainer(self, trainer: Trainer) -> None:
        # The trainer field only offers visible trainers; this keeps the rule explicit.
        if not access.can_change_unavailability_of(self.request.user, trainer):
            raise PermissionDenied(AccessRules.message)

    def create_object(self, data: dict[str, Any]) -> TrainerUnavailability:
        self._check_trainer(data["trainer"])
        return services.trainer_unavailability_create(**data)

    def update_object(
        self, instance: TrainerUnavailability, data: dict[str, Any]
    ) -> TrainerUnavailability:
        if "trainer" in data:
            self._check_trainer(data["trainer"])
        return services.trainer_unavailability_update(unavailability=instance, **data)

    def delete_object(self, instance: TrainerUnavailability) -> None:
        services.trainer_unavailability_delete(unavailability=instance)


@extend_schema_view(
    create=extend_schema(
        description="Maak een schooljaar aan uit het label (bijv. 2026-2027); het loopt "
        "van 1 augustus tot en met 31 juli."
    )
)
class SchoolYearViewSet(CatalogueViewSet):
    """School years. They are made from their label and not changed afterwards:
    the dates follow from the label, and holidays hang on the year."""

    serializer_class = SchoolYearSerializer
    filterset_class = SchoolYearFilter
    search_fields = ["label"]
    ordering_fields = ["start_date", "label"]
    ordering = ["start_date"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[SchoolYear]:
        return access.school_years_visible_to(self.request.user)

    def create_object(self, data: dict[str, Any]) -> SchoolYear:
        return services.school_year_create(label=data["label"])

    def delete_object(self, instance: SchoolYear) -> None:
        services.school_year_delete(school_year=instance)


class SchoolHolidayViewSet(CatalogueViewSet):
    """School holidays per region and school year, kept by the programme manager."""

    serializer_class = SchoolHolidaySerializer
    filterset_class = SchoolHolidayFilter
    search_fields = ["name", "source"]
    ordering_fields = ["start_date", "end_date", "region", "kind"]
    ordering = ["start_date", "region", "id"]

    def get_queryset(self) -> QuerySet[SchoolHoliday]:
        return access.holidays_visible_to(self.request.user).select_related("school_year")

    def create_object(self, data: dict[str, Any]) -> SchoolHoliday:
        return services.school_holiday_create(**data)

    def update_object(self, instance: SchoolHoliday, data: dict[str, Any]) -> SchoolHoliday:
        return services.school_holiday_update(holiday=instance, **data)

    def delete_object(self, instance: SchoolHoliday) -> None:
        services.school_holiday_delete(holiday=instance)


class SchoolClosureViewSet(CatalogueViewSet):
    """A school's own closed days: kept by the manager and that school's coordinators."""

    serializer_class = SchoolClosureSerializer
    filterset_class = SchoolClosureFilter
    search_fields = ["reason", "school__name"]
    ordering_fields = ["start_date", "end_date"]
    ordering = ["start_date", "id"]

    def get_queryset(self) -> QuerySet[SchoolClosure]:
        return access.closures_visible_to(self.request.user).select_related("school")

    def may_write(self, user: Any) -> bool:
        return access.can_add_closures(user)

    def may_change(self, user: Any, obj: SchoolClosure) -> bool:
        return access.can_change_closures_of(user, obj.school)

    def _check_school(self, school: School) -> None:
        # The school field only offers visible schools; this keeps the rule explicit.
        if not access.can_change_closures_of(self.request.user, school):
            raise PermissionDenied(AccessRules.message)

    def create_object(self, data: dict[str, Any]) -> SchoolClosure:
        self._check_school(data["school"])
        return services.school_closure_create(**data)

    def update_object(self, instance: SchoolClosure, data: dict[str, Any]) -> SchoolClosure:
        if "school" in data:
            self._check_school(data["school"])
        return services.school_closure_update(closure=instance, **data)

    def delete_object(self, instance: SchoolClosure) -> None:
        services.school_closure_delete(closure=instance)


class TokenRateThrottle(AnonRateThrottle):
    """Slows down password guessing at the token endpoint (per client address)."""

    scope = "auth_token"
    rate = "20/min"


class ObtainTokenView(APIView):
    """POST: exchange a username and password for a new API token (header
    `Authorization: Token …`), shown once. DELETE: revoke the token the request carries."""

    throttle_classes = [TokenRateThrottle]

    def get_authenticators(self) -> list[BaseAuthentication]:
        # POST: the credentials are in the body, and a browser session must not turn this
        # into a CSRF target; and a client still sending an expired token must get a new
        # one. DELETE: only the token itself says which token to revoke.
        if self._method() == "POST":
            return []
        return [ApiTokenAuthentication()]

    def get_permissions(self) -> list[BasePermission]:
        if self._method() == "POST":
            return []
        return [IsAuthenticated()]

    def _method(self) -> str | None:
        # The schema generator asks for the authenticators before it has set a request.
        return getattr(getattr(self, "request", None), "method", None)

    @extend_schema(
        operation_id="auth_token_create",
        description="Wissel een gebruikersnaam en wachtwoord in voor een nieuw API-token, mee "
        "te sturen als `Authorization: Token <token>`. Het token staat alleen in dit antwoord "
        "(bewaard wordt alleen een hash) en werkt tot `expires_at` of tot het is ingetrokken.",
        request=AuthTokenSerializer,
        responses={200: TokenSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(AuthTokenSerializer, request.data)
        # With the request, so django-axes counts a wrong password and refuses a locked
        # account; a lock answers 429 as the log-in page does, for a username with or
        # without an account alike.
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None and getattr(request, "axes_locked_out", False):
            retry_at, seconds = accounts.lockout_retry_after(request)
            raise Throttled(
                wait=seconds,
                detail=_(
                    "Inloggen is tijdelijk geblokkeerd na te veel mislukte pogingen. "
                    "Probeer het na %(time)s opnieuw."
                )
                % {"time": retry_at.strftime("%H:%M")},
            )
        if user is None:
            raise ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        _("Inloggen met deze gebruikersnaam en dit wachtwoord lukt niet.")
                    ]
                }
            )
        issued = api_tokens.api_token_create(user=user, name=data.get("name", ""))
        return Response(
            TokenSerializer(
                {
                    "token": issued.raw,
                    "prefix": issued.token.prefix,
                    "expires_at": issued.token.expires_at,
                }
            ).data
        )

    @extend_schema(
        operation_id="auth_token_destroy",
        request=None,
        responses={204: None},
        tags=["auth"],
        description="Trek het token in waarmee dit verzoek is gedaan; daarna geeft het 401.",
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        api_tokens.api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


router = DefaultRouter()
router.include_format_suffixes = False
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("schools", SchoolViewSet, basename="school")
router.register("trainers", TrainerViewSet, basename="trainer")
router.register(
    "trainer-unavailabilities", TrainerUnavailabilityViewSet, basename="trainer-unavailability"
)
router.register("school-years", SchoolYearViewSet, basename="school-year")
router.register("school-holidays", SchoolHolidayViewSet, basename="school-holiday")
router.register("school-closures", SchoolClosureViewSet, basename="school-closure")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    *router.urls,
]
