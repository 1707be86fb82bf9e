"""Forms for the catalogue pages.

Forms only collect and check input; they never save. Views pass
`cleaned_data` to the services in `programmes.services`, which validate the
whole row again and save. Every widget gets the NL Design System (Utrecht)
classes, and an invalid field is marked for assistive technology.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import (
    DATE_INPUT,
    DATETIME_LOCAL_INPUT,
    SearchForm,
    UtrechtFormMixin,
)
from programmes.models import (
    PROGRAMME_FIELDS,
    Audience,
    EnrolmentMode,
    HolidayRegion,
    Programme,
    School,
    SchoolHoliday,
    SchoolType,
    Trainer,
)


class LoginForm(UtrechtFormMixin, AuthenticationForm):
    """Django's log-in form with the Utrecht classes."""


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT)


class ProgrammeForm(UtrechtFormMixin, forms.ModelForm):
    fieldsets = (
        (
            _("Naam en beschrijving"),
            ("code", "name_nl", "name_en", "description_nl", "description_en", "active"),
        ),
        (_("Doelgroep"), ("audience", "grade_min", "grade_max", "age_min", "age_max")),
        (
            _("Opzet van een groep"),
            (
                "enrolment_mode",
                "group_size_min",
                "group_size_max",
                "decision_days",
                "child_sessions",
                "session_minutes",
                "parent_meetings_before",
                "parent_meetings_after",
                "parent_meeting_minutes",
                "trainers_per_group",
                "trainer_qualification",
            ),
        ),
        (_("Toestemming"), ("consent_guardians", "consent_child")),
        (
            _("Financiering en weergave"),
            ("co_financed", "default_cost_per_group", "calendar_colour"),
        ),
    )

    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS
        widgets = {
            "description_nl": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "calendar_colour": forms.TextInput(attrs={"type": "color"}),
        }


class SchoolForm(UtrechtFormMixin, forms.ModelForm):
    fieldsets = (
        (
            _("School"),
            ("name", "brin", "branch", "school_type", "holiday_region", "active"),
        ),
        (_("Adres"), ("street_address", "postcode", "city", "municipality")),
    )

    class Meta:
        model = School
        fields = [
            "name",
            "brin",
            "branch",
            "school_type",
            "holiday_region",
            "street_address",
            "postcode",
            "city",
            "municipality",
            "coordinators",
            "active",
        ]
        widgets = {"coordinators": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        coordinators = self.fields["coordinators"]
        coordinators.queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("last_name", "first_name", "username")
        )
        coordinators.label_from_instance = lambda user: user.get_full_name() or user.username


class SchoolYearForm(UtrechtFormMixin, forms.Form):
    label = forms.CharField(
        label=_("schooljaar"),
        max_length=9,
        help_text=_("Bijvoorbeeld 2027-2028. Het loopt van 1 augustus tot en met 31 juli."),
    )


class SchoolHolidayForm(UtrechtFormMixin, forms.ModelForm):
    class Meta:
        model = SchoolHoliday
        fields = ["region", "kind", "name", "start_date", "end_date", "advisory", "source"]
        widgets = {"start_date": _date_widget(), "end_date": _date_widget()}


class SchoolClosureForm(UtrechtFormMixin, forms.Form):
    start_date = forms.DateField(label=_("eerste dag"), widget=_date_widget())
    end_date = forms.DateField(
        label=_("laatste dag"),
        required=False,
        widget=_date_widget(),
        help_text=_("Laat leeg als de school één dag dicht is."),
    )
    reason = forms.CharField(
        label=_("reden"), max_length=120, help_text=_("Bijvoorbeeld: studiedag, Biddag.")
    )


class TrainerUnavailabilityForm(UtrechtFormMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("vanaf"),
        input_formats=[DATETIME_LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_INPUT),
    )
    ends_at = forms.DateTimeField(
        label=_("tot"),
        input_formats=[DATETIME_LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_INPUT),
    )
    reason = forms.CharField(label=_("reden"), max_length=120, required=False)


class CertificateForm(UtrechtFormMixin, forms.Form):
    """The certificate behind one of the trainer's qualifications."""

    programme = forms.ModelChoiceField(label=_("programma"), queryset=Programme.objects.none())
    certificate_number = forms.CharField(
        label=_("certificaatnummer"), max_length=40, required=False
    )
    valid_until = forms.DateField(
        label=_("geldig tot en met"),
        required=False,
        widget=_date_widget(),
        help_text=_("Leeg als het certificaat niet verloopt."),
    )

    def __init__(self, *args: Any, trainer: Trainer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = trainer.qualifications.order_by("name_nl")


class SchoolDayLookupForm(UtrechtFormMixin, forms.Form):
    datum = forms.DateField(label=_("datum"), widget=_date_widget())


class HolidayImportForm(forms.Form):
    """An .ics file of school holidays (the admin and the school-year page)."""

    file = forms.FileField(
        label=_("Bestand (.ics)"),
        help_text=_(
            "Een iCalendar-bestand met de schoolvakanties als gebeurtenissen van hele dagen."
        ),
    )
    region = forms.ChoiceField(
        label=_("Regio"),
        required=False,
        choices=[("", _("Uit het bestand halen")), *HolidayRegion.choices],
        help_text=_(
            "Laat leeg als elke gebeurtenis zijn regio noemt (noord, midden, zuid of "
            "heel Nederland)."
        ),
    )
    advisory = forms.BooleanField(
        label=_("Adviesdata, nog te controleren"),
        required=False,
        help_text=_("Aanvinken als de data nog niet met de officiële tabel zijn vergeleken."),
    )
    source = forms.CharField(
        label=_("Bron"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld: rijksoverheid.nl. Leeg: de naam van de kalender."),
    )

    def clean_file(self) -> bytes:
        return _read_upload(self.cleaned_data["file"])


class HolidayIcsUploadForm(UtrechtFormMixin, HolidayImportForm):
    """The .ics import on the manager's school-year page."""

    prefix = "ics"


class HolidayOpendataUploadForm(UtrechtFormMixin, forms.Form):
    """The Rijksoverheid's open data file of school holidays (JSON or XML)."""

    prefix = "rijksoverheid"

    file = forms.FileField(
        label=_("Bestand van de Rijksoverheid (.json of .xml)"),
        help_text=_(
            "Het bestand met de schoolvakanties van een schooljaar van "
            "opendata.rijksoverheid.nl (schoolholidays, ?output=json of ?output=xml)."
        ),
    )

    def clean_file(self) -> bytes:
        return _read_upload(self.cleaned_data["file"])


def _read_upload(upload: Any) -> bytes:
    limit = settings.ICS_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("Het bestand is te groot (%(size)s kB); de grens is %(limit)s kB."),
            params={"size": -(-upload.size // 1024), "limit": limit // 1024},
        )
    return upload.read(limit + 1)


# --- list filters (GET) --------------------------------------------------------------


def _any(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class ProgrammeFilterForm(SearchForm):
    audience = forms.ChoiceField(
        label=_("doelgroep"), required=False, choices=_any(_("alle")) + Audience.choices
    )
    enrolment_mode = forms.ChoiceField(
        label=_("manier van aanmelden"),
        required=False,
        choices=_any(_("alle")) + EnrolmentMode.choices,
    )


class SchoolFilterForm(SearchForm):
    school_type = forms.ChoiceField(
        label=_("soort school"), required=False, choices=_any(_("alle")) + SchoolType.choices
    )
    region = forms.ChoiceField(
        label=_("vakantieregio"), required=False, choices=_any(_("alle")) + HolidayRegion.choices
    )


class TrainerFilterForm(SearchForm):
    programme = forms.ModelChoiceField(
        label=_("gekwalificeerd voor"),
        required=False,
        queryset=Programme.objects.order_by("name_nl"),
        empty_label=_("alle programma's"),
    )
