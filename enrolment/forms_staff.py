"""Forms for the staff pages of enrolment: attendance, intake, class bookings and filters.

Forms only collect and check input; views pass `cleaned_data` to `enrolment.services`,
which validate again and save.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT, UtrechtFormMixin
from enrolment.audit import AuditAction
from enrolment.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    IntakeOutcome,
    IntakeReason,
)
from enrolment.services import ATTENDANCE_NOTE_MAX
from programmes.models import Programme, School
from scheduler.services import CLASS_SIZE_MAX

RADIO_CLASSES = "utrecht-radio-button utrecht-radio-button--html-input gp-radio"


def _radio() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": RADIO_CLASSES})


class AttendanceForm(UtrechtFormMixin, forms.Form):
    """One status (and an optional note) per confirmed child of the group.

    Field names carry the enrolment id: `status_<id>` and `note_<id>`. A child left
    unmarked is not recorded.
    """

    def __init__(
        self,
        *args: Any,
        sheet: Sequence[tuple[Enrolment, Attendance | None]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.children: list[dict[str, Any]] = []
        for enrolment, mark in sheet:
            status_name, note_name = f"status_{enrolment.pk}", f"note_{enrolment.pk}"
            self.fields[status_name] = forms.ChoiceField(
                label=enrolment.child.full_name,
                choices=AttendanceStatus.choices,
                required=False,
                widget=_radio(),
                initial=mark.status if mark else None,
            )
            self.fields[note_name] = forms.CharField(
                label=_("notitie"),
                max_length=ATTENDANCE_NOTE_MAX,
                required=False,
                initial=mark.note if mark else "",
            )
            self.children.append(
                {
                    "enrolment": enrolment,
                    "mark": mark,
                    "status": self[status_name],
                    "note": self[note_name],
                }
            )

    def marks(self) -> dict[int, tuple[str, str]]:
        """{enrolment id: (status, note)} for every child that was marked."""
        result: dict[int, tuple[str, str]] = {}
        for child in self.children:
            pk = child["enrolment"].pk
            status = self.cleaned_data.get(f"status_{pk}")
            if status:
                result[pk] = (status, self.cleaned_data.get(f"note_{pk}", ""))
        return result


class IntakeForm(UtrechtFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("uitkomst van de intake"), choices=IntakeOutcome.choices, widget=_radio()
    )
    reason = forms.ChoiceField(
        label=_("reden"),
        choices=[("", _("— kies een reden —")), *IntakeReason.choices],
        required=False,
        help_text=_("Verplicht als deelname niet passend is."),
    )
    notes = forms.CharField(
        label=_("notities"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Alleen zichtbaar voor de trainers van de groep, de coördinator van de school en "
            "de programmabeheerder. Schrijf alleen op wat nodig is; geen diagnoses."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == IntakeOutcome.NOT_SUITABLE and not data.get("reason"):
            self.add_error("reason", _("Kies een reden als deelname niet passend is."))
        if data.get("outcome") == IntakeOutcome.SUITABLE:
            data["reason"] = ""
        return data


class ChildConsentForm(UtrechtFormMixin, forms.Form):
    given = forms.TypedChoiceField(
        label=_("toestemming van het kind zelf"),
        choices=[("yes", _("Het kind geeft toestemming")), ("no", _("Het kind weigert"))],
        coerce=lambda value: value == "yes",
        widget=_radio(),
        help_text=_("Zoals het kind het tijdens de intake zelf heeft gezegd."),
    )


class ClassBookingForm(UtrechtFormMixin, forms.Form):
    """The class booking's fields; what a booking may be (the class's grades, 1 to 40
    pupils, the mentor) is `scheduler.services.class_booking_set`'s to say, in the same
    words as to the API."""

    class_name = forms.CharField(
        label=_("klas"), max_length=20, help_text=_("Bijvoorbeeld 7B of 1 havo-a.")
    )
    class_size = forms.IntegerField(
        label=_("aantal leerlingen"),
        widget=forms.NumberInput(attrs={"min": 1, "max": CLASS_SIZE_MAX}),
    )
    mentor_name = forms.CharField(label=_("naam mentor"), max_length=120)
    mentor_email = forms.EmailField(label=_("e-mail mentor"))


STATUS_FILTER_CHOICES = [
    ("", _("Lopende inschrijvingen")),
    ("all", _("Alle")),
    *EnrolmentStatus.choices,
]


class OverviewFilterForm(UtrechtFormMixin, forms.Form):
    q = forms.CharField(label=_("naam van het kind"), required=False, max_length=100)
    school = forms.ModelChoiceField(
        label=_("school"), queryset=School.objects.none(), required=False
    )
    programme = forms.ModelChoiceField(
        label=_("programma"), queryset=Programme.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("status"), choices=STATUS_FILTER_CHOICES, required=False)

    def __init__(self, *args: Any, schools: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["programme"].queryset = programmes


AUDIT_ACTION_LABELS = {
    AuditAction.ROSTER_VIEWED: _("deelnemerslijst bekeken"),
    AuditAction.ROSTER_EXPORTED_CSV: _("deelnemerslijst als CSV gedownload"),
    AuditAction.ROSTER_EXPORTED_XLSX: _("deelnemerslijst als Excel gedownload"),
    AuditAction.ROSTER_PRINTED: _("deelnemerslijst afgedrukt"),
    AuditAction.ENROLMENT_VIEWED: _("inschrijving bekeken"),
    AuditAction.INTAKE_VIEWED: _("intake bekeken"),
    AuditAction.DATA_DOWNLOADED: _("gegevens gedownload"),
    AuditAction.DATA_ERASED: _("gegevens gewist"),
    AuditAction.DUPLICATE_MERGED: _("dubbele aanmelding samengevoegd"),
}


def audit_action_label(action: str) -> str:
    return str(AUDIT_ACTION_LABELS.get(action, action))


def audit_action_choices() -> list[tuple[str, str]]:
    """Every action `AuditAction` names (also those added later), labelled where we can."""
    actions = sorted(
        value
        for name, value in vars(AuditAction).items()
        if name.isupper() and isinstance(value, str)
    )
    return [(action, audit_action_label(action)) for action in actions]


class AuditFilterForm(UtrechtFormMixin, forms.Form):
    action = forms.ChoiceField(label=_("actie"), required=False)
    user = forms.CharField(label=_("gebruiker"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("vanaf"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT),
    )
    date_to = forms.DateField(
        label=_("tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Alle acties")), *audit_action_choices()]
