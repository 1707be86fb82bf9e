"""A guardian's own details through their own link: e-mail address, phone and language.

The form only draws the fields; `services.guardian_contact_change` checks them and says what
is wrong (the same words as the API), and confirms a new address by mail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.forms import UtrechtFormMixin
from enrolment import throttle
from enrolment.forms_public import RADIO_CLASSES
from enrolment.models import Language
from enrolment.services import guardian_contact_change
from enrolment.services.guardians import CONTACT_PURPOSES
from enrolment.views_public.links import (
    _guardian_language,
    _link_error,
    _refused,
    _resolve,
    link_page,
)
from enrolment.views_public.refusals import _post_refusal


class ContactForm(UtrechtFormMixin, forms.Form):
    """Draws the fields; the service validates (so page and API say the same)."""

    email = forms.CharField(
        label=_("Uw e-mailadres"),
        help_text=_("Een nieuw adres bevestigt u met de link die we daarheen sturen."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Uw telefoonnummer"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("In welke taal wilt u onze e-mail ontvangen?"),
        choices=Language.choices,
        widget=forms.RadioSelect(attrs={"class": RADIO_CLASSES}),
    )


@link_page
@require_http_methods(["GET", "HEAD", "POST"])
def link_contact(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the guardian's own details; POST changes them (`guardian_contact_change`)."""
    refusal = _post_refusal(request, throttle.Action.LINK, token=token)
    try:
        access_link = _resolve(token, list(CONTACT_PURPOSES))
    except ValidationError as error:
        if refusal is not None:
            return throttle.too_many_requests(request, refusal)
        return _link_error(request, error)
    guardian = access_link.guardian
    back_url = reverse("enrol-link", kwargs={"token": token})
    initial = {"email": guardian.email, "phone": guardian.phone, "language": guardian.language}

    def page(form: ContactForm | None = None, status: int = 200) -> HttpResponse:
        return render(
            request,
            "enrolment/public/link_contact.html",
            {
                "form": form or ContactForm(initial=initial),
                "pending_email": guardian.pending_email,
                "back_url": back_url,
            },
            status=status,
        )

    with _guardian_language(request, guardian):
        if refusal is not None:
            return _refused(request, refusal, page)
        if request.method != "POST":
            return page()
        form = ContactForm(request.POST)
        form.is_valid()
        # The form keeps what was typed; the words about it are the service's alone.
        form._errors, form.cleaned_data = ErrorDict(), {}
        data: dict[str, Any] = {key: request.POST.get(key, "") for key in initial}
        try:
            result = guardian_contact_change(token=token, **data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return page(form)
        messages.success(request, result.message)
        return redirect(back_url)
