"""Serializers for the scheduler API: the shape of requests and answers, nothing more.

Input serializers check types and pick related objects within the user's scope
(`scheduler.access` and `programmes.access`), so an id outside it is answered
exactly like one that does not exist. Every rule about groups, sessions and
conflicts lives in `scheduler.services`; the API hands it the validated data.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.serializers import ScopedPrimaryKeyRelatedField
from programmes import access as programme_access
from programmes.models import Programme, School, SchoolYear, Trainer
from scheduler import access
from scheduler.conflicts import ConflictKind, Severity
from scheduler.models import (
    ConflictOverride,
    Group,
    GroupDecision,
    GroupStatus,
    PlannerRun,
    PlanningRequest,
    Session,
    Weekday,
)


def confirm_no_holidays_field() -> serializers.BooleanField:
    return serializers.BooleanField(
        default=False,
        write_only=True,
        help_text=_(
            "Bevestig dat dit schooljaar geen schoolvakanties heeft. Zonder deze bevestiging "
            "wordt een schooljaar zonder vakanties voor de regio van de school geweigerd "
            "(400, code no_holidays)."
        ),
    )


def school_year_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="label",
        queryset=SchoolYear.objects.all(),
        help_text=_("Het schooljaar, bijv. 2026-2027."),
        **kwargs,
    )


# --- small read-only parts ---------------------------------------------------------------


class ScheduleProgrammeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "code", "name"]
        read_only_fields = fields


class ScheduleSchoolSerializer(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "name", "brin", "branch"]
        read_only_fields = fields


class ScheduleTrainerSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Trainer
        fields = ["id", "display_name"]
        read_only_fields = fields


class ConflictOverrideSerializer(serializers.ModelSerializer):
    """A soft conflict the programme manager accepted, as recorded."""

    class Meta:
        model = ConflictOverride
        fields = ["id", "kind", "message", "overridden_by", "created_at"]
        read_only_fields = fields


class ConflictSerializer(serializers.Serializer):
    """One conflict of a (planned) session. Hard ones are refused; soft ones are warnings."""

    kind = serializers.ChoiceField(choices=[(k.value, k.value) for k in ConflictKind])
    severity = serializers.ChoiceField(choices=[(s.value, s.value) for s in Severity])
    message = serializers.CharField()
    starts_at = serializers.DateTimeField(help_text=_("Begin van de bijeenkomst die botst."))
    trainer_id = serializers.IntegerField(allow_null=True)
    other_session_id = serializers.IntegerField(
        allow_null=True, help_text=_("De bestaande bijeenkomst waarmee het botst, als die er is.")
    )


class ConflictResponseSerializer(serializers.Serializer):
    """A refused change (HTTP 409). Nothing was changed."""

    detail = serializers.CharField()
    conflicts = ConflictSerializer(many=True)
    can_override = serializers.BooleanField(
        help_text=_(
            "Waar als alle conflicten zacht zijn en u ze mag accepteren: stuur het verzoek "
            "dan opnieuw met override_soft_conflicts: true."
        )
    )


class ConflictCheckSerializer(serializers.Serializer):
    """The conflicts a session would have at another time. Nothing is saved."""

    conflicts = ConflictSerializer(many=True)
    can_override = serializers.BooleanField(
        help_text=_("Waar als er alleen zachte conflicten zijn en u ze mag accepteren.")
    )


# --- sessions ----------------------------------------------------------------------------


class GroupSessionSerializer(serializers.ModelSerializer):
    """A session as part of its group."""

    overrides = ConflictOverrideSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "uid",
            "kind",
            "sequence",
            "starts_at",
            "ends_at",
            "status",
            "revision",
            "replaces",
            "overrides",
        ]
        read_only_fields = fields


class SessionSerializer(GroupSessionSerializer):
    """A session with what a schedule shows of its group."""

    programme = ScheduleProgrammeSerializer(source="group.programme", read_only=True)
    host_school = ScheduleSchoolSerializer(source="group.host_school", read_only=True)
    round_label = serializers.CharField(source="group.round_label", read_only=True)
    location = serializers.CharField(source="group.location", read_only=True)
    room = serializers.CharField(source="group.room", read_only=True)
    trainers = ScheduleTrainerSerializer(source="group.trainers", many=True, read_only=True)

    class Meta(GroupSessionSerializer.Meta):
        fields = [
            *GroupSessionSerializer.Meta.fields,
            "group",
            "programme",
            "host_school",
            "round_label",
            "location",
            "room",
            "trainers",
        ]
        read_only_fields = fields


class SessionMoveSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text=_("Nieuw begin, met tijdzone."))
    ends_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("Weggelaten: de bijeenkomst houdt haar duur.")
    )
    override_soft_conflicts = serializers.BooleanField(
        default=False,
        help_text=_(
            "Accepteer zachte conflicten (alleen de programmabeheerder); wordt vastgelegd."
        ),
    )


class SessionConflictQuerySerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text=_("Het begin dat u wilt controleren."))
    ends_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("Weggelaten: de huidige duur.")
    )


class SessionCancelSerializer(serializers.Serializer):
    add_replacement = serializers.BooleanField(
        default=False,
        help_text=_("Voeg een vervangende bijeenkomst toe in de eerste vrije week na de reeks."),
    )
    override_soft_conflicts = serializers.BooleanField(default=False)


class SessionCancelledSerializer(serializers.Serializer):
    cancelled = SessionSerializer()
    replacement = SessionSerializer(allow_null=True)


# --- groups ------------------------------------------------------------------------------


class GroupListSerializer(serializers.ModelSerializer):
    programme = ScheduleProgrammeSerializer(read_only=True)
    host_school = ScheduleSchoolSerializer(read_only=True)
    school_year = serializers.SlugRelatedField(slug_field="label", read_only=True)
    trainers = ScheduleTrainerSerializer(many=True, read_only=True)
    session_count = serializers.IntegerField(
        read_only=True, help_text=_("Aantal geplande (niet vervallen) bijeenkomsten.")
    )

    class Meta:
        model = Group
        fields = [
            "id",
            "programme",
            "host_school",
            "school_year",
            "round_label",
            "status",
            "weekday",
            "start_time",
            "first_date",
            "capacity",
            "class_name",
            "trainers",
            "session_count",
        ]
        read_only_fields = fields


class GroupDetailSerializer(GroupListSerializer):
    admitted_schools = ScheduleSchoolSerializer(many=True, read_only=True)
    # Declared, not derived: a read-only model field loses `allow_blank`, and the schema would
    # then leave out the "" of a group nobody had to decide about.
    decision = serializers.ChoiceField(
        choices=GroupDecision.choices,
        allow_blank=True,
        read_only=True,
        help_text="The decision about a group below its minimum; empty when none was needed.",
    )
    sessions = GroupSessionSerializer(many=True, read_only=True)

    class Meta(GroupListSerializer.Meta):
        fields = [
            *GroupListSerializer.Meta.fields,
            "admits_host_only",
            "admitted_schools",
            "location",
            "room",
            "parent_meeting_time",
            "enrolment_opens_on",
            "enrolment_closes_on",
            "class_size",
            "mentor_name",
            "mentor_email",
            "decision",
            "decision_reason",
            "pooled_into",
            "created_at",
            "updated_at",
            "sessions",
        ]
        read_only_fields = fields


class GroupSeriesInputSerializer(serializers.Serializer):
    """What a series needs: the programme, where, when, and with whom (for conflicts)."""

    programme = ScopedPrimaryKeyRelatedField(
        scope=programme_access.programmes_visible_to, queryset=Programme.objects.all()
    )
    host_school = ScopedPrimaryKeyRelatedField(
        scope=programme_access.schools_visible_to, queryset=School.objects.all()
    )
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    start_time = serializers.TimeField()
    first_date = serializers.DateField()
    parent_meeting_time = serializers.TimeField(required=False)
    trainers = ScopedPrimaryKeyRelatedField(
        scope=access.trainers_assignable_by,
        queryset=Trainer.objects.all(),
        many=True,
        required=False,
    )
    room = serializers.CharField(max_length=60, required=False, allow_blank=True)


class GroupPreviewSerializer(GroupSeriesInputSerializer):
    """A series preview: nothing is saved."""

    class_name = serializers.CharField(max_length=20, required=False, allow_blank=True)


class GroupCreateSerializer(GroupSeriesInputSerializer):
    """A new draft group; its sessions are generated around the host school's closed days."""

    school_year = school_year_field()
    round_label = serializers.CharField(max_length=60)
    capacity = serializers.IntegerField(
        min_value=1,
        max_value=40,
        required=False,
        help_text=_("Weggelaten: het maximum van het programma (of de klasgrootte)."),
    )
    admitted_schools = ScopedPrimaryKeyRelatedField(
        scope=access.schools_admittable_by,
        queryset=School.objects.all(),
        many=True,
        required=False,
        help_text=_("Leeg: alleen leerlingen van de eigen school."),
    )
    location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    enrolment_opens_on = serializers.DateField(required=False, allow_null=True)
    enrolment_closes_on = serializers.DateField(required=False, allow_null=True)
    class_name = serializers.CharField(max_length=20, required=False, allow_blank=True)
    class_size = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    mentor_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    mentor_email = serializers.EmailField(required=False, allow_blank=True)
    override_soft_conflicts = serializers.BooleanField(
        default=False,
        help_text=_(
            "Accepteer zachte conflicten (alleen de programmabeheerder); wordt vastgelegd."
        ),
    )
    confirm_no_holidays = confirm_no_holidays_field()


class PlannedSessionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    sequence = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SkippedDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    reasons = serializers.ListField(child=serializers.CharField())


class SeriesPreviewSerializer(serializers.Serializer):
    sessions = PlannedSessionSerializer(many=True)
    skipped = SkippedDateSerializer(many=True, help_text=_("Overgeslagen data en waarom."))
    conflicts = ConflictSerializer(many=True)


class GroupTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=GroupStatus.choices)


class GroupCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class GroupPoolSerializer(serializers.Serializer):
    into = serializers.PrimaryKeyRelatedField(queryset=Group.objects.all())
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class GroupPostponeSerializer(serializers.Serializer):
    first_date = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    override_soft_conflicts = serializers.BooleanField(required=False, default=False)


class GroupNotStartedSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class GroupTrainersField(serializers.PrimaryKeyRelatedField):
    """One of the group's own trainers (the group comes in the serializer's context)."""

    def get_queryset(self) -> Any:
        return self.context["group"].trainers.all()


class GroupReplaceTrainerSerializer(serializers.Serializer):
    old = GroupTrainersField(
        queryset=Trainer.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("De trainer die vertrekt; leeg om een trainer toe te voegen."),
    )
    new = ScopedPrimaryKeyRelatedField(
        scope=access.trainers_assignable_by, queryset=Trainer.objects.all()
    )
    override_soft_conflicts = serializers.BooleanField(default=False)


# --- planning requests -------------------------------------------------------------------


class PlanningRequestSerializer(serializers.ModelSerializer):
    school = ScopedPrimaryKeyRelatedField(
        scope=programme_access.schools_visible_to, queryset=School.objects.all()
    )
    school_name = serializers.CharField(source="school.name", read_only=True)
    programme = ScopedPrimaryKeyRelatedField(
        scope=programme_access.programmes_visible_to, queryset=Programme.objects.all()
    )
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    school_year = school_year_field()
    preferred_weekdays = serializers.ListField(
        child=serializers.ChoiceField(choices=Weekday.choices), min_length=1
    )

    class Meta:
        model = PlanningRequest
        fields = [
            "id",
            "school",
            "school_name",
            "programme",
            "programme_name",
            "school_year",
            "round_label",
            "window_start",
            "window_end",
            "preferred_weekdays",
            "earliest_start",
            "latest_start",
            "expected_children",
            "class_name",
            "notes",
            "status",
            "group",
            "requested_by",
            "created_at",
        ]
        read_only_fields = ["status", "group", "requested_by", "created_at"]
        # Windows and times are checked by the service and the database, in Dutch.
        validators: list = []


# --- planner runs ------------------------------------------------------------------------


class PlannerRunSerializer(serializers.ModelSerializer):
    school_year = school_year_field()
    confirm_no_holidays = confirm_no_holidays_field()
    time_limit_seconds = serializers.IntegerField(
        min_value=1, max_value=600, default=30, help_text=_("Rekentijd voor de solver.")
    )
    result = serializers.JSONField(
        read_only=True,
        help_text=_(
            "Als de run klaar is: proposals (per verzoek de voorgestelde groep), "
            "unsatisfied (niet in te plannen verzoeken met de reden) en stats."
        ),
    )

    class Meta:
        model = PlannerRun
        fields = [
            "id",
            "school_year",
            "time_limit_seconds",
            "status",
            "progress",
            "result",
            "error",
            "started_by",
            "created_at",
            "finished_at",
            "confirm_no_holidays",
        ]
        read_only_fields = [
            "status",
            "progress",
            "result",
            "error",
            "started_by",
            "created_at",
            "finished_at",
        ]


class PlannerRunAcceptSerializer(serializers.Serializer):
    request_ids = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=1,
        help_text=_("De verzoeken uit het voorstel die als conceptgroep worden aangemaakt."),
    )
    confirm_no_holidays = confirm_no_holidays_field()


class PlannerRunAcceptedSerializer(serializers.Serializer):
    group_ids = serializers.ListField(child=serializers.IntegerField())
