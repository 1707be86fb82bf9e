"""Wires the enrolment's "address confirmed" to the referrals it answers.

`referrals` and `enrolment` stand side by side in the layering and may not import each
other, so this top-layer module listens to `enrolment.events.EmailConfirmed` and hands the
referrals service only what it needs to match: the confirmed address and the (programme,
school) pairs of the submission, for the pupil's school and the group's host school.
Nothing of the child reaches the referrals app. When a family's enrolment data is erased
(`Erased`), their referrals and talk bookings are erased with it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Lower

from core.domain_events import subscribe
from enrolment import events as enrolment_events
from enrolment.models import Enrolment, Guardian
from referrals.retention import referrals_erase_for_addresses
from referrals.services import referrals_mark_enrolled_matching


def on_email_confirmed(event: enrolment_events.EmailConfirmed) -> None:
    """One UPDATE: the referrals to the confirmed address for a (programme, school) of the
    submission's enrolments (the pupil's school or the group's host school)."""
    address = Guardian.objects.filter(pk=event.guardian_id).values(lower=Lower("email"))[:1]
    enrolled_there = Enrolment.objects.filter(
        Q(child__school_id=OuterRef("school_id")) | Q(group__host_school_id=OuterRef("school_id")),
        submission_id=event.submission_id,
        group__programme_id=OuterRef("programme_id"),
    )
    referrals_mark_enrolled_matching(email=Subquery(address), matching=Exists(enrolled_there))


def on_erased(event: enrolment_events.Erased) -> None:
    """A family's enrolment data was erased: their referrals and talk bookings go too (the
    enroller's address and the guardians' erased addresses, handed along in memory)."""
    referrals_erase_for_addresses(emails=[event.notify_email, *event.erased_values])


def register() -> None:
    subscribe(enrolment_events.EmailConfirmed, on_email_confirmed)
    subscribe(enrolment_events.Erased, on_erased)
