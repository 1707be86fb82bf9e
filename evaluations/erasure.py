"""The pairing of before and after goes with the enrolment's retention.

The enrolment app announces `Erased` when an enrolment's personal data goes. In the same
transaction this listener keeps, per goal, whether the pair's answer improved
(`PairOutcome`, no key), blanks the pseudonym on the answers and deletes the `PairKey`
rows and the invitations of that enrolment. What remains are anonymous answers, and the
outcome figures are the same as before.
"""

from __future__ import annotations

from core.domain_events import subscribe
from enrolment import events as enrolment_events
from evaluations.models import Invitation, PairKey, PairOutcome, Response
from evaluations.selectors import pair_outcomes


def pairs_erase(*, enrolment_id: int) -> int:
    """Unpair the answers of one enrolment (inside the caller's transaction); returns how
    many keys went. A second call changes nothing."""
    keys = list(PairKey.objects.filter(enrolment_id=enrolment_id).values_list("key", flat=True))
    if not keys:
        return 0
    PairOutcome.objects.bulk_create(
        PairOutcome(
            programme_id=outcome.programme_id,
            group_id=outcome.group_id,
            school_year_id=outcome.school_year_id,
            school_id=outcome.school_id,
            respondent=outcome.respondent,
            goal_id=outcome.goal_id,
            improved=outcome.improved,
        )
        for outcome in pair_outcomes(Response.objects.filter(pair_key__in=keys))
    )
    Response.objects.filter(pair_key__in=keys).update(pair_key="")
    Invitation.objects.filter(pair_key__key__in=keys).delete()
    PairKey.objects.filter(key__in=keys).delete()
    return len(keys)


def on_erased(event: enrolment_events.Erased) -> None:
    pairs_erase(enrolment_id=event.enrolment_id)


def register() -> None:
    subscribe(enrolment_events.Erased, on_erased)
