"""The outcome figures under /api/v1/reports/outcomes/: reach, drop-out, satisfaction, goals
reached and the response per moment, per programme, for a school year and optionally one
programme, round or school.

The figures are those of the outcome pages: `reports.outcomes.outcomes` reads them (a fixed
number of queries, whatever the number of groups) and `outcomes_as_shown` applies the
small-number suppression of the council page. The API leaves the operational page, so the
figures are suppressed for whoever asks; the programme manager alone may ask for every
count (`operational=true`), as on the manager's page. Open answers never leave that page.

Who reads: the programme manager (every programme and school) and a school coordinator
(the figures of their own school only: `school` is required when they coordinate more than
one, and another school is refused as an unknown id). Trainers and users without a role
get a 403; anonymous requests a 401.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated
from core.api_auth import ApiTokenAuthentication
from core.serializers import ScopedPrimaryKeyRelatedField
from programmes import access
from programmes.models import School
from reports.api import chosen_school_year
from reports.outcomes import SECTIONS, OutcomeScope, outcomes, outcomes_as_shown
from reports.serializers import (
    ParticipationQuerySerializer,
    ReportProgrammeSerializer,
    ReportSchoolYearSerializer,
    SuppressedCountField,
)
from reports.suppression import HIDDEN


class ReadsOutcomes(BasePermission):
    """The programme manager and school coordinators (their own school)."""

    message = _("U heeft geen toegang tot de uitkomstcijfers.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return access.is_manager(request.user) or access.is_coordinator(request.user)


class OutcomeQuerySerializer(ParticipationQuerySerializer):
    round = serializers.CharField(
        required=False,
        max_length=60,
        help_text=_("Eén ronde (zoals bij de groepen ingevoerd); weggelaten: alle rondes."),
    )
    school = ScopedPrimaryKeyRelatedField(
        scope=access.schools_visible_to,
        queryset=School.objects.all(),
        required=False,
        help_text=_(
            "Eén school (id); weggelaten: alle scholen. Een coördinator van meer dan één "
            "school moet een van de eigen scholen kiezen."
        ),
    )
    operational = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "true: alle aantallen, ook 1 tot en met 4 (alleen de programmabeheerder). "
            'Weggelaten of false: zoals de raadsversie, met "< 5" en "*".'
        ),
    )


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number", "minimum": 0},
            {"type": "string", "enum": [HIDDEN]},
        ],
        "nullable": True,
        "description": "Een aandeel (0 tot 1) of, bij tevredenheid, een gemiddelde (1 tot 5); "
        'null als er niets te delen is; "*" als het aantal of de noemer verborgen is of 1 '
        "tot en met 4 (anders is het aantal eruit terug te rekenen).",
    }
)
class OutcomeValueField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value


class OutcomeRowSerializer(serializers.Serializer):
    section = serializers.ChoiceField(
        choices=SECTIONS,
        read_only=True,
        help_text=_(
            "reach: bereik; dropout: uitval; satisfaction: tevredenheid (gemiddelde); "
            "distribution: verdeling van de tevredenheid; goal: doelrealisatie (verbeterde "
            "paren van alle voor-na-paren); response: respons per groep respondenten en moment."
        ),
    )
    label = serializers.CharField(read_only=True)
    count = SuppressedCountField()
    base = SuppressedCountField(allow_null=True, help_text=_("De noemer; null bij een gemiddelde."))
    value = OutcomeValueField()


class ProgrammeOutcomesSerializer(serializers.Serializer):
    programme = ReportProgrammeSerializer(read_only=True)
    rows = OutcomeRowSerializer(many=True, read_only=True)


class OutcomesSerializer(serializers.Serializer):
    school_year = ReportSchoolYearSerializer(read_only=True)
    programme = serializers.IntegerField(read_only=True, allow_null=True)
    round = serializers.CharField(read_only=True)
    school = serializers.IntegerField(read_only=True, allow_null=True)
    suppressed = serializers.BooleanField(read_only=True)
    programmes = ProgrammeOutcomesSerializer(many=True, read_only=True)


def chosen_school(user: Any, school: School | None) -> School | None:
    """The school whose figures a user reads: any or none for the manager; for a
    coordinator one of their own (the only one when they coordinate one school)."""
    if access.is_manager(user) or school is not None:
        return school
    own = list(access.schools_visible_to(user)[:2])
    if len(own) != 1:
        raise ValidationError({"school": [_("Kies een van uw scholen.")]})
    return own[0]


class OutcomesView(APIView):
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, ReadsOutcomes]

    @extend_schema(
        operation_id="reports_outcomes_retrieve",
        parameters=[OutcomeQuerySerializer],
        responses={200: OutcomesSerializer},
        description="De uitkomstcijfers van een schooljaar (weggelaten: dat van vandaag), per "
        "programma: bereik, uitval, tevredenheid (gemiddelde en verdeling per groep "
        "respondenten), doelrealisatie per doel met het aantal voor-na-paren, en de respons "
        'per moment. Zoals de raadsversie: aantallen van 1 tot en met 4 staan als "< 5", een '
        'aandeel of gemiddelde van zo\'n aantal als "*". Open antwoorden staan nooit in de API. '
        "De programmabeheerder ziet alle programma's en scholen en kan met operational=true "
        "alle aantallen opvragen; een coördinator ziet alleen de eigen school.",
    )
    def get(self, request: Request) -> Response:
        query = validated(OutcomeQuerySerializer, request.query_params, request=request)
        operational = query.get("operational", False)
        if operational and not access.is_manager(request.user):
            raise PermissionDenied(_("Alleen de programmabeheerder ziet alle aantallen."))
        scope = OutcomeScope(
            school_year=chosen_school_year(query),
            programme=query.get("programme"),
            round_label=query.get("round", ""),
            school=chosen_school(request.user, query.get("school")),
        )
        shown = outcomes_as_shown(outcomes(scope), suppressed=not operational)
        body = {
            "school_year": scope.school_year,
            "programme": scope.programme.pk if scope.programme else None,
            "round": scope.round_label,
            "school": scope.school.pk if scope.school else None,
            "suppressed": not operational,
            "programmes": [{"programme": programme, "rows": rows} for programme, rows in shown],
        }
        return Response(OutcomesSerializer(body).data)


urlpatterns = [
    path("reports/outcomes/", OutcomesView.as_view(), name="api-report-outcomes"),
]
