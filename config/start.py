"""Each role's start page: what needs the user now, every item a link to where it is done.

The site's top (config) composes the reads of the apps that own the data (their selectors);
it decides nothing itself. A user with more than one role switches between their start
pages; after log-in `start` sends them to the first of them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from enrolment import selectors as enrolment_selectors
from enrolment.services import retention
from evaluations import selectors as evaluation_selectors
from notifications import selectors as notification_selectors
from programmes import access
from programmes import selectors as catalogue_selectors
from programmes.mixins import RoleRequiredMixin
from programmes.models import SchoolYear, Trainer
from referrals.views import wijkteam_start_context
from scheduler import selectors as scheduler_selectors
from scheduler.models import SessionKind
from scheduler.views import schedule_cards

# Start pages in the order a user with several roles is offered them.
START_PAGES = (
    (access.Role.MANAGER, "start-manager", _("Programmabeheer")),
    (access.Role.COORDINATOR, "start-coordinator", _("Schoolcoördinator")),
    (access.Role.TRAINER, "start-trainer", _("Trainer")),
    (access.Role.WIJKTEAM, "start-wijkteam", _("Wijkteam")),
)


def start_pages_of(user: Any) -> list[dict[str, str]]:
    """The start pages of the user's roles: url and label, in `START_PAGES` order."""
    roles = access.roles_of(user)
    return [
        {"role": role.value, "url": reverse(name), "label": str(label)}
        for role, name, label in START_PAGES
        if role in roles
    ]


def start(request: HttpRequest) -> HttpResponse:
    """Where log-in lands: the start page of the user's first role (the public programme page
    for a user without one)."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
    pages = start_pages_of(request.user)
    return HttpResponseRedirect(pages[0]["url"] if pages else reverse("home"))


class StartPageView(RoleRequiredMixin, TemplateView):
    role: access.Role

    def has_access(self, user: Any) -> bool:
        return self.role in access.roles_of(user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pages = start_pages_of(self.request.user)
        context["start_pages"] = pages if len(pages) > 1 else []
        context["start_role"] = self.role.value
        context["nav_section"] = "start"
        return context


class CoordinatorStartView(StartPageView):
    role = access.Role.COORDINATOR
    template_name = "start/coordinator.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            consents_missing=enrolment_selectors.consents_missing(user),
            intakes_to_do=enrolment_selectors.intakes_to_do(user),
            offers_expiring=enrolment_selectors.offers_expiring(user),
            pool_answers_missing=enrolment_selectors.pool_answers_missing(user),
            groups_with_seats=enrolment_selectors.groups_starting_with_seats(user),
            below_minimum=scheduler_selectors.groups_below_minimum(user),
            unanswered_requests=scheduler_selectors.unanswered_planning_requests(user),
            cofinancing_missing=scheduler_selectors.groups_without_cofinancing(user),
            school_groups=scheduler_selectors.school_groups_this_year(user),
            teacher_moments=evaluation_selectors.coordinator_teacher_moments(
                access.schools_visible_to(user)
            ),
        )
        return context


class TrainerStartView(StartPageView):
    role = access.Role.TRAINER
    template_name = "start/trainer.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        trainer = Trainer.objects.filter(user=user, active=True).first()
        if trainer is None:  # lost the role between the check and here
            raise PermissionDenied
        days = scheduler_selectors.trainer_days(trainer)
        cards = schedule_cards([*days.today, *days.this_week, *days.next])
        context.update(
            trainer=trainer,
            today=[
                {
                    "card": cards[s.pk],
                    "attendance_url": reverse("staff-attendance", args=[s.group_id, s.pk])
                    if s.kind == SessionKind.CHILD
                    else "",
                }
                for s in days.today
            ],
            this_week=[cards[s.pk] for s in days.this_week],
            next_sessions=[cards[s.pk] for s in days.next],
            feed_token=notification_selectors.trainer_feed_token(user, trainer),
            unavailability=catalogue_selectors.unavailability_ahead(trainer),
            questionnaires=evaluation_selectors.trainer_open_moments(trainer),
        )
        return context


class ManagerStartView(StartPageView):
    role = access.Role.MANAGER
    template_name = "start/manager.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = SchoolYear.objects.current()
        context.update(
            school_year=year,
            year_lines=enrolment_selectors.year_at_a_glance(year) if year else [],
            below_minimum=scheduler_selectors.groups_below_minimum(user),
            pool_answers_missing=enrolment_selectors.pool_answers_missing(user),
            open_requests=scheduler_selectors.open_planning_requests(user),
            planner_run=scheduler_selectors.last_planner_run(user),
            failed_messages=notification_selectors.failed_message_count(),
            past_retention=retention.enrolments_due_for_erasure_count(),
            schools_without_coordinator=catalogue_selectors.schools_without_coordinator(),
            certificates_expiring=catalogue_selectors.certificates_expiring(),
            today=timezone.localdate(),
        )
        return context


class WijkteamStartView(StartPageView):
    role = access.Role.WIJKTEAM
    template_name = "start/wijkteam.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(wijkteam_start_context(self.request.user))
        return context


urlpatterns = [
    path("", start, name="start"),
    path("programmabeheer/", ManagerStartView.as_view(), name="start-manager"),
    path("coordinator/", CoordinatorStartView.as_view(), name="start-coordinator"),
    path("trainer/", TrainerStartView.as_view(), name="start-trainer"),
    path("wijkteam/", WijkteamStartView.as_view(), name="start-wijkteam"),
]
