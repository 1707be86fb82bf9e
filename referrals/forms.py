"""Forms for the referral and prevention-talk pages. They collect input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import DATETIME_LOCAL_INPUT, UtrechtFormMixin
from programmes.models import EnrolmentMode, Programme, School
from referrals.models import Language, TalkPlace, TalkSlot
from scheduler.models import Group, GroupStatus


class ReferralForm(UtrechtFormMixin, forms.Form):
    programme = forms.ModelChoiceField(label=_("Programma"), queryset=Programme.objects.none())
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    group = forms.ModelChoiceField(
        label=_("Groep (niet verplicht)"), queryset=Group.objects.none(), required=False
    )
    email = forms.EmailField(label=_("E-mailadres van de ouder"))
    language = forms.ChoiceField(label=_("Taal van de ouder"), choices=Language.choices)
    note = forms.CharField(
        label=_("Persoonlijke notitie (niet verplicht)"),
        help_text=_(
            "Een paar zinnen aan de ouder, zonder iets over het kind of de thuissituatie. "
            "Hoogstens 500 tekens."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
        required=False,
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The choices offer what the referrer may use; whether a posted one may be used is
        # the service's verdict (the same words as the API): any school or programme posts.
        self.fields["school"].queryset = School.objects.all()
        self.fields["school"].widget.choices = forms.models.ModelChoiceIterator(
            forms.ModelChoiceField(queryset=schools)
        )
        self.fields["programme"].queryset = Programme.objects.all()
        self.fields["programme"].widget.choices = forms.models.ModelChoiceIterator(
            forms.ModelChoiceField(
                queryset=Programme.objects.filter(
                    active=True, enrolment_mode=EnrolmentMode.INDIVIDUAL
                ).order_by("name_nl")
            )
        )
        self.fields["group"].queryset = (
            Group.objects.filter(status=GroupStatus.PUBLISHED)
            .select_related("programme", "host_school")
            .order_by("programme__name_nl", "pk")
        )


class WorkerForm(UtrechtFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Account"), queryset=get_user_model().objects.none())
    schools = forms.ModelMultipleChoiceField(
        label=_("Scholen"),
        queryset=School.objects.filter(active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    office_address = forms.CharField(
        label=_("Adres van het wijkteam"), max_length=200, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, wijkteam_worker__isnull=True)
            .order_by("username")
        )


class TalkSlotForm(UtrechtFormMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Begint om"),
        input_formats=[DATETIME_LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_INPUT),
    )
    minutes = forms.IntegerField(label=_("Duur in minuten"), initial=45)
    place = forms.ChoiceField(label=_("Plaats"), choices=TalkPlace.choices)
    school = forms.ModelChoiceField(
        label=_("School (bij een gesprek op school)"),
        queryset=School.objects.none(),
        required=False,
    )
    book_days_ahead = forms.IntegerField(
        label=_("Ouders kunnen zoveel dagen vooruit boeken"), initial=14
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.all()  # the service decides
        self.fields["school"].widget.choices = forms.models.ModelChoiceIterator(
            forms.ModelChoiceField(queryset=schools, required=False)
        )


class BookingForm(UtrechtFormMixin, forms.Form):
    email = forms.EmailField(label=_("Uw e-mailadres"))
    name = forms.CharField(label=_("Uw naam (niet verplicht)"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Taal"), choices=Language.choices)


class MoveForm(UtrechtFormMixin, forms.Form):
    slot = forms.ModelChoiceField(
        label=_("Nieuwe tijd"), queryset=TalkSlot.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, slots: list[TalkSlot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = TalkSlot.objects.filter(pk__in=[s.pk for s in slots])
        self.fields["slot"].label_from_instance = slot_label


def slot_label(slot: TalkSlot) -> str:
    from django.utils import formats, timezone

    local = timezone.localtime(slot.starts_at)
    return f"{formats.date_format(local, 'l j F, H:i')} ({slot.get_place_display()})"
