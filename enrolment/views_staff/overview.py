"""The overview of pupils' enrolments by school, with registered interest."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.urls import reverse
from django.views.generic import TemplateView

from enrolment import selectors
from enrolment.audit import AuditAction
from enrolment.forms_staff import OverviewFilterForm
from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.views_staff.mixins import StaffMixin
from programmes import access as catalogue_access
from programmes.models import EnrolmentMode

OVERVIEW_PAGE_SIZE = 25


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
