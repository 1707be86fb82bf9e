"""The parent's pages: the invitation behind a referral link, and booking a prevention talk
(no account). Every answer goes through `services`; a bad or old link gets one page that
says so, the same for an unknown and a revoked token."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.cache import count_hit
from core.forms import add_service_error
from referrals import selectors, services
from referrals.forms import BookingForm, MoveForm
from referrals.models import BookingStatus, Referral, TalkSlot

BOOKED_MESSAGE = gettext_lazy("Uw gesprek is geboekt. U krijgt een bevestiging per e-mail.")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def too_many_bookings(request: HttpRequest) -> bool:
    """A limit per address and window on booking attempts, so nobody books every slot;
    counted as the enrolment's limits are (`core.cache.count_hit`, REMOTE_ADDR only)."""
    address = hashlib.sha256(request.META.get("REMOTE_ADDR", "").encode()).hexdigest()[:32]
    window = settings.ENROLMENT_RATE_WINDOW_SECONDS
    return count_hit(f"talk-book:{address}", window) > settings.TALK_BOOKINGS_PER_ADDRESS


def _link_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return render(
        request, "referrals/public/link_error.html", {"message": error.messages[0]}, status=404
    )


def enrolment_url(referral: Referral) -> str:
    """The public enrolment with the referral's school and programme chosen: the group's form
    for the school's pupils when a group was named, else the school's page at the
    programme's open groups."""
    if referral.group_id:
        return f"{reverse('enrol-form', args=[referral.group_id])}?school={referral.school_id}"
    return f"{reverse('enrol-school', args=[referral.school_id])}#programme-{referral.programme_id}"


def _referral_slots(referral: Referral) -> list[TalkSlot]:
    worker = getattr(referral.referrer, "wijkteam_worker", None)
    if worker is not None and worker.active:
        return selectors.bookable_slots(worker_id=worker.pk)
    return selectors.bookable_slots(school_id=referral.school_id)


@never_cache
@require_http_methods(["GET", "HEAD"])
def referral_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        referral = services.referral_by_token(token)
    except ValidationError as error:
        return _link_error(request, error)
    # Not "opened" yet: mail scanners fetch links before the family does. The family's own
    # step on this page (continue to the enrolment, book a talk, decline) records it.
    return render(
        request,
        "referrals/public/invitation.html",
        {
            "referral": referral,
            "token": token,
            "title": referral.programme.public_title(referral.school.name),
            "enrol_url": enrolment_url(referral),
            "has_slots": bool(_referral_slots(referral)),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def referral_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """From the invitation to the enrolment: the invitation's button POSTs here, which
    records that the family opened it. A GET (a prefetching mail scanner, an old bookmark)
    records nothing and goes back to the invitation."""
    try:
        referral = services.referral_by_token(token)
    except ValidationError as error:
        return _link_error(request, error)
    if request.method != "POST":
        return HttpResponseRedirect(reverse("referral-link", args=[token]))
    services.referral_open(referral=referral)
    return HttpResponseRedirect(enrolment_url(referral), status=303)


@never_cache
@require_POST
def referral_decline(request: HttpRequest, token: str) -> HttpResponse:
    try:
        referral = services.referral_by_token(token)
    except ValidationError as error:
        return _link_error(request, error)
    services.referral_decline(referral=referral)
    return render(request, "referrals/public/declined.html", {})


def _book(
    request: HttpRequest, slots: list[TalkSlot], referral: Referral | None, token: str = ""
) -> HttpResponse:
    """The booking page: choose a slot and give an address (GET), book it (POST)."""
    if request.method == "POST" and too_many_bookings(request):
        return render(request, "referrals/public/too_many.html", {}, status=429)
    chosen = request.POST.get("slot") or request.GET.get("tijd") or ""
    # Any slot by its id: whether it may still be booked is the service's verdict.
    slot = TalkSlot.objects.filter(uid=chosen).first() if UUID_TEXT.fullmatch(chosen) else None
    form = BookingForm(
        request.POST if request.method == "POST" else None,
        initial={"email": referral.email if referral else "", "language": "nl"},
    )
    if request.method == "POST" and form.is_valid():
        if slot is None:
            form.add_error(None, _("Kies een tijd uit de lijst."))
        else:
            try:
                _booking, booking_token = services.talk_book(
                    slot_id=slot.pk, referral=referral, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, BOOKED_MESSAGE)
                return HttpResponseRedirect(reverse("talk-booking", args=[booking_token]))
    return render(
        request,
        "referrals/public/book.html",
        {"slots": slots, "chosen": slot, "form": form, "referral": referral, "token": token},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def referral_talk(request: HttpRequest, token: str) -> HttpResponse:
    """Book a talk from an invitation: the referring worker's slots (the school's wijkteam
    slots when a coordinator referred). Booking (a POST) records that the family opened the
    invitation; looking at the times (a GET) does not."""
    try:
        referral = services.referral_by_token(token)
    except ValidationError as error:
        return _link_error(request, error)
    if request.method == "POST":
        services.referral_open(referral=referral)
    return _book(request, _referral_slots(referral), referral, token)


@require_http_methods(["GET", "HEAD", "POST"])
def talk_slots(request: HttpRequest) -> HttpResponse:
    """Book a talk without an invitation (from the relatiedesk pages): every open slot."""
    return _book(request, selectors.bookable_slots(), None)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def talk_booking(request: HttpRequest, token: str) -> HttpResponse:
    """The parent's own booking: see it, move it to another free time, or cancel it."""
    try:
        booking = services.talk_booking_by_token(token)
    except ValidationError as error:
        return _link_error(request, error)
    can_change = booking.status == BookingStatus.BOOKED and booking.slot.starts_at > timezone.now()
    slots = [
        s
        for s in selectors.bookable_slots(worker_id=booking.slot.worker_id)
        if s.pk != booking.slot_id
    ]
    form = MoveForm(request.POST if request.method == "POST" else None, slots=slots)
    if request.method == "POST":
        if not can_change:
            raise Http404
        if form.is_valid():
            try:
                services.talk_booking_move(
                    booking=booking, slot_id=form.cleaned_data["slot"].pk, token=token
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request, _("Uw gesprek is verplaatst. U krijgt een nieuwe agenda-uitnodiging.")
                )
                return HttpResponseRedirect(reverse("talk-booking", args=[token]))
    return render(
        request,
        "referrals/public/booking.html",
        {
            "booking": booking,
            "form": form,
            "slots": slots,
            "token": token,
            "can_change": can_change,
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_POST
def talk_booking_cancel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        booking = services.talk_booking_by_token(token)
    except ValidationError as error:
        return _link_error(request, error)
    services.talk_booking_cancel(booking=booking)
    messages.success(request, _("Uw gesprek is afgezegd."))
    return HttpResponseRedirect(reverse("talk-booking", args=[token]))
