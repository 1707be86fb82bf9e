"""The links in our e-mails: confirm, consent, offer, manage and withdraw.

Link pages carry a secret token in their path; they are sent with `Cache-Control: no-store`
and `Referrer-Policy: strict-origin` (see the package docstring)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enrolment import throttle
from enrolment.models import (
    ACTIVE,
    AccessLink,
    ConsentParty,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    LinkPurpose,
)
from enrolment.services import (
    AnswerChangeRefused,
    consent_answer,
    consent_asked_of,
    consent_state,
    email_confirm,
    enrolment_withdraw_by_link,
    first_child_session_date,
    guardian_email_change_confirm,
    link_resolve,
    offer_answer,
    pool_answer_open,
    pool_confirm,
    retention,
    waitlist_position,
    withdrawable_consent,
)
from enrolment.views_public.finding import _consent_text_in_language
from enrolment.views_public.refusals import _post_refusal

LINK_ERROR_STATUS = {"expired_link": 410, "revoked_link": 410}


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
    can_withdraw_consent: bool = False  # the viewer gave consent that they can take back
    # Moved by a pooling: the new group's first day, while the family may still confirm.
    pool_first_day: Any = None


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s en %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _when(moment: Any) -> str:
    return date_format(localtime(moment), "l j F Y, H:i")


def describe(
    enrolment: Enrolment, *, viewer: Guardian, link: AccessLink | None = None
) -> ChildStatus:
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
    return ChildStatus(
        enrolment,
        text,
        detail,
        tone,
        can_withdraw=status in ACTIVE,
        can_withdraw_consent=link is not None
        and status in ACTIVE
        and withdrawable_consent(link, enrolment) is not None,
        pool_first_day=first_child_session_date(enrolment.group)
        if link is not None and pool_answer_open(enrolment)
        else None,
    )


def _submission_enrolments(submission_id: int) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(submission_id=submission_id)
        .select_related(
            "child", "group__programme", "group__host_school", "submission__consent_text"
        )
        .prefetch_related("consents", "submission__guardians")
        .order_by("pk")
    )


def _status_page(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    statuses = [
        describe(enrolment, viewer=link.guardian, link=link)
        for enrolment in _submission_enrolments(link.submission_id)
    ]
    # Withdrawing the child is the enroller's (their confirm and manage links); every
    # guardian withdraws their own consent, and confirms a pooling with their own link.
    may_withdraw_child = (
        link.purpose in {LinkPurpose.CONFIRM, LinkPurpose.MANAGE} and link.guardian.is_enroller
    )
    guardians = statuses[0].enrolment.submission.guardians.all() if statuses else []
    enroller = next((g for g in guardians if g.is_enroller), None)
    return render(
        request,
        "enrolment/public/link_status.html",
        {
            "link": link,
            "token": token,
            "statuses": statuses,
            "may_withdraw_child": may_withdraw_child,
            "may_confirm_pool": link.guardian.has_authority
            and link.purpose in {LinkPurpose.CONFIRM, LinkPurpose.MANAGE, LinkPurpose.CONSENT},
            "enroller": enroller,
            # The other guardian, back on their consent link: what they answered, then all.
            "consent_thanks": link.purpose == LinkPurpose.CONSENT
            and any(s.can_withdraw_consent for s in statuses),
            "guardian": link.guardian,
            **_data_rights(link, token),
        },
    )


def _data_rights(link: AccessLink, token: str) -> dict[str, Any]:
    """Where the guardian sees, downloads or erases their data: the privacy pages
    (`/gegevens/`), which call `retention.personal_data_export_by_link` and
    `personal_data_erase_request`. The enroller's confirm and manage links open them
    themselves; another guardian with authority gets a data link of their own with a POST
    (`enrol-link-data`, `retention.data_link_issue`): their consent link stays one."""
    if link.purpose in retention.DATA_PURPOSES:
        return {
            "data_rights": True,
            "data_url": reverse("privacy-my-data", kwargs={"token": token}),
            "download_url": reverse("privacy-my-data-download", kwargs={"token": token}),
            "erase_url": reverse("privacy-my-data-erase", kwargs={"token": token}),
        }
    if link.guardian.has_authority:
        return {
            "data_rights": True,
            "data_link_url": reverse("enrol-link-data", kwargs={"token": token}),
        }
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
        # Siblings: a choice per child, `answer-<public id>` = yes or no.
        per_child = {
            key.removeprefix("answer-"): value == "yes"
            for key, value in request.POST.items()
            if key.startswith("answer-") and value in ("yes", "no")
        }
        if answer is None and not per_child and link.purpose == LinkPurpose.CHILD_CONSENT:
            messages.error(request, _("Kies een van de knoppen."))
        else:
            try:
                result = consent_answer(
                    token=token,
                    given=None if answer is None else answer == "yes",
                    answers=per_child or None,
                )
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
    if not is_child:
        siblings = _submission_enrolments(link.submission_id)
        answered = {
            c.enrolment_id: c
            for e in siblings
            for c in e.consents.all()
            if c.guardian_id == link.guardian_id
        }
        open_ = [
            e
            for e in consent_asked_of(link.guardian, siblings)
            if e.status in ACTIVE and e.pk not in answered
        ]
        if any(c.given for c in answered.values()) and not open_:
            # Answered: from now on the link is their own place, with the status of every
            # child and the consent they gave, to withdraw.
            return _status_page(request, link, token)
        if len(open_) > 1 or (open_ and open_[0].pk != link.enrolment_id):
            # Siblings (or a sibling other than the one the link was first sent about):
            # one page, a choice per child.
            return _siblings_consent_page(request, link, open_)
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
        "can_withdraw_consent": enrolment.status in ACTIVE
        and given is not None
        and given.given
        and given.withdrawn_at is None,
        "token": token,
        "consent_body": _consent_text_in_language(enrolment.submission.consent_text),
        # Once they answered, their own data too (the status page shows it after a yes).
        **(
            _data_rights(link, token)
            if not is_child and given is not None
            else {"data_rights": False}
        ),
    }
    template = "link_child_consent.html" if is_child else "link_consent.html"
    return render(request, f"enrolment/public/{template}", context)


def _siblings_consent_page(
    request: HttpRequest, link: AccessLink, open_: list[Enrolment]
) -> HttpResponse:
    """One page, a choice per child: the guardian's one consent link covers the siblings."""
    submission = open_[0].submission
    enroller = next((g for g in submission.guardians.all() if g.is_enroller), None)
    return render(
        request,
        "enrolment/public/link_consent_siblings.html",
        {
            "link": link,
            "enroller": enroller,
            "choices": [
                {"enrolment": e, "first_day": first_child_session_date(e.group)} for e in open_
            ],
            "names": _join_names([e.child.first_name for e in open_]),
            "consent_body": _consent_text_in_language(submission.consent_text),
        },
    )


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


def _email_change(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    """The link sent to a new address: GET asks, the POST confirms it."""
    if request.method == "POST":
        try:
            guardian_email_change_confirm(token=token)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Uw nieuwe e-mailadres is bevestigd."))
        return redirect(request.path)
    return _email_change_page(request, link, token)


def _email_change_page(request: HttpRequest, link: AccessLink, token: str) -> HttpResponse:
    guardian = link.guardian
    return render(
        request,
        "enrolment/public/link_email_change.html",
        {"pending_email": guardian.pending_email if link.used_at is None else ""},
    )


LinkHandler = Callable[[HttpRequest, AccessLink, str], HttpResponse]
LINK_HANDLERS: dict[str, LinkHandler] = {
    LinkPurpose.CONFIRM: _confirm,
    LinkPurpose.CONSENT: _consent,
    LinkPurpose.CHILD_CONSENT: _consent,
    LinkPurpose.OFFER: _offer,
    LinkPurpose.MANAGE: _manage,
    LinkPurpose.EMAIL_CHANGE: _email_change,
}
# What each link shows when read: also the answer to a refused post (429).
LINK_PAGES: dict[str, LinkHandler] = {
    LinkPurpose.CONFIRM: _confirm_page,
    LinkPurpose.CONSENT: _consent_page,
    LinkPurpose.CHILD_CONSENT: _consent_page,
    LinkPurpose.OFFER: _offer_page,
    LinkPurpose.MANAGE: _status_page,
    LinkPurpose.EMAIL_CHANGE: _email_change_page,
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


@link_page
@require_http_methods(["GET", "HEAD", "POST"])
def link_pool_confirm(request: HttpRequest, token: str, public_id: Any) -> HttpResponse:
    """A pooled family confirms that their child goes along (`services.pool_confirm`): only
    the POST confirms; the answer shows on the guardian's own page."""
    refusal = _post_refusal(request, throttle.Action.LINK, token=token)
    try:
        access_link = _resolve(token, list(LINK_HANDLERS))
    except ValidationError as error:
        if refusal is not None:
            return throttle.too_many_requests(request, refusal)
        return _link_error(request, error)
    status_url = reverse("enrol-link", kwargs={"token": token})
    with _guardian_language(request, access_link.guardian):
        if refusal is not None:
            return _refused(
                request,
                refusal,
                lambda: LINK_PAGES[access_link.purpose](request, access_link, token),
            )
        if request.method == "POST":
            try:
                answer = pool_confirm(token=token, enrolment_public_id=str(public_id))
            except ValidationError as error:
                messages.info(request, " ".join(error.messages))
            else:
                show = messages.success if answer.recorded else messages.info
                show(request, answer.message)
        return redirect(status_url)
