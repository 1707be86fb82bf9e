"""Pages about personal data, under `/gegevens/`.

For the programme manager: what personal data each group's enrolments still hold and when
it goes (kinds and counts, never the data itself). For a guardian, through the secret link
in their e-mail: download what is held about their enrolment, or ask for its erasure.
Views stay thin: `enrolment.services.retention` does the work and writes the audit log.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.views import NavSectionMixin
from enrolment import data_readable
from enrolment.models import EnrolmentStatus, LinkPurpose
from enrolment.services import link_resolve, retention
from enrolment.views_public import link_page
from enrolment.views_public.links import _guardian_language
from programmes import access
from programmes.mixins import RoleRequiredMixin

LINK_PURPOSES = list(retention.DATA_PURPOSES)


# --- the manager: retention overview -------------------------------------------------------


class ManagerRequiredMixin(RoleRequiredMixin):
    def has_access(self, user: Any) -> bool:
        return access.is_manager(user)


class RetentionOverviewView(ManagerRequiredMixin, NavSectionMixin, TemplateView):
    template_name = "enrolment/privacy/retention_overview.html"
    nav_section = "privacy"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = retention.retention_overview(user=self.request.user)
        context["retention_months"] = settings.ENROLMENT_RETENTION_MONTHS
        return context


class RetentionGroupView(ManagerRequiredMixin, NavSectionMixin, TemplateView):
    template_name = "enrolment/privacy/retention_group.html"
    nav_section = "privacy"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = retention.retention_overview(user=self.request.user, group_id=self.kwargs["pk"])
        if not rows:
            raise Http404
        context["row"] = rows[0]
        context["statuses"] = [
            (EnrolmentStatus(status).label, count)
            for status, count in sorted(rows[0].by_status.items())
        ]
        return context


# --- the guardian: see and erase through their link ----------------------------------------


def _invalid_link(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return render(
        request,
        "enrolment/privacy/link_invalid.html",
        {"message": " ".join(error.messages)},
        status=404,
    )


@method_decorator(link_page, name="dispatch")
class MyDataView(View):
    """What is held, with a download button and the way to ask for erasure."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            link = link_resolve(token, purposes=LINK_PURPOSES)
        except ValidationError as error:
            return _invalid_link(request, error)
        enrolments = list(
            link.submission.enrolments.select_related("group__programme").order_by("pk")
        )
        with _guardian_language(request, link.guardian):
            return render(
                request,
                "enrolment/privacy/my_data.html",
                {
                    "token": token,
                    "enrolments": enrolments,
                    # A data link (from another guardian's consent link) works for an hour.
                    "expires_at": link.expires_at if link.purpose == LinkPurpose.DATA else None,
                },
            )


@method_decorator(link_page, name="dispatch")
class MyDataDownloadView(View):
    """POST (so a link preview or prefetch never counts as a download): what is held, as a
    readable page in the guardian's language (`format=html`, printable), as that page in a
    file to keep (`html-file`), or as JSON for a computer (`json`, the default of a post
    without a format) whose keys the page documents (`data_readable.JSON_FIELDS`)."""

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            data = retention.personal_data_export_by_link(token=token)
        except ValidationError as error:
            return _invalid_link(request, error)
        form = request.POST.get("format", "json")
        if form not in ("html", "html-file"):
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
            response["Cache-Control"] = "no-store"
            return response
        language = data_readable.own_language(data)
        with translation.override(language):
            context = {
                "data": data_readable.readable(data),
                "token": token,
                "language": language,
                "now": timezone.localtime(),
            }
            if form == "html":
                return render(request, "enrolment/privacy/my_data_readable.html", context)
            response = HttpResponse(
                render_to_string("enrolment/privacy/my_data_file.html", context),
                content_type="text/html; charset=utf-8",
            )
        response["Content-Disposition"] = 'attachment; filename="mijn-gegevens.html"'
        response["Cache-Control"] = "no-store"
        return response


@method_decorator(link_page, name="dispatch")
class MyDataEraseView(View):
    """Ask for erasure: a confirmation page, then everything of the submission is erased."""

    template_name = "enrolment/privacy/erase_confirm.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            link = link_resolve(token, purposes=LINK_PURPOSES)
        except ValidationError as error:
            return _invalid_link(request, error)
        with _guardian_language(request, link.guardian):
            return render(request, self.template_name, {"token": token})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if request.POST.get("confirm") != "yes":
            return render(
                request,
                self.template_name,
                {"token": token, "error": _("Vink aan dat u de gegevens wilt laten wissen.")},
                status=400,
            )
        try:
            retention.personal_data_erase_request(token=token)
        except ValidationError as error:
            return _invalid_link(request, error)
        return render(request, "enrolment/privacy/erase_done.html")
