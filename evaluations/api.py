"""The questionnaires API under /api/v1/questionnaires/.

The same habits as the other API modules: token authentication first (anonymous: 401);
reading is for staff (the programme manager, coordinators and trainers; a user without a
role gets a 403), scoped to the programmes they may see (another is a 404); only the
programme manager makes a new version (a draft copy) and publishes one, through
`evaluations.services`, whose refusal becomes a 400 with field messages. A list takes a
fixed number of queries, whatever the number of questionnaires.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api import AccessRules
from core.api_auth import ApiTokenAuthentication
from core.filters import IdFilter
from evaluations import services
from evaluations.models import Question, Questionnaire, Respondent
from programmes import access


class IsStaff(BasePermission):
    """Whoever holds a role: manager, coordinator or trainer."""

    message = _("Alleen medewerkers kunnen de vragenlijsten inzien.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.is_staff_member(request.user)


class QuestionSerializer(serializers.ModelSerializer):
    options_nl = serializers.SerializerMethodField()
    options_en = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "id",
            "position",
            "kind",
            "text_nl",
            "text_en",
            "options_nl",
            "options_en",
            "measures",
            "goal",
        ]
        read_only_fields = fields

    def get_options_nl(self, question: Question) -> list[str]:
        return [line.strip() for line in question.options_nl.splitlines() if line.strip()]

    def get_options_en(self, question: Question) -> list[str]:
        return [line.strip() for line in question.options_en.splitlines() if line.strip()]


class QuestionnaireSerializer(serializers.ModelSerializer):
    moments = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("De momenten waarop deze vragenlijst vraagt: before, after, follow_up."),
    )
    is_published = serializers.SerializerMethodField()
    questions = QuestionSerializer(many=True, read_only=True)
    responses = serializers.IntegerField(
        source="response_count", read_only=True, help_text=_("Aantal ingevulde vragenlijsten.")
    )

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "programme",
            "respondent",
            "version",
            "title_nl",
            "title_en",
            "intro_nl",
            "intro_en",
            "before",
            "after",
            "follow_up_months",
            "moments",
            "published_at",
            "is_published",
            "responses",
            "questions",
        ]
        read_only_fields = fields

    def get_is_published(self, questionnaire: Questionnaire) -> bool:
        return questionnaire.published_at is not None


class QuestionnaireFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("programma (id)"))
    respondent = filters.ChoiceFilter(choices=Respondent.choices, label=_("wie vult in"))
    published = filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label=_("in gebruik")
    )

    class Meta:
        model = Questionnaire
        fields = ["programme", "respondent", "published"]


def questionnaires_visible_to(user: Any) -> QuerySet[Questionnaire]:
    """The questionnaires of the programmes a staff member may see, questions loaded."""
    return (
        Questionnaire.objects.filter(programme__in=access.programmes_visible_to(user))
        .annotate(response_count=Count("responses"))
        .prefetch_related(Prefetch("questions", Question.objects.order_by("position", "pk")))
    )


@extend_schema_view(
    list=extend_schema(
        description="De vragenlijsten per programma en groep respondenten, elke versie met "
        "haar vragen (soort, tekst, wat ze meet). Voor medewerkers."
    ),
    retrieve=extend_schema(description="Eén versie van een vragenlijst met haar vragen."),
)
class QuestionnaireViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, IsStaff, AccessRules]
    filter_backends = [DjangoFilterBackend]
    filterset_class = QuestionnaireFilter
    serializer_class = QuestionnaireSerializer

    def get_queryset(self) -> QuerySet[Questionnaire]:
        return questionnaires_visible_to(self.request.user).order_by(
            "programme__name_nl", "respondent", "-version", "pk"
        )

    def may_write(self, user: Any) -> bool:
        return access.is_manager(user)

    def may_change(self, user: Any, obj: Any) -> bool:
        return access.is_manager(user)

    def _answer(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        questionnaire = self.get_queryset().get(pk=pk)
        return Response(self.get_serializer(questionnaire).data, status=status_code)

    @extend_schema(
        request=None,
        responses={201: QuestionnaireSerializer},
        description="Maak een nieuwe conceptversie: een kopie van deze versie met haar "
        "vragen en het volgende versienummer (alleen de programmabeheerder).",
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request: Request, pk: str | None = None) -> Response:
        draft = services.questionnaire_new_version(questionnaire=self.get_object())
        return self._answer(draft.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: QuestionnaireSerializer},
        description="Neem een conceptversie in gebruik (alleen de programmabeheerder); "
        "daarna verandert ze niet meer. Een versie zonder vragen: 400.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        questionnaire = services.questionnaire_publish(questionnaire=self.get_object())
        return self._answer(questionnaire.pk)


router = SimpleRouter()
router.register("questionnaires", QuestionnaireViewSet, basename="questionnaire")

urlpatterns = [*router.urls]
