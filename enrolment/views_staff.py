"""Staff pages of enrolment: rosters and their exports, attendance, intake, withdrawal,
the overview with registered interest, class bookings and the audit log.

What a user may see comes from `enrolment.access` (and `scheduler.access`): objects
outside the scope are filtered out, so they answer 404; an action in scope that the
user may not take answers 403. Every view and export of children's data writes an
audit entry whose target names the object ("group 12"), never a child. Every change
goes through `enrolment.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.forms import add_service_error
from core.views import FilteredListView, NavSectionMixin
from enrolment import access, exports, selectors, services
from enrolment.audit import AuditAction, audit_record
from enrolment.audit_words import audit_lines
from enrolment.duplicates import duplicate_merge, duplicate_original
from enrolment.forms_staff import (
    AttendanceForm,
    AuditFilterForm,
    ChildConsentForm,
    ClassBookingForm,
    IntakeForm,
    OverviewFilterForm,
    audit_action_label,
)
from enrolment.models import ACTIVE, Enrolment, EnrolmentStatus, Intake
from programmes import access as catalogue_access
from programmes.mixins import RoleRequiredMixin
from programmes.models import EnrolmentMode
from scheduler import access as scheduler_access
from scheduler import services as scheduler_services
from scheduler.models import CLASS_BOOKABLE, Group, SessionKind

OVERVIEW_PAGE_SIZE = 25
AUDIT_PAGE_SIZE = 50


class StaffMixin(RoleRequiredMixin, NavSectionMixin):
    """Logged-in users with a role; anonymous users go to the log-in page, others get 403."""

    nav_section = "enrolments"
    request: HttpRequest
    kwargs: dict[str, Any]

    def audit(self, action: str, target: str) -> None:
        audit_record(actor=self.request.user, action=action, target=target)


class CoordinatorOrManagerMixin(StaffMixin):
    def has_access(self, user: Any) -> bool:
        return catalogue_access.is_manager(user) or catalogue_access.is_coordinator(user)


# --- rosters ------------------------------------------------------------------------------


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


# --- attendance ---------------------------------------------------------------------------


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


# --- one enrolment: intake and withdrawal ------------------------------------------------------


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


# --- the overview ----------------------------------------------------------------------


def _pupil_rows(
    rows: list[Enrolment], flagged: set[int]
) -> list[tuple[Enrolment, bool, str, str, str]]:
    """The overview's pupils: (enrolment, absent twice, status label, roster link, group).
    Each status is translated and each group's link and label made once, not per row."""
    statuses: dict[str, str] = {}
    groups: dict[int, tuple[str, str]] = {}
    result = []
    for enrolment in rows:
        if enrolment.status not in statuses:
            statuses[enrolment.status] = selectors.choice_label(EnrolmentStatus, enrolment.status)
        if enrolment.group_id not in groups:
            group = enrolment.group
            groups[enrolment.group_id] = (
                reverse("staff-roster", args=[enrolment.group_id]),
                f"{group.programme.name}, {group.host_school.name} ({group.round_label})",
            )
        roster_url, group_label = groups[enrolment.group_id]
        flag, status = enrolment.pk in flagged, statuses[enrolment.status]
        result.append((enrolment, flag, status, roster_url, group_label))
    return result


class OverviewView(StaffMixin, TemplateView):
    """Coordinator: their schools' pupils, who needs attention, registered interest.
    Manager: the same for all schools, with filters. Trainer: their groups."""

    template_name = "enrolment/staff/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        is_manager = catalogue_access.is_manager(user)
        sees_pupils = is_manager or catalogue_access.is_coordinator(user)
        context.update(sees_pupils=sees_pupils, is_manager_view=is_manager)
        if sees_pupils:
            schools = selectors.schools_for_filter(user)
            form = OverviewFilterForm(
                self.request.GET or None,
                schools=schools,
                programmes=catalogue_access.programmes_visible_to(user)
                .filter(enrolment_mode=EnrolmentMode.INDIVIDUAL)
                .order_by("name_nl"),
            )
            data = form.cleaned_data if form.is_bound and form.is_valid() else {}
            paginator = Paginator(selectors.overview_enrolments(user, data), OVERVIEW_PAGE_SIZE)
            page = paginator.get_page(self.request.GET.get("page"))
            rows = list(page.object_list)
            flagged, attention = selectors.overview_flags(user, rows)
            if rows:
                self.audit(AuditAction.ENROLMENT_VIEWED, "overview")
            context.update(
                filter_form=form,
                is_filtered=bool(data) and any(data.values()),
                paginator=paginator,
                page_obj=page,
                page_range=paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
                pupils=_pupil_rows(rows, flagged),
                attention=attention,
                demand=selectors.interest_demand(user),
                show_school_column=is_manager or schools.count() > 1,
            )
        if catalogue_access.is_trainer(user):
            context["trainer_groups"] = list(selectors.trainer_groups(user))
        return context


# --- class bookings ----------------------------------------------------------------------


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


# --- the audit log -------------------------------------------------------------------------


class AuditLogView(StaffMixin, FilteredListView):
    """Who viewed or exported children's data: the programme manager reads it."""

    template_name = "enrolment/staff/audit_log.html"
    filter_form_class = AuditFilterForm  # type: ignore[assignment]
    paginate_by = AUDIT_PAGE_SIZE
    context_object_name = "entries"

    def has_access(self, user: Any) -> bool:
        return catalogue_access.is_manager(user)

    def base_queryset(self) -> QuerySet[Any]:
        return access.audit_log_visible_to(self.request.user).order_by("-created_at", "-pk")

    def apply_filters(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("user"):
            queryset = queryset.filter(actor_label__icontains=data["user"].strip())
        if data.get("date_from"):
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            (line.entry, audit_action_label(line.entry.action), line.sentence)
            for line in audit_lines(context["entries"])
        ]
        return context
