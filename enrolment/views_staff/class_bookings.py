"""Class bookings: a coordinator or the manager books whole school classes into a group
(the scheduler's service writes the group)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.forms import add_service_error
from enrolment import selectors
from enrolment.forms_staff import ClassBookingForm
from enrolment.views_staff.mixins import CoordinatorOrManagerMixin
from scheduler import access as scheduler_access
from scheduler import services as scheduler_services
from scheduler.models import CLASS_BOOKABLE


class ClassBookingListView(CoordinatorOrManagerMixin, TemplateView):
    template_name = "enrolment/staff/class_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["groups"] = [
            (group, group.status in CLASS_BOOKABLE)
            for group in selectors.class_groups(self.request.user)
        ]
        return context


class ClassBookingView(CoordinatorOrManagerMixin, FormView):
    """Set or change the class booked into a class-mode group of the user's school."""

    template_name = "enrolment/staff/class_booking.html"
    form_class = ClassBookingForm

    def load(self) -> None:
        self.group = get_object_or_404(
            selectors.class_groups(self.request.user), pk=self.kwargs["group_id"]
        )
        if not scheduler_access.can_book_class(self.request.user, self.group.host_school_id):
            self.deny()

    def get_initial(self) -> dict[str, Any]:
        group = self.group
        return {
            "class_name": group.class_name,
            "class_size": group.class_size,
            "mentor_name": group.mentor_name,
            "mentor_email": group.mentor_email,
        }

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            scheduler_services.class_booking_set(
                group=self.group, booked_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Klas %(name)s is geboekt voor %(group)s.")
            % {"name": form.cleaned_data["class_name"], "group": self.group.programme.name},
        )
        return HttpResponseRedirect(reverse("staff-classes"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(group=self.group, is_bookable=self.group.status in CLASS_BOOKABLE)
        return context
