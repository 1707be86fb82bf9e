"""Serializers for the catalogue API: they check the shape of a request, nothing more.

Rules that need the database or more than one field (age ranges, one autumn
holiday per region, unique BRIN codes) live in the models and `services.py`;
the API passes validated data to a service and reports its `ValidationError`.

Related objects a user may pick are limited to what `programmes.access` lets
them see, so an id outside their scope is answered exactly like an id that does
not exist ("object does not exist"), and reveals nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.serializers import ScopedPrimaryKeyRelatedField
from programmes import access
from programmes.models import (
    PROGRAMME_FIELDS,
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)

User = get_user_model()


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", *PROGRAMME_FIELDS]


class SchoolSerializer(serializers.ModelSerializer):
    brin_full = serializers.CharField(read_only=True)
    coordinators = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), required=False
    )

    class Meta:
        model = School
        fields = [
            "id",
            "name",
            "brin",
            "branch",
            "brin_full",
            "school_type",
            "holiday_region",
            "street_address",
            "postcode",
            "city",
            "municipality",
            "coordinators",
            "active",
        ]
        # BRIN code plus branch is unique: the service checks it and says so in Dutch.
        validators: list = []


class TrainerUserSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "full_name", "email"]
        read_only_fields = fields


class CertificateSerializer(serializers.Serializer):
    """The certificate behind a qualification; `valid_until` empty: it does not expire."""

    programme = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Programme.objects.all(),
        help_text=_("Code van het programma waarvoor de trainer gekwalificeerd is."),
    )
    certificate_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    valid_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Laatste dag waarop het certificaat geldt; leeg als het niet verloopt."),
    )


class TrainerSerializer(serializers.ModelSerializer):
    user = TrainerUserSerializer(read_only=True)
    user_id = serializers.PrimaryKeyRelatedField(
        source="user",
        queryset=User.objects.all(),
        write_only=True,
        help_text=_("De gebruiker die trainer wordt; later niet te wijzigen."),
        validators=[
            UniqueValidator(
                queryset=Trainer.objects.all(),
                message=_("Deze gebruiker is al trainer."),
            )
        ],
    )
    qualifications = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Programme.objects.all(),
        required=False,
        help_text=_("Codes van de programma's die deze trainer mag geven."),
    )
    display_name = serializers.CharField(read_only=True)
    certificates = CertificateSerializer(many=True, read_only=True)

    class Meta:
        model = Trainer
        fields = [
            "id",
            "user",
            "user_id",
            "display_name",
            "phone",
            "qualifications",
            "certificates",
            "max_sessions_per_week",
            "active",
        ]

    def validate_user_id(self, user: Any) -> Any:
        if self.instance is not None and user.pk != self.instance.user_id:
            raise serializers.ValidationError(
                _("Een trainer blijft aan dezelfde gebruiker gekoppeld.")
            )
        return user


class TrainerUnavailabilitySerializer(serializers.ModelSerializer):
    trainer = ScopedPrimaryKeyRelatedField(
        scope=access.trainers_visible_to, queryset=Trainer.objects.all()
    )
    trainer_name = serializers.CharField(source="trainer.display_name", read_only=True)

    class Meta:
        model = TrainerUnavailability
        fields = ["id", "trainer", "trainer_name", "starts_at", "ends_at", "reason"]


class SchoolYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchoolYear
        fields = ["id", "label", "start_date", "end_date"]
        # Derived from the label: a school year runs 1 August to 31 July.
        read_only_fields = ["start_date", "end_date"]


class SchoolHolidaySerializer(serializers.ModelSerializer):
    school_year = serializers.SlugRelatedField(
        slug_field="label",
        queryset=SchoolYear.objects.all(),
        help_text=_("Het schooljaar, bijv. 2026-2027."),
    )

    class Meta:
        model = SchoolHoliday
        fields = [
            "id",
            "school_year",
            "region",
            "kind",
            "name",
            "start_date",
            "end_date",
            "advisory",
            "source",
            "ical_uid",
        ]
        read_only_fields = ["ical_uid"]
        # One holiday of each kind per region and year: the service checks it.
        validators: list = []


class SchoolClosureSerializer(serializers.ModelSerializer):
    school = ScopedPrimaryKeyRelatedField(
        scope=access.schools_visible_to, queryset=School.objects.all()
    )
    school_name = serializers.CharField(source="school.name", read_only=True)
    end_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Leeg of weggelaten: alleen de eerste dag."),
    )

    class Meta:
        model = SchoolClosure
        fields = ["id", "school", "school_name", "start_date", "end_date", "reason"]
        # One closure per school and first day: the service checks it.
        validators: list = []


class AuthTokenSerializer(serializers.Serializer):
    """What `POST /api/v1/auth/token/` takes: the user's log-in, and a name for the token."""

    username = serializers.CharField(label=_("gebruikersnaam"), write_only=True)
    password = serializers.CharField(
        label=_("wachtwoord"),
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )
    name = serializers.CharField(
        label=_("naam"),
        max_length=100,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("Optioneel: waarvoor dit token is, zodat u het later herkent."),
    )


class TokenSerializer(serializers.Serializer):
    """What `POST /api/v1/auth/token/` answers: the new token, shown only this once."""

    token = serializers.CharField(
        read_only=True,
        help_text=_(
            "Stuur mee als `Authorization: Token <token>`. Het wordt niet bewaard "
            "en is later niet meer op te vragen."
        ),
    )
    prefix = serializers.CharField(
        read_only=True, help_text=_("Het begin van het token, om het te herkennen.")
    )
    expires_at = serializers.DateTimeField(read_only=True)
