"""The calendar page (month or week, per school or trainer) and the programmes' colours."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from core.views import NavSectionMixin
from programmes import access as catalogue_access
from programmes.mixins import RoleRequiredMixin
from programmes.models import Programme
from scheduler import selectors
from scheduler.models import Session

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _link_sessions(sessions: Iterable[Session]) -> None:
    """Give each session of a calendar `group_url`: one `reverse` per group, not per row."""
    urls: dict[int, str] = {}
    for session in sessions:
        url = urls.get(session.group_id)
        if url is None:
            url = urls[session.group_id] = reverse("planning-group-detail", args=[session.group_id])
        session.group_url = url


def _parse_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


class CalendarView(RoleRequiredMixin, NavSectionMixin, TemplateView):
    """Month (`?jaar=2026&maand=11`) or week (`?week=2026-11-02`), per school or trainer."""

    template_name = "scheduler/calendar.html"
    nav_section = "calendar"

    def load(self) -> None:
        params = self.request.GET
        user = self.request.user
        self.school = None
        self.trainer = None
        # The school picker lists them all anyway: the chosen one comes from that list.
        self.schools = list(catalogue_access.schools_visible_to(user).order_by("name"))
        if params.get("school"):
            school_id = _parse_int(params["school"])
            if school_id is None:
                raise Http404
            self.school = next((s for s in self.schools if s.pk == school_id), None)
            if self.school is None:
                raise Http404
        if params.get("trainer"):
            trainer_id = _parse_int(params["trainer"])
            if trainer_id is None:
                raise Http404
            self.trainer = get_object_or_404(
                catalogue_access.trainers_visible_to(user).select_related("user"), pk=trainer_id
            )
        self.week_of: dt.date | None = None
        today = timezone.localdate()
        self.year, self.month = today.year, today.month
        if params.get("week"):
            try:
                self.week_of = dt.date.fromisoformat(params["week"])
            except ValueError:
                self.week_of = today
            self.week_of -= dt.timedelta(days=self.week_of.weekday())
            self.year = self.week_of.year
        else:
            year, month = _parse_int(params.get("jaar")), _parse_int(params.get("maand"))
            if year and month and 2000 <= year <= 2100 and 1 <= month <= 12:
                self.year, self.month = year, month

    def url(self, **period: Any) -> str:
        query = {**period}
        if self.school is not None:
            query["school"] = self.school.pk
        if self.trainer is not None:
            query["trainer"] = self.trainer.pk
        return reverse("planning-calendar") + "?" + urlencode(query)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        view = selectors.calendar_view(
            user,
            year=self.year,
            month=None if self.week_of else self.month,
            week_of=self.week_of,
            school=self.school,
            trainer=self.trainer,
        )
        _link_sessions(session for week in view.weeks for day in week for session in day.sessions)
        context["calendar"] = view
        context["school"] = self.school
        context["trainer"] = self.trainer
        context["weekday_names"] = [
            dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(7)
        ]  # a Monday to a Sunday, for the column headings
        if self.week_of is not None:
            monday = self.week_of
            context["is_week"] = True
            context["week_number"] = monday.isocalendar().week
            context["period_start"], context["period_end"] = monday, monday + dt.timedelta(6)
            context["previous_url"] = self.url(week=(monday - dt.timedelta(7)).isoformat())
            context["next_url"] = self.url(week=(monday + dt.timedelta(7)).isoformat())
            context["month_url"] = self.url(jaar=monday.year, maand=monday.month)
        else:
            first = dt.date(self.year, self.month, 1)
            previous = first - dt.timedelta(days=1)
            following = first + dt.timedelta(days=pycalendar.monthrange(self.year, self.month)[1])
            context["is_week"] = False
            context["month_start"] = first
            context["previous_url"] = self.url(jaar=previous.year, maand=previous.month)
            context["next_url"] = self.url(jaar=following.year, maand=following.month)
            today = timezone.localdate()
            in_month = today if (today.year, today.month) == (self.year, self.month) else first
            monday = in_month - dt.timedelta(days=in_month.weekday())
            context["week_url"] = self.url(week=monday.isoformat())
        context["schools"] = self.schools
        context["trainers"] = list(
            catalogue_access.trainers_visible_to(user)
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        context["period"] = (
            {"week": self.week_of.isoformat()}
            if self.week_of
            else {"jaar": self.year, "maand": self.month}
        )
        return context


def programme_colours(request: HttpRequest) -> HttpResponse:
    """`/planning/programmakleuren.css`: one rule per programme, from its calendar colour.

    Colours are validated again here, so a bad value in the database never reaches CSS.
    """
    lines = ["/* Programme colours in the calendar, from the catalogue. */"]
    for pk, colour in Programme.objects.order_by("pk").values_list("pk", "calendar_colour"):
        if HEX_COLOUR.match(colour or ""):
            lines.append(f".programme-{pk} {{ border-left-color: {colour.lower()}; }}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
