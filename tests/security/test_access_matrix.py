"""Who may open what: every URL of the project, for every persona, in one table.

The table has one row per URL name with the status each persona gets:

- anonymous: no session (pages send to the log-in page, the API answers 401);
- eve: logged in, no role;
- dave: trainer of the two groups at school A;
- bob: coordinator of school A (and of a VO school with a co-financing agreement);
- carol: coordinator of school B, so every object below is another school's to her;
- alice: programme manager;
- inactive trainer: dave, logged in while he trained the groups, then set to inactive (as
  `PATCH /api/v1/trainers/<id>/ {"active": false}` does);
- former coordinator: bob, logged in while he coordinated school A and the VO school, then
  taken off both schools' coordinators;
- wendy: a wijkteammedewerker serving school A, whose talk slot (with a parent's booking) the
  world holds. Her role is the referrals' and the talks' only: every other page refuses her
  as it refuses eve, a user without a role, rather than showing her an empty list. Her
  column is eve's except where `WENDY` says otherwise, so a new staff page refuses her
  unless someone decides it is hers.

A role ends at once, in a session opened while the person had it: the last two personas
answer as eve, a user without a role, on every row; a row that gives all eight columns says
otherwise (only the feed, which is dave's and ends with his role for whoever asks).

The objects behind the URL kwargs (tests/security/world.py) all belong to school A and to
dave's groups. Each request runs in a savepoint that is rolled back, so a POST by one persona
never changes what the next one sees.

A URL pattern without a row fails `test_every_url_has_a_row`, naming it: a new URL needs a
decision about who may use it. Left out, on purpose:
- `admin/`: Django's admin decides access itself (is_staff plus model permissions) and is
  tested in tests/programmes/test_admin.py; its many generated URLs would drown the table;
- `i18n/`: Django's language switch, which shows and changes no data;
- static files: served by WhiteNoise before URL routing, outside the URL patterns.

Keys: the URL name; under /api/v1/ prefixed with "api:", because DRF router names
(`group-list`) are not namespaced and some equal page names (`planning-request-withdraw`).
Columns: the HTTP method (POST for a URL that only accepts POST; the body is empty, so a
permitted persona gets the form or a 400 back), the object whose id fills the URL's first
kwarg (other kwargs: the session, the enrolment and the parent's link of the world; a
leading "?" fills a query parameter instead), then the expected status per persona.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from programmes import services as programme_services
from programmes.models import School
from tests import factories
from tests.clock import on_day
from tests.security.world import TODAY, build_world

pytestmark = [pytest.mark.django_db, on_day("2026-12-06")]

PERSONAS = (
    "anonymous",
    "eve",
    "dave",
    "bob",
    "carol",
    "alice",
    "inactive trainer",
    "former coordinator",
    "wendy",
)
# Whose role ended: they answer as eve (logged in, no role) unless a row gives their columns.
ROLE_ENDED = ("inactive trainer", "former coordinator")
# The columns a row gives: anonymous to alice.
GIVEN = len(PERSONAS) - len(ROLE_ENDED) - 1
EXCLUDED_PREFIXES = ("admin/", "i18n/")
# Kwargs after the first one are always filled with these objects of the world.
OTHER_KWARGS = {
    "session_id": "session",
    "public_id": "enrolment",
    "token": "link",
    "respondent": "respondent",
    "goal_id": "goal",
}


class Row(NamedTuple):
    key: str
    method: str
    target: str
    expected: tuple[int, ...]


# Where wendy (the wijkteammedewerker) gets another answer than eve: her own pages and
# her own slot, bob's referral (not hers: absent), and the API's reads scoped to her.
WENDY = {
    "start-wijkteam": 200,
    "referral-list": 200,
    "referral-create": 200,
    "referral-resend": 404,
    "referral-revoke": 404,
    "talk-slot-list": 200,
    "talk-slot-cancel": 302,
    "talk-feed-regenerate": 200,  # the new link, shown once
    "talk-feed-revoke": 302,
    "api:api-referral-resend": 404,
    "api:api-referral-revoke": 404,
    "api:api-talk-slot-detail": 200,
    "api:api-talk-slot-cancel": 200,
    "api:api-talk-booking-detail": 200,
}


def R(key: str, method: str, target: str, *expected: int) -> Row:
    eve = expected[PERSONAS.index("eve")]
    if len(expected) == GIVEN:
        expected = (*expected, *(eve for _ in ROLE_ENDED))
    if len(expected) == GIVEN + len(ROLE_ENDED):
        expected = (*expected, WENDY.get(key, eve))
    assert len(expected) == len(PERSONAS), key
    return Row(key, method, target, expected)


# fmt: off
TABLE = [
    # URL name                           method  object              anon eve  dave bob  carol alice
    # Health and the API (api: = under /api/v1/); anonymous API callers get 401.
    R("healthz",                          "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("api:api-ping",                     "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("api:api-token",                    "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:programme-list",               "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:programme-detail",             "GET",  "programme",        401, 200, 200, 200, 200, 200),
    R("api:school-list",                  "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:school-detail",                "GET",  "school",           401, 404, 404, 200, 404, 200),
    R("api:trainer-list",                 "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:trainer-detail",               "GET",  "trainer",          401, 404, 200, 404, 404, 200),
    # Only the manager records a certificate; an empty body is a 400.
    R("api:trainer-certificate",          "POST", "trainer",          401, 403, 403, 403, 403, 400),
    R("api:trainer-unavailability-list",  "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:trainer-unavailability-detail","GET",  "absence",          401, 404, 200, 404, 404, 200),
    R("api:school-year-list",             "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:school-year-detail",           "GET",  "year",             401, 404, 200, 200, 200, 200),
    R("api:school-holiday-list",          "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:school-holiday-detail",        "GET",  "holiday",          401, 404, 200, 200, 200, 200),
    R("api:school-closure-list",          "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:school-closure-detail",        "GET",  "closure",          401, 404, 404, 200, 404, 200),
    R("api:api-root",                     "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:group-list",                   "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:group-preview",                "POST", "",                 401, 403, 403, 400, 400, 400),
    R("api:group-detail",                 "GET",  "group",            401, 404, 200, 200, 404, 200),
    R("api:group-cancel",                 "POST", "group",            401, 403, 403, 200, 404, 200),
    R("api:group-pool",                   "POST", "group",            401, 403, 403, 400, 404, 400),
    R("api:group-postpone",               "POST", "group",            401, 403, 403, 400, 404, 400),
    R("api:group-not-started",            "POST", "group",            401, 403, 403, 200, 404, 200),
    R("api:group-replace-trainer",        "POST", "group",            401, 403, 403, 400, 404, 400),
    R("api:group-transition",             "POST", "group",            401, 403, 403, 400, 404, 400),
    R("api:session-list",                 "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:session-detail",               "GET",  "session",          401, 404, 200, 200, 404, 200),
    R("api:session-cancel",               "POST", "session",          401, 403, 403, 200, 404, 200),
    R("api:session-conflicts",            "POST", "session",          401, 403, 403, 400, 404, 400),
    R("api:session-move",                 "POST", "session",          401, 403, 403, 400, 404, 400),
    R("api:planning-request-list",        "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:planning-request-detail",      "GET",  "request",          401, 404, 404, 200, 404, 200),
    R("api:planning-request-withdraw",    "POST", "request",          401, 403, 403, 200, 404, 200),
    R("api:planner-run-list",             "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:planner-run-detail",           "GET",  "run",              401, 404, 404, 404, 404, 200),
    R("api:planner-run-accept",           "POST", "run",              401, 403, 403, 403, 403, 400),
    # The public enrolment API: no account, so the same for everyone.
    R("api:api-public-schools",           "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("api:api-public-school-groups",     "GET",  "school",           200, 200, 200, 200, 200, 200),
    R("api:api-public-programmes",        "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("api:api-public-consent-text",      "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("api:api-public-enrolments",        "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-public-interest",          "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-link-confirm",             "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-link-consent",             "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-link-offer",               "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-link-status",              "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-link-withdraw",            "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-link-pool-confirm",        "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-link-consent-withdraw",    "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-link-contact",             "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-link-email-confirm",       "POST", "",                 400, 400, 400, 400, 400, 400),
    R("api:api-waitlist",                 "GET",  "group",            401, 403, 200, 200, 404, 200),
    R("api:api-roster",                   "GET",  "group",            401, 403, 200, 200, 404, 200),
    R("api:api-attendance",               "GET",  "session",          401, 403, 200, 200, 404, 200),
    R("api:api-class-booking",            "GET",  "class_group",      401, 403, 200, 200, 404, 200),
    R("api:enrolment-list",               "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:enrolment-detail",             "GET",  "enrolment",        401, 404, 200, 200, 404, 200),
    R("api:enrolment-child-consent",      "POST", "enrolment",        401, 403, 400, 400, 404, 400),
    R("api:enrolment-intake",             "POST", "enrolment",        401, 403, 400, 400, 404, 400),
    R("api:enrolment-withdraw",           "POST", "enrolment",        401, 403, 403, 200, 404, 200),
    R("api:enrolment-consent-resend",     "POST", "enrolment",        401, 403, 403, 400, 404, 400),
    # Not a possible duplicate: refused (400) for those who may merge.
    R("api:enrolment-merge",              "POST", "enrolment",        401, 403, 403, 400, 404, 400),
    # Reports and co-financing (API).
    R("api:api-report-cofinancing",       "GET",  "?school_year=year",401, 403, 403, 200, 200, 200),
    R("api:api-report-participation",     "GET",  "?school_year=year",401, 403, 403, 403, 403, 200),
    # Outcome figures (issue 19): the manager, and a coordinator for their own school only.
    R("api:api-report-outcomes",          "GET",  "?school=school",   401, 403, 403, 200, 400, 200),
    # Questionnaires: staff read; only the manager makes a new version or publishes one.
    R("api:questionnaire-list",           "GET",  "",                 401, 403, 200, 200, 200, 200),
    R("api:questionnaire-detail",         "GET",  "questionnaire",    401, 403, 200, 200, 200, 200),
    R("api:questionnaire-new-version",    "POST", "questionnaire",    401, 403, 403, 403, 403, 201),
    R("api:questionnaire-publish",        "POST", "draft",            401, 403, 403, 403, 403, 200),
    R("api:cofinancing-agreement-list",   "GET",  "",                 401, 403, 403, 200, 200, 200),
    R("api:cofinancing-agreement-detail", "GET",  "agreement",        401, 403, 403, 200, 404, 200),
    R("api:cofinancing-invoice-list",     "GET",  "",                 401, 403, 403, 200, 200, 200),
    R("api:cofinancing-invoice-detail",   "GET",  "invoice",          401, 403, 403, 200, 404, 200),
    R("api:cofinancing-invoice-mark-paid","POST", "invoice",          401, 403, 403, 403, 403, 400),
    R("api:cofinancing-invoice-mark-sent","POST", "invoice",          401, 403, 403, 403, 403, 200),
    # The API's own 404, the schema and the docs.
    R("api:api-not-found",                "GET",  "",                 404, 404, 404, 404, 404, 404),
    R("api-schema",                       "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("api-docs",                         "GET",  "",                 200, 200, 200, 200, 200, 200),
    # Pages: planning (anonymous visitors are sent to the log-in page: 302).
    R("planning-home",                    "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("planning-request-create",          "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("planning-request-withdraw",        "GET",  "request",          302, 403, 403, 200, 404, 200),
    R("planning-planner-start",           "POST", "",                 302, 403, 403, 403, 403, 302),
    R("planning-planner-accept",          "POST", "run",              302, 403, 403, 403, 403, 302),
    R("planning-group-list",              "GET",  "",                 302, 403, 200, 200, 200, 200),
    R("planning-group-create",            "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("planning-group-detail",            "GET",  "group",            302, 403, 200, 200, 404, 200),
    R("planning-group-status",            "POST", "group",            302, 403, 403, 302, 404, 302),
    R("planning-group-cancel",            "GET",  "group",            302, 403, 403, 200, 404, 200),
    R("planning-group-decide",            "GET",  "group",            302, 403, 403, 200, 404, 200),
    R("planning-trainer-replace",         "GET",  "group",            302, 403, 403, 200, 404, 200),
    R("planning-session-move",            "GET",  "session",          302, 403, 403, 200, 404, 200),
    R("planning-session-cancel",          "GET",  "session",          302, 403, 403, 200, 404, 200),
    R("planning-calendar",                "GET",  "",                 302, 403, 200, 200, 200, 200),
    R("planning-programme-colours",       "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("planning-my-schedule",             "GET",  "",                 302, 403, 200, 403, 403, 403),
    # Pages: public enrolment and the parent's links (no account).
    R("enrol-start",                      "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("enrol-school",                     "GET",  "school",           200, 200, 200, 200, 200, 200),
    R("enrol-interest",                   "GET",  "school",           200, 200, 200, 200, 200, 200),
    R("enrol-interest-thanks",            "GET",  "school",           200, 200, 200, 200, 200, 200),
    R("enrol-form",                       "GET",  "group",            200, 200, 200, 200, 200, 200),
    R("enrol-received",                   "GET",  "",                 404, 404, 404, 404, 404, 404),
    R("enrol-link",                       "GET",  "link",             200, 200, 200, 200, 200, 200),
    R("enrol-link-withdraw",              "GET",  "link",             200, 200, 200, 200, 200, 200),
    R("enrol-link-consent-withdraw",      "GET",  "link",             200, 200, 200, 200, 200, 200),
    # Only a POST confirms a pooling; a GET goes back to the link's page.
    R("enrol-link-pool-confirm",          "GET",  "link",             302, 302, 302, 302, 302, 302),
    R("enrol-link-contact",               "GET",  "link",             200, 200, 200, 200, 200, 200),
    # Only a POST makes a data link; a GET goes back to the link's page.
    R("enrol-link-data",                  "GET",  "link",             302, 302, 302, 302, 302, 302),
    # Pages: enrolments, rosters, privacy, mail and calendar feeds.
    R("staff-overview",                   "GET",  "",                 302, 403, 200, 200, 200, 200),
    R("staff-roster",                     "GET",  "group",            302, 403, 200, 200, 404, 200),
    R("staff-roster-csv",                 "GET",  "group",            302, 403, 200, 200, 404, 200),
    R("staff-roster-xlsx",                "GET",  "group",            302, 403, 200, 200, 404, 200),
    R("staff-roster-print",               "GET",  "group",            302, 403, 200, 200, 404, 200),
    R("staff-attendance",                 "GET",  "group",            302, 403, 200, 200, 404, 200),
    R("staff-classes",                    "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("staff-class-booking",              "GET",  "class_group",      302, 403, 403, 200, 404, 200),
    R("staff-audit-log",                  "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("staff-intake",                     "GET",  "enrolment",        302, 403, 200, 200, 404, 200),
    R("staff-withdraw",                   "GET",  "enrolment",        302, 403, 403, 200, 404, 200),
    R("staff-consent-resend",             "POST", "enrolment",        302, 403, 403, 302, 404, 302),
    R("staff-duplicate",                  "GET",  "enrolment",        302, 403, 403, 200, 404, 200),
    R("privacy-retention-overview",       "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("privacy-retention-group",          "GET",  "group",            302, 403, 403, 403, 403, 200),
    R("privacy-my-data",                  "GET",  "link",             200, 200, 200, 200, 200, 200),
    R("privacy-my-data-download",         "POST", "link",             200, 200, 200, 200, 200, 200),
    R("privacy-my-data-erase",            "GET",  "link",             200, 200, 200, 200, 200, 200),
    R("notifications:outbox-failed",      "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("notifications:outbox-resend",      "POST", "message",          302, 403, 403, 403, 403, 302),
    # The feed is dave's: it ends with his role, whoever asks (the last two columns).
    R("calendar-feeds:feed",              "GET",  "feed",
      200, 200, 200, 200, 200, 200, 404, 200),
    R("calendar-feeds:subscriptions",     "GET",  "",                 302, 403, 200, 200, 200, 200),
    R("calendar-feeds:regenerate",        "POST", "",                 302, 403, 404, 404, 404, 404),
    R("calendar-feeds:revoke",            "POST", "",                 302, 403, 404, 404, 404, 404),
    # Pages: reports and co-financing.
    R("cofinancing-overview",             "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("cofinancing-overview-csv",         "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("cofinancing-overview-xlsx",        "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("cofinancing-invoices-csv",         "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("cofinancing-invoices-xlsx",        "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("cofinancing-agreement-create",     "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("cofinancing-agreement-detail",     "GET",  "agreement",        302, 403, 403, 200, 404, 200),
    R("cofinancing-agreement-update",     "GET",  "agreement",        302, 403, 403, 403, 403, 200),
    R("cofinancing-invoice-create",       "GET",  "agreement",        302, 403, 403, 403, 403, 200),
    R("cofinancing-invoice-sent",         "GET",  "invoice",          302, 403, 403, 403, 403, 200),
    R("cofinancing-invoice-paid",         "GET",  "invoice",          302, 403, 403, 403, 403, 200),
    R("participation-report",             "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("participation-council",            "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("participation-export-csv",         "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("participation-export-xlsx",        "GET",  "",                 302, 403, 403, 403, 403, 200),
    # Outcome figures (issue 19): the programme manager only, like participation.
    R("outcomes-report",                  "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("outcomes-council",                 "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("outcomes-export-csv",              "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("outcomes-export-xlsx",             "GET",  "",                 302, 403, 403, 403, 403, 200),
    # The schools' pupils per grade (the reach's denominator): the manager, a coordinator
    # for their own schools.
    R("outcomes-pupils",                  "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("outcomes-pupils-school",           "GET",  "school",           302, 403, 403, 200, 404, 200),
    # Questionnaires: the link is the key (the world's enrolment link is no questionnaire
    # link, so a 404 for everyone); the group's questionnaire is its trainers', the
    # manager's and (to invite their pupils' teachers) the coordinators' of the schools
    # whose roster of the group they may open; a child page needs a child taking part and
    # an open moment (none here); inviting a teacher needs a child taking part (the world's
    # enrolment does not yet, so a 404 for those who may invite; trainers may not).
    R("evaluation-answer",                "GET",  "link",             404, 404, 404, 404, 404, 404),
    R("evaluation-group",                 "GET",  "group",            302, 403, 200, 200, 404, 200),
    R("evaluation-child",                 "GET",  "group",            302, 403, 404, 403, 403, 404),
    R("evaluation-teacher-invite",        "POST", "group",            302, 403, 403, 404, 404, 404),
    # The composer: the programme manager only; an empty question form is a 400.
    R("evaluation-compose-list",          "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("evaluation-compose-draft",         "POST", "programme",        302, 403, 403, 403, 403, 302),
    R("evaluation-compose-edit",          "GET",  "draft",            302, 403, 403, 403, 403, 200),
    R("evaluation-compose-question-add",  "POST", "draft",            302, 403, 403, 403, 403, 400),
    R("evaluation-compose-goal-add",      "POST", "draft",            302, 403, 403, 403, 403, 400),
    # A goal of the draft's programme: renamed on its page (an empty form is a 400), moved,
    # and removed only when no question measures it (the world's goal is measured).
    R("evaluation-compose-goal",          "GET",  "draft",            302, 403, 403, 403, 403, 200),
    R("evaluation-compose-goal-move",     "POST", "draft",            302, 403, 403, 403, 403, 302),
    R("evaluation-compose-goal-remove",   "POST", "draft",            302, 403, 403, 403, 403, 302),
    R("evaluation-compose-preview",       "GET",  "draft",            302, 403, 403, 403, 403, 200),
    R("evaluation-compose-publish",       "POST", "draft",            302, 403, 403, 403, 403, 302),
    R("evaluation-compose-question",      "GET",  "question",         302, 403, 403, 403, 403, 200),
    R("evaluation-compose-question-remove","POST","question",         302, 403, 403, 403, 403, 302),
    R("evaluation-compose-question-move", "POST", "question",         302, 403, 403, 403, 403, 302),
    # Pages: the relatiedesk (public, no account) and its texts (the programme manager edits).
    R("relatiedesk-home",                 "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("relatiedesk-parents",              "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("relatiedesk-children",             "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("relatiedesk-teenagers",            "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("relatiedesk-programme-parents",    "GET",  "code",             200, 200, 200, 200, 200, 200),
    R("relatiedesk-programme-children",   "GET",  "code",             200, 200, 200, 200, 200, 200),
    R("relatiedesk-programme-teenagers",  "GET",  "code",             200, 200, 200, 200, 200, 200),
    R("relatiedesk-manage",               "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("relatiedesk-manage-edit",          "GET",  "code",             302, 403, 403, 403, 403, 200),
    R("relatiedesk-manage-history",       "GET",  "code",             302, 403, 403, 403, 403, 200),
    # Referrals and prevention talks (issue 18): a coordinator refers (bob: his own referral,
    # carol: not hers, so 404); the manager keeps the wijkteammedewerkers; only a
    # wijkteammedewerker has slots (wendy's column: `WENDY` above). The parent's pages need
    # no account.
    R("referral-list",                    "GET",  "",                 302, 403, 403, 200, 200, 403),
    R("referral-create",                  "GET",  "",                 302, 403, 403, 200, 200, 403),
    R("referral-resend",                  "POST", "referral",         302, 403, 403, 302, 404, 403),
    R("referral-revoke",                  "POST", "referral",         302, 403, 403, 302, 404, 403),
    R("referral-workers",                 "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("referral-worker-create",           "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("talk-slot-list",                   "GET",  "",                 302, 403, 403, 403, 403, 403),
    R("talk-slot-cancel",                 "POST", "slot",             302, 403, 403, 403, 403, 403),
    R("talk-feed-regenerate",             "POST", "",                 302, 403, 403, 403, 403, 403),
    R("talk-feed-revoke",                 "POST", "",                 302, 403, 403, 403, 403, 403),
    # The worker's feed of booked talks: only its secret link (none of these holds one).
    R("calendar-feeds:talk-feed",         "GET",  "link",             404, 404, 404, 404, 404, 404),
    R("start-wijkteam",                   "GET",  "",                 302, 403, 403, 403, 403, 403),
    R("referral-link",                    "GET",  "referral_token",   200, 200, 200, 200, 200, 200),
    R("referral-enrol",                   "GET",  "referral_token",   302, 302, 302, 302, 302, 302),
    R("referral-talk",                    "GET",  "referral_token",   200, 200, 200, 200, 200, 200),
    R("referral-decline",                 "POST", "referral_token",   200, 200, 200, 200, 200, 200),
    R("talk-slots",                       "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("talk-booking",                     "GET",  "talk_token",       200, 200, 200, 200, 200, 200),
    R("talk-booking-cancel",              "POST", "talk_token",       302, 302, 302, 302, 302, 302),
    R("api:api-referral-list",            "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:api-referral-detail",          "GET",  "referral",         401, 404, 404, 200, 404, 404),
    R("api:api-referral-resend",          "POST", "referral",         401, 403, 403, 200, 404, 403),
    R("api:api-referral-revoke",          "POST", "referral",         401, 403, 403, 200, 404, 403),
    R("api:api-wijkteam-worker-list",     "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:api-wijkteam-worker-detail",   "GET",  "worker",           401, 404, 404, 404, 404, 200),
    R("api:api-talk-slot-list",           "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:api-talk-slot-detail",         "GET",  "slot",             401, 404, 404, 404, 404, 200),
    R("api:api-talk-slot-cancel",         "POST", "slot",             401, 403, 403, 403, 403, 403),
    R("api:api-talk-booking-list",        "GET",  "",                 401, 200, 200, 200, 200, 200),
    R("api:api-public-talk-slots",        "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("api:api-public-talk-book",         "POST", "slot_uid",         400, 400, 400, 400, 400, 400),
    R("api:api-talk-booking-detail",      "GET",  "booking",          401, 404, 404, 404, 404, 200),
    # Pages: the catalogue, log-in and management.
    R("home",                             "GET",  "",                 200, 200, 200, 200, 200, 200),
    R("programme-public-detail",          "GET",  "code",             200, 200, 200, 200, 200, 200),
    R("login",                            "GET",  "",                 200, 302, 302, 302, 302, 302),
    R("logout",                           "POST", "",                 302, 302, 302, 302, 302, 302),
    R("manage-home",                      "GET",  "",                 302, 403, 200, 200, 200, 200),
    # The start pages (issue 17): /start/ sends each user on, to their role's page or home.
    R("start",                            "GET",  "",                 302, 302, 302, 302, 302, 302),
    R("start-manager",                    "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("start-coordinator",                "GET",  "",                 302, 403, 403, 200, 200, 403),
    R("start-trainer",                    "GET",  "",                 302, 403, 200, 403, 403, 403),
    R("manage-programme-list",            "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("manage-programme-create",          "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("manage-programme-detail",          "GET",  "programme",        302, 403, 403, 403, 403, 200),
    R("manage-programme-update",          "GET",  "programme",        302, 403, 403, 403, 403, 200),
    R("manage-school-list",               "GET",  "",                 302, 403, 403, 200, 200, 200),
    R("manage-school-create",             "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("manage-school-detail",             "GET",  "school",           302, 403, 404, 200, 404, 200),
    R("manage-school-update",             "GET",  "school",           302, 403, 403, 403, 403, 200),
    R("manage-closure-create",            "GET",  "school",           302, 403, 404, 200, 404, 200),
    R("manage-closure-update",            "GET",  "closure",          302, 403, 404, 200, 404, 200),
    R("manage-closure-delete",            "GET",  "closure",          302, 403, 404, 200, 404, 200),
    R("manage-trainer-list",              "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("manage-own-trainer",               "GET",  "",                 302, 403, 302, 403, 403, 403),
    R("manage-trainer-detail",            "GET",  "trainer",          302, 403, 200, 404, 404, 200),
    R("manage-trainer-certificate",       "GET",  "trainer",          302, 403, 403, 403, 403, 200),
    R("manage-unavailability-create",     "GET",  "trainer",          302, 403, 200, 404, 404, 200),
    R("manage-unavailability-delete",     "GET",  "absence",          302, 403, 200, 404, 404, 200),
    R("manage-school-year-list",          "GET",  "",                 302, 403, 200, 200, 200, 200),
    R("manage-school-year-create",        "GET",  "",                 302, 403, 403, 403, 403, 200),
    R("manage-school-year-detail",        "GET",  "year",             302, 403, 200, 200, 200, 200),
    R("manage-holiday-create",            "GET",  "year",             302, 403, 403, 403, 403, 200),
    R("manage-school-year-import-rijksoverheid", "POST", "year",      302, 403, 403, 403, 403, 400),
    R("manage-school-year-import-ics",    "POST", "year",             302, 403, 403, 403, 403, 400),
    R("manage-holiday-update",            "GET",  "holiday",          302, 403, 403, 403, 403, 200),
    R("manage-holiday-delete",            "GET",  "holiday",          302, 403, 403, 403, 403, 200),
]
# fmt: on

ROWS = {row.key: row for row in TABLE}
# Redirects that go somewhere other than the log-in page for anyone: the log-out, and the
# parent's invitation and talk links (no account), which lead on to their next page, and the
# way from a parent's link to their data and the pooled family's confirmation, which a GET
# leads back to the link's page.
NOT_TO_LOG_IN = (
    "logout",
    "referral-enrol",
    "talk-booking-cancel",
    "enrol-link-data",
    "enrol-link-pool-confirm",
)


# --- the URL patterns ------------------------------------------------------------------------


class Route(NamedTuple):
    key: str
    pattern: str


def routes(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    """Every URL pattern below the root, as (table key, full pattern), excluded ones left out."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        pattern = prefix + str(entry.pattern)
        if pattern.startswith(EXCLUDED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from routes(entry.url_patterns, pattern, inner)
        elif isinstance(entry, URLPattern):
            name = namespace + (entry.name or f"<unnamed {pattern}>")
            yield Route(("api:" if pattern.startswith("api/v1/") else "") + name, pattern)


_REGEX_KWARG = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_PATH_KWARG = re.compile(r"<(?:\w+:)?(\w+)>")


def url_for(route: Route, row: Row, world: dict[str, Any]) -> str:
    """The route's path with its kwargs filled from the world (regex routes included)."""
    names = _REGEX_KWARG.findall(route.pattern) or _PATH_KWARG.findall(route.pattern)
    values = {
        name: world[row.target if position == 0 else OTHER_KWARGS[name]]
        for position, name in enumerate(names)
    }
    path = _REGEX_KWARG.sub(lambda m: str(values[m.group(1)]), route.pattern)
    path = _PATH_KWARG.sub(lambda m: str(values[m.group(1)]), path)
    path = "/" + path.replace("^", "").replace("$", "").replace(".*", "bestaat-niet")
    if row.target.startswith("?"):
        parameter, source = row.target[1:].split("=")
        path += "?" + urlencode({parameter: world[source]})
    return path


def all_routes() -> dict[str, Route]:
    return {route.key: route for route in routes()}


# --- the tests -------------------------------------------------------------------------------


def test_every_url_has_a_row_and_every_row_a_url() -> None:
    found = all_routes()
    missing = sorted(set(found) - set(ROWS))
    stale = sorted(set(ROWS) - set(found))
    assert not missing, (
        "URL patterns without a row in the access matrix (tests/security/test_access_matrix.py"
        "): " + ", ".join(f"{key} (/{found[key].pattern})" for key in missing)
    )
    assert not stale, "Rows for URLs that no longer exist: " + ", ".join(stale)
    assert len(TABLE) == len(ROWS), "a URL name appears twice in the table"


@pytest.fixture
def wendy(school_a: Any) -> Any:
    """A wijkteammedewerker (her worker profile) serving school A."""
    worker = factories.WijkteamWorkerFactory(user=factories.UserFactory(username="wendy"))
    worker.schools.add(school_a)
    return worker


@pytest.fixture
def clients(alice: Any, bob: Any, carol: Any, dave: Any, eve: Any, wendy: Any) -> dict[str, Client]:
    logged_in = {"eve": eve, "dave": dave.user, "bob": bob, "carol": carol, "alice": alice}
    logged_in["wendy"] = wendy.user
    # Logged in while they still have the role; the test ends it after building the world.
    logged_in |= {"inactive trainer": dave.user, "former coordinator": bob}
    made = {"anonymous": Client()}
    for persona, user in logged_in.items():
        made[persona] = Client()
        made[persona].force_login(user)
    return made


def fetch(client: Client, row: Row, path: str) -> Any:
    """One request, its changes rolled back; throttles start afresh so they never answer.

    The client's cookies are put back afterwards too, so a log-out does not log it out.
    """
    cache.clear()
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    with transaction.atomic():
        if row.method == "GET":
            response = client.get(path)
        elif row.key.startswith("api:"):
            response = client.post(path, {}, content_type="application/json")
        else:
            response = client.post(path, {})
        transaction.set_rollback(True)
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies[name] = value
    return response


def end_role(persona: str, *, bob: Any, dave: Any) -> None:
    """End the role of a ROLE_ENDED persona through the services the pages and API call."""
    if persona == "inactive trainer":
        programme_services.trainer_update(trainer=dave, active=False)
    elif persona == "former coordinator":
        for school in School.objects.filter(coordinators=bob):
            programme_services.school_update(
                school=school, coordinators=school.coordinators.exclude(pk=bob.pk)
            )


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_table_says(
    persona: str,
    clients: dict[str, Client],
    school_a: Any,
    school_b: Any,
    bob: Any,
    dave: Any,
    wendy: Any,
) -> None:
    column = PERSONAS.index(persona)
    found = all_routes()
    wrong = []
    with time_machine.travel(TODAY, tick=False):
        world = build_world(school_a=school_a, bob=bob, dave=dave, worker=wendy)
        end_role(persona, bob=bob, dave=dave)
        for row in TABLE:
            if row.key not in found:
                continue  # reported by test_every_url_has_a_row_and_every_row_a_url
            path = url_for(found[row.key], row, world)
            response = fetch(clients[persona], row, path)
            expected = row.expected[column]
            if response.status_code != expected:
                wrong.append(
                    f"{row.key} ({row.method} {path}): {response.status_code}, expected {expected}"
                )
            elif persona == "anonymous" and expected == 302 and row.key not in NOT_TO_LOG_IN:
                # Sent to the log-in page, not somewhere else.
                location = response["Location"]
                if location.split("?")[0] != reverse("login"):
                    wrong.append(f"{row.key}: redirected to {location}, not to the log-in page")
    assert not wrong, f"{persona}: " + "\n".join(wrong)
