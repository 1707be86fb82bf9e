"""Groups (one run of a programme), their sessions, planning requests and planner runs."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme, School, SchoolYear, Trainer


class Weekday(models.IntegerChoices):
    """A school day (Monday 0). Its names are Django's (`django.utils.dates.WEEKDAYS`), the
    ones `programmes.dates.weekday_name` and the `date` filter give, so a group's rhythm and
    its dates never name a day differently."""

    MONDAY = 0, WEEKDAYS[0]
    TUESDAY = 1, WEEKDAYS[1]
    WEDNESDAY = 2, WEEKDAYS[2]
    THURSDAY = 3, WEEKDAYS[3]
    FRIDAY = 4, WEEKDAYS[4]


class GroupStatus(models.TextChoices):
    DRAFT = "draft", _("concept")
    PUBLISHED = "published", _("gepubliceerd")
    ENROLMENT_CLOSED = "enrolment_closed", _("aanmelding gesloten")
    RUNNING = "running", _("loopt")
    COMPLETED = "completed", _("afgerond")
    CANCELLED = "cancelled", _("geannuleerd")


# The one place that says which status may follow which.
GROUP_TRANSITIONS: dict[str, frozenset[str]] = {
    GroupStatus.DRAFT: frozenset({GroupStatus.PUBLISHED, GroupStatus.CANCELLED}),
    GroupStatus.PUBLISHED: frozenset(
        {
            GroupStatus.DRAFT,
            GroupStatus.ENROLMENT_CLOSED,
            GroupStatus.RUNNING,
            GroupStatus.CANCELLED,
        }
    ),
    GroupStatus.ENROLMENT_CLOSED: frozenset(
        {GroupStatus.PUBLISHED, GroupStatus.RUNNING, GroupStatus.CANCELLED}
    ),
    GroupStatus.RUNNING: frozenset({GroupStatus.COMPLETED, GroupStatus.CANCELLED}),
    GroupStatus.COMPLETED: frozenset(),
    GroupStatus.CANCELLED: frozenset(),
}


class GroupDecision(models.TextChoices):
    """What was decided for a group below its programme's minimum on its decision day
    (`scheduler.services.viability`). A pooled or cancelled group did not start; a postponed
    one gets a new decision day with its new first date."""

    POOLED = "pooled", _("samengevoegd met een andere groep")
    POSTPONED = "postponed", _("uitgesteld")
    CANCELLED = "cancelled", _("niet gestart: te weinig kinderen")


# A class-mode group's class may be booked or changed until the group runs.
CLASS_BOOKABLE: frozenset[str] = frozenset({GroupStatus.DRAFT, GroupStatus.PUBLISHED})


class Group(models.Model):
    """One run of a programme at a host school: its trainers, seats, place and rhythm."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="groups", verbose_name=_("programma")
    )
    host_school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="hosted_groups", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="groups", verbose_name=_("schooljaar")
    )
    round_label = models.CharField(_("ronde"), max_length=60, help_text=_("Bijv. najaar 2026."))
    admits_host_only = models.BooleanField(_("alleen leerlingen van de eigen school"), default=True)
    admitted_schools = models.ManyToManyField(
        School, blank=True, related_name="admitting_groups", verbose_name=_("ook open voor")
    )
    trainers = models.ManyToManyField(
        Trainer, blank=True, related_name="groups", verbose_name=_("trainers")
    )
    capacity = models.PositiveSmallIntegerField(
        _("aantal plaatsen"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    location = models.CharField(_("locatie"), max_length=200, blank=True)
    room = models.CharField(_("lokaal"), max_length=60, blank=True)
    weekday = models.PositiveSmallIntegerField(_("weekdag"), choices=Weekday.choices)
    start_time = models.TimeField(_("begintijd"))
    parent_meeting_time = models.TimeField(_("begintijd ouderbijeenkomsten"), default="19:30")
    first_date = models.DateField(_("eerste datum"))
    enrolment_opens_on = models.DateField(_("aanmelden vanaf"), null=True, blank=True)
    enrolment_closes_on = models.DateField(_("aanmelden tot en met"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GroupStatus.choices, default=GroupStatus.DRAFT
    )
    # Class-mode programmes are booked for one named class; no pupil data is kept.
    class_name = models.CharField(_("klas"), max_length=20, blank=True)
    class_size = models.PositiveSmallIntegerField(_("aantal leerlingen"), null=True, blank=True)
    mentor_name = models.CharField(_("naam mentor"), max_length=120, blank=True)
    mentor_email = models.EmailField(_("e-mail mentor"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last decision about a group below its minimum, and why (`services.viability`).
    decision = models.CharField(
        _("besluit bij te weinig kinderen"),
        max_length=12,
        choices=GroupDecision.choices,
        blank=True,
    )
    decision_reason = models.CharField(_("reden"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pooled_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pooled_from",
        verbose_name=_("samengevoegd met"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_date", "id"]
        verbose_name = _("groep")
        verbose_name_plural = _("groepen")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=40),
                name="group_capacity_valid",
                violation_error_message=_("Een groep heeft 1 tot 40 plaatsen."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=4),
                name="group_weekday_is_school_day",
                violation_error_message=_("Kies een schooldag (maandag tot en met vrijdag)."),
            ),
            models.CheckConstraint(
                condition=Q(enrolment_opens_on__isnull=True)
                | Q(enrolment_closes_on__isnull=True)
                | Q(enrolment_closes_on__gte=F("enrolment_opens_on")),
                name="group_enrolment_window_valid",
                violation_error_message=_("Aanmelden sluit niet voordat het opent."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=GroupStatus.values), name="group_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(class_size__isnull=True) | Q(class_size__gte=1),
                name="group_class_size_positive",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=GroupDecision.values),
                name="group_decision_valid",
            ),
            # Only a pooled group names the group it joined, and never itself.
            models.CheckConstraint(
                condition=Q(pooled_into__isnull=True)
                | (Q(decision=GroupDecision.POOLED) & ~Q(pooled_into=F("pk"))),
                name="group_pooled_into_only_when_pooled",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.programme.name} – {self.host_school.name} ({self.round_label})"
        return f"{label} {self.class_name}".strip() if self.class_name else label

    @property
    def is_cancelled(self) -> bool:
        return self.status == GroupStatus.CANCELLED

    def can_become(self, status: str) -> bool:
        return status in GROUP_TRANSITIONS[self.status]

    @property
    def decision_day(self) -> dt.date | None:
        """The day a group below its programme's minimum is decided on (none: never)."""
        days = self.programme.decision_days
        return None if days is None else self.first_date - dt.timedelta(days=days)


class SessionKind(models.TextChoices):
    CHILD = "child", _("bijeenkomst")
    PARENT = "parent", _("ouderbijeenkomst")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("gepland")
    CANCELLED = "cancelled", _("vervallen")


class Session(models.Model):
    """One meeting of a group. `uid` is stable for calendars; `revision` rises with each change."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("groep")
    )
    kind = models.CharField(_("soort"), max_length=10, choices=SessionKind.choices)
    sequence = models.PositiveSmallIntegerField(_("volgnummer"))
    starts_at = models.DateTimeField(_("begint"))
    ends_at = models.DateTimeField(_("eindigt"))
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    revision = models.PositiveIntegerField(_("revisie"), default=0)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("Een bijeenkomst eindigt na het begin."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values) & Q(status__in=SessionStatus.values),
                name="session_choices_valid",
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="session_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sequence} – {self.group}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class ConflictOverride(models.Model):
    """A soft conflict (weekly maximum, travel buffer) that the programme manager accepted."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="overrides")
    kind = models.CharField(_("soort"), max_length=30)
    message = models.TextField(_("melding"))
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("geaccepteerd conflict")
        verbose_name_plural = _("geaccepteerde conflicten")

    def __str__(self) -> str:
        return self.message


class PlanningRequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    PLANNED = "planned", _("ingepland")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class PlanningRequest(models.Model):
    """A coordinator asks for a programme at their school within a round window."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="planning_requests", verbose_name=_("school")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="planning_requests"
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="planning_requests"
    )
    round_label = models.CharField(_("ronde"), max_length=60)
    window_start = models.DateField(_("vroegste startdatum"))
    window_end = models.DateField(_("laatste datum"))
    preferred_weekdays = models.JSONField(_("voorkeursdagen"), default=list)
    earliest_start = models.TimeField(_("niet eerder dan"), default="08:30")
    latest_start = models.TimeField(_("uiterlijk beginnen om"), default="15:00")
    expected_children = models.PositiveSmallIntegerField(
        _("verwacht aantal kinderen"), validators=[MinValueValidator(1)]
    )
    class_name = models.CharField(_("klas"), max_length=20, blank=True)
    notes = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(
        max_length=10, choices=PlanningRequestStatus.choices, default=PlanningRequestStatus.OPEN
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("planningsverzoek")
        verbose_name_plural = _("planningsverzoeken")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=F("window_start")),
                name="planning_request_window_valid",
                violation_error_message=_("De laatste datum ligt na de vroegste startdatum."),
            ),
            models.CheckConstraint(
                condition=Q(latest_start__gte=F("earliest_start")),
                name="planning_request_time_window_valid",
                violation_error_message=_(
                    "'Uiterlijk beginnen om' ligt niet voor 'niet eerder dan'."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expected_children__gte=1), name="planning_request_children_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} @ {self.school.name} ({self.round_label})"


class PlannerRunStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("mislukt")


class PlannerRun(models.Model):
    """One run of the year planner over a school year's open requests, and its proposal."""

    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=PlannerRunStatus.choices, default=PlannerRunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    time_limit_seconds = models.PositiveIntegerField(default=30)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("planner-run")
        verbose_name_plural = _("planner-runs")

    def __str__(self) -> str:
        return f"{self.school_year} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"
