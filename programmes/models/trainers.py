"""Trainers, their certificates per programme and when they are unavailable."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from programmes.models.catalogue import Programme


class Trainer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="trainer",
        verbose_name=_("gebruiker"),
    )
    phone = models.CharField(_("telefoon"), max_length=20, blank=True)
    qualifications = models.ManyToManyField(
        Programme,
        blank=True,
        through="Qualification",
        related_name="qualified_trainers",
        verbose_name=_("kwalificaties (programma's die deze trainer mag geven)"),
    )
    max_sessions_per_week = models.PositiveSmallIntegerField(
        _("maximaal aantal bijeenkomsten per week"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_sessions_per_week__gte=1, max_sessions_per_week__lte=40),
                name="trainer_weekly_maximum_valid",
                violation_error_message=_("Het weekmaximum ligt tussen 1 en 40 bijeenkomsten."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Qualification(models.Model):
    """A trainer's qualification for a programme and the certificate that proves it.

    Without a `valid_until` the qualification does not expire (a programme that issues no
    certificates). From the day after it, the trainer may not lead a session of the
    programme: `programmes.selectors.certificate_valid_on` is the rule, and the conflict
    check, the planner and the start pages ask it. The table is the one Django made for
    `Trainer.qualifications` before it had a model (migration 0008), hence its name."""

    trainer = models.ForeignKey(
        Trainer, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("trainer")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="trainer_certificates",
        verbose_name=_("programma"),
    )
    certificate_number = models.CharField(
        _("certificaatnummer"), max_length=40, blank=True, default=""
    )
    valid_until = models.DateField(
        _("geldig tot en met"),
        null=True,
        blank=True,
        help_text=_("Leeg als het certificaat niet verloopt."),
    )

    class Meta:
        db_table = "programmes_trainer_qualifications"
        unique_together = [("trainer", "programme")]
        verbose_name = _("kwalificatie")
        verbose_name_plural = _("kwalificaties")

    def __str__(self) -> str:
        return f"{self.trainer} – {self.programme}"

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or day <= self.valid_until


class TrainerUnavailability(models.Model):
    trainer = models.ForeignKey(
        Trainer,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
        verbose_name=_("trainer"),
    )
    starts_at = models.DateTimeField(_("vanaf"))
    ends_at = models.DateTimeField(_("tot"))
    reason = models.CharField(_("reden"), max_length=120, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("afwezigheid van een trainer")
        verbose_name_plural = _("afwezigheden van trainers")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="trainer_unavailability_ends_after_start",
                violation_error_message=_("Het einde ligt na het begin."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainer}: {self.starts_at:%d-%m-%Y %H:%M} – {self.ends_at:%d-%m-%Y %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Het einde moet na het begin liggen.")})
