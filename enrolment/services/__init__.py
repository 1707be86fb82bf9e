"""Every change to enrolments, one module per noun: submitting, consent, seats and the
waitlist, offers, intake, withdrawal, attendance, links, retention.

The public services are re-exported here, so `from enrolment.services import
submission_create` keeps working for callers in other apps. Celery finds the tasks declared
beside their services (`autodiscover_tasks(related_name="services")` imports this package),
so every module that declares a task is imported here: `offers` and `retention`.
"""

from __future__ import annotations

from enrolment.services import offers, retention
from enrolment.services.attendance import ATTENDANCE_NOTE_MAX, attendance_record
from enrolment.services.consent import (
    AnswerChangeRefused,
    ConsentAnswer,
    child_consent_record_at_intake,
    consent_answer,
    consent_asked_of,
    consent_requirements,
    consent_state,
    consent_state_of,
    email_confirm,
)
from enrolment.services.consent_resend import ConsentResend, consent_request_resend
from enrolment.services.consent_texts import (
    STALE_CONSENT_TEXT,
    consent_text_current,
    consent_text_in_use,
    consent_text_save,
)
from enrolment.services.consent_withdrawal import (
    ConsentWithdrawal,
    consent_withdraw,
    withdrawable_consent,
)
from enrolment.services.eligibility import (
    child_key,
    children_eligibility_errors,
    eligibility_errors,
    first_child_session_date,
    group_open_for_enrolment,
)
from enrolment.services.guardians import (
    ContactChange,
    guardian_contact_change,
    guardian_email_change_confirm,
)
from enrolment.services.intake import intake_record
from enrolment.services.interest import interest_register

# `_make_link` is private; tools/page_tour.py makes a link with it to walk the parent pages.
from enrolment.services.links import _make_link as _make_link
from enrolment.services.links import consent_link_renew, link_resolve
from enrolment.services.offers import holds_and_offers_expire, offer_answer
from enrolment.services.pool_answer import (
    PoolAnswer,
    pool_answer_open,
    pool_confirm,
    pool_link_guardians,
    pool_link_renew,
    pool_links_issue,
)
from enrolment.services.seats import (
    LOCKED_WITH_ENROLMENT,
    offer_next,
    seats_taken_in,
    waitlist_position,
)
from enrolment.services.submissions import (
    ChildInput,
    GuardianInput,
    IdempotencyKeyReused,
    SubmissionResult,
    idempotency_key_hash,
    submission_create,
    submission_fingerprint,
    submission_replay,
)
from enrolment.services.withdrawal import enrolment_withdraw, enrolment_withdraw_by_link

__all__ = [
    "ATTENDANCE_NOTE_MAX",
    "LOCKED_WITH_ENROLMENT",
    "STALE_CONSENT_TEXT",
    "AnswerChangeRefused",
    "ChildInput",
    "ConsentAnswer",
    "ConsentResend",
    "ConsentWithdrawal",
    "ContactChange",
    "GuardianInput",
    "IdempotencyKeyReused",
    "PoolAnswer",
    "SubmissionResult",
    "attendance_record",
    "child_consent_record_at_intake",
    "child_key",
    "children_eligibility_errors",
    "consent_answer",
    "consent_asked_of",
    "consent_link_renew",
    "consent_request_resend",
    "consent_requirements",
    "consent_state",
    "consent_state_of",
    "consent_text_current",
    "consent_text_in_use",
    "consent_text_save",
    "consent_withdraw",
    "eligibility_errors",
    "email_confirm",
    "enrolment_withdraw",
    "enrolment_withdraw_by_link",
    "first_child_session_date",
    "group_open_for_enrolment",
    "guardian_contact_change",
    "guardian_email_change_confirm",
    "holds_and_offers_expire",
    "idempotency_key_hash",
    "intake_record",
    "interest_register",
    "link_resolve",
    "offer_answer",
    "offer_next",
    "offers",
    "pool_answer_open",
    "pool_confirm",
    "pool_link_guardians",
    "pool_link_renew",
    "pool_links_issue",
    "retention",
    "seats_taken_in",
    "submission_create",
    "submission_fingerprint",
    "submission_replay",
    "waitlist_position",
    "withdrawable_consent",
]
