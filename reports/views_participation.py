"""The participation report pages: the manager's operational page, the printable council
version and the CSV/XLSX downloads.

Only the programme manager may open them (others 403, anonymous users the log-in page).
The operational page shows every count. The council page and the downloads leave the
operational context, so they show what `reports.suppression` allows, as the API does:
counts of children from 1 to 4 as "< 5", as "*" a second count that would otherwise
give a hidden one back by subtraction, and as "*" a ratio (fill rate, attendance) whose
numerator or denominator is hidden or from 1 to 4. None of them shows a child's name: the
numbers come from `reports.participation`, which counts in the database and returns no
child at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from core.forms import UtrechtFormMixin
from core.views import NavSectionMixin
from enrolment.models import EnrolmentStatus
from programmes import access
from programmes.mixins import RoleRequiredMixin
from programmes.models import Programme, SchoolYear
from reports import charts, exports
from reports.participation import ParticipationReport, ProgrammeParticipation
from reports.referral_counts import referral_lines
from reports.suppression import (
    Shown,
    ShownParticipation,
    display_rows,
    is_hidden,
    participation_as_shown,
    school_programme_headers,
)

# --- what the page is about --------------------------------------------------------------


class ParticipationFilterForm(UtrechtFormMixin, forms.Form):
    school_year = forms.ModelChoiceField(
        label=gettext_lazy("schooljaar"),
        queryset=SchoolYear.objects.order_by("-start_date"),
        empty_label=None,
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("programma"),
        queryset=Programme.objects.order_by("name_nl"),
        required=False,
        empty_label=gettext_lazy("alle programma's"),
    )

    use_required_attribute = False


def percentage(rate: float | str | None) -> float | str | None:
    """A share as a percentage with one decimal, rounded half up (3/32 is 9.4, not 9.3);
    a hidden share (`reports.suppression.HIDDEN`) stays hidden."""
    if rate is None or isinstance(rate, str):
        return rate
    return float(Decimal(repr(rate * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent(rate: float | str | None) -> str:
    """A share as people read it in the current language ("9,4%"); a dash when there is none;
    "*" when it is hidden."""
    value = percentage(rate)
    if value is None:
        return "–"
    return value if isinstance(value, str) else f"{number_format(value, 1)}%"


@dataclass(frozen=True)
class ParticipationFigures:
    """Everything the pages and downloads show for one selection: the report as
    `reports.suppression` lets this output show it (`shown`; every count when not
    `suppressed`), and when it was produced."""

    shown: ShownParticipation
    produced_at: dt.datetime

    @property
    def report(self) -> ParticipationReport:
        return self.shown.report

    @property
    def programmes(self) -> list[ProgrammeParticipation]:
        return self.shown.programmes

    @property
    def suppressed(self) -> bool:
        return self.shown.suppressed

    @property
    def school_rows(self) -> list[list[Shown]]:
        return display_rows(self.shown.lines)

    @property
    def has_second_hidden(self) -> bool:
        return self.shown.has_second_hidden

    @property
    def groups_total(self) -> int:
        r = self.report
        return r.groups_planned + r.groups_running + r.groups_completed + r.groups_cancelled

    @property
    def has_groups(self) -> bool:
        return self.groups_total > 0

    def groups_by_state(self) -> list[tuple[str, int]]:
        return groups_by_state(self.report)

    def not_started_by_reason(self) -> list[tuple[str, int]]:
        return not_started_by_reason(self.report)

    def enrolments_by_state(self) -> list[tuple[str, Shown]]:
        return [
            (str(label), self.shown.enrolments_by_status.get(value, 0))
            for value, label in EnrolmentStatus.choices
        ]

    @property
    def individual_programmes(self) -> list[ProgrammeParticipation]:
        return [line for line in self.programmes if not line.class_mode]

    def key_figures(self) -> list[tuple[str, str]]:
        """(what, value as read) for the table of key figures."""
        r, shown = self.report, self.shown
        rows = [
            (_("Groepen"), groups_text(self.groups_total)),
            (_("Plaatsen aangeboden"), str(r.seats_offered)),
            (_("Plaatsen bezet"), str(shown.seats_filled)),
            (
                _("Bezettingsgraad"),
                fill_text(shown.fill_rate, shown.seats_filled, r.seats_offered),
            ),
        ]
        if r.pupils_in_classes:
            rows.append((_("Leerlingen in geboekte klassen"), str(shown.pupils_in_classes)))
        median = r.median_days_to_consent
        rows += [
            (_("Wachtlijst"), children_text(shown.waitlist_length)),
            (
                _("Mediaan dagen van aanmelding tot volledige toestemming"),
                _("nog geen volledige toestemming")
                if median is None
                else _("%(days)s dagen") % {"days": number_format(median, 1)},
            ),
            (
                _("Aanwezigheid"),
                _("nog geen aanwezigheid geregistreerd")
                if r.attendance_rate is None
                else _("%(rate)s (%(present)s van %(recorded)s registraties)")
                % {
                    "rate": percent(shown.attendance_rate),
                    "present": shown.attendance_present,
                    "recorded": shown.attendance_recorded,
                },
            ),
        ]
        return rows

    def programme_rows(self) -> list[dict[str, Any]]:
        """Per programme: groups that run or will run, seats, and the fill rate as read;
        a class-mode programme says how many pupils its booked classes hold instead."""
        return [
            {
                "name": line.programme_name,
                "groups": line.groups_total - line.groups_cancelled,
                "cancelled": line.groups_cancelled,
                "class_mode": line.class_mode,
                "seats_offered": line.seats_offered,
                "seats_filled": self.shown.programme_seats_filled(line),
                "fill": (
                    _("klassikaal: %(pupils)s leerlingen")
                    % {"pupils": self.shown.programme_pupils_in_classes(line)}
                    if line.class_mode
                    else percent(self.shown.programme_fill_rate(line))
                ),
            }
            for line in self.programmes
        ]


def groups_by_state(line: ParticipationReport | ProgrammeParticipation) -> list[tuple[str, int]]:
    """(state, number of groups) for the report or one programme's line."""
    return [
        (_("gepland"), line.groups_planned),
        (_("loopt"), line.groups_running),
        (_("afgerond"), line.groups_completed),
        (_("geannuleerd"), line.groups_cancelled),
    ]


def not_started_by_reason(report: ParticipationReport) -> list[tuple[str, int]]:
    """(why, number of groups) of the groups that did not start: counts of groups, shown
    on every output (`reports.suppression` hides counts of children, not of groups)."""
    counts = report.not_started
    return [
        (_("samengevoegd met een andere groep"), counts.pooled),
        (_("te weinig kinderen"), counts.too_few),
        (_("geannuleerd voor de start, om een andere reden"), counts.cancelled_otherwise),
    ]


def participation_figures(
    *, school_year: SchoolYear, programme: Programme | None, suppressed: bool
) -> ParticipationFigures:
    """The figures of the report for one selection; a fixed number of queries."""
    return ParticipationFigures(
        shown=participation_as_shown(
            school_year=school_year,
            programme=programme,
            viewer_is_manager_operational=not suppressed,
        ),
        produced_at=timezone.localtime(),
    )


# --- charts --------------------------------------------------------------------------


def groups_chart(figures: ParticipationFigures, *, chart_id: str = "chart-groups") -> str:
    year = figures.report.school_year.label
    bars = [
        charts.Bar(label=label.capitalize(), value=count, value_text=groups_text(count))
        for label, count in figures.groups_by_state()
    ]
    return charts.bar_chart(
        chart_id=chart_id,
        title=_("Groepen per status, schooljaar %(year)s") % {"year": year},
        summary=_("Aantal groepen per status.")
        + " "
        + _("Totaal: %(total)s.") % {"total": groups_text(figures.groups_total)},
        bars=bars,
    )


def fill_chart(figures: ParticipationFigures, *, chart_id: str = "chart-fill") -> str:
    """The fill rate per individual-enrolment programme; "" when no rate may be shown."""
    year = figures.report.school_year.label
    # A programme whose fill rate is hidden gets no bar: its length would give it away.
    shown = figures.shown
    bars = [
        charts.Bar(
            label=line.programme_name,
            value=rate or 0,
            value_text=fill_text(rate, shown.programme_seats_filled(line), line.seats_offered),
        )
        for line in figures.individual_programmes
        if not is_hidden(rate := shown.programme_fill_rate(line))
    ]
    if not bars:
        return ""
    return charts.bar_chart(
        chart_id=chart_id,
        title=_("Bezetting per programma, schooljaar %(year)s") % {"year": year},
        summary=_("Bezette plaatsen als deel van de aangeboden plaatsen, per programma."),
        bars=bars,
        scale_max=1,
        show_scale=True,
    )


def groups_text(count: int) -> str:
    return ngettext("%(count)s groep", "%(count)s groepen", count) % {"count": count}


def children_text(count: Shown) -> str:
    if is_hidden(count):
        return _("%(count)s kinderen") % {"count": count}
    return ngettext("%(count)s kind", "%(count)s kinderen", count) % {"count": count}


def fill_text(rate: float | str | None, filled: Shown, offered: int) -> str:
    if not offered:
        return _("geen plaatsen aangeboden")
    return _("%(rate)s (%(filled)s van %(offered)s plaatsen)") % {
        "rate": percent(rate),
        "filled": filled,
        "offered": offered,
    }


# --- downloads -------------------------------------------------------------------------


def export_headers() -> list[str]:
    return [_("Schooljaar"), _("Programma"), _("School"), _("Kengetal"), _("Waarde")]


def export_rows(figures: ParticipationFigures) -> list[list[Any]]:
    """The report as one long table: per row the school year, programme ("alle programma's"
    for the totals), school (empty above school level), what is counted and the value.
    Counts of children and ratios are suppressed as on the council page
    (`figures.suppressed`)."""
    report = figures.report
    year = report.school_year.label
    scope = report.programme.name if report.programme else _("alle programma's")
    rows: list[list[Any]] = [
        [year, scope, "", _("Opgesteld op"), figures.produced_at.date()],
    ]

    def add(programme: str, school: str, what: str, value: Any) -> None:
        rows.append([year, programme, school, what, value])

    shown = figures.shown
    for label, count in groups_by_state(report):
        add(scope, "", _("Groepen: %(state)s") % {"state": label}, count)
    for label, count in not_started_by_reason(report):
        add(scope, "", _("Niet gestart: %(reason)s") % {"reason": label}, count)
    add(scope, "", _("Plaatsen aangeboden"), report.seats_offered)
    add(scope, "", _("Plaatsen bezet"), shown.seats_filled)
    add(scope, "", _("Bezettingsgraad in procenten"), percentage(shown.fill_rate))
    add(scope, "", _("Leerlingen in geboekte klassen"), shown.pupils_in_classes)
    for label, count in figures.enrolments_by_state():
        add(scope, "", _("Inschrijvingen: %(state)s") % {"state": label}, count)
    add(scope, "", _("Wachtlijst"), shown.waitlist_length)
    add(scope, "", _("Mediaan dagen tot volledige toestemming"), report.median_days_to_consent)
    add(scope, "", _("Aanwezigheid in procenten"), percentage(shown.attendance_rate))

    for line in figures.programmes:
        name = line.programme_name
        for label, count in groups_by_state(line):
            add(name, "", _("Groepen: %(state)s") % {"state": label}, count)
        if line.class_mode:
            add(
                name,
                "",
                _("Leerlingen in geboekte klassen"),
                shown.programme_pupils_in_classes(line),
            )
        else:
            add(name, "", _("Plaatsen aangeboden"), line.seats_offered)
            add(name, "", _("Plaatsen bezet"), shown.programme_seats_filled(line))
            add(
                name,
                "",
                _("Bezettingsgraad in procenten"),
                percentage(shown.programme_fill_rate(line)),
            )

    what = school_programme_headers()[2:]
    for school, programme, *counts in figures.school_rows:
        for title, value in zip(what, counts, strict=True):
            add(str(programme), str(school), title, value)
    return rows


def export_filename(figures: ParticipationFigures, extension: str) -> str:
    report = figures.report
    parts = ["deelname", report.school_year.label]
    if report.programme is not None:
        parts.append(report.programme.code)
    parts.append(figures.produced_at.strftime("%Y%m%d"))
    return "-".join(parts) + f".{extension}"


# --- views -----------------------------------------------------------------------------


class ParticipationMixin(RoleRequiredMixin):
    """Manager only; reads the school year (default: the current one) and programme
    (default: all) from the query string."""

    suppressed = True
    request: HttpRequest

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user)

    @cached_property
    def default_school_year(self) -> SchoolYear | None:
        return SchoolYear.objects.current()

    @cached_property
    def filter_form(self) -> ParticipationFilterForm:
        data = self.request.GET.copy()
        if not data.get("school_year") and self.default_school_year is not None:
            data["school_year"] = str(self.default_school_year.pk)
        form = ParticipationFilterForm(data or None)
        form.is_valid()
        return form

    @cached_property
    def selection(self) -> tuple[SchoolYear | None, Programme | None]:
        """The chosen school year and programme; a choice that is not valid (the form says
        so) gives way to the current school year and all programmes."""
        cleaned = getattr(self.filter_form, "cleaned_data", {})
        return cleaned.get("school_year") or self.default_school_year, cleaned.get("programme")

    @cached_property
    def figures(self) -> ParticipationFigures | None:
        school_year, programme = self.selection
        if school_year is None:
            return None
        return participation_figures(
            school_year=school_year, programme=programme, suppressed=self.suppressed
        )

    def query_string(self) -> str:
        """The selection as a query string, for the links to the other versions."""
        school_year, programme = self.selection
        params: dict[str, int] = {}
        if school_year is not None:
            params["school_year"] = school_year.pk
        if programme is not None:
            params["programme"] = programme.pk
        return urlencode(params)


class ParticipationPageView(ParticipationMixin, NavSectionMixin, TemplateView):
    nav_section = "participation"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        figures = self.figures
        school_year, programme = self.selection
        context.update(
            filter_form=self.filter_form,
            figures=figures,
            school_year=school_year,
            programme=programme,
            query_string=self.query_string(),
            school_headers=school_programme_headers(),
            referral_lines=referral_lines(
                school_year=school_year, programme=programme, suppressed=self.suppressed
            )
            if school_year is not None
            else [],
        )
        if figures is not None and figures.has_groups:
            context["groups_chart"] = groups_chart(figures)
            if figures.individual_programmes:
                context["fill_chart"] = fill_chart(figures)  # "" when every rate is hidden
        return context


class ParticipationReportView(ParticipationPageView):
    """The manager's operational page: every count, also the small ones."""

    template_name = "reports/participation_report.html"
    suppressed = False


class ParticipationCouncilView(ParticipationPageView):
    """The printable version for the council: counts of children from 1 to 4 show as "< 5",
    and a second count that would give one back as "*" (`reports.suppression`)."""

    template_name = "reports/participation_council.html"
    suppressed = True


class ParticipationExportView(ParticipationMixin, View):
    """A download of the report, suppressed like the council page: it leaves the
    operational context."""

    suppressed = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        figures = self.figures
        if figures is None:
            raise Http404(_("Er is nog geen schooljaar ingevoerd."))
        return self.respond(figures)

    def respond(self, figures: ParticipationFigures) -> HttpResponse:
        raise NotImplementedError


class ParticipationExportCsvView(ParticipationExportView):
    def respond(self, figures: ParticipationFigures) -> HttpResponse:
        return exports.csv_response(
            export_rows(figures), export_headers(), export_filename(figures, "csv")
        )


class ParticipationExportXlsxView(ParticipationExportView):
    def respond(self, figures: ParticipationFigures) -> HttpResponse:
        return exports.xlsx_response(
            export_rows(figures),
            export_headers(),
            export_filename(figures, "xlsx"),
            _("Deelname %(year)s") % {"year": figures.report.school_year.label},
        )
