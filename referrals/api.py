"""The referrals API under /api/v1/: thin views over `selectors` (who sees what) and
`services` (what changes). Scoped like the rest: an object outside the user's scope is a 404.

- `referrals/`: a referrer's own invitations, status only (sent, opened, enrolled, declined,
  expired, revoked), never an enrolment or a child; create, `resend/`, `revoke/`.
- `wijkteam-workers/`: the programme manager makes and changes the role.
- `talk-slots/`: a wijkteammedewerker's slots (with whether each is booked); create, `cancel/`.
- `talk-bookings/`: the bookings of the worker's slots (address and optional name only).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from core.api import AccessRules, validated
from core.api_auth import ApiTokenAuthentication
from programmes import access
from programmes.models import Programme, School
from referrals import selectors, services
from referrals.models import (
    Language,
    Referral,
    TalkBooking,
    TalkPlace,
    TalkSlot,
    WijkteamWorker,
)
from referrals.views_public import BOOKED_MESSAGE, UUID_TEXT, too_many_bookings
from scheduler.models import Group

# --- serializers ---------------------------------------------------------------------------


class ReferralSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "programme",
            "school",
            "group",
            "email",
            "language",
            "note",
            "status",
            "sent_at",
            "expires_at",
            "times_sent",
        ]
        read_only_fields = fields

    def get_status(self, referral: Referral) -> str:
        return referral.shown_status()


class ReferralInputSerializer(serializers.Serializer):
    # Any programme and school: whether the referrer may use them is the service's verdict.
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    school = serializers.PrimaryKeyRelatedField(queryset=School.objects.all())
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(), required=False, allow_null=True
    )
    email = serializers.EmailField()
    language = serializers.ChoiceField(choices=Language.choices, default=Language.DUTCH)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WorkerSerializer(serializers.ModelSerializer):
    schools = serializers.PrimaryKeyRelatedField(
        queryset=School.objects.all(), many=True, required=False
    )
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = WijkteamWorker
        fields = ["id", "user", "name", "schools", "office_address", "active"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        if self.instance is not None:  # the account of a worker does not change
            fields["user"].read_only = True
        return fields


class TalkSlotSerializer(serializers.ModelSerializer):
    booked = serializers.BooleanField(source="is_booked", read_only=True, default=False)

    class Meta:
        model = TalkSlot
        fields = [
            "id",
            "starts_at",
            "minutes",
            "place",
            "school",
            "book_days_ahead",
            "cancelled_at",
            "booked",
        ]
        read_only_fields = ["cancelled_at", "booked"]


class TalkSlotInputSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    minutes = serializers.IntegerField(default=45)
    place = serializers.ChoiceField(choices=TalkPlace.choices)
    school = serializers.PrimaryKeyRelatedField(
        queryset=School.objects.all(), required=False, allow_null=True
    )
    book_days_ahead = serializers.IntegerField(default=14)


class TalkBookingSerializer(serializers.ModelSerializer):
    starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True)

    class Meta:
        model = TalkBooking
        fields = ["id", "slot", "starts_at", "name", "email", "language", "status"]
        read_only_fields = fields


# --- views -----------------------------------------------------------------------------------


class _Scoped:
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, AccessRules]

    def may_change(self, user: Any, obj: Model) -> bool:
        return self.may_write(user)  # type: ignore[attr-defined]


@extend_schema(tags=["referrals"])
class ReferralViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A referrer's own invitations, status only."""

    serializer_class = ReferralSerializer
    lookup_field = "public_id"
    filterset_fields = ["programme", "school", "status"]
    ordering_fields = ["sent_at", "expires_at"]
    ordering = ["-sent_at", "-id"]

    def may_write(self, user: Any) -> bool:
        return services.may_refer(user)

    queryset = Referral.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Referral]:
        user = self.request.user
        if not user.is_authenticated:
            return Referral.objects.none()
        return selectors.referrals_visible_to(user).filter(referrer=user)

    @extend_schema(request=ReferralInputSerializer, responses={201: ReferralSerializer})
    def create(self, request: Request) -> Response:
        """Send a family a personal invitation (wijkteammedewerker or school coordinator)."""
        data = validated(ReferralInputSerializer, request.data)
        referral = services.referral_send(referrer=request.user, **data)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, public_id: str | None = None) -> Response:
        """Send the invitation again, with a new link (the old one stops working)."""
        referral = services.referral_resend(referral=self.get_object())
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=None, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, public_id: str | None = None) -> Response:
        """Withdraw the invitation: its link stops working."""
        referral = services.referral_revoke(referral=self.get_object())
        return Response(ReferralSerializer(referral).data)


@extend_schema(tags=["referrals"])
class WijkteamWorkerViewSet(
    _Scoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The programme manager makes a user a wijkteammedewerker and links their schools."""

    serializer_class = WorkerSerializer
    ordering = ["id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def may_write(self, user: Any) -> bool:
        return access.can_manage_catalogue(user)

    def get_queryset(self) -> QuerySet[WijkteamWorker]:
        return selectors.workers_visible_to(self.request.user).order_by("pk")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.wijkteam_worker_create(**serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.wijkteam_worker_update(
            worker=serializer.instance, **serializer.validated_data
        )


@extend_schema(tags=["referrals"])
class TalkSlotViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A wijkteammedewerker's slots for prevention talks."""

    serializer_class = TalkSlotSerializer
    ordering = ["starts_at", "id"]

    def may_write(self, user: Any) -> bool:
        return access.is_wijkteam(user)

    def get_queryset(self) -> QuerySet[TalkSlot]:
        return selectors.slots_visible_to(self.request.user)

    @extend_schema(request=TalkSlotInputSerializer, responses={201: TalkSlotSerializer})
    def create(self, request: Request) -> Response:
        """Publish a slot (the worker's own; the same checks as the page)."""
        worker = selectors.worker_of(request.user)
        if worker is None:
            self.permission_denied(request)
        data = validated(TalkSlotInputSerializer, request.data)
        slot = services.talk_slot_create(worker=worker, **data)
        return Response(TalkSlotSerializer(slot).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TalkSlotSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Take the slot back; a parent who booked it is told (calendar CANCEL)."""
        slot = services.talk_slot_cancel(slot=self.get_object())
        return Response(TalkSlotSerializer(slot).data)


@extend_schema(tags=["referrals"])
class TalkBookingViewSet(
    _Scoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The bookings of the worker's own slots."""

    serializer_class = TalkBookingSerializer
    ordering = ["slot__starts_at", "id"]
    filterset_fields = ["status"]

    def may_write(self, user: Any) -> bool:
        return False

    def get_queryset(self) -> QuerySet[TalkBooking]:
        return selectors.bookings_visible_to(self.request.user)


# --- public: booking a talk (no account) --------------------------------------------------


class PublicSlotSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", read_only=True)
    school = serializers.CharField(source="school.name", default="", read_only=True)

    class Meta:
        model = TalkSlot
        fields = ["id", "starts_at", "minutes", "place", "school"]
        read_only_fields = fields


class PublicBookingInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=Language.choices, default=Language.DUTCH)


class PublicBookingAnswerSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    message = serializers.CharField()


class PublicTalkThrottle(BaseThrottle):
    """The public booking page's limit (`views_public.too_many_bookings`), for POSTs."""

    def allow_request(self, request: Request, view: Any) -> bool:
        return request.method != "POST" or not too_many_bookings(request)


class _PublicTalkView(APIView):
    """No account, no session (so no CSRF target), JSON only."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicTalkThrottle]


class PublicSlotListView(_PublicTalkView):
    @extend_schema(
        operation_id="public_talk_slots",
        auth=[],
        responses={200: PublicSlotSerializer(many=True)},
        description="De vrije tijden voor een gesprek met het wijkteam die ouders nu kunnen "
        "boeken.",
    )
    def get(self, request: Request) -> Response:
        return Response(PublicSlotSerializer(selectors.bookable_slots(), many=True).data)


class PublicSlotBookView(_PublicTalkView):
    @extend_schema(
        operation_id="public_talk_book",
        auth=[],
        parameters=[OpenApiParameter("uid", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        request=PublicBookingInputSerializer,
        responses={201: PublicBookingAnswerSerializer},
        description="Boek een vrije tijd. De bevestiging, met de agenda-uitnodiging en de link "
        "om te verplaatsen of af te zeggen, komt per e-mail.",
    )
    def post(self, request: Request, uid: str) -> Response:
        slot = TalkSlot.objects.filter(uid=uid).first() if UUID_TEXT.fullmatch(uid) else None
        if slot is None:
            raise NotFound
        data = validated(PublicBookingInputSerializer, request.data)
        booking, _token = services.talk_book(slot_id=slot.pk, **data)
        answer = {"starts_at": booking.slot.starts_at, "message": BOOKED_MESSAGE}
        return Response(PublicBookingAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)


router = DefaultRouter()
router.include_format_suffixes = False
router.include_root_view = False
router.register("referrals", ReferralViewSet, basename="api-referral")
router.register("wijkteam-workers", WijkteamWorkerViewSet, basename="api-wijkteam-worker")
router.register("talk-slots", TalkSlotViewSet, basename="api-talk-slot")
router.register("talk-bookings", TalkBookingViewSet, basename="api-talk-booking")

urlpatterns = [
    *router.urls,
    path("public/talk-slots/", PublicSlotListView.as_view(), name="api-public-talk-slots"),
    path(
        "public/talk-slots/<uid>/book/",
        PublicSlotBookView.as_view(),
        name="api-public-talk-book",
    ),
]
