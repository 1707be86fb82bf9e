"""The outcome report pages: the manager's page (every count, and the open answers per
programme and round), the printable council version and the CSV/XLSX downloads (small
numbers suppressed, no open answers). Only the programme manager may open them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.forms import UtrechtFormMixin
from core.views import NavSectionMixin
from programmes import access
from programmes.mixins import RoleRequiredMixin
from programmes.models import Programme, School, SchoolYear
from reports import charts, exports
from reports.outcomes import (
    OutcomeScope,
    ShownRow,
    open_answers,
    outcomes,
    outcomes_as_shown,
    section_labels,
)
from reports.suppression import is_hidden

MEAN_SECTIONS = ("satisfaction",)


class OutcomeFilterForm(UtrechtFormMixin, forms.Form):
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
    round_label = forms.CharField(label=gettext_lazy("ronde"), required=False, max_length=60)
    school = forms.ModelChoiceField(
        label=gettext_lazy("school"),
        queryset=School.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("alle scholen"),
    )

    use_required_attribute = False


def value_text(row: ShownRow) -> str:
    """The row's value as people read it: a mean with one decimal, a share as a percentage
    (with one decimal below 10 %, so 9 of 1,999 pupils reads 0,5 %, not 0 %); "*" when
    hidden, "–" when there is nothing to divide by."""
    if row.value is None:
        return "–"
    if is_hidden(row.value):
        return str(row.value)
    if row.section in MEAN_SECTIONS:
        return _rounded(row.value, 1)
    share = row.value * 100
    return f"{_rounded(share, 1 if 0 < share < 10 else 0)} %"


def _rounded(value: float, places: int) -> str:
    """Rounded half up as people round (number_format alone cuts the digits off)."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(exact, places)


def outcome_chart(programme: Programme, rows: list[ShownRow], section: str, title: str) -> str:
    """A bar chart of one section's shares or means; hidden values draw no bar."""
    chosen = [r for r in rows if r.section == section]
    if not chosen:
        return ""
    mean = section in MEAN_SECTIONS
    bars = [
        charts.Bar(
            label=r.label,
            value=0
            if is_hidden(r.value) or r.value is None
            else float(r.value) * (1 if mean else 100),
            value_text=value_text(r),
        )
        for r in chosen
    ]
    return charts.bar_chart(
        chart_id=f"chart-{section}-{programme.pk}",
        title=f"{title}: {programme.name}",
        bars=bars,
        scale_max=5 if mean else 100,
        show_scale=True,
    )


class OutcomeMixin(RoleRequiredMixin):
    suppressed = True
    request: HttpRequest

    def has_access(self, user: Any) -> bool:
        return access.is_manager(user)

    @cached_property
    def filter_form(self) -> OutcomeFilterForm:
        data = self.request.GET.copy()
        current = SchoolYear.objects.current()
        if not data.get("school_year") and current is not None:
            data["school_year"] = str(current.pk)
        form = OutcomeFilterForm(data or None)
        form.is_valid()
        return form

    @cached_property
    def scope(self) -> OutcomeScope | None:
        cleaned = getattr(self.filter_form, "cleaned_data", {})
        school_year = cleaned.get("school_year") or SchoolYear.objects.current()
        if school_year is None:
            return None
        return OutcomeScope(
            school_year=school_year,
            programme=cleaned.get("programme"),
            round_label=cleaned.get("round_label") or "",
            school=cleaned.get("school"),
        )

    @cached_property
    def shown(self) -> list[tuple[Programme, list[ShownRow]]]:
        if self.scope is None:
            return []
        return outcomes_as_shown(outcomes(self.scope), suppressed=self.suppressed)

    def query_string(self) -> str:
        return urlencode({k: v for k, v in self.request.GET.items() if v})


class OutcomePageView(OutcomeMixin, NavSectionMixin, TemplateView):
    nav_section = "participation"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        labels = section_labels()
        answers = {} if self.suppressed or self.scope is None else open_answers(self.scope)
        context.update(
            filter_form=self.filter_form,
            scope=self.scope,
            show_pupils_link=not self.suppressed,
            query_string=self.query_string(),
            programmes=[
                {
                    "programme": programme,
                    "sections": [
                        {
                            "name": name,
                            "label": labels[name],
                            "rows": [
                                {"row": r, "value": value_text(r)}
                                for r in rows
                                if r.section == name
                            ],
                            "chart": outcome_chart(programme, rows, name, labels[name])
                            if name in ("goal", "satisfaction", "response")
                            else "",
                        }
                        for name in labels
                        if any(r.section == name for r in rows)
                    ],
                    "open_answers": sorted(
                        (round_label, texts)
                        for (programme_id, round_label), texts in answers.items()
                        if programme_id == programme.pk
                    ),
                }
                for programme, rows in self.shown
            ],
        )
        return context


class OutcomeReportView(OutcomePageView):
    """The manager's page: every count, and the open answers per programme and round."""

    template_name = "reports/outcomes_report.html"
    suppressed = False


class OutcomeCouncilView(OutcomePageView):
    """The printable council version: counts from 1 to 4 as "< 5", no open answers."""

    template_name = "reports/outcomes_council.html"
    suppressed = True


def export_headers() -> list[str]:
    return [
        _("programma"),
        _("onderdeel"),
        _("omschrijving"),
        _("aantal"),
        _("van"),
        _("waarde"),
    ]


def export_rows(shown: list[tuple[Programme, list[ShownRow]]]) -> list[list[Any]]:
    labels = section_labels()
    return [
        [
            programme.name,
            labels[r.section],
            r.label,
            r.count,
            "" if r.base is None else r.base,
            value_text(r),
        ]
        for programme, rows in shown
        for r in rows
    ]


class OutcomeExportView(OutcomeMixin, View):
    """A download, suppressed like the council page (it leaves the operational context)."""

    suppressed = True
    extension = "csv"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.scope is None:
            raise Http404(_("Er is nog geen schooljaar ingevoerd."))
        rows = export_rows(self.shown)
        name = f"uitkomsten-{self.scope.school_year.label}-{timezone.localdate():%Y%m%d}"
        if self.extension == "csv":
            return exports.csv_response(rows, export_headers(), f"{name}.csv")
        return exports.xlsx_response(
            rows,
            export_headers(),
            f"{name}.xlsx",
            _("Uitkomsten %(year)s") % {"year": self.scope.school_year.label},
        )


class OutcomeExportCsvView(OutcomeExportView):
    extension = "csv"


class OutcomeExportXlsxView(OutcomeExportView):
    extension = "xlsx"
