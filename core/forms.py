"""Form pieces every app's pages use: the NL Design System (Utrecht) classes on every widget
(an invalid field is marked for assistive technology), fieldsets, a service's refusal shown on
the form, the date formats of the browser's date inputs and a list's search box.

Forms only collect and check input; they never save. Views pass `cleaned_data` to a service,
which validates the whole row again and saves.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.utils.translation import gettext_lazy as _

DATE_INPUT = "%Y-%m-%d"
DATETIME_LOCAL_INPUT = "%Y-%m-%dT%H:%M"

# Widget class -> (base classes, modifier for invalid input).
_UTRECHT_CLASSES: list[tuple[type[forms.Widget], str, str]] = [
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input", ""),
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input", ""),
    (forms.Select, "utrecht-select utrecht-select--html-select", "utrecht-select--invalid"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea", ""),
    (Input, "utrecht-textbox utrecht-textbox--html-input", "utrecht-textbox--invalid"),
]


class UtrechtBoundField(BoundField):
    """A bound field whose widget carries the Utrecht classes and an invalid modifier."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        for widget_class, base, invalid in _UTRECHT_CLASSES:
            if isinstance(widget, widget_class):
                classes = [attrs.get("class", ""), base]
                if self.errors and invalid:
                    classes.append(invalid)
                attrs["class"] = " ".join(c for c in classes if c)
                break
        return attrs


class UtrechtFormMixin:
    """Use `UtrechtBoundField` for every field; optionally group fields under legends."""

    bound_field_class = UtrechtBoundField
    # (legend, field names); fields not named here follow in a group without a legend.
    fieldsets: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def field_groups(self) -> list[tuple[Any, list[BoundField]]]:
        named = [name for _, names in self.fieldsets for name in names]
        groups = [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]
        rest = [field for field in self.visible_fields() if field.name not in named]
        if rest:
            groups.append((None, rest))
        return groups


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's `ValidationError` on `form`.

    Messages about fields the form has go to those fields; the rest (database
    constraints, other fields) go to the top of the form, so nothing is lost.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


class SearchForm(UtrechtFormMixin, forms.Form):
    """A list's search box; subclasses add simple filters."""

    q = forms.CharField(label=_("zoeken"), required=False, max_length=100)

    use_required_attribute = False
