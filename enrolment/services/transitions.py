"""The clock every enrolment service reads, and the one place an enrolment changes status
(`_set_status` refuses a transition the model does not allow)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from enrolment.models import Enrolment, EnrolmentStatus


def _now() -> dt.datetime:
    return timezone.now()


def _set_status(enrolment: Enrolment, status: str, **fields: Any) -> None:
    if not enrolment.can_become(status):
        raise ValidationError(
            _("Een inschrijving met status '%(from)s' kan niet naar '%(to)s'.")
            % {"from": enrolment.get_status_display(), "to": EnrolmentStatus(status).label}
        )
    enrolment.status = status
    for name, value in fields.items():
        setattr(enrolment, name, value)
    enrolment.save()
