"""A group's roster (page, print, CSV and Excel exports, each written to the audit log) and
its attendance."""

from __future__ import annotations

from typing import Any

from django import forms
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
from enrolment import access, exports, selectors, services
from enrolment.audit import AuditAction
from enrolment.forms_staff import AttendanceForm
from enrolment.models import ACTIVE
from enrolment.views_staff.mixins import StaffMixin
from programmes import access as catalogue_access
from scheduler.models import Group, SessionKind


class GroupRosterMixin(StaffMixin):
    """A page about one group whose roster the user may open (404 otherwise)."""

    group: Group

    def load(self) -> None:
        self.group = get_object_or_404(
            selectors.roster_groups(self.request.user), pk=self.kwargs["group_id"]
        )

    def roster(self) -> selectors.Roster:
        return selectors.roster(self.request.user, self.group)

    def target(self) -> str:
        return f"group {self.group.pk}"

    def roster_url(self) -> str:
        return reverse("staff-roster", args=[self.group.pk])


def _is_own_trainer(user: Any, group: Group) -> bool:
    return any(trainer.user_id == user.pk for trainer in group.trainers.all())


def _withdrawable_ids(user: Any, rows: list[selectors.RosterRow]) -> set[int]:
    """Ids of the rows `user` may withdraw; asked once per school, not once per child."""
    by_school: dict[int, bool] = {}
    allowed: set[int] = set()
    for row in rows:
        if row.enrolment.status not in ACTIVE:
            continue
        school_id = row.child.school_id
        if school_id not in by_school:
            by_school[school_id] = access.can_withdraw(user, row.enrolment)
        if by_school[school_id]:
            allowed.add(row.enrolment.pk)
    return allowed


class RosterView(GroupRosterMixin, TemplateView):
    template_name = "enrolment/staff/roster.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user, group = self.request.user, self.group
        roster = self.roster()
        self.audit(AuditAction.ROSTER_VIEWED, self.target())
        today = timezone.localdate()
        may_attend = access.can_take_attendance(user, group)
        context.update(
            group=group,
            roster=roster,
            trainers=list(group.trainers.all()),
            is_partial=not (catalogue_access.is_manager(user) or _is_own_trainer(user, group)),
            requires_intake=group.programme.requires_intake,
            may_take_attendance=may_attend,
            withdrawable=_withdrawable_ids(user, roster.rows),
            sessions=[
                (session, may_attend and timezone.localtime(session.starts_at).date() <= today)
                for session in roster.sessions
            ],
        )
        return context


class RosterPrintView(GroupRosterMixin, TemplateView):
    template_name = "enrolment/staff/roster_print.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            group=self.group,
            roster=self.roster(),
            trainers=list(self.group.trainers.all()),
            requires_intake=self.group.programme.requires_intake,
            printed_at=timezone.localtime(),
        )
        self.audit(AuditAction.ROSTER_PRINTED, self.target())
        return context


class RosterExportView(GroupRosterMixin, View):
    extension = ""
    content_type = ""
    action = ""

    def render(self, roster: selectors.Roster) -> bytes:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        roster = self.roster()
        body = self.render(roster)
        self.audit(self.action, self.target())
        response = HttpResponse(body, content_type=self.content_type)
        filename = exports.roster_filename(roster, self.extension)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class RosterCsvView(RosterExportView):
    extension = "csv"
    content_type = "text/csv; charset=utf-8"
    action = AuditAction.ROSTER_EXPORTED_CSV

    def render(self, roster: selectors.Roster) -> bytes:
        return exports.roster_csv(roster)


class RosterXlsxView(RosterExportView):
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    action = AuditAction.ROSTER_EXPORTED_XLSX

    def render(self, roster: selectors.Roster) -> bytes:
        return exports.roster_xlsx(roster)


class AttendanceView(GroupRosterMixin, FormView):
    """The group's own trainers (and the manager) mark who came; whoever else may read the
    attendance (`access.can_read_attendance`, as the API) sees it without changing it."""

    template_name = "enrolment/staff/attendance.html"
    form_class = AttendanceForm

    def load(self) -> None:
        super().load()
        self.session = get_object_or_404(
            self.group.sessions.filter(kind=SessionKind.CHILD), pk=self.kwargs["session_id"]
        )
        if not access.can_read_attendance(self.request.user, self.group):
            self.deny()
        self.can_edit = access.can_take_attendance(self.request.user, self.group)
        if self.request.method not in ("GET", "HEAD") and not self.can_edit:
            self.deny()

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["sheet"] = selectors.attendance_sheet(self.request.user, self.group, self.session)
        return kwargs

    def get_form(self, form_class: Any = None) -> forms.Form:
        form = super().get_form(form_class)
        if not self.can_edit:
            for field in form.fields.values():
                field.disabled = True
        return form

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.audit(AuditAction.ROSTER_VIEWED, f"{self.target()} session {self.session.pk}")
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        marks = form.marks()  # type: ignore[attr-defined]
        if not marks:
            form.add_error(None, _("Kies bij minstens één kind aanwezig, afwezig of afgemeld."))
            return self.form_invalid(form)
        try:
            services.attendance_record(
                session=self.session, marks=marks, recorded_by=self.request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("De aanwezigheid is opgeslagen."))
        return HttpResponseRedirect(self.roster_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        starts = timezone.localtime(self.session.starts_at)
        context.update(
            group=self.group,
            session=self.session,
            is_future=starts.date() > timezone.localdate(),
            is_cancelled=self.session.is_cancelled,
            can_edit=self.can_edit,
        )
        return context
