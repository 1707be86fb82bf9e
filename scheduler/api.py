"""The scheduler API under /api/v1/: groups, sessions, planning requests and planner runs.

The same habits as the catalogue API (`programmes.api`):

- reads go through `scheduler.access.<thing>_visible_to(user)`, so an object outside
  the user's scope is a 404;
- writes are allowed by `AccessRules`, which asks the view's `may_write` (any change
  here at all, else 403 before any lookup) and `may_change` (this visible object, else
  403), both answered by `scheduler.access`; trainers read their groups, never change them;
- the view hands validated data to `scheduler.services`; a `ValidationError` becomes a
  400 with field messages (`config.api.exception_handler`).

Conflicts: every refused change because of conflicts answers **409** with
`{"detail", "conflicts": [...], "can_override"}`, for hard conflicts (never
`can_override`) and soft ones alike (`can_override` is true when the caller may accept
them by sending `override_soft_conflicts: true` again). The services run in one
transaction, so nothing changes on any error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import Serializer

from core.api import AccessRules, validated
from core.api_auth import ApiTokenAuthentication
from programmes.models import Trainer
from scheduler import access, selectors, services
from scheduler.conflicts import Conflict
from scheduler.filters import GroupFilter, PlannerRunFilter, PlanningRequestFilter, SessionFilter
from scheduler.models import Group, PlannerRun, PlanningRequest, Session
from scheduler.serializers import (
    ConflictCheckSerializer,
    ConflictResponseSerializer,
    GroupCancelSerializer,
    GroupCreateSerializer,
    GroupDetailSerializer,
    GroupListSerializer,
    GroupNotStartedSerializer,
    GroupPoolSerializer,
    GroupPostponeSerializer,
    GroupPreviewSerializer,
    GroupReplaceTrainerSerializer,
    GroupTransitionSerializer,
    PlannerRunAcceptedSerializer,
    PlannerRunAcceptSerializer,
    PlannerRunSerializer,
    PlanningRequestSerializer,
    SeriesPreviewSerializer,
    SessionCancelledSerializer,
    SessionCancelSerializer,
    SessionConflictQuerySerializer,
    SessionMoveSerializer,
    SessionSerializer,
)

CONFLICT_RESPONSE = OpenApiResponse(
    ConflictResponseSerializer,
    description="Refused because of conflicts; nothing was changed. Hard conflicts cannot be "
    "overridden; soft ones can by the programme manager (`can_override`).",
)


def conflicts_as_data(conflicts: Sequence[Conflict]) -> list[dict[str, Any]]:
    return [
        {
            "kind": str(c.kind),
            "severity": str(c.severity),
            "message": c.message,
            "starts_at": c.starts_at,
            "trainer_id": c.trainer_id,
            "other_session_id": c.other_session_id,
        }
        for c in conflicts
    ]


def may_override(user: Any, conflicts: Sequence[Conflict]) -> bool:
    """Whether `user` could accept these conflicts: all soft, and they may override."""
    return (
        bool(conflicts)
        and not any(c.is_hard for c in conflicts)
        and access.can_override_soft_conflicts(user)
    )


def override_by(user: Any, requested: bool) -> Any | None:
    """The user who accepts soft conflicts, when asked and allowed; otherwise nobody.

    Without the right the request goes on as if not asked: soft conflicts are then
    refused with `can_override: false`.
    """
    return user if requested and access.can_override_soft_conflicts(user) else None


class SchedulerViewSet(viewsets.GenericViewSet):
    """Base: scoped reads, writes through `scheduler.services`, conflicts as 409.

    Token authentication comes first, so an anonymous request gets a 401.
    """

    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, AccessRules]

    def may_write(self, user: Any) -> bool:
        return access.can_plan_groups(user)

    def may_change(self, user: Any, obj: Model) -> bool:
        raise NotImplementedError

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.ConflictError | services.SoftConflictError):
            hard = isinstance(exc, services.ConflictError)
            can_override = not hard and may_override(self.request.user, exc.conflicts)
            if hard:
                detail = _("Dit botst met de planning; er is niets gewijzigd.")
            elif can_override:
                detail = _(
                    "Er zijn waarschuwingen; er is niets gewijzigd. Stuur het verzoek opnieuw "
                    "met override_soft_conflicts om ze te accepteren."
                )
            else:
                detail = _(
                    "Er zijn waarschuwingen die alleen de programmabeheerder kan accepteren; "
                    "er is niets gewijzigd."
                )
            response = Response(
                {
                    "detail": detail,
                    "conflicts": conflicts_as_data(exc.conflicts),
                    "can_override": can_override,
                },
                status=status.HTTP_409_CONFLICT,
            )
            response.exception = True
            return response
        return super().handle_exception(exc)


# --- groups ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="Groepen binnen uw bereik."),
    retrieve=extend_schema(description="Een groep met trainers, toegelaten scholen en sessies."),
)
class GroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchedulerViewSet):
    """Groups: the manager and the host school's coordinators plan; trainers read their own."""

    filterset_class = GroupFilter
    search_fields = [
        "round_label",
        "class_name",
        "host_school__name",
        "programme__code",
        "programme__name_nl",
    ]
    ordering_fields = ["first_date", "round_label", "status", "host_school__name", "created_at"]
    ordering = ["first_date", "id"]

    def get_queryset(self) -> QuerySet[Group]:
        groups = selectors.group_list(self.request.user)
        if self.action == "list":
            return groups
        return groups.prefetch_related(
            "admitted_schools",
            Prefetch("sessions", queryset=Session.objects.prefetch_related("overrides")),
        )

    def get_serializer_class(self) -> type[Serializer]:
        return GroupListSerializer if self.action == "list" else GroupDetailSerializer

    def may_change(self, user: Any, obj: Group) -> bool:
        return access.can_change_group(user, obj)

    def _check_host_school(self, school_id: int) -> None:
        # The school field only offers visible schools; this keeps the rule explicit.
        if not access.can_plan_groups_at(self.request.user, school_id):
            raise PermissionDenied(AccessRules.message)

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        group = self.get_queryset().get(pk=pk)
        return Response(GroupDetailSerializer(group).data, status=status_code)

    @extend_schema(
        request=GroupCreateSerializer,
        responses={201: GroupDetailSerializer, 409: CONFLICT_RESPONSE},
        description="Maak een conceptgroep en genereer de bijeenkomsten rond de gesloten "
        "dagen van de school. Zachte conflicten alleen met override_soft_conflicts door de "
        "programmabeheerder; die acceptatie wordt vastgelegd.",
    )
    def create(self, request: Request) -> Response:
        data = validated(GroupCreateSerializer, request.data, request=request)
        self._check_host_school(data["host_school"].pk)
        override = override_by(request.user, data.pop("override_soft_conflicts"))
        # Only the manager may plan in a year without holidays; for others the flag is ignored.
        data["confirm_no_holidays"] = data["confirm_no_holidays"] and (
            access.can_confirm_no_holidays(request.user)
        )
        created = services.group_create(**data, created_by=request.user, override_by=override)
        return self._detail(created.group.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=GroupPreviewSerializer,
        responses={200: SeriesPreviewSerializer},
        description="De bijeenkomsten die een groep zou krijgen, de overgeslagen data met de "
        "reden, en de conflicten. Er wordt niets opgeslagen.",
    )
    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        data = validated(GroupPreviewSerializer, request.data, request=request)
        self._check_host_school(data["host_school"].pk)
        series = {
            key: data[key]
            for key in (
                "programme",
                "host_school",
                "first_date",
                "weekday",
                "start_time",
                "parent_meeting_time",
                "class_name",
            )
            if key in data
        }
        plan = services.group_preview(**series)
        group_like = Group(
            programme=data["programme"], host_school=data["host_school"], room=data.get("room", "")
        )
        conflicts = services.series_conflicts(
            group_like=group_like, trainers=data.get("trainers", []), plan=plan
        )
        body = {
            "sessions": [
                {
                    "kind": str(s.kind),
                    "sequence": s.sequence,
                    "starts_at": s.starts_at,
                    "ends_at": s.ends_at,
                }
                for s in plan.sessions
            ],
            "skipped": [{"date": s.date, "reasons": list(s.reasons)} for s in plan.skipped],
            "conflicts": conflicts_as_data(conflicts),
        }
        return Response(SeriesPreviewSerializer(body).data)

    @extend_schema(
        request=GroupTransitionSerializer,
        responses={200: GroupDetailSerializer},
        description="Zet de groep in een andere status, als die overgang is toegestaan.",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        group = self.get_object()
        data = validated(GroupTransitionSerializer, request.data, request=request)
        services.group_transition(group=group, to=data["to"])
        return self._detail(group.pk)

    @extend_schema(
        request=GroupCancelSerializer,
        responses={200: GroupDetailSerializer},
        description="Annuleer de groep en haar geplande bijeenkomsten.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        group = self.get_object()
        data = validated(GroupCancelSerializer, request.data, request=request)
        services.group_cancel(group=group, reason=data["reason"])
        return self._detail(group.pk)

    @extend_schema(
        request=GroupPoolSerializer,
        responses={200: GroupDetailSerializer},
        description=(
            "Voeg een groep met te weinig kinderen samen met een groep van hetzelfde programma "
            "en dezelfde ronde in de gemeente; de kinderen gaan mee (pooled_into)."
        ),
    )
    @action(detail=True, methods=["post"])
    def pool(self, request: Request, pk: str | None = None) -> Response:
        group = self.get_object()
        data = validated(GroupPoolSerializer, request.data, request=request)
        services.group_pool(
            group=group, into=data["into"], decided_by=request.user, reason=data["reason"]
        )
        return self._detail(group.pk)

    @extend_schema(
        request=GroupPostponeSerializer,
        responses={200: GroupDetailSerializer, 409: CONFLICT_RESPONSE},
        description="Stel een groep met te weinig kinderen uit: de hele reeks schuift mee.",
    )
    @action(detail=True, methods=["post"])
    def postpone(self, request: Request, pk: str | None = None) -> Response:
        group = self.get_object()
        data = validated(GroupPostponeSerializer, request.data, request=request)
        services.group_postpone(
            group=group,
            first_date=data["first_date"],
            decided_by=request.user,
            reason=data["reason"],
            override_by=override_by(request.user, data["override_soft_conflicts"]),
        )
        return self._detail(group.pk)

    @extend_schema(
        request=GroupNotStartedSerializer,
        responses={200: GroupDetailSerializer},
        description=(
            "Laat een groep met te weinig kinderen niet starten: ze wordt geannuleerd en "
            "ouders krijgen de andere open groepen aangeboden."
        ),
    )
    @action(detail=True, methods=["post"], url_path="not-started")
    def not_started(self, request: Request, pk: str | None = None) -> Response:
        group = self.get_object()
        data = validated(GroupNotStartedSerializer, request.data, request=request)
        services.group_not_started(group=group, decided_by=request.user, reason=data["reason"])
        return self._detail(group.pk)

    @extend_schema(
        request=GroupReplaceTrainerSerializer,
        responses={200: GroupDetailSerializer, 409: CONFLICT_RESPONSE},
        description="Vervang een trainer (of voeg er een toe) op alle komende bijeenkomsten.",
    )
    @action(detail=True, methods=["post"], url_path="replace-trainer")
    def replace_trainer(self, request: Request, pk: str | None = None) -> Response:
        group = self.get_object()
        data = validated(GroupReplaceTrainerSerializer, request.data, request=request, group=group)
        services.group_replace_trainer(
            group=group,
            old=data.get("old"),
            new=data["new"],
            override_by=override_by(request.user, data["override_soft_conflicts"]),
        )
        return self._detail(group.pk)


# --- sessions ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(description="Bijeenkomsten binnen uw bereik."),
)
class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchedulerViewSet):
    """Sessions: changed by whoever may change their group; read by everyone who sees it."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    search_fields = ["group__round_label", "group__host_school__name", "group__programme__name_nl"]
    ordering_fields = ["starts_at"]
    ordering = ["starts_at", "id"]

    def get_queryset(self) -> QuerySet[Session]:
        return (
            access.sessions_visible_to(self.request.user)
            .select_related("group__programme", "group__host_school")
            .prefetch_related(
                Prefetch("group__trainers", queryset=Trainer.objects.select_related("user")),
                "overrides",
            )
        )

    def may_change(self, user: Any, obj: Session) -> bool:
        return access.can_change_group(user, obj.group)

    def _session(self, pk: int) -> Session:
        return self.get_queryset().get(pk=pk)

    @extend_schema(
        request=SessionMoveSerializer,
        responses={200: SessionSerializer, 409: CONFLICT_RESPONSE},
        description="Verplaats één bijeenkomst, na controle op conflicten.",
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        data = validated(SessionMoveSerializer, request.data, request=request)
        services.session_move(
            session=session,
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            override_by=override_by(request.user, data["override_soft_conflicts"]),
        )
        return Response(SessionSerializer(self._session(session.pk)).data)

    @extend_schema(
        request=SessionCancelSerializer,
        responses={200: SessionCancelledSerializer, 409: CONFLICT_RESPONSE},
        description="Laat één bijeenkomst vervallen, eventueel met een vervangende aan het "
        "eind van de reeks.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        data = validated(SessionCancelSerializer, request.data, request=request)
        replacement = services.session_cancel(
            session=session,
            add_replacement=data["add_replacement"],
            override_by=override_by(request.user, data["override_soft_conflicts"]),
        )
        body = {
            "cancelled": self._session(session.pk),
            "replacement": self._session(replacement.pk) if replacement else None,
        }
        return Response(SessionCancelledSerializer(body).data)

    @extend_schema(
        request=SessionConflictQuerySerializer,
        responses={200: ConflictCheckSerializer},
        description="Welke conflicten de bijeenkomst op een ander tijdstip zou hebben. "
        "Er wordt niets opgeslagen.",
    )
    @action(detail=True, methods=["post"])
    def conflicts(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        data = validated(SessionConflictQuerySerializer, request.data, request=request)
        found = services.session_conflicts(
            session=session, starts_at=data["starts_at"], ends_at=data.get("ends_at")
        )
        body = {
            "conflicts": conflicts_as_data(found),
            "can_override": may_override(request.user, found),
        }
        return Response(ConflictCheckSerializer(body).data)


# --- planning requests -------------------------------------------------------------------


class PlanningRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchedulerViewSet):
    """Planning requests: a coordinator asks for their own school; the manager sees all."""

    serializer_class = PlanningRequestSerializer
    filterset_class = PlanningRequestFilter
    search_fields = ["round_label", "class_name", "notes", "school__name", "programme__name_nl"]
    ordering_fields = ["created_at", "window_start", "expected_children"]
    ordering = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[PlanningRequest]:
        return access.requests_visible_to(self.request.user).select_related(
            "school", "programme", "school_year"
        )

    def may_change(self, user: Any, obj: PlanningRequest) -> bool:
        return access.can_request_at(user, obj.school_id)

    @extend_schema(
        request=PlanningRequestSerializer,
        responses={201: PlanningRequestSerializer},
        description="Vraag een programma aan voor uw school in een periode.",
    )
    def create(self, request: Request) -> Response:
        data = validated(PlanningRequestSerializer, request.data, request=request)
        # The school field only offers visible schools; this keeps the rule explicit.
        if not access.can_request_at(request.user, data["school"].pk):
            raise PermissionDenied(AccessRules.message)
        created = services.planning_request_create(**data, requested_by=request.user)
        return Response(
            PlanningRequestSerializer(self.get_queryset().get(pk=created.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=None,
        responses={200: PlanningRequestSerializer},
        description="Trek een open verzoek in.",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        planning_request = services.planning_request_withdraw(request=self.get_object())
        return Response(PlanningRequestSerializer(planning_request).data)


# --- planner runs ------------------------------------------------------------------------


class PlannerRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchedulerViewSet):
    """Year planner runs: the programme manager only."""

    serializer_class = PlannerRunSerializer
    filterset_class = PlannerRunFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[PlannerRun]:
        return access.planner_runs_visible_to(self.request.user).select_related("school_year")

    def may_write(self, user: Any) -> bool:
        return access.can_run_planner(user)

    def may_change(self, user: Any, obj: PlannerRun) -> bool:
        return access.can_run_planner(user)

    @extend_schema(
        request=PlannerRunSerializer,
        responses={202: PlannerRunSerializer},
        description="Start de jaarplanner voor de open verzoeken van een schooljaar. De run "
        "loopt op de achtergrond; volg status en progress via GET.",
    )
    def create(self, request: Request) -> Response:
        data = validated(PlannerRunSerializer, request.data, request=request)
        run = services.planner_run_start(
            school_year=data["school_year"],
            started_by=request.user,
            time_limit_seconds=data["time_limit_seconds"],
            confirm_no_holidays=data["confirm_no_holidays"],
        )
        # The task may already have finished (eager Celery): answer what is stored now.
        run = self.get_queryset().get(pk=run.pk)
        return Response(PlannerRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=PlannerRunAcceptSerializer,
        responses={201: PlannerRunAcceptedSerializer, 409: CONFLICT_RESPONSE},
        description="Maak conceptgroepen van (een deel van) het voorstel.",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        run = self.get_object()
        data = validated(PlannerRunAcceptSerializer, request.data, request=request)
        groups = services.planner_run_accept(
            run=run,
            request_ids=data["request_ids"],
            accepted_by=request.user,
            confirm_no_holidays=data["confirm_no_holidays"],
        )
        return Response(
            {"group_ids": [group.pk for group in groups]}, status=status.HTTP_201_CREATED
        )


router = SimpleRouter()
router.register("groups", GroupViewSet, basename="group")
router.register("sessions", SessionViewSet, basename="session")
router.register("planning-requests", PlanningRequestViewSet, basename="planning-request")
router.register("planner-runs", PlannerRunViewSet, basename="planner-run")

urlpatterns = router.urls
