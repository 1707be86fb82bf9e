"""From a guardian's own link to their data page (`/gegevens/mijn-gegevens/`).

The enroller's confirm and manage links open the data page themselves. Another guardian's
link is a consent link, which stays one: the POST here asks `retention.data_link_issue` for a
data link of their own (an hour, revocable) and goes on to the data page with it. A GET (a
mail scanner, a bookmark) makes no link and goes back to the link page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from enrolment import throttle
from enrolment.services import retention
from enrolment.services.guardians import CONTACT_PURPOSES
from enrolment.views_public.links import (
    LINK_PAGES,
    _guardian_language,
    _link_error,
    _refused,
    _resolve,
    link_page,
)
from enrolment.views_public.refusals import _post_refusal


@link_page
@require_http_methods(["GET", "HEAD", "POST"])
def link_data(request: HttpRequest, token: str) -> HttpResponse:
    """POST: a data link for the holder of this guardian's link, then their data page."""
    refusal = _post_refusal(request, throttle.Action.LINK, token=token)
    try:
        access_link = _resolve(token, list(CONTACT_PURPOSES))
    except ValidationError as error:
        if refusal is not None:
            return throttle.too_many_requests(request, refusal)
        return _link_error(request, error)
    back_url = reverse("enrol-link", kwargs={"token": token})
    if request.method != "POST":
        return redirect(back_url)
    with _guardian_language(request, access_link.guardian):
        if refusal is not None:
            return _refused(
                request,
                refusal,
                lambda: LINK_PAGES[access_link.purpose](request, access_link, token),
            )
        try:
            data_token = retention.data_link_issue(token=token)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
            return redirect(back_url)
    # 303: the data page is read with a GET.
    response = HttpResponseRedirect(reverse("privacy-my-data", kwargs={"token": data_token}))
    response.status_code = 303
    return response
