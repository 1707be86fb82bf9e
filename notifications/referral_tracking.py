"""Wires the enrolment's "address confirmed" to the referrals it answers.

`referrals` and `enrolment` stand side by side in the layering and may not import each
other, so this top-layer module listens to `enrolment.events.EmailConfirmed` and hands the
referrals service only what it needs to match: the confirmed address and the (programme,
school) pairs of the submission, for the pupil's school and the group's host school.
Nothing of the child reaches the referrals app.
"""

from __future__ import annotations

from config.domain_events import subscribe
from enrolment import events as enrolment_events
from enrolment.models import Enrolment, Guardian
from referrals.services import referrals_mark_enrolled


def on_email_confirmed(event: enrolment_events.EmailConfirmed) -> None:
    email = Guardian.objects.filter(pk=event.guardian_id).values_list("email", flat=True).first()
    if not email:
        return
    pairs: set[tuple[int, int]] = set()
    rows = Enrolment.objects.filter(submission_id=event.submission_id).values_list(
        "group__programme_id", "child__school_id", "group__host_school_id"
    )
    for programme_id, pupil_school_id, host_school_id in rows:
        pairs.add((programme_id, pupil_school_id))
        pairs.add((programme_id, host_school_id))
    if pairs:
        referrals_mark_enrolled(email=email, pairs=pairs)


def register() -> None:
    subscribe(enrolment_events.EmailConfirmed, on_email_confirmed)
