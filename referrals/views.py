"""Staff pages: the referrer's invitations, the manager's wijkteam workers, the worker's talk
slots and start page. Thin doors: scope from `selectors`, changes through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.forms import add_service_error
from core.views import NavSectionMixin
from programmes import access
from programmes.mixins import CatalogueManagerRequiredMixin, RoleRequiredMixin
from referrals import selectors, services
from referrals.forms import ReferralForm, TalkSlotForm, WorkerForm
from referrals.models import ReferralStatus, WijkteamWorker

LIST_LIMIT = 200


class ReferrerRequiredMixin(RoleRequiredMixin):
    def has_access(self, user: Any) -> bool:
        return services.may_refer(user)


class WorkerRequiredMixin(RoleRequiredMixin):
    worker: WijkteamWorker

    def has_access(self, user: Any) -> bool:
        return access.is_wijkteam(user)

    def load(self) -> None:
        worker = selectors.worker_of(self.request.user)
        if worker is None:  # lost the role between the check and here
            self.deny()
        self.worker = worker  # type: ignore[assignment]


class ReferralListView(ReferrerRequiredMixin, NavSectionMixin, TemplateView):
    """The referrer's invitations with their status only: never an enrolment or a child."""

    template_name = "referrals/referral_list.html"
    nav_section = "referrals"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        referrals = list(
            selectors.referrals_visible_to(self.request.user).filter(referrer=self.request.user)[
                :LIST_LIMIT
            ]
        )
        for referral in referrals:
            referral.shown = referral.shown_status(now)
            referral.shown_label = ReferralStatus(referral.shown).label
            referral.can_resend = referral.status in (ReferralStatus.SENT, ReferralStatus.OPENED)
        context["referrals"] = referrals
        return context


class ReferralCreateView(ReferrerRequiredMixin, NavSectionMixin, FormView):
    template_name = "referrals/referral_form.html"
    form_class = ReferralForm
    nav_section = "referrals"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["schools"] = selectors.referral_schools_of(self.request.user)
        return kwargs

    def form_valid(self, form: ReferralForm) -> HttpResponse:
        try:
            services.referral_send(referrer=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("De uitnodiging is verstuurd."))
        return HttpResponseRedirect(reverse("referral-list"))


class _ReferralAction(ReferrerRequiredMixin, View):
    http_method_names = ["post"]

    def act(self, referral: Any) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, public_id: str) -> HttpResponse:
        referral = get_object_or_404(
            selectors.referrals_visible_to(request.user).filter(referrer=request.user),
            public_id=public_id,
        )
        try:
            self.act(referral)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("referral-list"))


class ReferralResendView(_ReferralAction):
    def act(self, referral: Any) -> None:
        services.referral_resend(referral=referral)
        messages.success(
            self.request, _("De uitnodiging is opnieuw verstuurd, met een nieuwe link.")
        )


class ReferralRevokeView(_ReferralAction):
    def act(self, referral: Any) -> None:
        services.referral_revoke(referral=referral)
        messages.success(self.request, _("De uitnodiging is ingetrokken; de link werkt niet meer."))


# --- the programme manager: wijkteam workers --------------------------------------------


class WorkerListView(CatalogueManagerRequiredMixin, NavSectionMixin, TemplateView):
    template_name = "referrals/worker_list.html"
    nav_section = "manage"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["workers"] = list(selectors.workers_visible_to(self.request.user)[:LIST_LIMIT])
        return context


class WorkerCreateView(CatalogueManagerRequiredMixin, NavSectionMixin, FormView):
    template_name = "referrals/worker_form.html"
    form_class = WorkerForm
    nav_section = "manage"

    def form_valid(self, form: WorkerForm) -> HttpResponse:
        try:
            services.wijkteam_worker_create(**form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("De wijkteammedewerker is toegevoegd."))
        return HttpResponseRedirect(reverse("referral-workers"))


# --- the worker: talk slots ---------------------------------------------------------------


class SlotListView(WorkerRequiredMixin, NavSectionMixin, FormView):
    """The worker's slots (booked or free) and the form to publish a new one."""

    template_name = "referrals/slot_list.html"
    form_class = TalkSlotForm
    nav_section = "talks"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["schools"] = self.worker.schools.order_by("name")
        return kwargs

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "new_feed_url" in kwargs:  # shown once, after FeedRegenerateView made it
            return self.render_to_response(
                self.get_context_data(new_feed_url=kwargs["new_feed_url"])
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["has_feed"] = bool(self.worker.feed_token_hash)
        context["slots"] = list(
            selectors.slots_visible_to(self.request.user)
            .filter(worker=self.worker, starts_at__gte=timezone.now())
            .order_by("starts_at")[:LIST_LIMIT]
        )
        return context

    def form_valid(self, form: TalkSlotForm) -> HttpResponse:
        try:
            services.talk_slot_create(worker=self.worker, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("De gesprekstijd staat open voor ouders."))
        return HttpResponseRedirect(reverse("talk-slot-list"))


class FeedRegenerateView(WorkerRequiredMixin, View):
    """A new secret link to her feed of booked talks, shown once on the talk-times page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        token = services.worker_feed_regenerate(worker=self.worker)
        path = reverse("calendar-feeds:talk-feed", kwargs={"token": token})
        return SlotListView.as_view()(request, new_feed_url=request.build_absolute_uri(path))


class FeedRevokeView(WorkerRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        services.worker_feed_revoke(worker=self.worker)
        messages.success(request, _("De agendalink werkt niet meer."))
        return HttpResponseRedirect(reverse("talk-slot-list"))


class SlotCancelView(WorkerRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        slot = get_object_or_404(selectors.slots_visible_to(request.user), pk=pk)
        services.talk_slot_cancel(slot=slot)
        messages.success(
            request, _("De gesprekstijd is geschrapt; een ouder die had geboekt, krijgt bericht.")
        )
        return HttpResponseRedirect(reverse("talk-slot-list"))


def wijkteam_start_context(user: Any) -> dict[str, Any]:
    """What the worker's start page shows (config/start.py composes it)."""
    now = timezone.now()
    referrals = list(selectors.referrals_visible_to(user).filter(referrer=user)[:10])
    for referral in referrals:
        referral.shown_label = ReferralStatus(referral.shown_status(now)).label
    return {
        "bookings": selectors.upcoming_bookings(user, now=now),
        "recent_referrals": referrals,
    }
