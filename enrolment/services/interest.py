"""Interest: a parent wishes a programme at a school where no group is open."""

from __future__ import annotations

from django.db import transaction

from enrolment.models import Interest
from programmes.models import Programme, School


@transaction.atomic
def interest_register(*, school: School, programme: Programme, email: str = "") -> Interest:
    """A parent wishes a programme at a school where no group is open. No child data."""
    interest = Interest(school=school, programme=programme, email=email.strip())
    interest.full_clean()
    interest.save()
    return interest
