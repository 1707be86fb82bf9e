"""Every change to the catalogue goes through these functions.

Views, API views, the admin and management commands call them; none of them
saves catalogue models directly. Each service validates the whole row
(`full_clean`, which includes the database constraints), saves, and owns its
transaction, so bad input raises `ValidationError` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from programmes.models import (
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)

M = TypeVar("M", bound=models.Model)


def _save(instance: M, fields: dict[str, Any]) -> M:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def programme_create(**fields: Any) -> Programme:
    """Add a programme to the catalogue. Refuses impossible combinations (see `Programme`)."""
    return _save(Programme(), fields)


@transaction.atomic
def programme_update(*, programme: Programme, **fields: Any) -> Programme:
    """Change a programme's fields; the same validation as on creation."""
    return _save(programme, fields)


@transaction.atomic
def school_create(*, coordinators: Iterable[AbstractBaseUser] = (), **fields: Any) -> School:
    """Add a school; BRIN code plus branch number is unique."""
    school = _save(School(), fields)
    school.coordinators.set(list(coordinators))
    return school


@transaction.atomic
def school_update(
    *, school: School, coordinators: Iterable[AbstractBaseUser] | None = None, **fields: Any
) -> School:
    """Change a school; `coordinators`, when given, replaces the list."""
    _save(school, fields)
    if coordinators is not None:
        school.coordinators.set(list(coordinators))
    return school


@transaction.atomic
def trainer_create(
    *, user: AbstractBaseUser, qualifications: Iterable[Programme] = (), **fields: Any
) -> Trainer:
    """Make `user` a trainer, qualified for the given programmes."""
    trainer = _save(Trainer(user=user), fields)
    trainer.qualifications.set(list(qualifications))
    return trainer


@transaction.atomic
def trainer_update(
    *, trainer: Trainer, qualifications: Iterable[Programme] | None = None, **fields: Any
) -> Trainer:
    _save(trainer, fields)
    if qualifications is not None:
        trainer.qualifications.set(list(qualifications))
    return trainer


@transaction.atomic
def trainer_unavailability_create(
    *, trainer: Trainer, starts_at: dt.datetime, ends_at: dt.datetime, reason: str = ""
) -> TrainerUnavailability:
    """Record a period a trainer cannot work; the end must lie after the start."""
    return _save(
        TrainerUnavailability(trainer=trainer),
        {"starts_at": starts_at, "ends_at": ends_at, "reason": reason},
    )


@transaction.atomic
def trainer_unavailability_update(
    *, unavailability: TrainerUnavailability, **fields: Any
) -> TrainerUnavailability:
    return _save(unavailability, fields)


@transaction.atomic
def trainer_unavailability_delete(*, unavailability: TrainerUnavailability) -> None:
    unavailability.delete()


@transaction.atomic
def school_year_create(*, label: str) -> SchoolYear:
    """Add a school year from its label ("2026-2027"): 1 August to 31 July."""
    year = SchoolYear(label=label)
    year.full_clean(exclude=["start_date", "end_date"])
    year.start_date, year.end_date = SchoolYear.bounds_for_label(label)
    year.full_clean()
    year.save()
    return year


def school_year_get_or_create(*, label: str) -> SchoolYear:
    existing = SchoolYear.objects.filter(label=label).first()
    return existing or school_year_create(label=label)


@transaction.atomic
def school_holiday_create(**fields: Any) -> SchoolHoliday:
    """Add a holiday to a region's school year; one of each kind per region and year."""
    return _save(SchoolHoliday(), fields)


@transaction.atomic
def school_holiday_update(*, holiday: SchoolHoliday, **fields: Any) -> SchoolHoliday:
    return _save(holiday, fields)


@transaction.atomic
def school_holiday_delete(*, holiday: SchoolHoliday) -> None:
    holiday.delete()


@transaction.atomic
def school_closure_create(
    *, school: School, start_date: dt.date, end_date: dt.date | None = None, reason: str
) -> SchoolClosure:
    """Mark days a school is closed beyond its region's holidays (study day, Biddag)."""
    return _save(
        SchoolClosure(school=school),
        {"start_date": start_date, "end_date": end_date or start_date, "reason": reason},
    )


@transaction.atomic
def school_closure_update(*, closure: SchoolClosure, **fields: Any) -> SchoolClosure:
    if fields.get("end_date", "") is None:
        fields["end_date"] = fields.get("start_date", closure.start_date)
    return _save(closure, fields)


@transaction.atomic
def school_closure_delete(*, closure: SchoolClosure) -> None:
    closure.delete()


# --- removing catalogue rows -----------------------------------------------------------


def _delete_unless_in_use(instance: models.Model) -> None:
    """Delete `instance`, or refuse with a ValidationError when other rows still need it.

    The savepoint keeps the caller's transaction usable after the refused delete.
    """
    try:
        with transaction.atomic():
            instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError(
            _("%(object)s is nog in gebruik en kan niet worden verwijderd.") % {"object": instance}
        ) from exc


@transaction.atomic
def programme_delete(*, programme: Programme) -> None:
    """Remove a programme; refuses while groups or requests still refer to it."""
    _delete_unless_in_use(programme)


@transaction.atomic
def school_delete(*, school: School) -> None:
    """Remove a school with its closed days; refuses while it hosts groups."""
    _delete_unless_in_use(school)


@transaction.atomic
def trainer_delete(*, trainer: Trainer) -> None:
    """Remove a trainer profile (not the user) with its unavailable periods."""
    _delete_unless_in_use(trainer)


@transaction.atomic
def school_year_delete(*, school_year: SchoolYear) -> None:
    """Remove a school year with its holidays; refuses while groups are planned in it."""
    _delete_unless_in_use(school_year)
