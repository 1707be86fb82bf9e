"""Forms for the scheduler's pages.

Forms only collect and check input; the services in `scheduler.services` validate
again and save. Choices are limited to the user's scope (a coordinator picks only
their own schools), but the views check the scope once more before they act.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_INPUT, SearchForm, UtrechtFormMixin
from programmes import access as catalogue_access
from programmes.dates import weekday_name
from programmes.models import EnrolmentMode, Programme, School, SchoolYear, Trainer
from scheduler import access as scheduler_access
from scheduler.models import Group, GroupStatus, PlanningRequestStatus, Weekday

TIME_INPUT = "%H:%M"


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT)


def _time_widget() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format=TIME_INPUT)


def _any(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def active_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(active=True).order_by("name_nl")


def trainer_choices(programme: Programme | None = None) -> QuerySet[Trainer]:
    """Active trainers with a qualification (for one programme, if given), with their names."""
    qs = Trainer.objects.filter(active=True).select_related("user")
    if programme is not None:
        qs = qs.filter(qualifications=programme)
    else:
        qs = qs.filter(qualifications__isnull=False).distinct()
    return qs.prefetch_related(
        Prefetch("qualifications", queryset=Programme.objects.order_by("name_nl"))
    ).order_by("user__last_name", "user__first_name", "pk")


def _trainer_label(trainer: Trainer) -> str:
    qualified = ", ".join(p.name for p in trainer.qualifications.all())
    return f"{trainer.display_name} ({qualified})" if qualified else trainer.display_name


class TrainerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _trainer_label(obj)


class TrainerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _trainer_label(obj)


# --- planning requests -------------------------------------------------------------------


class PlanningRequestForm(UtrechtFormMixin, forms.Form):
    """A coordinator's request for a programme at one of their schools."""

    fieldsets = (
        (_("Wat en waar"), ("school", "programme", "school_year", "round_label")),
        (
            _("Wanneer"),
            ("window_start", "window_end", "preferred_weekdays", "earliest_start", "latest_start"),
        ),
        (_("Wie"), ("expected_children", "class_name", "notes")),
    )

    school = forms.ModelChoiceField(label=_("school"), queryset=School.objects.none())
    programme = forms.ModelChoiceField(label=_("programma"), queryset=Programme.objects.none())
    school_year = forms.ModelChoiceField(label=_("schooljaar"), queryset=SchoolYear.objects.none())
    round_label = forms.CharField(
        label=_("ronde"), max_length=60, help_text=_("Bijvoorbeeld: najaar 2026.")
    )
    window_start = forms.DateField(label=_("vroegste startdatum"), widget=_date_widget())
    window_end = forms.DateField(
        label=_("laatste datum"),
        widget=_date_widget(),
        help_text=_("De laatste bijeenkomst valt uiterlijk op deze dag."),
    )
    preferred_weekdays = forms.TypedMultipleChoiceField(
        label=_("voorkeursdagen"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    earliest_start = forms.TimeField(
        label=_("niet eerder beginnen dan"), initial=dt.time(8, 30), widget=_time_widget()
    )
    latest_start = forms.TimeField(
        label=_("uiterlijk beginnen om"), initial=dt.time(15, 0), widget=_time_widget()
    )
    expected_children = forms.IntegerField(
        label=_("verwacht aantal kinderen"), min_value=1, max_value=40
    )
    class_name = forms.CharField(
        label=_("klas"),
        max_length=20,
        required=False,
        help_text=_("Alleen voor programma's die per klas geboekt worden, bijvoorbeeld 7B."),
    )
    notes = forms.CharField(
        label=_("toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = catalogue_access.schools_visible_to(user).filter(active=True).order_by("name")
        self.fields["school"].queryset = schools
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk
        self.fields["programme"].queryset = active_programmes()
        years = catalogue_access.school_years_visible_to(user).order_by("start_date")
        self.fields["school_year"].queryset = years

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", _("De laatste datum ligt na de vroegste startdatum."))
        earliest, latest = data.get("earliest_start"), data.get("latest_start")
        if earliest and latest and latest < earliest:
            self.add_error(
                "latest_start", _("'Uiterlijk beginnen om' ligt niet voor 'niet eerder dan'.")
            )
        return data


class PlanningRequestFilterForm(SearchForm):
    school_year = forms.ModelChoiceField(
        label=_("schooljaar"),
        required=False,
        queryset=SchoolYear.objects.order_by("-start_date"),
        empty_label=_("alle schooljaren"),
    )
    programme = forms.ModelChoiceField(
        label=_("programma"),
        required=False,
        queryset=Programme.objects.order_by("name_nl"),
        empty_label=_("alle programma's"),
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=_any(_("alle")) + PlanningRequestStatus.choices,
    )


def confirm_no_holidays_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Ik bevestig dat dit schooljaar geen schoolvakanties heeft"),
        required=False,
        help_text=_(
            "Alleen nodig als er voor dit schooljaar nog geen vakanties zijn ingevoerd. "
            "Importeer ze liever eerst (Schooljaren en vakanties)."
        ),
    )


class PlannerStartForm(UtrechtFormMixin, forms.Form):
    school_year = forms.ModelChoiceField(
        label=_("schooljaar"), queryset=SchoolYear.objects.order_by("-start_date")
    )
    confirm_no_holidays = confirm_no_holidays_field()


# --- groups ------------------------------------------------------------------------------


class GroupFilterForm(SearchForm):
    school_year = forms.ModelChoiceField(
        label=_("schooljaar"),
        required=False,
        queryset=SchoolYear.objects.order_by("-start_date"),
        empty_label=_("alle schooljaren"),
    )
    programme = forms.ModelChoiceField(
        label=_("programma"),
        required=False,
        queryset=Programme.objects.order_by("name_nl"),
        empty_label=_("alle programma's"),
    )
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=_any(_("alle")) + GroupStatus.choices
    )
    school = forms.ModelChoiceField(
        label=_("school"),
        required=False,
        queryset=School.objects.none(),
        empty_label=_("alle scholen"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = catalogue_access.schools_visible_to(user).order_by("name")
        self.fields["school"].queryset = schools
        if not catalogue_access.is_manager(user) and not catalogue_access.is_coordinator(user):
            del self.fields["school"]


class GroupForm(UtrechtFormMixin, forms.Form):
    """Everything a new group needs; the sessions follow from the rhythm and the calendar."""

    fieldsets = (
        (_("Programma en school"), ("programme", "host_school", "school_year", "round_label")),
        (
            _("Ritme"),
            ("weekday", "start_time", "first_date", "parent_meeting_time"),
        ),
        (_("Trainers en plaats"), ("trainers", "capacity", "location", "room")),
        (_("Aanmelden"), ("enrolment_opens_on", "enrolment_closes_on")),
        (
            _("Boeking per klas"),
            ("class_name", "class_size", "mentor_name", "mentor_email"),
        ),
    )

    programme = forms.ModelChoiceField(label=_("programma"), queryset=Programme.objects.none())
    host_school = forms.ModelChoiceField(label=_("school"), queryset=School.objects.none())
    school_year = forms.ModelChoiceField(label=_("schooljaar"), queryset=SchoolYear.objects.none())
    round_label = forms.CharField(
        label=_("ronde"), max_length=60, help_text=_("Bijvoorbeeld: najaar 2026.")
    )
    weekday = forms.TypedChoiceField(label=_("weekdag"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("begintijd"), widget=_time_widget())
    first_date = forms.DateField(
        label=_("eerste datum"),
        widget=_date_widget(),
        help_text=_("Valt op de gekozen weekdag; gesloten dagen worden overgeslagen."),
    )
    parent_meeting_time = forms.TimeField(
        label=_("begintijd ouderbijeenkomsten"), initial=dt.time(19, 30), widget=_time_widget()
    )
    trainers = TrainerMultipleChoiceField(
        label=_("trainers"),
        queryset=Trainer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alleen trainers die gekwalificeerd zijn voor het programma."),
    )
    capacity = forms.IntegerField(
        label=_("aantal plaatsen"),
        min_value=1,
        max_value=40,
        required=False,
        help_text=_("Leeg: het maximum van het programma (of de klasgrootte)."),
    )
    location = forms.CharField(
        label=_("locatie"),
        max_length=200,
        required=False,
        help_text=_("Leeg: het adres van de school."),
    )
    room = forms.CharField(label=_("lokaal"), max_length=60, required=False)
    enrolment_opens_on = forms.DateField(
        label=_("aanmelden vanaf"), required=False, widget=_date_widget()
    )
    enrolment_closes_on = forms.DateField(
        label=_("aanmelden tot en met"), required=False, widget=_date_widget()
    )
    class_name = forms.CharField(
        label=_("klas"),
        max_length=20,
        required=False,
        help_text=_("Alleen voor programma's die per klas geboekt worden, bijvoorbeeld 7B."),
    )
    class_size = forms.IntegerField(
        label=_("aantal leerlingen"), min_value=1, max_value=40, required=False
    )
    mentor_name = forms.CharField(label=_("naam mentor"), max_length=120, required=False)
    mentor_email = forms.EmailField(label=_("e-mail mentor"), required=False)
    confirm_no_holidays = confirm_no_holidays_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not scheduler_access.can_confirm_no_holidays(user):
            del self.fields["confirm_no_holidays"]
        self.fields["programme"].queryset = active_programmes()
        schools = catalogue_access.schools_visible_to(user).filter(active=True).order_by("name")
        self.fields["host_school"].queryset = schools
        if len(schools) == 1:
            self.fields["host_school"].initial = schools[0].pk
        self.fields["school_year"].queryset = catalogue_access.school_years_visible_to(
            user
        ).order_by("start_date")
        self.fields["trainers"].queryset = trainer_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first_date, weekday = data.get("first_date"), data.get("weekday")
        if first_date and weekday is not None and first_date.weekday() != weekday:
            self.add_error(
                "first_date",
                _("%(date)s is een %(day)s, niet de gekozen weekdag.")
                % {
                    "date": first_date.strftime("%d-%m-%Y"),
                    "day": weekday_name(first_date),
                },
            )
        programme = data.get("programme")
        if programme is not None and programme.enrolment_mode == EnrolmentMode.INDIVIDUAL:
            for name in ("class_name", "mentor_name", "mentor_email"):
                data[name] = ""
            data["class_size"] = None
        return data


class SessionMoveForm(UtrechtFormMixin, forms.Form):
    date = forms.DateField(label=_("nieuwe datum"), widget=_date_widget())
    time = forms.TimeField(label=_("nieuwe begintijd"), widget=_time_widget())


class SessionCancelForm(UtrechtFormMixin, forms.Form):
    add_replacement = forms.BooleanField(
        label=_("vervangende bijeenkomst aan het eind toevoegen"),
        required=False,
        help_text=_("In de eerste vrije week na de laatste bijeenkomst van deze soort."),
    )


class GroupCancelForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("reden"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Deze reden kan in het bericht aan ouders en trainers komen."),
    )


class TrainerReplaceForm(UtrechtFormMixin, forms.Form):
    old = forms.ModelChoiceField(
        label=_("trainer die vervangen wordt"),
        queryset=Trainer.objects.none(),
        required=False,
        empty_label=_("geen: een trainer toevoegen"),
    )
    new = TrainerChoiceField(label=_("nieuwe trainer"), queryset=Trainer.objects.none())

    def __init__(self, *args: Any, current: list[Trainer], programme: Programme, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["old"].queryset = Trainer.objects.filter(
            pk__in=[t.pk for t in current]
        ).select_related("user")
        self.fields["old"].label_from_instance = lambda trainer: trainer.display_name
        self.fields["new"].queryset = trainer_choices(programme).exclude(
            pk__in=[t.pk for t in current]
        )


# --- a group below its minimum on its decision day (services.viability) -------------------


class GroupPoolForm(UtrechtFormMixin, forms.Form):
    into = forms.ModelChoiceField(
        label=_("samenvoegen met"),
        queryset=Group.objects.none(),
        help_text=_(
            "Groepen van hetzelfde programma en dezelfde ronde, de dichtstbijzijnde eerst."
        ),
    )
    reason = forms.CharField(label=_("reden"), max_length=300, required=False)

    def __init__(self, *args: Any, candidates: Sequence[Group] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offered: the candidates; accepted: any group, so that the service, not the form,
        # says why another one does not fit (the API gives the same words).
        field = self.fields["into"]
        field.queryset = Group.objects.all()
        field.choices = [("", "---------")] + [
            (
                g.pk,
                _("%(group)s, %(children)s kinderen, %(capacity)s plaatsen")
                % {"group": g, "children": g.children, "capacity": g.capacity},
            )
            for g in candidates
        ]
        self.has_candidates = bool(candidates)


class GroupPostponeForm(UtrechtFormMixin, forms.Form):
    first_date = forms.DateField(
        label=_("nieuwe eerste datum"),
        widget=_date_widget(),
        help_text=_("De groep begint op de eerste vaste weekdag vanaf deze datum."),
    )
    reason = forms.CharField(label=_("reden"), max_length=300, required=False)


class GroupNotStartedForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("reden"),
        max_length=300,
        required=False,
        help_text=_("Voor de rapportages; ouders krijgen een neutraal bericht."),
    )
