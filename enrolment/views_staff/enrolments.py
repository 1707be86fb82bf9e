"""One enrolment: the intake (with the child's own consent), withdrawal, and merging a
possible duplicate into the enrolment it repeats."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.forms import add_service_error
from enrolment import access, selectors, services
from enrolment.audit import AuditAction
from enrolment.duplicates import duplicate_merge, duplicate_original
from enrolment.forms_staff import ChildConsentForm, IntakeForm
from enrolment.models import ACTIVE, Enrolment, Intake
from enrolment.views_staff.mixins import StaffMixin


class EnrolmentMixin(StaffMixin):
    """A page about one enrolment visible to the user (404 otherwise)."""

    enrolment: Enrolment

    def load(self) -> None:
        self.enrolment = get_object_or_404(
            access.enrolments_visible_to(self.request.user)
            .filter(erased_at__isnull=True)
            .select_related(
                "child__school", "group__programme", "group__host_school", "submission"
            ),
            public_id=self.kwargs["public_id"],
        )

    def target(self) -> str:
        return f"enrolment {self.enrolment.pk}"

    def roster_url(self) -> str:
        return reverse("staff-roster", args=[self.enrolment.group_id])


class IntakeView(EnrolmentMixin, TemplateView):
    """Record the intake outcome and the child's own consent given at the intake."""

    template_name = "enrolment/staff/intake.html"

    def load(self) -> None:
        super().load()
        if not self.enrolment.group.programme.requires_intake:
            raise Http404
        if not access.can_record_intake(self.request.user, self.enrolment):
            self.deny()
        self.intake = Intake.objects.filter(enrolment=self.enrolment).first()

    def intake_form(self, data: Any = None) -> IntakeForm:
        initial = {}
        if self.intake is not None:
            initial = {
                "outcome": self.intake.outcome,
                "reason": self.intake.reason,
                "notes": self.intake.notes,
            }
        return IntakeForm(data, initial=initial, prefix="intake")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.audit(AuditAction.INTAKE_VIEWED, self.target())
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "child_consent" in request.POST:
            consent_form = ChildConsentForm(request.POST, prefix="child")
            if consent_form.is_valid():
                try:
                    services.child_consent_record_at_intake(
                        enrolment=self.enrolment,
                        given=consent_form.cleaned_data["given"],
                        recorded_by=request.user,
                    )
                except ValidationError as error:
                    add_service_error(consent_form, error)
                else:
                    messages.success(request, _("De toestemming van het kind is vastgelegd."))
                    return HttpResponseRedirect(request.path)
            return self.render_to_response(self.get_context_data(consent_form=consent_form))
        form = self.intake_form(request.POST)
        if form.is_valid():
            try:
                services.intake_record(
                    enrolment=self.enrolment,
                    outcome=form.cleaned_data["outcome"],
                    reason=form.cleaned_data["reason"],
                    notes=form.cleaned_data["notes"],
                    recorded_by=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("De intake is opgeslagen."))
                return HttpResponseRedirect(self.roster_url())
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        row = selectors.enrolment_row(self.enrolment)
        state = services.consent_state(self.enrolment)
        context.setdefault("form", self.intake_form())
        if state["child_missing"] and self.enrolment.status in ACTIVE:
            context.setdefault("consent_form", ChildConsentForm(prefix="child"))
        context.update(
            enrolment=self.enrolment,
            row=row,
            intake=self.intake,
            is_active=self.enrolment.status in ACTIVE,
            roster_url=self.roster_url(),
        )
        return context


class WithdrawView(EnrolmentMixin, TemplateView):
    """Coordinators of the pupil's school and the manager withdraw; a trainer gets 403."""

    template_name = "enrolment/staff/withdraw.html"

    def load(self) -> None:
        super().load()
        if not access.can_withdraw(self.request.user, self.enrolment):
            self.deny()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.audit(AuditAction.ENROLMENT_VIEWED, self.target())
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.enrolment_withdraw(enrolment=self.enrolment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is afgemeld. Een vrije plaats gaat naar de wachtlijst.")
                % {"name": self.enrolment.child.first_name},
            )
        return HttpResponseRedirect(self.roster_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            enrolment=self.enrolment,
            is_active=self.enrolment.status in ACTIVE,
            roster_url=self.roster_url(),
        )
        return context


class DuplicateMergeView(EnrolmentMixin, TemplateView):
    """A possible duplicate beside the child's first enrolment; merging is
    `duplicates.duplicate_merge`. Coordinators of both pupils' schools and the manager."""

    template_name = "enrolment/staff/duplicate.html"

    def load(self) -> None:
        super().load()
        self.original = duplicate_original(self.enrolment)
        if not access.can_merge_duplicate(self.request.user, self.enrolment, self.original):
            self.deny()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.audit(AuditAction.ENROLMENT_VIEWED, self.target())
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            kept = duplicate_merge(enrolment=self.enrolment, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.path)
        if kept.pk == self.enrolment.pk:
            messages.success(
                request,
                _("Er loopt geen andere aanmelding meer voor %(name)s; deze aanmelding telt nu.")
                % {"name": self.enrolment.child.first_name},
            )
        else:
            messages.success(
                request,
                _(
                    "De aanmeldingen van %(name)s zijn samengevoegd. De ouders van de tweede "
                    "aanmelding staan nu bij de eerste."
                )
                % {"name": self.enrolment.child.first_name},
            )
        return HttpResponseRedirect(reverse("staff-roster", args=[kept.group_id]))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pair = [self.enrolment] if self.original is None else [self.original, self.enrolment]
        guardians = selectors.guardians_by_submission([e.submission_id for e in pair])
        context.update(
            enrolment=self.enrolment,
            original=self.original,
            is_open=self.enrolment.possible_duplicate and self.enrolment.status in ACTIVE,
            columns=[(e, guardians.get(e.submission_id, [])) for e in pair],
            roster_url=self.roster_url(),
        )
        return context


class ConsentResendView(EnrolmentMixin, View):
    """POST only: send a missing consent's request again (`services.consent_request_resend`);
    coordinators of the pupil's school and the manager. Back to the page it came from."""

    http_method_names = ["post"]

    def load(self) -> None:
        super().load()
        if not access.can_withdraw(self.request.user, self.enrolment):
            self.deny()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            result = services.consent_request_resend(enrolment=self.enrolment, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, result.message)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = self.roster_url()
        return HttpResponseRedirect(back)
