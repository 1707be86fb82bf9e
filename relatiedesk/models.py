"""The texts of the relatiedesk pages, one row per saved version.

A text is addressed by (programme or none for the general section, audience, language); every
save adds a version and never changes an old one, so the history is the rows themselves. The
page shows the newest version; with no version at all it shows the shipped default
(`relatiedesk.defaults`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme


class Audience(models.TextChoices):
    # The values are the Dutch path segments of the public pages.
    PARENTS = "ouders", _("ouders")
    CHILDREN = "kinderen", _("kinderen van 7 tot 12")
    TEENAGERS = "jongeren", _("jongeren")


class Language(models.TextChoices):
    DUTCH = "nl", _("Nederlands")
    ENGLISH = "en", _("Engels")


class PageText(models.Model):
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relatiedesk_texts",
        verbose_name=_("programma"),
        help_text=_("Leeg: de algemene pagina's."),
    )
    audience = models.CharField(_("voor wie"), max_length=10, choices=Audience.choices)
    language = models.CharField(_("taal"), max_length=2, choices=Language.choices)
    version = models.PositiveIntegerField(_("versie"))
    title = models.CharField(_("titel"), max_length=150)
    body = models.TextField(_("tekst (Markdown)"))
    checklist = models.TextField(_("checklist (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    created_at = models.DateTimeField(_("opgeslagen op"), default=timezone.now)
    restored_from = models.PositiveIntegerField(_("teruggezet van versie"), null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("relatiedesktekst")
        verbose_name_plural = _("relatiedeskteksten")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "audience", "language", "version"],
                name="relatiedesk_text_version_unique",
            ),
            # NULL is never equal to NULL in a unique index: the general texts need their own.
            models.UniqueConstraint(
                fields=["audience", "language", "version"],
                condition=Q(programme__isnull=True),
                name="relatiedesk_general_text_version_unique",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="relatiedesk_text_version_positive"
            ),
        ]
        indexes = [models.Index(fields=["programme", "audience", "language", "-version"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.language}, v{self.version})"
