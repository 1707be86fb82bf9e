"""Calendar feeds: the read-only subscription URL, and the page where staff manage theirs.

The feed answers only for an active token whose owner still has access (anything else
is a 404, so a guessed, revoked or out-of-scope link learns nothing). The body is the
same bytes for the same content, so its strong ETag (a hash of the body) and its
Last-Modified let calendar clients poll cheaply with conditional requests (304).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from notifications.calendar import feed_calendar
from notifications.feed_tokens import (
    FeedLink,
    event_stamps,
    feed_content_seen,
    feed_name,
    feed_sessions,
    feed_token_regenerate,
    feed_token_resolve,
    feed_token_revoke,
)
from notifications.models import CalendarFeedToken, FeedKind
from programmes import access
from programmes.models import Trainer
from scheduler import access as scheduler_access
from scheduler.models import GroupStatus

# --- the feed ------------------------------------------------------------------------------


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics of one feed; 404 for an unknown, revoked or no longer allowed token."""
    feed_token = feed_token_resolve(token)
    if feed_token is None:
        raise Http404
    with translation.override(feed_token.language):
        sessions = list(feed_sessions(feed_token))
        stamps = event_stamps(sessions)
        body = feed_calendar(
            name=feed_name(feed_token), sessions=sessions, stamp_of=lambda s: stamps[s.pk]
        ).encode("utf-8")
    digest = hashlib.sha256(body).hexdigest()
    last_modified = int(feed_content_seen(feed_token, digest).timestamp())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = f'"{digest}"'
    response["Last-Modified"] = http_date(last_modified)
    # A secret URL: no shared caches, and clients revalidate (cheap thanks to the 304).
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


# --- managing one's feeds ------------------------------------------------------------------


@dataclass
class FeedRow:
    kind: str
    target_id: int
    label: str
    active: list[CalendarFeedToken]

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.target_id)


def _staff_only(request: HttpRequest) -> None:
    if not access.is_staff_member(request.user):
        raise PermissionDenied(_("Alleen trainers, coördinatoren en programmabeheerders."))


def _feed_rows(user: Any) -> list[FeedRow]:
    """The feeds `user` may subscribe to, with their active links (fixed query count)."""
    rows: list[FeedRow] = []
    trainer = Trainer.objects.filter(user=user, active=True).first()
    if trainer is not None:
        rows.append(FeedRow(FeedKind.TRAINER, trainer.pk, _("Mijn rooster"), []))
    for school in access.schools_visible_to(user).filter(active=True).order_by("name"):
        rows.append(
            FeedRow(
                FeedKind.SCHOOL,
                school.pk,
                _("Alle groepen van %(school)s") % {"school": school.name},
                [],
            )
        )
    groups = (
        scheduler_access.groups_visible_to(user)
        .exclude(status__in=[GroupStatus.COMPLETED, GroupStatus.CANCELLED])
        .select_related("programme", "host_school")
        .order_by("first_date", "pk")
    )
    for group in groups:
        rows.append(FeedRow(FeedKind.GROUP, group.pk, str(group), []))
    by_key = {row.key: row for row in rows}
    for token in CalendarFeedToken.objects.filter(owner=user, revoked_at__isnull=True):
        target = token.trainer_id or token.group_id or token.school_id
        row = by_key.get((token.kind, target))
        if row is not None:
            row.active.append(token)
    return rows


def _render_page(request: HttpRequest, *, new_link: FeedLink | None = None) -> HttpResponse:
    return render(
        request,
        "notifications/feeds/subscriptions.html",
        {"rows": _feed_rows(request.user), "new_link": new_link, "nav_section": "agenda"},
    )


def _target(request: HttpRequest) -> dict[str, Any]:
    """The feed a POST is about, looked up within the user's scope (404 outside it)."""
    kind = request.POST.get("kind", "")
    target = request.POST.get("target", "")
    if not target.isdigit():
        raise Http404
    user = request.user
    if kind == FeedKind.TRAINER:
        trainer = get_object_or_404(Trainer, pk=int(target), user=user, active=True)
        return {"kind": kind, "trainer": trainer}
    if kind == FeedKind.GROUP:
        group = get_object_or_404(scheduler_access.groups_visible_to(user), pk=int(target))
        return {"kind": kind, "group": group}
    if kind == FeedKind.SCHOOL:
        school = get_object_or_404(access.schools_visible_to(user), pk=int(target))
        return {"kind": kind, "school": school}
    raise Http404


def subscriptions(request: HttpRequest) -> HttpResponse:
    """The staff member's calendar feeds, each with 'nieuwe link maken' and 'intrekken'."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
    _staff_only(request)
    return _render_page(request)


@require_POST
def subscription_regenerate(request: HttpRequest) -> HttpResponse:
    """Make a new link (revoking the old one) and show it once, on this response."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("login"))
    _staff_only(request)
    target = _target(request)
    try:
        link = feed_token_regenerate(
            owner=request.user, language=(get_language() or "nl")[:2], **target
        )
    except PermissionError as exc:
        raise Http404 from exc
    return _render_page(request, new_link=link)


@require_POST
def subscription_revoke(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(reverse("login"))
    _staff_only(request)
    revoked = feed_token_revoke(owner=request.user, **_target(request))
    if revoked:
        messages.success(
            request,
            _("De link is ingetrokken; agenda's die hem gebruiken krijgen geen updates meer."),
        )
    else:
        messages.info(request, _("Er was geen actieve link om in te trekken."))
    return HttpResponseRedirect(reverse("calendar-feeds:subscriptions"))
