"""Query filters for the scheduler API (django-filter).

Like the catalogue's, they narrow what `scheduler.access` already lets a user
see and never widen it: filtering on an id outside one's scope finds nothing.
Day filters (`from`, `to`) are days in Europe/Amsterdam, both inclusive.
"""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from scheduler.models import Group, PlannerRun, PlanningRequest, Session
from scheduler.series import at_amsterdam


class GroupFilter(filters.FilterSet):
    school_year = filters.CharFilter(
        field_name="school_year__label", label=_("schooljaar, bijv. 2026-2027")
    )
    programme = IdFilter(field_name="programme_id", label=_("programma (id)"))
    host_school = IdFilter(field_name="host_school_id", label=_("school (id)"))
    trainer = IdFilter(method="filter_trainer", label=_("trainer (id)"))

    class Meta:
        model = Group
        fields = ["school_year", "programme", "host_school", "status", "trainer"]

    def filter_trainer(self, queryset: QuerySet[Group], name: str, value: int) -> QuerySet[Group]:
        # A subquery, not a join: the list's session count must not be multiplied.
        through = Group.trainers.through.objects.filter(trainer_id=value)
        return queryset.filter(pk__in=through.values("group_id"))


def _day_start(day: dt.date) -> dt.datetime:
    return at_amsterdam(day, dt.time(0))


class SessionFilter(filters.FilterSet):
    group = IdFilter(field_name="group_id", label=_("groep (id)"))
    trainer = IdFilter(method="filter_trainer", label=_("trainer (id)"))
    school = IdFilter(field_name="group__host_school_id", label=_("school (id)"))
    programme = IdFilter(field_name="group__programme_id", label=_("programma (id)"))

    class Meta:
        model = Session
        fields = ["group", "trainer", "school", "programme", "kind", "status"]

    def filter_trainer(
        self, queryset: QuerySet[Session], name: str, value: int
    ) -> QuerySet[Session]:
        through = Group.trainers.through.objects.filter(trainer_id=value)
        return queryset.filter(group_id__in=through.values("group_id"))

    def filter_from(self, queryset: QuerySet[Session], name: str, value: dt.date) -> QuerySet:
        return queryset.filter(starts_at__gte=_day_start(value))

    def filter_to(self, queryset: QuerySet[Session], name: str, value: dt.date) -> QuerySet:
        return queryset.filter(starts_at__lt=_day_start(value + dt.timedelta(days=1)))


# `from` and `to` are Python keywords, so they cannot be written as class attributes.
for _name, _filter in {
    "from": filters.DateFilter(
        field_name="starts_at", method="filter_from", label=_("begint op of na deze dag")
    ),
    "to": filters.DateFilter(
        field_name="starts_at", method="filter_to", label=_("begint op of voor deze dag")
    ),
}.items():
    SessionFilter.declared_filters[_name] = _filter
    SessionFilter.base_filters[_name] = _filter


class PlanningRequestFilter(filters.FilterSet):
    school_year = filters.CharFilter(
        field_name="school_year__label", label=_("schooljaar, bijv. 2026-2027")
    )
    school = IdFilter(field_name="school_id", label=_("school (id)"))
    programme = IdFilter(field_name="programme_id", label=_("programma (id)"))

    class Meta:
        model = PlanningRequest
        fields = ["school_year", "school", "programme", "status"]


class PlannerRunFilter(filters.FilterSet):
    school_year = filters.CharFilter(
        field_name="school_year__label", label=_("schooljaar, bijv. 2026-2027")
    )

    class Meta:
        model = PlannerRun
        fields = ["school_year", "status"]
