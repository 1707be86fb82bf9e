"""Query filters for the staff enrolment API (django-filter).

They narrow what `enrolment.access` already lets a user see and never widen it:
filtering on an id outside one's scope finds nothing.
"""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from enrolment.models import Enrolment, EnrolmentStatus


class EnrolmentFilter(filters.FilterSet):
    group = IdFilter(field_name="group_id", label=_("groep (id)"))
    status = filters.MultipleChoiceFilter(
        choices=EnrolmentStatus.choices, label=_("status (meer dan één mag)")
    )
    school = IdFilter(field_name="child__school_id", label=_("school van het kind (id)"))
    programme = IdFilter(field_name="programme_id", label=_("programma (id)"))

    class Meta:
        model = Enrolment
        fields = ["group", "status", "school", "programme"]
