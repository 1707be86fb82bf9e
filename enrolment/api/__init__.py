"""The enrolment API under /api/v1/: public enrolment and consent, staff reads and actions.

One module per noun (`catalogue`, `submissions`, `links`, `enrolments`, `rosters`); this
package holds the routes.

Public endpoints (`public/...`) need no account. They are rate-limited as the pages are
(`enrolment.throttle.PublicRateThrottle`: per address, per e-mail address and per link
token; a 429 says when to try again), accept JSON only, and take a link's secret token in
the body, never in the address (addresses end up in logs). Their answers never contain a
token. `POST public/enrolments/` honours an `Idempotency-Key` header: the same key with
the same body answers the first submission again (200 instead of 201) and makes nothing
new; the same key with another body is a 422 that says nothing about the first (see
`services.submission_replay`). The answer is built from the submission as it stands (no
copy of the first answer is stored), so a replay right after the first request equals it;
a replay after consent was given shows the newer status.

Staff endpoints follow the habits of the other API modules: reads go through
`enrolment.access` (an enrolment or group outside the user's scope is a 404),
changes are allowed by `enrolment.access` (else 403) and go through
`enrolment.services`; a service's `ValidationError` becomes a 400 with field
messages (`config.api.exception_handler`). Group- and session-scoped endpoints live
under their own prefixes (`rosters/`, `waitlists/`, `attendance/`, `class-bookings/`)
so they never collide with the scheduler's `groups/` and `sessions/` routes.
Every roster read is written to the audit log.
"""

from __future__ import annotations

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from enrolment.api.catalogue import (
    PublicConsentTextView,
    PublicProgrammeListView,
    PublicSchoolGroupsView,
    PublicSchoolListView,
)
from enrolment.api.enrolments import EnrolmentViewSet
from enrolment.api.links import (
    PublicLinkConfirmView,
    PublicLinkConsentView,
    PublicLinkConsentWithdrawView,
    PublicLinkContactView,
    PublicLinkEmailConfirmView,
    PublicLinkOfferView,
    PublicLinkPoolConfirmView,
    PublicLinkStatusView,
    PublicLinkWithdrawView,
)
from enrolment.api.rosters import AttendanceView, ClassBookingView, RosterView, WaitlistView
from enrolment.api.submissions import PublicEnrolmentView, PublicInterestView

# --- routes ------------------------------------------------------------------------------

router = SimpleRouter()
router.register("enrolments", EnrolmentViewSet, basename="enrolment")

urlpatterns = [
    path("public/schools/", PublicSchoolListView.as_view(), name="api-public-schools"),
    re_path(
        r"^public/schools/(?P<school_id>[0-9]{1,18})/groups/$",
        PublicSchoolGroupsView.as_view(),
        name="api-public-school-groups",
    ),
    path("public/programmes/", PublicProgrammeListView.as_view(), name="api-public-programmes"),
    path("public/consent-text/", PublicConsentTextView.as_view(), name="api-public-consent-text"),
    path("public/enrolments/", PublicEnrolmentView.as_view(), name="api-public-enrolments"),
    path("public/interest/", PublicInterestView.as_view(), name="api-public-interest"),
    path("public/links/confirm/", PublicLinkConfirmView.as_view(), name="api-link-confirm"),
    path("public/links/consent/", PublicLinkConsentView.as_view(), name="api-link-consent"),
    path("public/links/offer/", PublicLinkOfferView.as_view(), name="api-link-offer"),
    path("public/links/status/", PublicLinkStatusView.as_view(), name="api-link-status"),
    path("public/links/withdraw/", PublicLinkWithdrawView.as_view(), name="api-link-withdraw"),
    path(
        "public/links/pool/confirm/",
        PublicLinkPoolConfirmView.as_view(),
        name="api-link-pool-confirm",
    ),
    path(
        "public/links/consent/withdraw/",
        PublicLinkConsentWithdrawView.as_view(),
        name="api-link-consent-withdraw",
    ),
    path("public/links/contact/", PublicLinkContactView.as_view(), name="api-link-contact"),
    path(
        "public/links/email/confirm/",
        PublicLinkEmailConfirmView.as_view(),
        name="api-link-email-confirm",
    ),
    re_path(r"^waitlists/(?P<group_id>[0-9]{1,18})/$", WaitlistView.as_view(), name="api-waitlist"),
    re_path(r"^rosters/(?P<group_id>[0-9]{1,18})/$", RosterView.as_view(), name="api-roster"),
    re_path(
        r"^attendance/(?P<session_id>[0-9]{1,18})/$",
        AttendanceView.as_view(),
        name="api-attendance",
    ),
    re_path(
        r"^class-bookings/(?P<group_id>[0-9]{1,18})/$",
        ClassBookingView.as_view(),
        name="api-class-booking",
    ),
    *router.urls,
]
