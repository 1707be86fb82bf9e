"""Who may see and change what: the one place that decides.

Pages, the API and the admin all ask these functions; none of them decides on
its own. A user's roles follow from data, not from a flag:

- programme manager: a superuser, or a member of the `MANAGER_GROUP` group;
- school coordinator: listed as a coordinator of one or more schools;
- trainer: has an active `Trainer` profile (an inactive trainer has no trainer role);
- wijkteammedewerker: has an active wijkteam profile (`referrals.WijkteamWorker`, read
  through its reverse relation, so this module imports nothing above it).

Roles are read from the database on every request (the cache below lives on the user
object, which Django loads afresh per request), never from the session or the cache: a
trainer set to inactive or a coordinator taken off a school loses access on their next
request, in a session opened while they still had the role.

Objects outside a user's scope are not "forbidden" but absent: querysets are
filtered, so a coordinator asking for another school's object gets a 404 and
learns nothing about it. Later apps scope their own objects (groups, rosters)
with the same role functions.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.db.models import Exists, OuterRef, QuerySet

from programmes.models import (
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    AnyUser = AbstractBaseUser | AnonymousUser

MANAGER_GROUP = "Programmabeheerders"


class Role(StrEnum):
    MANAGER = "manager"
    COORDINATOR = "coordinator"
    TRAINER = "trainer"
    WIJKTEAM = "wijkteam"


def roles_of(user: Any) -> frozenset[Role]:
    """The roles of `user`, computed once per user object (so once per request), in one
    query, from the roles' current state: group membership, the schools' coordinator lists
    and an active trainer profile."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_access_roles", None)
    if cached is not None:
        return cached
    flags = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            is_manager_=Exists(AuthGroup.objects.filter(user=OuterRef("pk"), name=MANAGER_GROUP)),
            is_coordinator_=Exists(School.objects.filter(coordinators=OuterRef("pk"))),
            is_trainer_=Exists(Trainer.objects.filter(user=OuterRef("pk"), active=True)),
            is_wijkteam_=Exists(
                get_user_model().objects.filter(pk=OuterRef("pk"), wijkteam_worker__active=True)
            ),
        )
        .values_list("is_manager_", "is_coordinator_", "is_trainer_", "is_wijkteam_")
        .first()
    ) or (False, False, False, False)
    manager, coordinator, trainer, wijkteam = flags
    roles: set[Role] = set()
    if user.is_superuser or manager:
        roles.add(Role.MANAGER)
    if coordinator:
        roles.add(Role.COORDINATOR)
    if trainer:
        roles.add(Role.TRAINER)
    if wijkteam:
        roles.add(Role.WIJKTEAM)
    result = frozenset(roles)
    user._access_roles = result
    return result


def is_manager(user: Any) -> bool:
    return Role.MANAGER in roles_of(user)


def is_coordinator(user: Any) -> bool:
    return Role.COORDINATOR in roles_of(user)


def is_trainer(user: Any) -> bool:
    return Role.TRAINER in roles_of(user)


def is_wijkteam(user: Any) -> bool:
    return Role.WIJKTEAM in roles_of(user)


# The roles the planning, enrolment, catalogue and report pages serve. The wijkteam role is
# not one of them: a wijkteammedewerker has her own pages (referrals and talk times) and is
# refused the staff pages, as a user without a role is, rather than shown them empty.
STAFF_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR, Role.TRAINER})


def is_staff_member(user: Any) -> bool:
    """A programme manager, school coordinator or trainer (any wijkteam role aside)."""
    return bool(roles_of(user) & STAFF_ROLES)


# --- reading -------------------------------------------------------------------------


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    """Everyone sees active programmes (they are public); the manager also inactive ones."""
    if is_manager(user):
        return Programme.objects.all()
    return Programme.objects.filter(active=True)


def schools_visible_to(user: Any) -> QuerySet[School]:
    if is_manager(user):
        return School.objects.all()
    if is_coordinator(user):
        return School.objects.filter(coordinators=user)
    return School.objects.none()


def trainers_visible_to(user: Any) -> QuerySet[Trainer]:
    if is_manager(user):
        return Trainer.objects.all()
    if is_trainer(user):
        return Trainer.objects.filter(user=user)
    return Trainer.objects.none()


def unavailabilities_visible_to(user: Any) -> QuerySet[TrainerUnavailability]:
    return TrainerUnavailability.objects.filter(trainer__in=trainers_visible_to(user))


def school_years_visible_to(user: Any) -> QuerySet[SchoolYear]:
    if is_staff_member(user):
        return SchoolYear.objects.all()
    return SchoolYear.objects.none()


def holidays_visible_to(user: Any) -> QuerySet[SchoolHoliday]:
    if is_staff_member(user):
        return SchoolHoliday.objects.all()
    return SchoolHoliday.objects.none()


def closures_visible_to(user: Any) -> QuerySet[SchoolClosure]:
    return SchoolClosure.objects.filter(school__in=schools_visible_to(user))


# --- changing ------------------------------------------------------------------------


def can_manage_catalogue(user: Any) -> bool:
    """Programmes, schools, trainers, school years and holidays: the manager only."""
    return is_manager(user)


def can_change_closures_of(user: Any, school: School) -> bool:
    """A school's own closed days: the manager, or a coordinator of that school."""
    if is_manager(user):
        return True
    return is_coordinator(user) and school.coordinators.filter(pk=user.pk).exists()


def can_add_closures(user: Any) -> bool:
    """Whether `user` may mark closed days for at least one school (which ones: see above)."""
    return is_manager(user) or is_coordinator(user)


def can_add_unavailabilities(user: Any) -> bool:
    """Whether `user` may record unavailable periods for at least one trainer."""
    return is_manager(user) or is_trainer(user)


def can_change_unavailability_of(user: Any, trainer: Trainer) -> bool:
    """A trainer keeps their own unavailable periods; the manager keeps everyone's."""
    return is_manager(user) or (is_trainer(user) and trainer.user_id == user.pk)
