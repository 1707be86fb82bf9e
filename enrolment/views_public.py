"""The parent's pages: find a group, enrol, and answer the links in our e-mails.

No account is needed. Views stay thin: every change goes through
`enrolment.services` (a `ValidationError` is shown on the page and nothing
changes), reading a page never changes anything (a mail scanner that follows a
link must not give consent: every answer is a POST with CSRF protection), and
every POST is rate-limited (`enrolment.throttle`: per address, per e-mail address typed,
per link token). A refused post (429) shows its form again with what was typed and the
refusal on top, in "je" on a child's own consent link and in "u" elsewhere.

Link pages carry a secret token in their path. They are sent with
`Cache-Control: no-store` and `Referrer-Policy: strict-origin`, so the token is
neither cached nor passed on in a `Referer` header. (Not `no-referrer`: under that
policy browsers send `Origin: null` with the page's own form POSTs, which Django's
CSRF check rightly refuses, so no parent could answer.)
"""

from __future__ import annotations

import contextlib
import functools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enrolment import public_cache, throttle
from enrolment.catalogue import (
    catalogue_group,
    catalogue_school,
    enrol_options,
    offered_groups,
    open_groups_with_seats,
)
from enrolment.forms_public import (
    EnrolmentFormSet,
    InterestForm,
    SchoolSearchForm,
    new_idempotency_key,
)
from enrolment.models import (
    ACTIVE,
    AccessLink,
    ConsentParty,
    ConsentText,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    LinkPurpose,
)
from enrolment.services import (
    AnswerChangeRefused,
    IdempotencyKeyReused,
    children_eligibility_errors,
    consent_answer,
    consent_state,
    consent_text_current,
    email_confirm,
    enrolment_withdraw_by_link,
    first_child_session_date,
    group_open_for_enrolment,
    interest_register,
    link_resolve,
    offer_answer,
    submission_create,
    waitlist_position,
)
from programmes.models import Audience, EnrolmentMode, Programme, School
from scheduler.models import Group

MAX_SCHOOLS_SHOWN = 30
# A per-browser secret the form's idempotency keys are bound to (see `_form_nonce`).
FORM_NONCE_COOKIE = "gp_enrol_nonce"
FORM_NONCE_FORMAT = re.compile(r"[A-Za-z0-9_-]{32}")  # new_idempotency_key()
# The thank-you page finds the submission by a signed cookie with its public id.
RECEIVED_COOKIE = "gp_enrol_received"
RECEIVED_SALT = "enrolment.views_public.received"
PARENT_COOKIE_MAX_AGE = 24 * 60 * 60
# Status codes of the friendly page for a link that cannot be used.
LINK_ERROR_STATUS = {"expired_link": 410, "revoked_link": 410}


def _post_refusal(
    request: HttpRequest, action: throttle.Action, *, email: str = "", token: str = ""
) -> throttle.Refusal | None:
    """The rate limits' verdict on a POST (`enrolment.throttle`); reading is never limited."""
    if request.method != "POST":
        return None
    return throttle.verdict(request, action, email=email, token=token)


# --- reading groups --------------------------------------------------------------------


def _by_programme(groups: list[Group]) -> list[Group]:
    """The school page lists the open groups per programme, each programme's by first date."""
    return sorted(groups, key=lambda g: (g.programme.name_nl, g.first_date, g.pk))


def programmes_for_interest(school: School) -> Any:
    """Programmes a parent may ask for at this school (those for its kind of school)."""
    programmes = Programme.objects.filter(active=True, enrolment_mode=EnrolmentMode.INDIVIDUAL)
    if school.school_type in Audience.values:
        programmes = programmes.filter(audience=school.school_type)
    return programmes.order_by("name_nl")


def _consent_text_in_language(text: ConsentText) -> str:
    return text.text_en if (translation.get_language() or "nl").startswith("en") else text.text_nl


# --- step 1 and 2: find the school, see its groups -------------------------------------


@require_http_methods(["GET", "HEAD"])
def school_search(request: HttpRequest) -> HttpResponse:
    form = SchoolSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    schools: list[School] = []
    if query:
        # From the public cache: at the opening of a round parents search the same names.
        schools = public_cache.cached(
            ("school-search-page", query.lower()),
            lambda: (
                list(
                    School.objects.filter(active=True)
                    .filter(Q(name__icontains=query) | Q(city__icontains=query))
                    .order_by("name", "city")[: MAX_SCHOOLS_SHOWN + 1]
                ),
                None,
            ),
        )
    return render(
        request,
        "enrolment/public/school_search.html",
        {
            "form": form,
            "query": query,
            "schools": schools[:MAX_SCHOOLS_SHOWN],
            "too_many": len(schools) > MAX_SCHOOLS_SHOWN,
        },
    )


@require_http_methods(["GET", "HEAD"])
def school_groups(request: HttpRequest, school_id: int) -> HttpResponse:
    found = open_groups_with_seats(school_id)
    if found is None:
        raise Http404
    school, groups = found.school, _by_programme(found.groups)
    context: dict[str, Any] = {
        "school": school,
        "groups": groups,
        # The list is drawn once per catalogue version, language, day and seats left.
        "groups_cache_key": ":".join(
            map(
                str,
                (
                    found.version,
                    school.pk,
                    translation.get_language(),
                    timezone.localdate().isoformat(),
                    *(group.seats_left for group in groups),
                ),
            )
        ),
    }
    if not groups:
        context["interest_form"] = InterestForm(programmes=programmes_for_interest(school))
    return render(request, "enrolment/public/school_groups.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def interest(request: HttpRequest, school_id: int) -> HttpResponse:
    refusal = _post_refusal(request, throttle.Action.SUBMIT, email=request.POST.get("email", ""))
    school = get_object_or_404(School, pk=school_id, active=True)
    form = InterestForm(
        request.POST if request.method == "POST" else None,
        programmes=programmes_for_interest(school),
    )
    if refusal is not None:
        form.add_error(None, throttle.refusal_message(refusal))
        response = render(
            request, "enrolment/public/interest.html", {"school": school, "form": form}
        )
        return throttle.with_retry_after(response, refusal)
    if request.method == "POST" and form.is_valid():
        try:
            interest_register(
                school=school,
                programme=form.cleaned_data["programme"],
                email=form.cleaned_data["email"] or "",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("enrol-interest-thanks", school_id=school.pk)
    return render(request, "enrolment/public/interest.html", {"school": school, "form": form})


@require_http_methods(["GET", "HEAD"])
def interest_thanks(request: HttpRequest, school_id: int) -> HttpResponse:
    school = get_object_or_404(School, pk=school_id, active=True)
    return render(request, "enrolment/public/interest_thanks.html", {"school": school})


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
        {
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
        },
    )
    if new_nonce:
        _set_parent_cookie(response, FORM_NONCE_COOKIE, nonce)
    add_never_cache_headers(response)
    if refusal is not None:
        throttle.with_retry_after(response, refusal)
    return response


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


# --- the links in our e-mails ----------------------------------------------------------


def link_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No caching, no token in a Referer header, no indexing."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "strict-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _link_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    code = getattr(error, "code", None) or "invalid_link"
    return render(
        request,
        "enrolment/public/link_invalid.html",
        {"message": error.messages[0], "code": code},
        status=LINK_ERROR_STATUS.get(code, 404),
    )


def _resolve(token: str, purposes: list[str]) -> AccessLink:
    if len(token) > 200:  # no real token is this long; do not hash megabytes
        raise ValidationError(_("Deze link is niet (meer) geldig."), code="invalid_link")
    return link_resolve(token, purposes=purposes)


@contextlib.contextmanager
def _guardian_language(request: HttpRequest, guardian: Guardian) -> Iterator[None]:
    """Show a link page in the guardian's language unless they chose one on this site."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        yield
    else:
        with translation.override(guardian.language):
            yield


def _answer(request: HttpRequest, allowed: tuple[str, ...]) -> str | None:
    value = request.POST.get("answer", "")
    return value if value in allowed else None


@dataclass
class ChildStatus:
    enrolment: Enrolment
    text: str
    detail: str
    tone: str  # ok, waiting or ended: how the page marks it
    can_withdraw: bool


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s en %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _when(moment: Any) -> str:
    return date_format(localtime(moment), "l j F Y, H:i")


def describe(enrolment: Enrolment, *, viewer: Guardian) -> ChildStatus:
    """The state of one child's enrolment in words a parent understands."""
    name = enrolment.child.first_name
    status = enrolment.status
    detail, tone = "", "waiting"
    if status == EnrolmentStatus.AWAITING_CONSENT:
        state = consent_state(enrolment)
        who = [_("u") if g.pk == viewer.pk else g.name for g in state["missing_guardians"]]
        if state["child_missing"]:
            who.append(_("%(name)s zelf") % {"name": name})
        text = (
            _("Wacht op toestemming van %(who)s.") % {"who": _join_names(who)}
            if who
            else _("Wacht op toestemming.")
        )
        if enrolment.hold_expires_at:
            detail = _("We houden de plaats vast tot %(when)s.") % {
                "when": _when(enrolment.hold_expires_at)
            }
    elif status == EnrolmentStatus.AWAITING_INTAKE:
        text = _("De toestemming is compleet. Er volgt nog een kennismakingsgesprek (intake).")
    elif status == EnrolmentStatus.CONFIRMED:
        text, tone = _("Bevestigd: %(name)s doet mee.") % {"name": name}, "ok"
        detail = _("De eerste bijeenkomst is op %(date)s.") % {
            "date": date_format(first_child_session_date(enrolment.group), "l j F Y")
        }
    elif status == EnrolmentStatus.WAITLISTED:
        text = _("Op de wachtlijst, plaats %(position)s.") % {
            "position": waitlist_position(enrolment)
        }
        detail = _("Komt er een plaats vrij? Dan krijgt u een e-mail.")
    elif status == EnrolmentStatus.OFFERED:
        text = _("Er is een plaats vrij. Kijk in uw e-mail en geef antwoord.")
        if enrolment.offer_expires_at:
            detail = _("U kunt kiezen tot %(when)s.") % {"when": _when(enrolment.offer_expires_at)}
    else:
        tone = "ended"
        text = {
            EnrolmentStatus.DECLINED: _("U heeft de aangeboden plaats niet aangenomen."),
            EnrolmentStatus.REFUSED: _("Niet ingeschreven: niet iedereen gaf toestemming."),
            EnrolmentStatus.NOT_SUITABLE: _(
                "Niet ingeschreven: na het kennismakingsgesprek past deze groep niet."
            ),
            EnrolmentStatus.EXPIRED: _(
                "Verlopen: de toestemming of het antwoord kwam niet op tijd."
            ),
            EnrolmentStatus.WITHDRAWN: _("Afgemeld."),
            EnrolmentStatus.COMPLETED: _("Afgerond."),
        }.get(status, enrolment.get_status_display())
    return ChildStatus(enrolment, text, detail, tone, can_withdraw=status in ACTIVE)


def _submission_enrolments(submission_id: int) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(submission_id=submission_id)
        .select_related("child", "group__programme", "group__host_school", "submission")
        .order_by("pk")
    )


def _status_page(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    statuses = [
        describe(enrolment, viewer=link.guardian)
        for enrolment in _submission_enrolments(link.submission_id)
    ]
    return render(
        request,
        "enrolment/public/link_status.html",
        {"link": link, "token": token, "statuses": statuses, **_data_rights(token)},
    )


def _data_rights(token: str) -> dict[str, Any]:
    """Where the guardian downloads or erases their data: the privacy pages (`/gegevens/`),
    which call `retention.personal_data_export_by_link` / `personal_data_erase_request`."""
    try:
        return {
            "data_rights": True,
            "download_url": reverse("privacy-my-data-download", kwargs={"token": token}),
            "erase_url": reverse("privacy-my-data-erase", kwargs={"token": token}),
        }
    except NoReverseMatch:
        return {"data_rights": False}


def _confirm(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    if request.method == "POST":
        answer = _answer(request, ("yes", "no"))
        if answer is None:
            messages.error(request, _("Kies een van de knoppen."))
        else:
            try:
                result = email_confirm(token=token, consent_given=answer == "yes")
            except AnswerChangeRefused as refused:
                messages.info(request, " ".join(refused.messages))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                show = messages.success if result.recorded else messages.info
                show(request, result.message)
        return redirect(request.path)
    return _confirm_page(request, link, token)


def _confirm_page(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    guardian = link.guardian
    if guardian.email_confirmed_at is not None:
        return _status_page(request, link, token)
    return render(
        request,
        "enrolment/public/link_confirm.html",
        {
            "link": link,
            "guardian": guardian,
            "enrolments": _submission_enrolments(link.submission_id),
            "others": [g for g in link.submission.guardians.all() if not g.is_enroller],
            "consent_body": _consent_text_in_language(link.submission.consent_text),
        },
    )


def _link_enrolment(link: AccessLink) -> Enrolment:
    return Enrolment.objects.select_related(
        "child", "group__programme", "group__host_school", "submission__consent_text"
    ).get(pk=link.enrolment_id)


def _consent(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    """Another guardian (CONSENT) or the child (CHILD_CONSENT) gives or refuses consent."""
    if request.method == "POST":
        answer = _answer(request, ("yes", "no"))
        if answer is None:
            messages.error(request, _("Kies een van de knoppen."))
        else:
            try:
                result = consent_answer(token=token, given=answer == "yes")
            except ValidationError as error:  # AnswerChangeRefused too: nothing changed
                messages.info(request, " ".join(error.messages))
            else:
                show = messages.success if result.recorded else messages.info
                show(request, result.message)
        return redirect(request.path)
    return _consent_page(request, link, token)


def _consent_page(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    is_child = link.purpose == LinkPurpose.CHILD_CONSENT
    enrolment = _link_enrolment(link)
    given = (
        enrolment.consents.filter(party=ConsentParty.CHILD)
        if is_child
        else enrolment.consents.filter(party=ConsentParty.GUARDIAN, guardian=link.guardian)
    ).first()
    enroller = next((g for g in enrolment.submission.guardians.all() if g.is_enroller), None)
    context = {
        "link": link,
        "enrolment": enrolment,
        "child": enrolment.child,
        "group": enrolment.group,
        "programme": enrolment.group.programme,
        "first_day": first_child_session_date(enrolment.group),
        "enroller": enroller,
        "answer": given,
        "is_open": enrolment.status in ACTIVE,
        "consent_body": _consent_text_in_language(enrolment.submission.consent_text),
    }
    template = "link_child_consent.html" if is_child else "link_consent.html"
    return render(request, f"enrolment/public/{template}", context)


def _offer(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    if request.method == "POST":
        answer = _answer(request, ("accept", "decline"))
        if answer is None:
            messages.error(request, _("Kies een van de knoppen."))
        else:
            try:
                offer_answer(token=token, accept=answer == "accept")
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
        return redirect(request.path)
    return _offer_page(request, link, token)


def _offer_page(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    enrolment = _link_enrolment(link)
    is_open = enrolment.status == EnrolmentStatus.OFFERED and (
        enrolment.offer_expires_at is None or enrolment.offer_expires_at > timezone.now()
    )
    return render(
        request,
        "enrolment/public/link_offer.html",
        {
            "link": link,
            "enrolment": enrolment,
            "child": enrolment.child,
            "group": enrolment.group,
            "first_day": first_child_session_date(enrolment.group),
            "is_open": is_open,
            "status": describe(enrolment, viewer=link.guardian),
        },
    )


def _manage(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    if request.method == "POST":
        return redirect(request.path)
    return _status_page(request, link, token)


LinkHandler = Callable[[HttpRequest, AccessLink, str], HttpResponse]
LINK_HANDLERS: dict[str, LinkHandler] = {
    LinkPurpose.CONFIRM: _confirm,
    LinkPurpose.CONSENT: _consent,
    LinkPurpose.CHILD_CONSENT: _consent,
    LinkPurpose.OFFER: _offer,
    LinkPurpose.MANAGE: _manage,
}
# What each link shows when read: also the answer to a refused post (429).
LINK_PAGES: dict[str, LinkHandler] = {
    LinkPurpose.CONFIRM: _confirm_page,
    LinkPurpose.CONSENT: _consent_page,
    LinkPurpose.CHILD_CONSENT: _consent_page,
    LinkPurpose.OFFER: _offer_page,
    LinkPurpose.MANAGE: _status_page,
}


def _refused(
    request: HttpRequest,
    refusal: throttle.Refusal,
    page: Callable[[], HttpResponse],
    *,
    child: bool = False,
) -> HttpResponse:
    """The link's page as it was, with the refusal on top (nothing was recorded), 429."""
    messages.error(request, throttle.refusal_message(refusal, child=child))
    return throttle.with_retry_after(page(), refusal)


@link_page
@require_http_methods(["GET", "HEAD", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """Every link in our e-mails lands here; the link's purpose decides the page."""
    refusal = _post_refusal(request, throttle.Action.LINK, token=token)
    try:
        access_link = _resolve(token, list(LINK_HANDLERS))
    except ValidationError as error:
        if refusal is not None:
            return throttle.too_many_requests(request, refusal)
        return _link_error(request, error)
    with _guardian_language(request, access_link.guardian):
        if refusal is not None:
            return _refused(
                request,
                refusal,
                lambda: LINK_PAGES[access_link.purpose](request, access_link, token),
                child=access_link.purpose == LinkPurpose.CHILD_CONSENT,
            )
        return LINK_HANDLERS[access_link.purpose](request, access_link, token)


@link_page
@require_http_methods(["GET", "HEAD", "POST"])
def link_withdraw(request: HttpRequest, token: str, public_id: Any) -> HttpResponse:
    """Withdraw one child: GET asks "are you sure?", only the POST withdraws."""
    refusal = _post_refusal(request, throttle.Action.LINK, token=token)
    try:
        access_link = _resolve(token, [LinkPurpose.MANAGE, LinkPurpose.CONFIRM])
    except ValidationError as error:
        if refusal is not None:
            return throttle.too_many_requests(request, refusal)
        return _link_error(request, error)
    enrolment = (
        Enrolment.objects.filter(submission_id=access_link.submission_id, public_id=public_id)
        .select_related("child", "group__programme", "group__host_school")
        .first()
    )
    if enrolment is None:
        if refusal is not None:
            return throttle.too_many_requests(request, refusal)
        return _link_error(
            request,
            ValidationError(_("Deze aanmelding hoort niet bij deze link."), code="invalid_link"),
        )
    status_url = reverse("enrol-link", kwargs={"token": token})

    def page() -> HttpResponse:
        return render(
            request,
            "enrolment/public/link_withdraw.html",
            {
                "enrolment": enrolment,
                "child": enrolment.child,
                "group": enrolment.group,
                "is_open": enrolment.status in ACTIVE,
                "status_url": status_url,
            },
        )

    with _guardian_language(request, access_link.guardian):
        if refusal is not None:
            return _refused(request, refusal, page)
        if request.method == "POST":
            try:
                enrolment_withdraw_by_link(token=token, enrolment_public_id=str(public_id))
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("%(name)s is afgemeld. De plaats gaat naar een ander kind.")
                    % {"name": enrolment.child.first_name},
                )
            return redirect(status_url)
        return page()
