"""Class bookings: the class, its size and mentor of a class-mode group."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core.domain_events import emit
from programmes.models import EnrolmentMode
from scheduler import events
from scheduler.models import CLASS_BOOKABLE, Group
from scheduler.services.groups import class_grade_error

CLASS_SIZE_MAX = 40


@transaction.atomic
def class_booking_set(
    *,
    group: Group,
    class_name: str,
    class_size: int | None,
    mentor_name: str,
    mentor_email: str,
    booked_by: Any,
) -> Group:
    """Book a class into a class-mode group, or change the booking: the class, how many
    pupils and the mentor. No pupil data is collected. The group's capacity follows the
    class size. The class booking page and `POST /api/v1/class-bookings/{id}/` call it.

    Refuses, changing nothing: a group of an individual-mode programme, a group that is no
    longer a draft or published (`CLASS_BOOKABLE`), a missing class name or mentor name, a
    class outside the programme's grades (the rule a new group's class follows), a class
    size outside 1 to 40, an invalid mentor e-mail. Whether `booked_by` may book at the
    group's school is the caller's check (`scheduler.access.can_book_class`). Emits
    ClassBooked.
    """
    group = (
        Group.objects.select_for_update(of=("self",))
        .select_related("programme", "host_school")
        .get(pk=group.pk)
    )
    if group.programme.enrolment_mode != EnrolmentMode.CLASS:
        raise ValidationError(_("Voor dit programma melden ouders hun kind aan; boek geen klas."))
    if group.status not in CLASS_BOOKABLE:
        raise ValidationError(
            _("Deze groep is %(status)s; de klas kan niet meer worden gewijzigd.")
            % {"status": group.get_status_display()}
        )
    class_name, mentor_name = (class_name or "").strip(), (mentor_name or "").strip()
    mentor_email = (mentor_email or "").strip()
    errors: dict[str, str] = {}
    if not class_name:
        errors["class_name"] = _("Vul de klas in, bijvoorbeeld 7B.")
    else:
        grade_error = class_grade_error(group.programme, class_name)
        if grade_error:
            errors["class_name"] = grade_error
    if class_size is None or not 1 <= class_size <= CLASS_SIZE_MAX:
        errors["class_size"] = _("Een klas heeft 1 tot %(max)s leerlingen.") % {
            "max": CLASS_SIZE_MAX
        }
    if not mentor_name:
        errors["mentor_name"] = _("Vul de naam van de mentor in.")
    try:
        validate_email(mentor_email)
    except ValidationError:
        errors["mentor_email"] = _("Vul een geldig e-mailadres van de mentor in.")
    if errors:
        raise ValidationError(errors)
    group.class_name = class_name
    group.class_size = class_size
    group.capacity = class_size
    group.mentor_name = mentor_name
    group.mentor_email = mentor_email
    group.full_clean()
    group.save(
        update_fields=[
            "class_name",
            "class_size",
            "capacity",
            "mentor_name",
            "mentor_email",
            "updated_at",
        ]
    )
    emit(
        events.ClassBooked(
            group_id=group.pk,
            booked_by_id=booked_by.pk if getattr(booked_by, "pk", None) else None,
        )
    )
    return group
