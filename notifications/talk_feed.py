"""The wijkteammedewerker's calendar feed of booked prevention talks (read-only, behind a
secret link she makes and revokes on her talk-times page). An unknown, revoked or inactive
worker's link is a 404, so a guessed link learns nothing."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from notifications.talk_calendar import talk_feed
from referrals.selectors import feed_bookings, worker_by_feed_token


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    worker = worker_by_feed_token(token)
    if worker is None:
        raise Http404
    body = talk_feed(name=str(_("Preventiegesprekken")), bookings=feed_bookings(worker))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
