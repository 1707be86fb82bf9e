"""Forms of the public enrolment pages (no account needed).

Forms only collect and check what a parent typed; they never save. The view turns
`cleaned_data` into `ChildInput`/`GuardianInput` and calls `submission_create`, which
checks eligibility and consent rules and saves everything or nothing. Its
`ValidationError` is put back on these forms next to the child or guardian it is about.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.forms import UtrechtFormMixin
from enrolment.models import Authority, Language, Relation
from enrolment.names import validate_person_name
from enrolment.services import ChildInput, GuardianInput
from programmes.dates import validate_date_of_birth
from programmes.models import Audience, GuardianConsent, Programme, School
from scheduler.models import Group

MAX_CHILDREN = 3
DATE_OF_BIRTH_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d"]
# Each language in its own words: a parent who reads English looks for "English".
LANGUAGE_CHOICES = [(Language.NL, "Nederlands"), (Language.EN, "English")]
RADIO_CLASSES = "utrecht-radio-button utrecht-radio-button--html-input"
OTHER_GUARDIAN_FIELDS = ("other_name", "other_email", "other_language")
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,80}$")


def new_idempotency_key() -> str:
    """A fresh key for one rendering of the form: a double click sends it twice."""
    return secrets.token_urlsafe(24)


def group_label(group: Group) -> str:
    """How a parent recognises a group: day, time, first date and school."""
    return _("%(weekday)s om %(time)s, vanaf %(date)s, bij %(school)s") % {
        "weekday": group.get_weekday_display(),
        "time": group.start_time.strftime("%H:%M"),
        "date": date_format(group.first_date, "j F Y"),
        "school": group.host_school.name,
    }


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects the view already holds, by id: checking a choice needs no
    query (the enrolment form's schools and groups come from the public cache).

    The cleaned value is the object. Options and objects are set per form
    (`set_objects`); the options may be a callable, drawn only when the select is."""

    def __init__(self, *, empty_label: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.objects: dict[str, Any] = {}

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)

    def options(self, objects: Sequence[Any]) -> list[tuple[Any, str]]:
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        return empty + [(obj.pk, self.label_from_instance(obj)) for obj in objects]

    def set_objects(
        self, objects: dict[str, Any], choices: Callable[[], list[tuple[Any, str]]]
    ) -> None:
        self.objects = objects
        self.choices = choices

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        found = self.objects.get(str(value))
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)  # required; the choice was checked by to_python

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        return str(initial if initial is not None else "") != str(data if data is not None else "")


class GroupChoiceField(ObjectChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return group_label(obj)


class SchoolSearchForm(UtrechtFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Naam of plaats van de school"),
        help_text=_("Typ een deel van de naam, of de plaats. Bijvoorbeeld: Zwolle."),
        required=False,
        max_length=100,
    )

    use_required_attribute = False


class InterestForm(UtrechtFormMixin, forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Voor welk programma?"),
        queryset=Programme.objects.none(),
        empty_label=_("Kies een programma"),
        error_messages={
            "required": _("Kies een programma."),
            "invalid_choice": _("Kies een programma."),
        },
    )
    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        help_text=_("Dan kunnen we u laten weten als er een groep komt."),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")
        },
    )

    use_required_attribute = False

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class ChildOptions:
    """The schools and groups every child block of one form offers, made once for all
    blocks: the objects by id (to check a choice) and, when a select is first drawn, its
    options (a valid post that goes straight on to the thank-you page never needs them)."""

    def __init__(self, schools: Sequence[School], groups: Sequence[Group]) -> None:
        self.schools = {str(s.pk): s for s in schools}
        self.groups = {str(g.pk): g for g in groups}
        self._schools, self._groups = schools, groups

    @functools.cached_property
    def _school_choices(self) -> list[tuple[Any, str]]:
        return ChildForm.base_fields["school"].options(self._schools)

    @functools.cached_property
    def _group_choices(self) -> list[tuple[Any, str]]:
        return ChildForm.base_fields["group"].options(self._groups)

    def school_choices(self) -> list[tuple[Any, str]]:
        return self._school_choices

    def group_choices(self) -> list[tuple[Any, str]]:
        return self._group_choices


class ChildForm(UtrechtFormMixin, forms.Form):
    """One child. Extra (sibling) blocks may stay empty; then they are left out."""

    first_name = forms.CharField(
        label=_("Voornaam"),
        max_length=80,
        error_messages={"required": _("Vul de voornaam van het kind in.")},
    )
    last_name = forms.CharField(
        label=_("Achternaam"),
        max_length=120,
        error_messages={"required": _("Vul de achternaam van het kind in.")},
    )
    date_of_birth = forms.DateField(
        label=_("Geboortedatum"),
        help_text=_("Bijvoorbeeld 15-03-2016 (dag-maand-jaar)."),
        input_formats=DATE_OF_BIRTH_FORMATS,
        widget=forms.DateInput(
            format="%d-%m-%Y", attrs={"inputmode": "numeric", "autocomplete": "off"}
        ),
        error_messages={
            "required": _("Vul de geboortedatum van het kind in."),
            "invalid": _("Vul de geboortedatum in als dag-maand-jaar, bijvoorbeeld 15-03-2016."),
        },
    )
    school = ObjectChoiceField(
        label=_("School"),
        empty_label=_("Kies de school"),
        error_messages={
            "required": _("Kies de school van het kind."),
            "invalid_choice": _("Kies een school uit de lijst."),
        },
    )
    grade = forms.TypedChoiceField(
        label=_("Groep"),
        coerce=int,
        error_messages={
            "required": _("Kies in welke groep het kind zit."),
            "invalid_choice": _("Kies een groep uit de lijst."),
        },
    )
    class_name = forms.CharField(
        label=_("Naam van de klas"),
        help_text=_("Bijvoorbeeld 6B. Alleen als de school dat gebruikt."),
        max_length=20,
        required=False,
    )
    group = GroupChoiceField(
        label=_("Wanneer en waar"),
        error_messages={
            "required": _("Kies een groep."),
            "invalid_choice": _("Kies een groep uit de lijst."),
        },
    )

    use_required_attribute = False

    def __init__(
        self,
        *args: Any,
        options: ChildOptions,
        audience: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The options are made once for every child block (`ChildOptions`), and drawn
        # only when a select is drawn; a choice is checked against the same objects.
        self.fields["school"].set_objects(options.schools, options.school_choices)
        self.fields["group"].set_objects(options.groups, options.group_choices)
        grade = self.fields["grade"]
        if audience == Audience.VO:
            grade.label = _("Klas")
            grade.choices = [("", _("Kies de klas"))] + [
                (n, _("klas %(n)s") % {"n": n}) for n in range(1, 7)
            ]
            grade.error_messages["required"] = _("Kies in welke klas het kind zit.")
            grade.error_messages["invalid_choice"] = _("Kies een klas uit de lijst.")
        else:
            grade.choices = [("", _("Kies de groep"))] + [
                (n, _("groep %(n)s") % {"n": n}) for n in range(1, 9)
            ]

    def clean_first_name(self) -> str:
        return _plain_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return _plain_name(self.cleaned_data["last_name"])

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        validate_date_of_birth(born)
        return born

    def to_input(self) -> ChildInput:
        data = self.cleaned_data
        return ChildInput(
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            school=data["school"],
            grade=data["grade"],
            group=data["group"],
            class_name=data.get("class_name", ""),
        )


def _plain_name(value: str) -> str:
    validate_person_name(value)  # before spaces are tidied: a line break is refused
    value = " ".join(value.split())
    if not value:
        raise ValidationError(_("Vul een naam in."))
    return value


def _radio() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": RADIO_CLASSES})


class GuardianForm(UtrechtFormMixin, forms.Form):
    """The enrolling parent, the other parent with authority, and the consent checkbox."""

    name = forms.CharField(
        label=_("Uw naam"),
        max_length=150,
        error_messages={"required": _("Vul uw naam in.")},
    )
    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        help_text=_(
            "Hierheen sturen we een e-mail met een link. Daarmee bevestigt u de aanmelding."
        ),
        max_length=254,
        error_messages={
            "required": _("Vul uw e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        },
    )
    phone = forms.RegexField(
        label=_("Uw telefoonnummer"),
        regex=r"^[0-9+()\- ]{6,20}$",
        max_length=20,
        required=False,
        error_messages={
            "invalid": _("Vul een telefoonnummer in met alleen cijfers, bijvoorbeeld 06 12345678.")
        },
    )
    relation = forms.ChoiceField(
        label=_("Wat bent u van het kind?"),
        choices=Relation.choices,
        widget=_radio(),
        error_messages={
            "required": _("Kies wat u van het kind bent."),
            "invalid_choice": _("Kies wat u van het kind bent."),
        },
    )
    authority = forms.ChoiceField(
        label=_("Heeft u het gezag over het kind?"),
        help_text=_(
            "Gezag betekent: u mag belangrijke beslissingen over het kind nemen. "
            "Na een scheiding hebben ouders meestal allebei nog het gezag."
        ),
        choices=[
            (Authority.JOINT, _("Ja, samen met de andere ouder")),
            (Authority.SOLE, _("Ja, alleen ik")),
            (Authority.NONE, _("Nee")),
        ],
        widget=_radio(),
        error_messages={
            "required": _("Kies of u het gezag heeft."),
            "invalid_choice": _("Kies of u het gezag heeft."),
        },
    )
    language = forms.ChoiceField(
        label=_("In welke taal wilt u onze e-mails?"),
        choices=LANGUAGE_CHOICES,
        widget=_radio(),
        error_messages={
            "required": _("Kies een taal."),
            "invalid_choice": _("Kies een taal."),
        },
    )
    other_name = forms.CharField(
        label=_("Naam van de andere ouder"), max_length=150, required=False
    )
    other_email = forms.EmailField(
        label=_("E-mailadres van de andere ouder"),
        help_text=_("Deze ouder krijgt een e-mail met de vraag om toestemming."),
        max_length=254,
        required=False,
        error_messages={
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")
        },
    )
    other_language = forms.ChoiceField(
        label=_("Taal van de e-mails voor de andere ouder"),
        choices=LANGUAGE_CHOICES,
        widget=_radio(),
        required=False,
    )
    consent = forms.BooleanField(
        label=_("Ik heb de tekst hierboven gelezen. Ik geef toestemming."),
        error_messages={"required": _("Vink het vakje aan als u toestemming geeft.")},
    )
    consent_version = forms.CharField(widget=forms.HiddenInput, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    use_required_attribute = False

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme

    @property
    def asks_other_guardian(self) -> bool:
        return self.programme.consent_guardians != GuardianConsent.NONE

    def clean_name(self) -> str:
        return _plain_name(self.cleaned_data["name"])

    def clean_other_name(self) -> str:
        value = self.cleaned_data.get("other_name") or ""
        return _plain_name(value) if value.strip() else ""

    def clean_idempotency_key(self) -> str | None:
        # A tampered key is dropped rather than refused: the parent can still enrol.
        key = self.cleaned_data.get("idempotency_key") or ""
        return key if _KEY_PATTERN.match(key) else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("authority") == Authority.SOLE or not self.asks_other_guardian:
            # The other parent's block was not needed (and hidden): forget what it held.
            for name in OTHER_GUARDIAN_FIELDS:
                self._errors.pop(name, None)
            data.update(other_name="", other_email="", other_language=Language.NL)
            return data
        name, email = data.get("other_name"), data.get("other_email")
        if "other_email" in self.errors:
            return data
        if name and not email:
            self.add_error("other_email", _("Vul ook het e-mailadres van de andere ouder in."))
        elif email and not name:
            self.add_error("other_name", _("Vul ook de naam van de andere ouder in."))
        if email and data.get("email") and email.strip().lower() == data["email"].strip().lower():
            self.add_error(
                "other_email", _("Vul een ander e-mailadres in dan uw eigen e-mailadres.")
            )
        return data

    def enroller_input(self) -> GuardianInput:
        data = self.cleaned_data
        return GuardianInput(
            name=data["name"],
            email=data["email"],
            authority=data["authority"],
            language=data["language"],
            phone=data.get("phone") or "",
            relation=data["relation"],
        )

    def other_inputs(self) -> list[GuardianInput]:
        data = self.cleaned_data
        if not data.get("other_name"):
            return []
        # We know the other parent holds authority (jointly with the enroller, or as the
        # parent an enroller without authority names); joint is the usual case after divorce.
        return [
            GuardianInput(
                name=data["other_name"],
                email=data["other_email"],
                authority=Authority.JOINT,
                language=data.get("other_language") or Language.NL,
            )
        ]


class EnrolmentFormSet:
    """The whole enrolment page: up to three children and the guardian form.

    Only the first child is required; an extra child block left as it was is ignored.
    """

    def __init__(
        self,
        data: Any | None,
        *,
        programme: Programme,
        schools: Sequence[School],
        groups: Sequence[Group],
        initial_school: School | None,
        initial_group: Group,
        initial_language: str,
    ) -> None:
        self._data = data
        self._child_options = ChildOptions(schools, groups)
        self._audience = programme.audience
        self._child_initial = {
            "school": initial_school.pk if initial_school else None,
            "group": initial_group.pk,
        }
        self.guardian = GuardianForm(
            data,
            programme=programme,
            initial={
                "language": initial_language,
                "other_language": initial_language,
                "idempotency_key": new_idempotency_key(),
            },
        )
        self.service_errors: list[str] = []
        self._used: list[int] = []

    @functools.cached_property
    def children(self) -> list[ChildForm]:
        """The child blocks, made when first needed: an empty form whose blocks were drawn
        before (the page's cached body) never needs them."""
        return [
            ChildForm(
                self._data,
                prefix=f"child-{index}",
                options=self._child_options,
                audience=self._audience,
                empty_permitted=index > 0,
                initial=self._child_initial,
            )
            for index in range(MAX_CHILDREN)
        ]

    def is_valid(self) -> bool:
        valid = all([form.is_valid() for form in self.children]) and self.guardian.is_valid()
        self._used = [i for i, form in enumerate(self.children) if i == 0 or form.has_changed()]
        return valid

    def child_inputs(self) -> list[ChildInput]:
        return [self.children[i].to_input() for i in self._used]

    def valid_child_inputs(self) -> list[ChildInput | None]:
        """Each child block in use, as input where its own fields are right (else None)."""
        return [
            self.children[i].to_input() if not self.children[i].errors else None for i in self._used
        ]

    def add_service_error(self, error: ValidationError) -> None:
        """Put each message next to the child or guardian it is about; the rest on top."""
        if not hasattr(error, "error_dict"):
            self.service_errors.extend(error.messages)
            return
        for key, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            index = _child_index(key)
            if index is not None and index < len(self._used):
                for message in messages:
                    self.children[self._used[index]].add_error(None, message)
            elif key == "other_guardians":
                for message in messages:
                    self.guardian.add_error("other_name", message)
            elif key == "consent_text_version":
                # The consent text changed since this form was drawn: the box is shown
                # unticked, beside the new text, so the parent consents to that one.
                for message in messages:
                    self.guardian.add_error("consent", message)
                if "consent" in self.guardian.data:
                    data = self.guardian.data.copy()
                    data.pop("consent")
                    self.guardian.data = data
            else:
                self.service_errors.extend(messages)

    def has_errors(self) -> bool:
        return bool(
            self.service_errors
            or self.guardian.errors
            or any(form.errors for form in self.children)
        )

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for the summary at the top; each links to where it is shown."""
        summary: list[tuple[str, str]] = [("enrol-form", m) for m in self.service_errors]
        for index, form in enumerate(self.children):
            label = _("Kind %(n)s") % {"n": index + 1}
            for message in form.non_field_errors():
                summary.append((f"child-{index}", f"{label}: {message}"))
            for field in form.visible_fields():
                for message in field.errors:
                    summary.append((field.auto_id, f"{label}, {field.label.lower()}: {message}"))
        for message in self.guardian.non_field_errors():
            summary.append(("guardian", message))
        for field in self.guardian:
            for message in field.errors:
                if field.is_hidden:  # only a tampered request gets here
                    summary.append(("enrol-form", message))
                else:
                    summary.append((field.auto_id, f"{field.label}: {message}"))
        return summary


def _child_index(key: str) -> int | None:
    prefix, _sep, number = key.partition(".")
    if prefix == "children" and number.isdigit():
        return int(number)
    return None
