"""Query filters for the catalogue API (django-filter).

Filters narrow what `programmes.access` already lets a user see; they never
widen it. Related objects are filtered by plain id, so filtering on an object
outside one's scope simply finds nothing.

Date windows (`date_from`, `date_to`) select every period that overlaps them.
"""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter
from programmes.models import (
    Programme,
    School,
    SchoolClosure,
    SchoolHoliday,
    SchoolYear,
    Trainer,
    TrainerUnavailability,
)


class ProgrammeFilter(filters.FilterSet):
    class Meta:
        model = Programme
        fields = ["code", "audience", "enrolment_mode", "co_financed", "active"]


class SchoolFilter(filters.FilterSet):
    municipality = filters.CharFilter(lookup_expr="iexact", label=_("gemeente"))
    city = filters.CharFilter(lookup_expr="iexact", label=_("plaats"))

    class Meta:
        model = School
        fields = [
            "brin",
            "branch",
            "school_type",
            "holiday_region",
            "municipality",
            "city",
            "active",
        ]


class TrainerFilter(filters.FilterSet):
    qualification = filters.CharFilter(
        field_name="qualifications__code",
        label=_("code van een programma waarvoor de trainer gekwalificeerd is"),
    )

    class Meta:
        model = Trainer
        fields = ["active", "qualification"]


class TrainerUnavailabilityFilter(filters.FilterSet):
    trainer = IdFilter(field_name="trainer_id", label=_("trainer (id)"))
    date_from = filters.DateFilter(
        field_name="ends_at", lookup_expr="date__gte", label=_("eindigt op of na deze dag")
    )
    date_to = filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("begint op of voor deze dag")
    )

    class Meta:
        model = TrainerUnavailability
        fields = ["trainer", "date_from", "date_to"]


class SchoolYearFilter(filters.FilterSet):
    class Meta:
        model = SchoolYear
        fields = ["label"]


class SchoolHolidayFilter(filters.FilterSet):
    school_year = filters.CharFilter(
        field_name="school_year__label", label=_("schooljaar, bijv. 2026-2027")
    )
    date_from = filters.DateFilter(
        field_name="end_date", lookup_expr="gte", label=_("eindigt op of na deze dag")
    )
    date_to = filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("begint op of voor deze dag")
    )

    class Meta:
        model = SchoolHoliday
        fields = ["school_year", "region", "kind", "advisory", "date_from", "date_to"]


class SchoolClosureFilter(filters.FilterSet):
    school = IdFilter(field_name="school_id", label=_("school (id)"))
    date_from = filters.DateFilter(
        field_name="end_date", lookup_expr="gte", label=_("eindigt op of na deze dag")
    )
    date_to = filters.DateFilter(
        field_name="start_date", lookup_expr="lte", label=_("begint op of voor deze dag")
    )

    class Meta:
        model = SchoolClosure
        fields = ["school", "date_from", "date_to"]
