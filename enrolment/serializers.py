"""Serializers for the enrolment API: the shape of requests and answers, nothing more.

Input serializers check types, lengths and that related objects exist where the
caller may pick them (public forms: active schools, published groups of
individual-mode programmes). Every rule about eligibility, consent, seats and the
waitlist lives in `enrolment.services`; the API hands it the validated data and
reports its `ValidationError` as a 400 with field messages.

Every text field refuses characters that cannot be stored (NUL, lone surrogates),
so odd input is a 400, never a database error.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from enrolment.catalogue import catalogue_group, catalogue_school
from enrolment.models import (
    AttendanceStatus,
    Authority,
    Enrolment,
    IntakeOutcome,
    IntakeReason,
    Language,
    Relation,
)
from enrolment.names import validate_person_name
from programmes.models import EnrolmentMode, Programme, School
from scheduler.models import Group, GroupStatus

# Ids are bigints; anything larger is refused before it reaches the database.
MAX_ID = 2**63 - 1


def _storable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise serializers.ValidationError(_("Deze tekst bevat ongeldige tekens.")) from None
    return value


class TextField(serializers.CharField):
    """A CharField that refuses text the database cannot store (lone surrogates)."""

    def to_internal_value(self, data: Any) -> str:
        return _storable(super().to_internal_value(data))


class StorableEmailField(serializers.EmailField):
    def to_internal_value(self, data: Any) -> str:
        return _storable(super().to_internal_value(data))


def id_field(queryset: Any, **kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    """An object chosen by id; the id must be a whole number in range (no 1.5, no true)."""
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset,
        pk_field=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        **kwargs,
    )


class CatalogueIdField(serializers.PrimaryKeyRelatedField):
    """`id_field` whose object comes from the public catalogue (`enrolment.catalogue`):
    no query when the cache is warm. `lookup(id)` gives the object or None; the
    queryset only names the model (for the schema) and is never read."""

    def __init__(self, lookup: Any, queryset: Any, **kwargs: Any) -> None:
        self.lookup = lookup
        super().__init__(
            queryset=queryset,
            pk_field=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> Any:
        found = self.lookup(self.pk_field.to_internal_value(data))
        if found is None:
            self.fail("does_not_exist", pk_value=data)
        return found


def _open_catalogue_group(group_id: int) -> Any:
    # Only groups a parent could find; drafts answer exactly like ids that do not exist.
    group = catalogue_group(group_id)
    return group if group is not None and group.status == GroupStatus.PUBLISHED else None


def token_field() -> TextField:
    return TextField(
        max_length=200,
        trim_whitespace=True,
        help_text=_("Het geheime deel van de link uit de e-mail."),
    )


# --- public: finding a group -------------------------------------------------------------


class PublicSchoolSerializer(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "name", "city"]
        read_only_fields = fields


class PublicProgrammeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "code", "name", "age_min", "age_max", "grade_min", "grade_max"]
        read_only_fields = fields


class PublicGroupSerializer(serializers.ModelSerializer):
    """An open group as a parent sees it: what, where, when, and whether there is room."""

    programme = PublicProgrammeSerializer(read_only=True)
    host_school = PublicSchoolSerializer(read_only=True)
    weekday_display = serializers.CharField(source="get_weekday_display", read_only=True)
    first_session_date = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("Datum van de eerste bijeenkomst.")
    )
    last_session_date = serializers.DateField(read_only=True, allow_null=True)
    sessions = serializers.IntegerField(
        source="child_meetings",
        read_only=True,
        help_text=_("Aantal geplande bijeenkomsten voor de kinderen."),
    )
    seats_left = serializers.IntegerField(read_only=True)
    waitlist = serializers.BooleanField(
        read_only=True, help_text=_("Vol: een nieuwe aanmelding komt op de wachtlijst.")
    )

    class Meta:
        model = Group
        fields = [
            "id",
            "programme",
            "host_school",
            "round_label",
            "location",
            "weekday",
            "weekday_display",
            "start_time",
            "first_session_date",
            "last_session_date",
            "sessions",
            "enrolment_closes_on",
            "seats_left",
            "waitlist",
        ]
        read_only_fields = fields


class PublicConsentTextSerializer(serializers.Serializer):
    version = serializers.CharField(read_only=True)
    text_nl = serializers.CharField(read_only=True)
    text_en = serializers.CharField(read_only=True)


# --- public: enrolling -------------------------------------------------------------------


def _public_schools() -> Any:
    return School.objects.filter(active=True)


def _open_groups() -> Any:
    # Only groups a parent could find; drafts answer exactly like ids that do not exist.
    return Group.objects.filter(
        status=GroupStatus.PUBLISHED, programme__enrolment_mode=EnrolmentMode.INDIVIDUAL
    ).select_related("programme")


class PublicChildInputSerializer(serializers.Serializer):
    first_name = TextField(max_length=80, validators=[validate_person_name])
    last_name = TextField(max_length=120, validators=[validate_person_name])
    date_of_birth = serializers.DateField()
    school = CatalogueIdField(
        catalogue_school, _public_schools(), help_text=_("De school van het kind (id).")
    )
    grade = serializers.IntegerField(min_value=1, max_value=8, help_text=_("Groep of klas."))
    class_name = TextField(max_length=20, required=False, allow_blank=True, default="")
    group = CatalogueIdField(
        _open_catalogue_group,
        _open_groups(),
        help_text=_("De groep waarvoor het kind wordt aangemeld."),
    )


class PublicEnrollerInputSerializer(serializers.Serializer):
    name = TextField(max_length=150, validators=[validate_person_name])
    email = StorableEmailField(max_length=254)
    phone = TextField(max_length=20, required=False, allow_blank=True, default="")
    relation = serializers.ChoiceField(
        choices=Relation.choices, required=False, allow_blank=True, default=""
    )
    authority = serializers.ChoiceField(
        choices=Authority.choices, help_text=_("Heeft u het ouderlijk gezag?")
    )
    language = serializers.ChoiceField(choices=Language.choices, default=Language.NL)


class PublicOtherGuardianInputSerializer(PublicEnrollerInputSerializer):
    authority = serializers.ChoiceField(choices=Authority.choices, default=Authority.JOINT)


class PublicEnrolmentFormSerializer(serializers.Serializer):
    """One form: one or more children (siblings), the enrolling guardian, the others."""

    children = PublicChildInputSerializer(many=True, min_length=1, max_length=6)
    enroller = PublicEnrollerInputSerializer()
    other_guardians = PublicOtherGuardianInputSerializer(many=True, required=False, max_length=3)
    consent_text_version = TextField(
        max_length=20, help_text=_("De versie van de toestemmingstekst die is getoond.")
    )


class PublicEnrolmentStatusSerializer(serializers.Serializer):
    """One child's enrolment, as its guardians may see it (never a link token)."""

    public_id = serializers.UUIDField(read_only=True)
    child_first_name = serializers.CharField(read_only=True)
    group = serializers.IntegerField(read_only=True)
    programme = serializers.CharField(read_only=True)
    first_session_date = serializers.DateField(read_only=True, allow_null=True)
    status = serializers.CharField(
        read_only=True, help_text=_("Code van de status, bijv. awaiting_consent.")
    )
    status_display = serializers.CharField(read_only=True)
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)
    hold_expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    offer_expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    consent_complete = serializers.BooleanField(read_only=True)
    consent_waiting_for = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Wiens toestemming nog ontbreekt."),
    )
    pool_answer_awaited = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "De groep is samengevoegd met een andere; de familie bevestigt "
            "(`/links/pool/confirm/`) of meldt af (`/links/withdraw/`)."
        ),
    )


class PublicSubmissionSerializer(serializers.Serializer):
    submission = serializers.UUIDField(read_only=True)
    message = serializers.CharField(read_only=True)
    enrolments = PublicEnrolmentStatusSerializer(many=True, read_only=True)


class PublicInterestSerializer(serializers.Serializer):
    school = id_field(_public_schools())
    programme = id_field(
        Programme.objects.filter(active=True, enrolment_mode=EnrolmentMode.INDIVIDUAL)
    )
    email = StorableEmailField(max_length=254, required=False, allow_blank=True, default="")


class PublicInterestAnswerSerializer(serializers.Serializer):
    school = serializers.IntegerField(read_only=True)
    programme = serializers.IntegerField(read_only=True)
    message = serializers.CharField(read_only=True)


# --- public: link actions (the token travels in the body, never in the address) -----------


class LinkConfirmSerializer(serializers.Serializer):
    token = token_field()
    consent_given = serializers.BooleanField(
        help_text=_("Geeft u toestemming voor deelname van uw kind(eren)?")
    )


class LinkConsentChoiceSerializer(serializers.Serializer):
    enrolment = serializers.UUIDField(help_text=_("De public_id van de inschrijving."))
    given = serializers.BooleanField()


class LinkConsentSerializer(serializers.Serializer):
    token = token_field()
    given = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Hetzelfde antwoord voor elk kind waarvoor uw toestemming nodig is (of, met de "
            "link van het kind, het antwoord van het kind)."
        ),
    )
    answers = LinkConsentChoiceSerializer(
        many=True,
        required=False,
        help_text=_("Een keuze per kind; gaat voor `given`."),
    )


class LinkOfferSerializer(serializers.Serializer):
    token = token_field()
    accept = serializers.BooleanField()


class LinkStatusSerializer(serializers.Serializer):
    token = token_field()


class LinkWithdrawSerializer(serializers.Serializer):
    token = token_field()
    enrolment = serializers.UUIDField(help_text=_("De public_id van de inschrijving."))


class LinkContactSerializer(serializers.Serializer):
    """Checked by the service (`guardian_contact_change`), so the page and the API say the
    same; here only their shape."""

    token = token_field()
    email = serializers.CharField(allow_blank=True, max_length=400)
    phone = serializers.CharField(allow_blank=True, required=False, default="", max_length=100)
    language = serializers.CharField(allow_blank=True, max_length=10)


class LinkContactAnswerSerializer(serializers.Serializer):
    message = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)
    pending_email = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)


class LinkAnswerSerializer(serializers.Serializer):
    message = serializers.CharField(read_only=True)
    consent_given = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Uw antwoord op de vraag om toestemming zoals het is vastgelegd; leeg als er "
            "(nog) geen antwoord van u is of als deze link daar niet over gaat."
        ),
    )
    enrolments = PublicEnrolmentStatusSerializer(many=True, read_only=True)


# --- staff -------------------------------------------------------------------------------


class EnrolmentChildSerializer(serializers.Serializer):
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    grade = serializers.IntegerField(read_only=True)
    class_name = serializers.CharField(read_only=True)
    school = serializers.IntegerField(source="school_id", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)


class EnrolmentChildDetailSerializer(EnrolmentChildSerializer):
    date_of_birth = serializers.DateField(read_only=True)


class EnrolmentGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    programme = serializers.CharField(source="programme.name", read_only=True)
    host_school = serializers.CharField(source="host_school.name", read_only=True)
    round_label = serializers.CharField(read_only=True)
    first_date = serializers.DateField(read_only=True)


class EnrolmentListSerializer(serializers.ModelSerializer):
    child = EnrolmentChildSerializer(read_only=True)
    group = EnrolmentGroupSerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "public_id",
            "child",
            "group",
            "status",
            "status_display",
            "priority",
            "possible_duplicate",
            "created_at",
            "hold_expires_at",
            "offer_expires_at",
            "confirmed_at",
            "ended_at",
        ]
        read_only_fields = fields


class EnrolmentGuardianSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    phone = serializers.CharField(read_only=True)
    relation = serializers.CharField(read_only=True)
    authority = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)
    is_enroller = serializers.BooleanField(read_only=True)
    email_confirmed = serializers.BooleanField(read_only=True)


class EnrolmentConsentRecordSerializer(serializers.Serializer):
    party = serializers.CharField(read_only=True)
    guardian = serializers.CharField(read_only=True, allow_null=True)
    given = serializers.BooleanField(read_only=True)
    method = serializers.CharField(read_only=True)
    consent_text_version = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class EnrolmentConsentStateSerializer(serializers.Serializer):
    complete = serializers.BooleanField(read_only=True)
    refused = serializers.BooleanField(read_only=True)
    missing_guardians = serializers.ListField(child=serializers.CharField(), read_only=True)
    needs_child = serializers.BooleanField(read_only=True)
    child_missing = serializers.BooleanField(read_only=True)
    summary = serializers.CharField(read_only=True)
    records = EnrolmentConsentRecordSerializer(many=True, read_only=True)


class EnrolmentIntakeSerializer(serializers.Serializer):
    outcome = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class EnrolmentDetailSerializer(EnrolmentListSerializer):
    child = EnrolmentChildDetailSerializer(read_only=True)
    # Filled in by the view (`enrolment.api.enrolments.enrolment_detail_data`) from the services.
    guardians = EnrolmentGuardianSerializer(source="detail_guardians", many=True, read_only=True)
    consent = EnrolmentConsentStateSerializer(source="detail_consent", read_only=True)
    intake = EnrolmentIntakeSerializer(source="detail_intake", read_only=True, allow_null=True)
    waitlist_position = serializers.IntegerField(
        source="detail_waitlist_position", read_only=True, allow_null=True
    )

    class Meta(EnrolmentListSerializer.Meta):
        fields = [
            *EnrolmentListSerializer.Meta.fields,
            "waitlist_position",
            "consent_complete_at",
            "guardians",
            "consent",
            "intake",
        ]
        read_only_fields = fields


class IntakeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=IntakeOutcome.choices)
    reason = serializers.ChoiceField(
        choices=IntakeReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Verplicht als de uitkomst 'niet passend' is."),
    )
    notes = TextField(max_length=5000, required=False, allow_blank=True, default="")


class ChildConsentInputSerializer(serializers.Serializer):
    given = serializers.BooleanField(help_text=_("Geeft het kind zelf toestemming?"))


class WaitlistEntrySerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True)
    public_id = serializers.UUIDField(read_only=True)
    child = EnrolmentChildSerializer(read_only=True)
    priority = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    consent_complete = serializers.BooleanField(read_only=True)


class RosterGroupSerializer(EnrolmentGroupSerializer):
    capacity = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)


class RosterChildSerializer(EnrolmentChildDetailSerializer):
    age = serializers.IntegerField(read_only=True)


class RosterConsentLineSerializer(serializers.Serializer):
    who = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True, help_text=_("given, refused of missing."))
    label = serializers.CharField(read_only=True)


class RosterRowSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    child = RosterChildSerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(read_only=True)
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)
    consent_complete = serializers.BooleanField(read_only=True)
    consent_summary = serializers.CharField(read_only=True)
    consent = RosterConsentLineSerializer(many=True, read_only=True)
    intake = serializers.CharField(read_only=True)
    absent_twice = serializers.BooleanField(
        read_only=True, help_text=_("Afwezig bij de laatste twee bijeenkomsten.")
    )
    guardians = EnrolmentGuardianSerializer(many=True, read_only=True)


class RosterSerializer(serializers.Serializer):
    group = RosterGroupSerializer(read_only=True)
    seats_taken = serializers.IntegerField(read_only=True)
    participants = RosterRowSerializer(many=True, read_only=True)
    waitlist = RosterRowSerializer(many=True, read_only=True)


class AttendanceSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    group = serializers.IntegerField(source="group_id", read_only=True)
    kind = serializers.CharField(read_only=True)
    sequence = serializers.IntegerField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)


class AttendanceRowSerializer(serializers.Serializer):
    enrolment = serializers.UUIDField(read_only=True)
    child_first_name = serializers.CharField(read_only=True)
    child_last_name = serializers.CharField(read_only=True)
    status = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("present, absent, excused of leeg.")
    )
    note = serializers.CharField(read_only=True)


class AttendanceSheetSerializer(serializers.Serializer):
    session = AttendanceSessionSerializer(read_only=True)
    can_edit = serializers.BooleanField(read_only=True)
    rows = AttendanceRowSerializer(many=True, read_only=True)


class AttendanceMarkSerializer(serializers.Serializer):
    enrolment = serializers.UUIDField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    note = TextField(max_length=200, required=False, allow_blank=True, default="")


class AttendanceInputSerializer(serializers.Serializer):
    records = AttendanceMarkSerializer(many=True, min_length=1, max_length=60)


class ClassBookingSerializer(serializers.Serializer):
    group = serializers.IntegerField(read_only=True)
    programme = serializers.CharField(read_only=True)
    host_school = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    class_name = serializers.CharField(read_only=True)
    class_size = serializers.IntegerField(read_only=True, allow_null=True)
    mentor_name = serializers.CharField(read_only=True)
    mentor_email = serializers.CharField(read_only=True)
    can_book = serializers.BooleanField(read_only=True)


class ClassBookingInputSerializer(serializers.Serializer):
    class_name = TextField(max_length=20)
    # 1 to 40: `scheduler.services.class_booking_set` says so, in the page's words.
    class_size = serializers.IntegerField()
    mentor_name = TextField(max_length=120)
    mentor_email = StorableEmailField(max_length=254)
