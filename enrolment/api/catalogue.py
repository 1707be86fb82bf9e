"""Public: finding a group. Schools, their open groups, the programmes, the consent text."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.timezone import localtime
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.filters import SearchFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from enrolment import public_cache, services
from enrolment.api.base import PublicView, path_id
from enrolment.catalogue import open_groups_with_seats
from enrolment.serializers import (
    PublicConsentTextSerializer,
    PublicGroupSerializer,
    PublicProgrammeSerializer,
    PublicSchoolSerializer,
)
from programmes.models import EnrolmentMode, Programme, School
from scheduler.models import Group


class PublicSchoolListView(PublicView, generics.ListAPIView):
    """Active schools, found by name or place, with only what a parent needs to pick one."""

    serializer_class = PublicSchoolSerializer
    filter_backends = [SearchFilter]
    search_fields = ["name", "city"]

    def get_queryset(self) -> QuerySet[School]:
        return School.objects.filter(active=True).order_by("name", "id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page from the public cache (`enrolment.public_cache`); the links to the
        next and previous page are made from this request's address, as DRF makes them."""
        paginator = self.paginator
        assert isinstance(paginator, PageNumberPagination)
        terms = tuple(SearchFilter().get_search_terms(request))  # a 400 comes before the cache
        page = request.query_params.get(paginator.page_query_param) or "1"

        def build() -> tuple[dict[str, Any], None]:
            rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            return {
                "count": paginator.page.paginator.count,
                "number": paginator.page.number,
                "results": self.get_serializer(rows, many=True).data,
            }, None

        found = public_cache.cached(public_cache.school_search_key(terms, page), build)
        pages = DjangoPaginator(range(found["count"]), paginator.get_page_size(request))
        paginator.request = request
        paginator.page = pages.page(found["number"])
        if pages.num_pages > 1:
            paginator.display_page_controls = True  # the browsable API's page links
        return paginator.get_paginated_response(found["results"])

    @extend_schema(
        operation_id="public_schools_list",
        auth=[],
        description="Zoek de school van uw kind op naam of plaats.",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PublicSchoolGroupsView(PublicView, generics.ListAPIView):
    """The open groups pupils of one school may join."""

    serializer_class = PublicGroupSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Group]:
        return Group.objects.none()  # only for the schema; `list` builds the answer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """`catalogue.open_groups_with_seats`, as rows. The groups come from the public
        cache and the seats are counted now (one query); the rest of each row is
        serialized once per school, day, language and catalogue version (also cached:
        serializing costs more than the rest of the request)."""
        school_id = int(self.kwargs["school_id"])
        today = localtime(timezone.now()).date()
        found = open_groups_with_seats(school_id, today=today)
        if found is None:  # no such active school: what get_object_or_404 says
            raise Http404(f"No {School._meta.object_name} matches the given query.")

        def build() -> tuple[dict[int, dict[str, Any]], None]:
            rows = self.get_serializer(found.groups, many=True).data
            return {g.pk: dict(row) for row, g in zip(rows, found.groups, strict=True)}, None

        rows = public_cache.cached(
            public_cache.school_groups_key(school_id, today, found.version), build
        )
        if any(group.pk not in rows for group in found.groups):
            # Rebuilt within one version (a change that sends no signal, seen after an
            # entry's lifetime): these groups' own rows, not kept.
            rows = build()[0]
        answer = []
        for group in found.groups:
            row = dict(rows[group.pk])
            row["seats_left"], row["waitlist"] = group.seats_left, group.waitlist
            answer.append(row)
        return Response(answer)

    @extend_schema(
        operation_id="public_school_groups_list",
        parameters=[path_id("school_id", "De school (id).")],
        auth=[],
        description="De groepen waarvoor leerlingen van deze school zich nu kunnen aanmelden, "
        "met het aantal vrije plaatsen of de melding dat de groep vol is (wachtlijst). Een "
        "lege lijst: er is nu niets open; registreer dan belangstelling.",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PublicProgrammeListView(PublicView, generics.ListAPIView):
    """Programmes parents enrol children for (to register interest where no group is open)."""

    serializer_class = PublicProgrammeSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Programme]:
        return Programme.objects.filter(
            active=True, enrolment_mode=EnrolmentMode.INDIVIDUAL
        ).order_by("name_nl", "id")

    @extend_schema(operation_id="public_programmes_list", auth=[])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class PublicConsentTextView(PublicView):
    @extend_schema(
        operation_id="public_consent_text_retrieve",
        auth=[],
        responses={200: PublicConsentTextSerializer},
        description="De toestemmingstekst die nu geldt. Toon hem bij het formulier en stuur "
        "zijn versie mee als consent_text_version.",
    )
    def get(self, request: Request) -> Response:
        text = services.consent_text_current()
        return Response(PublicConsentTextSerializer(text).data)
