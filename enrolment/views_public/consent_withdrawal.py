"""Withdrawing one's own consent through one's own link: GET asks "are you sure?", only the
POST withdraws (`services.consent_withdraw`, which holds every rule and message)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enrolment import throttle
from enrolment.models import ACTIVE, Enrolment, LinkPurpose
from enrolment.services import consent_withdraw, withdrawable_consent
from enrolment.services.consent_withdrawal import WITHDRAW_PURPOSES
from enrolment.views_public.links import (
    _guardian_language,
    _link_error,
    _refused,
    _resolve,
    link_page,
)
from enrolment.views_public.refusals import _post_refusal


@link_page
@require_http_methods(["GET", "HEAD", "POST"])
def link_consent_withdraw(request: HttpRequest, token: str, public_id: Any) -> HttpResponse:
    """Withdraw my consent for one child of the submission (a child: their own)."""
    refusal = _post_refusal(request, throttle.Action.LINK, token=token)
    try:
        access_link = _resolve(token, list(WITHDRAW_PURPOSES))
    except ValidationError as error:
        if refusal is not None:
            return throttle.too_many_requests(request, refusal)
        return _link_error(request, error)
    is_child = access_link.purpose == LinkPurpose.CHILD_CONSENT
    enrolments = Enrolment.objects.filter(
        submission_id=access_link.submission_id, public_id=public_id
    )
    if is_child:
        enrolments = enrolments.filter(pk=access_link.enrolment_id)
    enrolment = (
        enrolments.select_related("child", "group__programme", "group__host_school")
        .prefetch_related("consents")
        .first()
    )
    if enrolment is None:
        if refusal is not None:
            return throttle.too_many_requests(request, refusal)
        return _link_error(
            request,
            ValidationError(_("Deze aanmelding hoort niet bij deze link."), code="invalid_link"),
        )
    back_url = reverse("enrol-link", kwargs={"token": token})

    def page() -> HttpResponse:
        return render(
            request,
            "enrolment/public/link_consent_withdraw.html",
            {
                "enrolment": enrolment,
                "child": enrolment.child,
                "group": enrolment.group,
                "is_child": is_child,
                "can_withdraw": enrolment.status in ACTIVE
                and withdrawable_consent(access_link, enrolment) is not None,
                "back_url": back_url,
            },
        )

    with _guardian_language(request, access_link.guardian):
        if refusal is not None:
            return _refused(request, refusal, page, child=is_child)
        if request.method == "POST":
            try:
                result = consent_withdraw(token=token, enrolment_public_id=str(public_id))
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
            else:
                messages.success(request, result.message)
            return redirect(back_url)
        return page()
