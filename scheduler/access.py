"""Who may see and change groups, sessions and planning requests.

Built on the roles of `programmes.access` (the one place that says who is a
programme manager, coordinator or trainer); this module only adds the scope of
the scheduler's own objects. Out-of-scope objects are filtered out, so they 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from programmes import access
from programmes.models import School, Trainer
from scheduler.models import Group, PlannerRun, PlanningRequest, Session


def groups_visible_to(user: Any) -> QuerySet[Group]:
    """Manager: all. Coordinator: groups hosted by or open to their schools. Trainer: their own."""
    if access.is_manager(user):
        return Group.objects.all()
    condition = Q(pk__in=[])
    if access.is_coordinator(user):
        schools = access.schools_visible_to(user)
        condition |= Q(host_school__in=schools) | Q(admitted_schools__in=schools)
    if access.is_trainer(user):
        condition |= Q(trainers__user=user)
    if not access.is_staff_member(user):
        return Group.objects.none()
    return Group.objects.filter(pk__in=Group.objects.filter(condition).values("pk"))


def sessions_visible_to(user: Any) -> QuerySet[Session]:
    return Session.objects.filter(group__in=groups_visible_to(user))


def requests_visible_to(user: Any) -> QuerySet[PlanningRequest]:
    if access.is_manager(user):
        return PlanningRequest.objects.all()
    if access.is_coordinator(user):
        return PlanningRequest.objects.filter(school__in=access.schools_visible_to(user))
    return PlanningRequest.objects.none()


def planner_runs_visible_to(user: Any) -> QuerySet[PlannerRun]:
    if access.is_manager(user):
        return PlannerRun.objects.all()
    return PlannerRun.objects.none()


def can_plan_groups_at(user: Any, school_id: int) -> bool:
    """Create groups and move or cancel their sessions: the manager, or the host's coordinator."""
    if access.is_manager(user):
        return True
    return (
        access.is_coordinator(user)
        and access.schools_visible_to(user).filter(pk=school_id).exists()
    )


def can_change_group(user: Any, group: Group) -> bool:
    return can_plan_groups_at(user, group.host_school_id)


def can_book_class(user: Any, school_id: int) -> bool:
    """Book (or change) the class of a class-mode group at `school_id`: whoever plans
    groups there (the manager, or the school's coordinator)."""
    return can_plan_groups_at(user, school_id)


def can_request_at(user: Any, school_id: int) -> bool:
    """Planning requests: a coordinator for their own schools (and the manager)."""
    return can_plan_groups_at(user, school_id)


def can_run_planner(user: Any) -> bool:
    return access.is_manager(user)


def can_override_soft_conflicts(user: Any) -> bool:
    return access.is_manager(user)


def can_confirm_no_holidays(user: Any) -> bool:
    """Only the programme manager, who keeps the holidays, may plan in a year without them."""
    return access.is_manager(user)


def can_plan_groups(user: Any) -> bool:
    """Whether `user` plans groups (or asks for them) at one school or more.

    Which schools: see `can_plan_groups_at`. The API refuses other writes before any lookup.
    """
    return access.is_manager(user) or access.is_coordinator(user)


def trainers_assignable_by(user: Any) -> QuerySet[Trainer]:
    """Trainers whoever plans groups may put on one: every active trainer.

    (`programmes.access.trainers_visible_to` hides trainer records from coordinators;
    planning needs only their names, and the service checks qualifications.)
    """
    if can_plan_groups(user):
        return Trainer.objects.filter(active=True)
    return Trainer.objects.none()


def schools_admittable_by(user: Any) -> QuerySet[School]:
    """Schools whose pupils a planner may admit to a group: every active school.

    A KIES group at one school often takes children of the schools around it.
    """
    if can_plan_groups(user):
        return School.objects.filter(active=True)
    return School.objects.none()
