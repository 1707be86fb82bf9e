"""When the scheduler pools a group below its minimum with another (GroupPooled), its
children move along: every enrolment still active (holding a seat or on the waitlist)
changes group, keeping its status, consent and place in the queue (a waitlist is first
come, first served by `created_at`). The scheduler refused the pooling when the seats of
both groups together exceed the receiving group's capacity, so no seat is overbooked.

Enrolment owns its rows, so this listener, not the scheduler, moves them; it runs inside the
scheduler's transaction (`core.domain_events`) and announces whom it moved
(EnrolmentsPooled), to which notifications answers with the updated invitation. Each moved
enrolment is marked `pooled_from` (the old group) until the family confirms or withdraws
(`services.pool_answer`); each guardian with authority gets a link of their own for it,
handed along in the event (raw tokens, in memory only).
"""

from __future__ import annotations

from core.domain_events import emit, subscribe
from enrolment import events
from enrolment.models import ACTIVE, Enrolment
from enrolment.services.pool_answer import pool_links_issue
from scheduler import events as scheduler_events


def on_group_pooled(event: scheduler_events.GroupPooled) -> None:
    moving = Enrolment.objects.select_for_update().filter(
        group_id=event.group_id, status__in=sorted(ACTIVE)
    )
    ids = tuple(moving.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return
    Enrolment.objects.filter(pk__in=ids).update(
        group_id=event.into_group_id, pooled_from_id=event.group_id, pool_confirmed_at=None
    )
    submissions = set(Enrolment.objects.filter(pk__in=ids).values_list("submission_id", flat=True))
    emit(
        events.EnrolmentsPooled(
            from_group_id=event.group_id,
            into_group_id=event.into_group_id,
            enrolment_ids=ids,
            links=pool_links_issue(submissions),
        )
    )


def register() -> None:
    """Listen for pooled groups (from `EnrolmentConfig.ready`)."""
    subscribe(scheduler_events.GroupPooled, on_group_pooled)
