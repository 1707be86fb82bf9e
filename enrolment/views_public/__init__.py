"""The parent's pages: find a group, enrol, and answer the links in our e-mails.

One module per step: `finding` (school and groups), `form` (enrolling), `links` (the
links in our e-mails), `consent_withdrawal` (withdrawing one's own consent), `contact` (one's own
details), `data_rights` (the way to one's own data); the names
`urls_public` routes to are re-exported here.

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

from enrolment.views_public.consent_withdrawal import link_consent_withdraw
from enrolment.views_public.contact import link_contact
from enrolment.views_public.data_rights import link_data
from enrolment.views_public.finding import interest, interest_thanks, school_groups, school_search
from enrolment.views_public.form import FORM_NONCE_COOKIE, RECEIVED_COOKIE, enrol, received
from enrolment.views_public.links import link, link_page, link_pool_confirm, link_withdraw

__all__ = [
    "FORM_NONCE_COOKIE",
    "RECEIVED_COOKIE",
    "enrol",
    "interest",
    "interest_thanks",
    "link",
    "link_consent_withdraw",
    "link_contact",
    "link_data",
    "link_page",
    "link_pool_confirm",
    "link_withdraw",
    "received",
    "school_groups",
    "school_search",
]
