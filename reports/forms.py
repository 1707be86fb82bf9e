"""Forms for the report pages: choosing a school year, and the co-financing forms.

Forms only collect and check input; views hand `cleaned_data` to
`programmes.services`, which validate the whole agreement or invoice again and save.
Amounts are typed the Dutch way ("1250,00"), so the decimal fields are localised.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT, UtrechtFormMixin
from programmes.models import CoFinancingAgreement, Programme, School, SchoolYear

AGREEMENT_TERMS = [
    "cost_basis",
    "price",
    "school_share_percentage",
    "school_share_fixed",
    "school_share_cap",
    "units_agreed",
    "notes",
]


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT)


def _amount_widget() -> forms.TextInput:
    # A localised amount ("1250,00") is no valid <input type="number">; a text box with a
    # decimal keyboard is.
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class SchoolYearChoiceForm(UtrechtFormMixin, forms.Form):
    """`?schooljaar=2026-2027`: the school year a report is about."""

    schooljaar = forms.ModelChoiceField(
        label=_("Schooljaar"),
        queryset=SchoolYear.objects.order_by("-start_date"),
        to_field_name="label",
        empty_label=None,
    )


class AgreementTermsForm(UtrechtFormMixin, forms.ModelForm):
    """The terms of an agreement: what one unit costs and what the school pays of it."""

    fieldsets = (
        (_("Kosten"), ("cost_basis", "price", "units_agreed")),
        (
            _("Aandeel van de school"),
            ("school_share_percentage", "school_share_fixed", "school_share_cap"),
        ),
    )

    class Meta:
        model = CoFinancingAgreement
        fields = AGREEMENT_TERMS
        localized_fields = [
            "price",
            "school_share_percentage",
            "school_share_fixed",
            "school_share_cap",
        ]
        widgets = {
            "price": _amount_widget(),
            "school_share_percentage": _amount_widget(),
            "school_share_fixed": _amount_widget(),
            "school_share_cap": _amount_widget(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "price": _("Wat één eenheid (groep, klas of leerling) kost, bijvoorbeeld 800,00."),
            "school_share_percentage": _(
                "Vul óf een percentage óf een vast bedrag per eenheid in, niet allebei."
            ),
            "school_share_fixed": _("Alleen als de school een vast bedrag per eenheid betaalt."),
            "school_share_cap": _("Laat leeg als er geen maximum is afgesproken."),
            "units_agreed": _("Hoeveel groepen, klassen of leerlingen zijn afgesproken."),
        }


class AgreementCreateForm(AgreementTermsForm):
    """A new agreement: for which school, school year and co-financed programme."""

    fieldsets = (
        (_("Afspraak tussen"), ("school", "school_year", "programme")),
        *AgreementTermsForm.fieldsets,
    )

    class Meta(AgreementTermsForm.Meta):
        fields = ["school", "school_year", "programme", *AGREEMENT_TERMS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(active=True).order_by("name")
        self.fields["school_year"].queryset = SchoolYear.objects.order_by("-start_date")
        self.fields["programme"].queryset = Programme.objects.filter(co_financed=True).order_by(
            "name_nl"
        )
        self.fields["programme"].help_text = _(
            "Alleen programma's met cofinanciering door scholen staan in de lijst."
        )


class InvoiceForm(UtrechtFormMixin, forms.Form):
    reference = forms.CharField(
        label=_("factuurnummer"),
        max_length=40,
        help_text=_("Het nummer uit de financiële administratie; elk nummer komt één keer voor."),
    )
    amount = forms.DecimalField(
        label=_("bedrag (€)"),
        max_digits=9,
        decimal_places=2,
        min_value=0,
        localize=True,
        widget=_amount_widget(),
        help_text=_("Bijvoorbeeld 400,00."),
    )


class InvoiceSentForm(UtrechtFormMixin, forms.Form):
    date_sent = forms.DateField(
        label=_("verstuurd op"), widget=_date_widget(), initial=timezone.localdate
    )


class InvoicePaidForm(UtrechtFormMixin, forms.Form):
    date_paid = forms.DateField(
        label=_("betaald op"), widget=_date_widget(), initial=timezone.localdate
    )
