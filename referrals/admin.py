"""The admin for referrals and prevention talks: the programme manager reads, and acts only
through `referrals.services`.

Access comes from `programmes.access.is_manager`, like the rest of the admin. Rows are
read-only: a referral, a slot and a booking are facts the referrer and the parent made. The
changes the manager may make are actions that call the services: revoke an invitation,
take a talk slot back (its booking is cancelled and the parent told), end or restore a
wijkteammedewerker's role. No page here shows a parent's address, name or the referrer's
note, nor a token or its hash: an invitation is named by its public id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from programmes import access
from programmes.admin.base import ManagerOnlyMixin, NamelessTitleMixin
from referrals import services
from referrals.models import BookingStatus, Referral, TalkBooking, TalkSlot, WijkteamWorker


class ManagerReadOnlyMixin(ManagerOnlyMixin):
    """Only the programme manager sees these pages; nothing is added, changed or deleted
    here (the actions call the services)."""

    def has_act_permission(self, request: HttpRequest) -> bool:
        """The actions' permission (`permissions=["act"]`): the manager's."""
        return access.is_manager(request.user)


def _apply(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    service: Callable[[Any], Any],
    done_message: Callable[[int], str],
) -> None:
    """Call `service` for each selected row; count what it did and what it refused."""
    if not access.is_manager(request.user):
        raise PermissionDenied
    done = refused = 0
    for obj in queryset:
        try:
            service(obj)
        except ValidationError:
            refused += 1
        else:
            done += 1
    if done:
        model_admin.message_user(request, done_message(done), messages.SUCCESS)
    if refused:
        model_admin.message_user(
            request,
            gettext("%(count)s overgeslagen: dat kon niet (meer).") % {"count": refused},
            messages.WARNING,
        )


@admin.register(WijkteamWorker)
class WijkteamWorkerAdmin(ManagerReadOnlyMixin, admin.ModelAdmin):
    """The wijkteammedewerkers, the schools they serve and whether the role is active."""

    list_display = ["__str__", "active", "school_count", "office_address", "created_at"]
    list_filter = ["active"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    fields = ["user", "schools", "office_address", "active", "created_at"]
    readonly_fields = fields
    actions = ["deactivate", "activate"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WijkteamWorker]:
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(_school_count=Count("schools", distinct=True))
        )

    @admin.display(description=_("scholen"), ordering="_school_count")
    def school_count(self, worker: WijkteamWorker) -> int:
        return worker._school_count  # type: ignore[attr-defined]

    @admin.action(description=_("Rol beëindigen (niet meer actief)"), permissions=["act"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[WijkteamWorker]) -> None:
        _apply(
            self,
            request,
            queryset,
            lambda worker: services.wijkteam_worker_update(worker=worker, active=False),
            lambda count: (
                gettext("%(count)s wijkteammedewerker(s) niet meer actief.") % {"count": count}
            ),
        )

    @admin.action(description=_("Weer actief maken"), permissions=["act"])
    def activate(self, request: HttpRequest, queryset: QuerySet[WijkteamWorker]) -> None:
        _apply(
            self,
            request,
            queryset,
            lambda worker: services.wijkteam_worker_update(worker=worker, active=True),
            lambda count: (
                gettext("%(count)s wijkteammedewerker(s) weer actief.") % {"count": count}
            ),
        )


@admin.register(Referral)
class ReferralAdmin(NamelessTitleMixin, ManagerReadOnlyMixin, admin.ModelAdmin):
    """Invitations as facts: who referred, to which programme and school, and what became
    of it. Never the parent's address, nor the referrer's note (it is about the family)."""

    list_display = [
        "public_id",
        "shown_status",
        "programme",
        "school",
        "group",
        "referrer",
        "sent_at",
        "times_sent",
        "opened_at",
        "answered_at",
        "expires_at",
    ]
    list_filter = [
        "status",
        "programme",
        "school__municipality",
        ("erased_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = [
        "programme",
        "school",
        "group__programme",
        "group__host_school",
        "referrer",
    ]
    search_fields = [
        "school__name",
        "school__brin",
        "programme__name_nl",
        "referrer__username",
        "referrer__last_name",
    ]
    date_hierarchy = "sent_at"
    # Listed explicitly so the address, the note and the token's hash never appear.
    fields = [
        "public_id",
        "shown_status",
        "programme",
        "school",
        "group",
        "referrer",
        "language",
        "created_at",
        "sent_at",
        "times_sent",
        "expires_at",
        "opened_at",
        "answered_at",
        "erased_at",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Referral]:
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description=_("status"), ordering="status")
    def shown_status(self, referral: Referral) -> str:
        return referral.get_shown_status_display()

    @admin.action(description=_("Geselecteerde uitnodigingen intrekken"), permissions=["act"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Referral]) -> None:
        _apply(
            self,
            request,
            queryset,
            lambda referral: services.referral_revoke(referral=referral),
            lambda count: (
                ngettext(
                    "%(count)s uitnodiging ingetrokken.",
                    "%(count)s uitnodigingen ingetrokken.",
                    count,
                )
                % {"count": count}
            ),
        )

    def admin_label(self, obj: Referral) -> str:
        return f"{obj.public_id} ({obj.get_shown_status_display()})"


@admin.register(TalkSlot)
class TalkSlotAdmin(ManagerReadOnlyMixin, admin.ModelAdmin):
    """The times the wijkteammedewerkers offer for a prevention talk, and whether booked."""

    list_display = ["starts_at", "minutes", "place", "worker", "school", "booked", "cancelled_at"]
    list_filter = ["place", ("cancelled_at", admin.EmptyFieldListFilter)]
    list_select_related = ["worker__user", "school"]
    search_fields = ["worker__user__first_name", "worker__user__last_name", "school__name"]
    date_hierarchy = "starts_at"
    fields = [
        "worker",
        "starts_at",
        "minutes",
        "place",
        "school",
        "book_days_ahead",
        "created_at",
        "cancelled_at",
    ]
    readonly_fields = fields
    actions = ["cancel"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TalkSlot]:
        booked = TalkBooking.objects.filter(slot=OuterRef("pk"), status=BookingStatus.BOOKED)
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .annotate(_booked=Exists(booked))
        )

    @admin.display(description=_("geboekt"), boolean=True, ordering="_booked")
    def booked(self, slot: TalkSlot) -> bool:
        return slot._booked  # type: ignore[attr-defined]

    @admin.action(
        description=_("Gesprekstijden schrappen (een boeking wordt afgezegd)"),
        permissions=["act"],
    )
    def cancel(self, request: HttpRequest, queryset: QuerySet[TalkSlot]) -> None:
        _apply(
            self,
            request,
            queryset.filter(cancelled_at__isnull=True),
            lambda slot: services.talk_slot_cancel(slot=slot),
            lambda count: gettext("%(count)s gesprekstijd(en) geschrapt.") % {"count": count},
        )


@admin.register(TalkBooking)
class TalkBookingAdmin(ManagerReadOnlyMixin, admin.ModelAdmin):
    """Booked talks without the parent: no name, no address; when, with whom, what state."""

    list_display = [
        "__str__",
        "starts_at",
        "worker",
        "status",
        "from_referral",
        "created_at",
        "cancelled_at",
        "reminded_at",
        "erased_at",
    ]
    list_filter = ["status", ("erased_at", admin.EmptyFieldListFilter)]
    list_select_related = ["slot__worker__user"]
    search_fields = ["slot__worker__user__first_name", "slot__worker__user__last_name"]
    # Listed explicitly so the parent's name, address and the token's hash never appear.
    fields = [
        "slot",
        "status",
        "language",
        "sequence",
        "created_at",
        "cancelled_at",
        "reminded_at",
        "erased_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TalkBooking]:
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description=_("begint om"), ordering="slot__starts_at")
    def starts_at(self, booking: TalkBooking) -> Any:
        return booking.slot.starts_at

    @admin.display(description=_("wijkteammedewerker"), ordering="slot__worker__user__last_name")
    def worker(self, booking: TalkBooking) -> WijkteamWorker:
        return booking.slot.worker

    @admin.display(description=_("via een uitnodiging"), boolean=True)
    def from_referral(self, booking: TalkBooking) -> bool:
        return booking.referral_id is not None
