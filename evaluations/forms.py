"""The composer's forms: they read what the manager typed; `evaluations.composing` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import UtrechtFormMixin
from evaluations.composing import QuestionInput
from evaluations.models import Goal, Measures, QuestionKind
from programmes.models import Programme


class QuestionnaireForm(UtrechtFormMixin, forms.Form):
    title_nl = forms.CharField(
        label=_("titel (Nederlands)"),
        max_length=150,
        error_messages={"required": _("Geef de vragenlijst een titel.")},
    )
    title_en = forms.CharField(label=_("titel (Engels)"), max_length=150, required=False)
    intro_nl = forms.CharField(
        label=_("inleiding (Nederlands)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    intro_en = forms.CharField(
        label=_("inleiding (Engels)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    before = forms.BooleanField(label=_("voor (intake of eerste bijeenkomst)"), required=False)
    after = forms.BooleanField(label=_("na (laatste bijeenkomst)"), required=False)
    follow_up_months = forms.IntegerField(
        label=_("vervolgmeting na (maanden)"),
        required=False,
        help_text=_("Leeg: geen vervolgmeting."),
    )

    use_required_attribute = False
    fieldsets = (
        (_("Titel en inleiding"), ("title_nl", "title_en", "intro_nl", "intro_en")),
        (_("Momenten"), ("before", "after", "follow_up_months")),
    )


class QuestionForm(UtrechtFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("soort"), choices=QuestionKind.choices)
    text_nl = forms.CharField(
        label=_("vraag (Nederlands)"),
        max_length=300,
        error_messages={"required": _("Schrijf de vraag in het Nederlands.")},
    )
    text_en = forms.CharField(label=_("vraag (Engels)"), max_length=300, required=False)
    options_nl = forms.CharField(
        label=_("keuzes (Nederlands, één per regel)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Alleen bij een keuzevraag."),
    )
    options_en = forms.CharField(
        label=_("keuzes (Engels, één per regel)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    measures = forms.ChoiceField(label=_("meet"), choices=Measures.choices, required=False)
    goal = forms.ModelChoiceField(
        label=_("doel"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("geen doel"),
        help_text=_("Alleen als de vraag een doel van het programma meet."),
    )

    use_required_attribute = False

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(programme=programme)

    def as_input(self) -> QuestionInput:
        data = self.cleaned_data
        return QuestionInput(
            kind=data["kind"],
            text_nl=data["text_nl"],
            text_en=data["text_en"],
            options_nl=data["options_nl"],
            options_en=data["options_en"],
            measures=data["measures"] or "",
            goal=data["goal"],
        )


class GoalForm(UtrechtFormMixin, forms.Form):
    name_nl = forms.CharField(
        label=_("doel (Nederlands)"),
        max_length=200,
        error_messages={"required": _("Geef het doel een naam.")},
    )
    name_en = forms.CharField(label=_("doel (Engels)"), max_length=200, required=False)

    use_required_attribute = False


class GoalRenameForm(GoalForm):
    """A goal's new name; the help text says why renaming is allowed while in use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name_nl"].help_text = _(
            "U kunt het doel ook hernoemen als een vragenlijst in gebruik het meet: de vragen "
            "en antwoorden blijven hetzelfde, alleen de naam van het doel verandert, ook in "
            "de cijfers."
        )


class PupilCountForm(UtrechtFormMixin, forms.Form):
    """The pupils per grade of one school; a field per grade the school has."""

    use_required_attribute = False

    def __init__(self, *args: Any, grades: list[int], vo: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for grade in grades:
            label = _("klas %(n)s") if vo else _("groep %(n)s")
            self.fields[f"grade_{grade}"] = forms.IntegerField(
                label=label % {"n": grade}, required=False
            )

    def counts(self) -> dict[int, int | None]:
        return {
            int(name.removeprefix("grade_")): value for name, value in self.cleaned_data.items()
        }


class TeacherInviteForm(UtrechtFormMixin, forms.Form):
    """The address of one child's teacher (one form per child, prefixed with its id);
    `evaluations.services.teacher_invite` checks it."""

    email = forms.CharField(
        label=_("E-mailadres van de leerkracht"),
        max_length=254,
        error_messages={"required": _("Vul het e-mailadres van de leerkracht in.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    use_required_attribute = False
