"""Step 3: the enrolment form, and the page that says it was received.

The form's idempotency keys are bound to a per-browser secret (`_form_nonce`); the
received page finds the submission by a signed cookie, never by an id in the address."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enrolment import public_cache, throttle
from enrolment.catalogue import catalogue_group, catalogue_school, enrol_options, offered_groups
from enrolment.forms_public import EnrolmentFormSet, new_idempotency_key
from enrolment.models import ConsentText, Enrolment, EnrolmentStatus, Guardian
from enrolment.services import (
    IdempotencyKeyReused,
    children_eligibility_errors,
    consent_text_current,
    first_child_session_date,
    group_open_for_enrolment,
    submission_create,
    waitlist_position,
)
from enrolment.views_public.finding import _consent_text_in_language
from enrolment.views_public.refusals import _post_refusal
from programmes.models import School
from scheduler.models import Group

# A per-browser secret the form's idempotency keys are bound to (see `_form_nonce`).
FORM_NONCE_COOKIE = "gp_enrol_nonce"
FORM_NONCE_FORMAT = re.compile(r"[A-Za-z0-9_-]{32}")  # new_idempotency_key()
# The thank-you page finds the submission by a signed cookie with its public id.
RECEIVED_COOKIE = "gp_enrol_received"
RECEIVED_SALT = "enrolment.views_public.received"
PARENT_COOKIE_MAX_AGE = 24 * 60 * 60


# --- step 3: the enrolment form --------------------------------------------------------


def _form_nonce(request: HttpRequest) -> tuple[str, bool]:
    """This browser's secret the form's idempotency keys are bound to, and whether it is
    new (then the response must set its cookie: `_set_parent_cookie`).

    The form carries its key in a hidden field, so anyone who learns it (a shared
    computer's history, a proxy log) could send it. Bound to a secret kept in an HttpOnly
    cookie of the browser that rendered the form, it replays (and so shows what the
    thank-you page shows) only for that same browser; from any other browser it is a new,
    unrelated key. The nonce is made when the form is rendered, so a double click's two
    posts carry it already. A cookie, not the session: a parent's visit writes no row.
    """
    found = request.COOKIES.get(FORM_NONCE_COOKIE, "")
    if FORM_NONCE_FORMAT.fullmatch(found):
        return found, False
    return new_idempotency_key(), True


def _set_parent_cookie(
    response: HttpResponse, name: str, value: str, *, salt: str | None = None
) -> None:
    """A cookie of the parent's pages: HttpOnly, SameSite=Lax, Secure as the session's,
    for PARENT_COOKIE_MAX_AGE; signed when a `salt` is given."""
    flags: dict[str, Any] = {
        "max_age": PARENT_COOKIE_MAX_AGE,
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": True,
        "samesite": "Lax",
    }
    if salt is None:
        response.set_cookie(name, value, **flags)
    else:
        response.set_signed_cookie(name, value, salt=salt, **flags)


@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest, group_id: int) -> HttpResponse:
    refusal = _post_refusal(request, throttle.Action.SUBMIT, email=request.POST.get("email", ""))
    # The group, the school and the form's options come from the public cache: at the
    # opening of a round every parent asks for the same few groups (`enrolment.catalogue`).
    group = catalogue_group(group_id)
    if group is None or not group_open_for_enrolment(group):
        if refusal is not None:
            return throttle.too_many_requests(request, refusal)
        if group is None:
            raise Http404
        return render(request, "enrolment/public/group_closed.html", {"group": group})
    try:
        consent_text = consent_text_current()
    except ValidationError:
        return render(request, "enrolment/public/unavailable.html", status=503)

    school_id = request.GET.get("school", "")
    school = (
        catalogue_school(int(school_id))
        if re.fullmatch(r"[0-9]{1,12}", school_id) and int(school_id) in group.admitted_school_ids
        else None
    )
    # Siblings may join another open group of the same programme that fits their age.
    today = timezone.localdate()
    offered = offered_groups(
        (school or group.host_school).pk, programme_id=group.programme_id, today=today
    )
    options = enrol_options(group, school, offered.groups if offered else [], today)

    def build_formset(data: Any) -> EnrolmentFormSet:
        return EnrolmentFormSet(
            data,
            programme=group.programme,
            schools=options.schools,
            groups=options.groups,
            initial_school=school,
            initial_group=group,
            initial_language=(translation.get_language() or "nl")[:2],
        )

    formset = build_formset(request.POST if request.method == "POST" else None)
    nonce, new_nonce = _form_nonce(request)
    if refusal is not None:
        # Nothing is sent on; the form comes back as typed, with the refusal on top.
        formset.add_service_error(ValidationError(throttle.refusal_message(refusal)))
    elif request.method == "POST" and formset.is_valid():
        formset, done = _enrol_submit(request, formset, build_formset, nonce, new_nonce)
        if done is not None:
            return done
    elif request.method == "POST":
        # Something was wrong: whether each correctly filled-in child may join is said in
        # the same round, so the parent fixes everything at once.
        problems = children_eligibility_errors(formset.valid_child_inputs())
        if problems:
            formset.add_service_error(ValidationError(problems))
    response = render(
        request,
        "enrolment/public/enrol_form.html",
        _enrol_form_context(request, group, school, options, formset, consent_text),
    )
    if new_nonce:
        _set_parent_cookie(response, FORM_NONCE_COOKIE, nonce)
    add_never_cache_headers(response)
    if refusal is not None:
        throttle.with_retry_after(response, refusal)
    return response


def _enrol_submit(
    request: HttpRequest,
    formset: EnrolmentFormSet,
    build_formset: Callable[[Any], EnrolmentFormSet],
    nonce: str,
    new_nonce: bool,
) -> tuple[EnrolmentFormSet, HttpResponse | None]:
    """Send a valid form to `submission_create`. Returns the form (a new one when its key
    was reused) and the redirect to the received page, or None: the service refused, and
    its refusal is on the form."""
    guardian = formset.guardian
    # The service checks the consent text the form was drawn with (its hidden field)
    # and replays a repeat of this rendering of the form (its hidden key), as for the API.
    try:
        result = submission_create(
            children=formset.child_inputs(),
            enroller=guardian.enroller_input(),
            other_guardians=guardian.other_inputs(),
            consent_text_version=guardian.cleaned_data.get("consent_version") or "",
            idempotency_key=(
                f"web:{nonce}:{form_key}"
                if (form_key := guardian.cleaned_data.get("idempotency_key"))
                else None
            ),
        )
    except IdempotencyKeyReused:
        # This rendering of the form was sent before with other data (back button,
        # then changes). Nothing is saved; a fresh key lets the parent send it anew.
        data = request.POST.copy()
        data["idempotency_key"] = new_idempotency_key()
        formset = build_formset(data)
        formset.is_valid()
        formset.add_service_error(
            ValidationError(
                _(
                    "Dit formulier is al eerder verstuurd, met andere gegevens. Er is "
                    "niets gewijzigd. Kijk de gegevens na en verstuur het formulier "
                    "opnieuw als u een nieuwe aanmelding wilt doen."
                )
            )
        )
    except ValidationError as error:
        formset.add_service_error(error)
    else:
        done = redirect("enrol-received")
        _set_parent_cookie(
            done, RECEIVED_COOKIE, str(result.submission.public_id), salt=RECEIVED_SALT
        )
        if new_nonce:  # posted without the form's visit: a double click still replays
            _set_parent_cookie(done, FORM_NONCE_COOKIE, nonce)
        return formset, done
    return formset, None


def _enrol_form_context(
    request: HttpRequest,
    group: Group,
    school: School | None,
    options: Any,
    formset: EnrolmentFormSet,
    consent_text: ConsentText,
) -> dict[str, Any]:
    """What the enrolment form page shows: the group, the formset and the consent text."""
    return {
        "group": group,
        "programme": group.programme,
        "school": school,
        "first_day": first_child_session_date(group),
        "formset": formset,
        # Called by the template only when the child blocks are drawn (not cached).
        "child_forms": lambda: formset.children,
        "several_groups": len(options.groups) > 1,
        # An empty form (all but its hidden fields) depends only on these (the options
        # come from the catalogue): drawn once and kept for a minute or until it changes.
        "form_cache_key": None
        if request.method == "POST"
        else ":".join(
            map(
                str,
                (
                    public_cache.current_version(),
                    group.pk,
                    school.pk if school else 0,
                    translation.get_language(),
                    timezone.localdate().isoformat(),
                    consent_text.version,
                ),
            )
        ),
        "form": formset.guardian,
        "consent_text": consent_text,
        "consent_body": _consent_text_in_language(consent_text),
        "error_summary": formset.error_summary()
        if request.method == "POST" and formset.has_errors()
        else [],
    }


@require_http_methods(["GET", "HEAD"])
def received(request: HttpRequest) -> HttpResponse:
    """ "Bedankt": what happens next, and per child a held seat or a waitlist position."""
    try:
        public_id = uuid.UUID(
            request.get_signed_cookie(
                RECEIVED_COOKIE, salt=RECEIVED_SALT, max_age=PARENT_COOKIE_MAX_AGE
            )
        )
    except (KeyError, BadSignature, ValueError):
        public_id = None
    # The children's groups (programme, school) as the catalogue has them: every parent
    # of a round lands here, for the same few groups (`enrolment.catalogue`).
    enrolments = (
        list(
            Enrolment.objects.filter(submission__public_id=public_id)
            .select_related("child")
            .order_by("pk")
        )
        if public_id
        else []
    )
    if not enrolments:
        return render(request, "enrolment/public/received_missing.html", status=404)
    for enrolment in enrolments:
        group = catalogue_group(enrolment.group_id)
        if group is not None:
            enrolment.group = group
        if enrolment.status == EnrolmentStatus.WAITLISTED:
            enrolment.position = waitlist_position(enrolment)
    guardians = list(Guardian.objects.filter(submission_id=enrolments[0].submission_id))
    response = render(
        request,
        "enrolment/public/received.html",
        {
            "enrolments": enrolments,
            "enroller": next((g for g in guardians if g.is_enroller), None),
            "others": [g for g in guardians if not g.is_enroller],
        },
    )
    add_never_cache_headers(response)
    return response
