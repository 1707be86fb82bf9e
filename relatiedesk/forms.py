from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import UtrechtFormMixin
from relatiedesk.services import TITLE_MAX

MARKDOWN_HELP = _(
    "Markdown: een lege regel begint een nieuwe alinea; ## Kop maakt een kopje; - aan het begin "
    "van een regel maakt een opsomming; **vet**; [tekst](https://adres) maakt een link. HTML "
    "en scripts worden weggelaten."
)


class PageTextForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Tekst"),
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 22}),
    )
    checklist = forms.CharField(
        label=_("Checklist voor kinderen"),
        required=False,
        help_text=_("Wat er kan veranderen, wat je zelf kunt doen en met wie je kunt praten."),
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    based_on_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, with_checklist: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not with_checklist:
            del self.fields["checklist"]
