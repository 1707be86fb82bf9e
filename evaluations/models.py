"""Questionnaires per programme and the answers to them, kept apart from names.

A programme's questionnaire exists per respondent group (the child, each guardian, the
teacher or mentor) in numbered versions; a published version is never changed, a new one
is made instead, so an answer always points at the exact questions that were asked.

Answers (`Response` + `Answer`) hold no name and no enrolment: only the group, the
programme, the school year, the child's school and grade (what the outcome figures count
per) and a pseudonymous `pair_key`. The only row that ties a key to an enrolment is
`PairKey`; it goes with the enrolment's retention (`evaluations.erasure`), after which the
answers are anonymous and the improvement of each pair is kept as a `PairOutcome` without
a key, so the figures stay the same.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.tokens import new_token, token_hash
from enrolment.models import Enrolment, Guardian
from programmes.models import Programme, School, SchoolYear
from scheduler.models import Group


class Respondent(models.TextChoices):
    CHILD = "child", _("kind")
    GUARDIAN = "guardian", _("ouder/verzorger")
    TEACHER = "teacher", _("leerkracht of mentor")


class Moment(models.TextChoices):
    BEFORE = "before", _("voor")
    AFTER = "after", _("na")
    FOLLOW_UP = "follow_up", _("vervolgmeting")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("schaal van 1 tot 5")
    SMILEY = "smiley", _("smileys (1 tot 5)")
    YES_NO = "yes_no", _("ja/nee")
    CHOICE = "choice", _("keuze")
    OPEN = "open", _("open vraag")


# Kinds whose answer is a number from 1 to 5 (yes/no: 1 = nee, 5 = ja), so a mean and an
# improvement can be computed.
SCORED_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.SMILEY, QuestionKind.YES_NO})
SCALE_MIN, SCALE_MAX = 1, 5
YES, NO = 5, 1


class Measures(models.TextChoices):
    NOTHING = "", _("alleen informatie")
    SATISFACTION = "satisfaction", _("tevredenheid")
    GOAL = "goal", _("een doel van het programma")


def _localised(obj: object, field: str) -> str:
    english = getattr(obj, f"{field}_en", "")
    return english if get_language() == "en" and english else getattr(obj, f"{field}_nl")


class EvaluationSettings(models.Model):
    """A programme's settings for the outcome figures."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="evaluation_settings"
    )
    min_sessions = models.PositiveSmallIntegerField(
        _("minimaal aantal bijeenkomsten"),
        help_text=_("Wie minder kindbijeenkomsten bijwoonde, telt als uitval."),
    )

    class Meta:
        verbose_name = _("instellingen evaluatie")
        verbose_name_plural = _("instellingen evaluatie")

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.min_sessions}"


class Goal(models.Model):
    """A goal of a programme, in the programme's own words."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    name_nl = models.CharField(_("doel (Nederlands)"), max_length=200)
    name_en = models.CharField(_("doel (Engels)"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("doel")
        verbose_name_plural = _("doelen")

    def __str__(self) -> str:
        return self.name_nl

    @property
    def name(self) -> str:
        return _localised(self, "name")


class Questionnaire(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="questionnaires"
    )
    respondent = models.CharField(_("wie vult in"), max_length=10, choices=Respondent.choices)
    version = models.PositiveSmallIntegerField(_("versie"))
    title_nl = models.CharField(_("titel (Nederlands)"), max_length=150)
    title_en = models.CharField(_("titel (Engels)"), max_length=150, blank=True)
    intro_nl = models.TextField(_("inleiding (Nederlands)"), blank=True)
    intro_en = models.TextField(_("inleiding (Engels)"), blank=True)
    before = models.BooleanField(_("voor (intake of eerste bijeenkomst)"), default=True)
    after = models.BooleanField(_("na (laatste bijeenkomst)"), default=True)
    follow_up_months = models.PositiveSmallIntegerField(
        _("vervolgmeting na (maanden)"),
        null=True,
        blank=True,
        help_text=_("Leeg: geen vervolgmeting."),
    )
    published_at = models.DateTimeField(_("in gebruik sinds"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "respondent", "-version"]
        verbose_name = _("vragenlijst")
        verbose_name_plural = _("vragenlijsten")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "respondent", "version"], name="questionnaire_version_once"
            ),
            models.CheckConstraint(
                condition=Q(respondent__in=Respondent.values), name="questionnaire_respondent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.respondent} v{self.version}"

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def intro(self) -> str:
        return _localised(self, "intro")

    def moments(self) -> list[str]:
        chosen = [Moment.BEFORE] if self.before else []
        chosen += [Moment.AFTER] if self.after else []
        chosen += [Moment.FOLLOW_UP] if self.follow_up_months else []
        return chosen


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    kind = models.CharField(_("soort"), max_length=10, choices=QuestionKind.choices)
    text_nl = models.CharField(_("vraag (Nederlands)"), max_length=300)
    text_en = models.CharField(_("vraag (Engels)"), max_length=300, blank=True)
    # For a choice: the options, one per line (the answer stores the option's number).
    options_nl = models.TextField(_("keuzes (Nederlands, één per regel)"), blank=True)
    options_en = models.TextField(_("keuzes (Engels, één per regel)"), blank=True)
    measures = models.CharField(
        _("meet"), max_length=12, choices=Measures.choices, blank=True, default=""
    )
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.PROTECT, related_name="questions"
    )

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        constraints = [
            models.CheckConstraint(
                condition=(Q(measures=Measures.GOAL) & Q(goal__isnull=False))
                | (~Q(measures=Measures.GOAL) & Q(goal__isnull=True)),
                name="question_goal_iff_measures_goal",
            ),
            models.CheckConstraint(
                condition=Q(measures="")
                | Q(kind__in=[QuestionKind.SCALE, QuestionKind.SMILEY, QuestionKind.YES_NO]),
                name="question_measured_is_scored",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id}#{self.position}"

    @property
    def text(self) -> str:
        return _localised(self, "text")

    def options(self) -> list[str]:
        raw = _localised(self, "options")
        return [line.strip() for line in raw.splitlines() if line.strip()]

    @property
    def is_scored(self) -> bool:
        return self.kind in SCORED_KINDS


class PairKey(models.Model):
    """The only tie between an enrolment and its answers: one pseudonym per enrolment and
    respondent (the child, one guardian, the teacher). Deleted with the enrolment's data."""

    key = models.CharField(max_length=43, unique=True)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    guardian = models.ForeignKey(
        Guardian, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("koppelsleutel")
        verbose_name_plural = _("koppelsleutels")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "respondent", "guardian"],
                name="pair_key_once_per_respondent",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.respondent} {self.enrolment_id}"

    @staticmethod
    def new_key() -> str:
        return new_token()


class Response(models.Model):
    """One filled-in questionnaire: no name, no enrolment (see the module docstring)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="evaluation_responses")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    moment = models.CharField(max_length=10, choices=Moment.choices)
    # A pseudonym pairing before and after; "" once the enrolment's data was erased.
    pair_key = models.CharField(max_length=43, blank=True, default="", db_index=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ingevulde vragenlijst")
        verbose_name_plural = _("ingevulde vragenlijsten")
        constraints = [
            models.UniqueConstraint(
                fields=["pair_key", "moment"],
                condition=~Q(pair_key=""),
                name="response_once_per_respondent_and_moment",
                violation_error_message=_("Deze vragenlijst is al ingevuld."),
            ),
            models.CheckConstraint(
                condition=Q(moment__in=Moment.values) & Q(respondent__in=Respondent.values),
                name="response_choices_valid",
            ),
        ]
        indexes = [models.Index(fields=["group", "moment"], name="response_group_moment_idx")]

    def __str__(self) -> str:
        return f"response {self.pk}"


class Answer(models.Model):
    """One answered question; a question left blank has no row."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("antwoord")
        verbose_name_plural = _("antwoorden")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""), name="answer_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class PairOutcome(models.Model):
    """What was left of one before/after pair when its key was erased: per goal, whether the
    answer improved. No key and no enrolment, so the goals-reached figure stays the same."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="+")
    improved = models.BooleanField()

    class Meta:
        verbose_name = _("anonieme voor-na-uitkomst")
        verbose_name_plural = _("anonieme voor-na-uitkomsten")

    def __str__(self) -> str:
        return f"{self.group_id}/{self.goal_id}: {self.improved}"


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("ingevuld")
    CLOSED = "closed", _("gesloten")


_hash_token = token_hash


class Invitation(models.Model):
    """A personal, expiring link to one questionnaire at one moment. Only a hash of the
    token is stored; the token exists in memory until the invitation mail is written."""

    token_hash = models.CharField(max_length=64, unique=True)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="invitations"
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    moment = models.CharField(max_length=10, choices=Moment.choices)
    pair_key = models.ForeignKey(
        PairKey, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    # A teacher's address, kept only here: the group's mentor (a class; no pair key, the
    # mentor answers about the group) or a child's teacher invited by the school's
    # coordinator (the child's teacher pair key; goes with the enrolment's retention).
    email = models.EmailField(blank=True)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("uitnodiging vragenlijst")
        verbose_name_plural = _("uitnodigingen vragenlijst")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="invitation_expires_later"
            ),
            models.UniqueConstraint(
                fields=["pair_key", "moment"],
                condition=Q(pair_key__isnull=False),
                name="invitation_once_per_key_and_moment",
            ),
            models.UniqueConstraint(
                fields=["group", "moment"],
                condition=Q(pair_key__isnull=True),
                name="invitation_teacher_once_per_group_and_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.moment})"

    @staticmethod
    def new_token() -> str:
        return new_token()

    @staticmethod
    def hash(token: str) -> str:
        return _hash_token(token)

    @property
    def is_usable(self) -> bool:
        return (
            self.revoked_at is None
            and self.answered_at is None
            and self.expires_at > timezone.now()
        )


class GroupMoment(models.Model):
    """A moment of a group whose questionnaires were opened: when, and until when."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="evaluation_moments")
    moment = models.CharField(max_length=10, choices=Moment.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "opened_at"]
        verbose_name = _("meetmoment van een groep")
        verbose_name_plural = _("meetmomenten van groepen")
        constraints = [
            models.UniqueConstraint(fields=["group", "moment"], name="group_moment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.moment}"

    @property
    def is_open(self) -> bool:
        return self.closes_at > timezone.now()
