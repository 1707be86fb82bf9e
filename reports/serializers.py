"""Serializers for the reports API: the shape of requests and answers, nothing more.

Money is a decimal string with two decimals ("1234.56"), never a float, so a client
adds amounts without rounding errors. The figures of an agreement (units delivered,
shares, invoiced, paid, outstanding) are computed by `reports.ledger` and attached to
the agreement as `figures` (a `LedgerRow`) before it is serialized.

Related objects are chosen by id among those the requesting user can see, so an id
outside their scope is answered exactly like one that does not exist. Every rule about
agreements and invoices lives in `programmes.services`; the API hands it the data.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import ScopedPrimaryKeyRelatedField
from programmes import access
from programmes.models import (
    CoFinancingAgreement,
    Invoice,
    InvoiceStatus,
    Programme,
    School,
    SchoolYear,
)
from reports.ledger import agreements_visible_to
from reports.suppression import HIDDEN, SUPPRESSED


def money(**kwargs: Any) -> serializers.DecimalField:
    """A read-only amount in euros as a decimal string with two decimals."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, **kwargs)


# --- agreements --------------------------------------------------------------------------


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement as stored, with what was delivered, is due, invoiced and paid."""

    school = ScopedPrimaryKeyRelatedField(
        scope=access.schools_visible_to, queryset=School.objects.all()
    )
    school_name = serializers.CharField(source="school.name", read_only=True)
    school_year = ScopedPrimaryKeyRelatedField(
        scope=access.school_years_visible_to, queryset=SchoolYear.objects.all()
    )
    school_year_label = serializers.CharField(source="school_year.label", read_only=True)
    programme = ScopedPrimaryKeyRelatedField(
        scope=access.programmes_visible_to, queryset=Programme.objects.all()
    )
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    units_delivered = serializers.IntegerField(
        source="figures.units_delivered",
        read_only=True,
        help_text=_("Geleverde eenheden: groepen die lopen of afgerond zijn."),
    )
    units_difference = serializers.IntegerField(
        source="figures.units_difference",
        read_only=True,
        help_text=_("Geleverd min afgesproken; negatief als er minder is geleverd."),
    )
    school_share = money(
        source="figures.school_share", help_text=_("Wat de school verschuldigd is (€).")
    )
    municipal_share = money(
        source="figures.municipal_share", help_text=_("Wat de gemeente betaalt (€).")
    )
    invoiced = money(
        source="figures.invoiced", help_text=_("Verstuurde en betaalde facturen samen (€).")
    )
    paid = money(source="figures.paid", help_text=_("Betaalde facturen samen (€)."))
    outstanding = money(
        source="figures.outstanding", help_text=_("Gefactureerd maar nog niet betaald (€).")
    )

    class Meta:
        model = CoFinancingAgreement
        fields = [
            "id",
            "school",
            "school_name",
            "school_year",
            "school_year_label",
            "programme",
            "programme_name",
            "cost_basis",
            "price",
            "school_share_percentage",
            "school_share_fixed",
            "school_share_cap",
            "units_agreed",
            "notes",
            "units_delivered",
            "units_difference",
            "school_share",
            "municipal_share",
            "invoiced",
            "paid",
            "outstanding",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # One agreement per school, year and programme: the service checks it and says so.
        validators: list = []


# --- invoices ----------------------------------------------------------------------------


class InvoiceSerializer(serializers.ModelSerializer):
    """An invoice; `status` is what a user sees, "overdue" included (it is never stored)."""

    agreement = ScopedPrimaryKeyRelatedField(
        scope=agreements_visible_to, queryset=CoFinancingAgreement.objects.all()
    )
    school = serializers.IntegerField(source="agreement.school_id", read_only=True)
    school_name = serializers.CharField(source="agreement.school.name", read_only=True)
    school_year_label = serializers.CharField(source="agreement.school_year.label", read_only=True)
    programme_name = serializers.CharField(source="agreement.programme.name", read_only=True)
    status = serializers.ChoiceField(
        choices=InvoiceStatus.choices,
        source="display_status",
        read_only=True,
        help_text=_("concept, sent, paid, of overdue: verstuurd en de betaaltermijn verstreken."),
    )
    due_date = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "agreement",
            "school",
            "school_name",
            "school_year_label",
            "programme_name",
            "reference",
            "amount",
            "status",
            "date_sent",
            "date_paid",
            "due_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["date_sent", "date_paid", "created_at", "updated_at"]
        # A reference is used once: the service checks it and says so.
        extra_kwargs = {"reference": {"validators": []}}


class InvoiceSentSerializer(serializers.Serializer):
    date_sent = serializers.DateField(
        required=False, help_text=_("Verzenddatum; weggelaten: vandaag.")
    )


class InvoicePaidSerializer(serializers.Serializer):
    date_paid = serializers.DateField(
        required=False, help_text=_("Betaaldatum; weggelaten: vandaag.")
    )


# --- the ledger --------------------------------------------------------------------------


class SchoolYearQuerySerializer(serializers.Serializer):
    school_year = ScopedPrimaryKeyRelatedField(
        scope=access.school_years_visible_to,
        queryset=SchoolYear.objects.all(),
        required=False,
        help_text=_("Het schooljaar (id); weggelaten: het schooljaar van vandaag."),
    )


class ReportSchoolYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchoolYear
        fields = ["id", "label", "start_date", "end_date"]
        read_only_fields = fields


class LedgerTotalsSerializer(serializers.Serializer):
    units_agreed = serializers.IntegerField(read_only=True)
    units_delivered = serializers.IntegerField(read_only=True)
    school_share = money()
    municipal_share = money()
    invoiced = money()
    paid = money()
    outstanding = money()


class LedgerSerializer(serializers.Serializer):
    """The co-financing ledger of one school year, as far as the user may see it."""

    school_year = ReportSchoolYearSerializer(read_only=True)
    rows = AgreementSerializer(many=True, read_only=True)
    totals = LedgerTotalsSerializer(read_only=True)


# --- participation -----------------------------------------------------------------------


class ParticipationQuerySerializer(SchoolYearQuerySerializer):
    programme = ScopedPrimaryKeyRelatedField(
        scope=access.programmes_visible_to,
        queryset=Programme.objects.all(),
        required=False,
        help_text=_("Eén programma (id); weggelaten: alle programma's."),
    )


class ShownAsGivenField(serializers.Field):
    """A read-only value that `reports.suppression` already made what may be shown."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "enum": [SUPPRESSED, HIDDEN]},
        ],
        "description": 'Het aantal; of "< 5" voor 1 tot en met 4 (kleine aantallen kunnen '
        'naar een kind wijzen); of "*": verborgen omdat er anders een "< 5" uit terug te '
        "rekenen is.",
    }
)
class SuppressedCountField(ShownAsGivenField):
    """A count that is a number, "< 5" or "*" (see `reports.suppression`)."""


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number", "minimum": 0},
            {"type": "string", "enum": [HIDDEN]},
        ],
        "nullable": True,
        "description": "Bezette plaatsen gedeeld door aangeboden plaatsen (0 tot 1); null "
        'zonder aangeboden plaatsen; "*" als de bezette of de aangeboden plaatsen verborgen '
        "zijn of 1 tot en met 4 (anders zijn ze eruit terug te rekenen).",
    }
)
class SuppressedRateField(ShownAsGivenField):
    """A fill rate: a number, null without seats offered, or "*" when the filled or the
    offered seats are hidden or from 1 to 4 (`reports.suppression.shown_ratio`)."""


@extend_schema_field(
    {
        "oneOf": [
            {"type": "number", "minimum": 0},
            {"type": "string", "enum": [HIDDEN]},
        ],
        "nullable": True,
        "description": "Registraties 'aanwezig' gedeeld door alle registraties van "
        'aanwezigheid (0 tot 1); null zonder registraties; "*" als een van beide aantallen '
        "1 tot en met 4 is (anders zijn ze eruit terug te rekenen).",
    }
)
class SuppressedAttendanceRateField(ShownAsGivenField):
    """The attendance rate: a number, null without marks, or "*" when the marks present or
    recorded are from 1 to 4 (`reports.suppression.shown_ratio`)."""


class ReportProgrammeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "code", "name"]
        read_only_fields = fields


class SchoolProgrammeRowSerializer(serializers.Serializer):
    """One school's line for one programme, as the council page shows it."""

    school_id = serializers.IntegerField(read_only=True)
    school_name = serializers.CharField(read_only=True)
    programme_id = serializers.IntegerField(read_only=True)
    programme_name = serializers.CharField(read_only=True)
    interest = SuppressedCountField()
    groups_offered = serializers.IntegerField(read_only=True)
    pupils_enrolled = SuppressedCountField()


class RowTotalsSerializer(serializers.Serializer):
    interest = SuppressedCountField()
    groups_offered = serializers.IntegerField(read_only=True)
    pupils_enrolled = SuppressedCountField()


class ProgrammeRowTotalsSerializer(RowTotalsSerializer):
    """The totals of one programme's rows."""

    programme_id = serializers.IntegerField(read_only=True)
    programme_name = serializers.CharField(read_only=True)


class ProgrammeFiguresSerializer(serializers.Serializer):
    """One programme's groups and seats; a class-mode programme has pupils in classes
    instead of seats."""

    programme_id = serializers.IntegerField(read_only=True)
    programme_name = serializers.CharField(read_only=True)
    class_mode = serializers.BooleanField(read_only=True)
    groups_planned = serializers.IntegerField(read_only=True)
    groups_running = serializers.IntegerField(read_only=True)
    groups_completed = serializers.IntegerField(read_only=True)
    groups_cancelled = serializers.IntegerField(read_only=True)
    seats_offered = serializers.IntegerField(read_only=True)
    seats_filled = SuppressedCountField()
    fill_rate = SuppressedRateField()
    pupils_in_classes = SuppressedCountField()


class NotStartedSerializer(serializers.Serializer):
    """The groups of the selection that did not start, by why: counts of groups, never
    hidden (`reports.suppression` hides counts of children), as on the page."""

    pooled = serializers.IntegerField(
        read_only=True, help_text=_("Samengevoegd met een andere groep.")
    )
    too_few = serializers.IntegerField(
        read_only=True, help_text=_("Geannuleerd op de beslisdag: te weinig kinderen.")
    )
    cancelled_otherwise = serializers.IntegerField(
        read_only=True, help_text=_("Geannuleerd voor de start, om een andere reden.")
    )
    total = serializers.IntegerField(read_only=True, help_text=_("De drie samen."))


class ParticipationSerializer(serializers.Serializer):
    """The participation numbers of a school year as the council page shows them: counts
    of children hidden by `reports.suppression`."""

    school_year = ReportSchoolYearSerializer(read_only=True)
    programme = ReportProgrammeSerializer(read_only=True, allow_null=True)
    groups_planned = serializers.IntegerField(read_only=True)
    groups_running = serializers.IntegerField(read_only=True)
    groups_completed = serializers.IntegerField(read_only=True)
    groups_cancelled = serializers.IntegerField(read_only=True)
    not_started = NotStartedSerializer(
        read_only=True,
        help_text=_(
            "De geannuleerde groepen die nooit begonnen, naar de reden (aantallen groepen, "
            "nooit verborgen)."
        ),
    )
    seats_offered = serializers.IntegerField(read_only=True)
    seats_filled = SuppressedCountField()
    fill_rate = SuppressedRateField()
    pupils_in_classes = SuppressedCountField()
    enrolments_by_status = serializers.DictField(child=SuppressedCountField(), read_only=True)
    waitlist_length = SuppressedCountField()
    median_days_to_consent = serializers.FloatField(read_only=True, allow_null=True)
    attendance_present = SuppressedCountField()
    attendance_recorded = SuppressedCountField()
    attendance_rate = SuppressedAttendanceRateField()
    programmes = ProgrammeFiguresSerializer(many=True, read_only=True)
    rows = SchoolProgrammeRowSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "Per school en programma: belangstelling, aangeboden groepen en geplaatste "
            "leerlingen; op schoolnaam, dan programmanaam."
        ),
    )
    programme_totals = ProgrammeRowTotalsSerializer(
        many=True, read_only=True, help_text=_("De totalen van de rijen per programma.")
    )
    totals = RowTotalsSerializer(read_only=True, help_text=_("De totalen van alle rijen."))
