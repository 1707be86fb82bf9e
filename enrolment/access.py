"""Who may see and change children's enrolments.

Built on the roles of `programmes.access`. Children's data is shown only to those
who need it: a trainer sees the enrolments of their own groups, a coordinator the
pupils of their own schools (across groups), the programme manager all. Anything
else is filtered out, so it answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from enrolment.models import AuditEntry, Enrolment, Interest
from programmes import access
from scheduler.models import Group


def enrolments_visible_to(user: Any) -> QuerySet[Enrolment]:
    if access.is_manager(user):
        return Enrolment.objects.all()
    condition = Q(pk__in=[])
    if access.is_coordinator(user):
        condition |= Q(child__school__in=access.schools_visible_to(user))
    if access.is_trainer(user):
        condition |= Q(group__trainers__user=user)
    if not access.is_staff_member(user):
        return Enrolment.objects.none()
    return Enrolment.objects.filter(pk__in=Enrolment.objects.filter(condition).values("pk"))


def roster_groups_visible_to(user: Any) -> QuerySet[Group]:
    """Groups whose roster the user may open (the roster then shows only visible enrolments)."""
    if access.is_manager(user):
        return Group.objects.all()
    condition = Q(pk__in=[])
    if access.is_trainer(user):
        condition |= Q(trainers__user=user)
    if access.is_coordinator(user):
        schools = access.schools_visible_to(user)
        condition |= Q(enrolments__child__school__in=schools) | Q(host_school__in=schools)
    if not access.is_staff_member(user):
        return Group.objects.none()
    return Group.objects.filter(pk__in=Group.objects.filter(condition).values("pk"))


def attendance_groups_readable_by(user: Any) -> QuerySet[Group]:
    """Groups whose attendance the user may read, on the page and in the API alike: those
    whose roster they may open (a coordinator then sees only their own pupils)."""
    return roster_groups_visible_to(user)


def can_read_attendance(user: Any, group: Group) -> bool:
    return attendance_groups_readable_by(user).filter(pk=group.pk).exists()


def can_take_attendance(user: Any, group: Group) -> bool:
    """The group's own trainers (and the manager) mark attendance; an inactive trainer does not."""
    if access.is_manager(user):
        return True
    return access.is_trainer(user) and group.trainers.filter(user=user).exists()


def can_record_intake(user: Any, enrolment: Enrolment) -> bool:
    """The group's trainers, the pupil's school coordinator, or the manager."""
    return enrolments_visible_to(user).filter(pk=enrolment.pk).exists()


def can_withdraw(user: Any, enrolment: Enrolment) -> bool:
    """Coordinators of the pupil's school and the manager; trainers do not withdraw."""
    if access.is_manager(user):
        return True
    return (
        access.is_coordinator(user)
        and access.schools_visible_to(user).filter(pk=enrolment.child.school_id).exists()
    )


def can_merge_duplicate(user: Any, duplicate: Enrolment, original: Enrolment | None) -> bool:
    """Whoever may withdraw both: the manager, or a coordinator of both pupils' schools (a
    coordinator of one school never learns of an enrolment at another)."""
    return can_withdraw(user, duplicate) and (original is None or can_withdraw(user, original))


def interest_visible_to(user: Any) -> QuerySet[Interest]:
    if access.is_manager(user):
        return Interest.objects.all()
    if access.is_coordinator(user):
        return Interest.objects.filter(school__in=access.schools_visible_to(user))
    return Interest.objects.none()


def audit_log_visible_to(user: Any) -> QuerySet[AuditEntry]:
    if access.is_manager(user):
        return AuditEntry.objects.all()
    return AuditEntry.objects.none()
