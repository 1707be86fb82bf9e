"""The admin for enrolment: consent text versions, the audit log, interest, and enrolments.

The programme manager's tool, like the rest of the admin: `programmes.access.is_manager`
decides, not Django's staff flag. No page here shows children's or guardians' personal
data: the enrolment admin lists status, group, programme and dates only (rosters, with
their audit log, are where staff see children). The audit log is read-only; a consent text
version that was shown to parents is a fact and becomes read-only; new versions are added
through `services.consent_text_save`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from enrolment import services
from enrolment.models import AuditEntry, Consent, ConsentText, Enrolment, Interest, Submission
from programmes import access
from programmes.admin.base import ManagerOnlyMixin, NamelessTitleMixin


@admin.register(ConsentText)
class ConsentTextAdmin(ManagerOnlyMixin, admin.ModelAdmin):
    """Add a new version; a version already shown to parents can be read, never edited."""

    list_display = ["version", "active_from", "in_use"]
    search_fields = ["version"]
    fields = ["version", "active_from", "text_nl", "text_en"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return access.is_manager(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not access.is_manager(request.user):
            return False
        return obj is None or not services.consent_text_in_use(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsentText]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _in_use=Exists(Submission.objects.filter(consent_text=OuterRef("pk")))
                | Exists(Consent.objects.filter(consent_text=OuterRef("pk")))
            )
        )

    @admin.display(description=_("in gebruik"), boolean=True)
    def in_use(self, consent_text: ConsentText) -> bool:
        return consent_text._in_use

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            services.consent_text_save(consent_text=obj)
        except ValidationError as error:
            # Someone used the version between opening and saving the form.
            messages.error(request, " ".join(error.messages))


@admin.register(AuditEntry)
class AuditEntryAdmin(ManagerOnlyMixin, admin.ModelAdmin):
    """Who viewed, exported or erased children's data: read-only, kept after erasure."""

    list_display = ["created_at", "actor_label", "action", "target"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_label", "target"]
    date_hierarchy = "created_at"
    fields = ["created_at", "actor_label", "action", "target"]
    readonly_fields = fields


@admin.register(Interest)
class InterestAdmin(ManagerOnlyMixin, admin.ModelAdmin):
    """Parents' wishes for a programme at a school where no group was open."""

    list_display = ["created_at", "programme", "school", "email"]
    list_filter = ["programme", "school__municipality", "created_at"]
    list_select_related = ["programme", "school"]
    search_fields = ["school__name", "school__brin", "programme__name_nl"]
    date_hierarchy = "created_at"


@admin.register(Enrolment)
class EnrolmentAdmin(NamelessTitleMixin, ManagerOnlyMixin, admin.ModelAdmin):
    """Enrolments as anonymous facts: no child, no guardian, no notes; read-only."""

    list_display = [
        "public_id",
        "status",
        "programme",
        "group",
        "school_year",
        "created_at",
        "confirmed_at",
        "ended_at",
        "erased_at",
    ]
    list_filter = ["status", "programme", "school_year", ("erased_at", admin.EmptyFieldListFilter)]
    list_select_related = ["programme", "school_year", "group__programme", "group__host_school"]
    date_hierarchy = "created_at"
    # Listed explicitly so the child, the submission and the child key never appear.
    fields = [
        "public_id",
        "status",
        "programme",
        "group",
        "school_year",
        "priority",
        "created_at",
        "hold_expires_at",
        "offer_expires_at",
        "consent_complete_at",
        "confirmed_at",
        "ended_at",
        "erased_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrolment]:
        return super().get_queryset(request).select_related(*self.list_select_related)

    def admin_label(self, obj: Enrolment) -> str:
        return f"{obj.public_id} ({obj.get_status_display()})"
