"""Listeners: every domain event that someone should hear about becomes outbox rows.

Each listener runs inside the transaction of the change that emitted the event (see
`core.domain_events`), loads what it needs by id, and writes one outbox row per recipient
through `messages.message_write`. The outbox key is (event, object id, recipient,
revision), so an event that is replayed writes no second message, while a later change of
the same object (a higher session revision, a new offer) does.

Who hears what:

The first mail to an address someone typed names nobody but the child by first name:
"received" to the enroller, the consent request to another guardian (`first_contact`, see
`messages.guardian_recipient`).

Until the enroller has confirmed their address, the confirmation mail ("received") is the
only mail written for a submission: to no guardian of it goes anything else (`may_mail`,
the one home of that rule; `mailable_guardians` says the same of a query). What was held
back and still applies is written when they confirm (`on_email_confirmed`).

- enrolment: the enrolling guardian gets "received" (with the confirmation link), the
  waitlist position, offers (with the offer link and its expiry), an expired offer, a
  withdrawal (every guardian, with the calendar's cancellation, once the child had been
  confirmed) and the erasure of the data; each other guardian whose consent is needed gets
  the consent request (the enroller gets the child's own consent link); a consent that
  leaves the enrolment still waiting is reported to the enroller (a consent that completes
  it is answered by the invitation itself); a refusal goes, in neutral words, to the
  guardians who were part of the consent (the enroller and whoever was asked);
- confirmed: every guardian of the submission gets the invitation with the group's
  calendar (REQUEST);
- schedule changes: every guardian of a confirmed child and every trainer of the group
  gets the update with a calendar file (REQUEST or CANCEL as the change asks);
- a group below its minimum: postponed, every guardian of a confirmed child and every
  trainer gets one updated invitation with the moved series; pooled, the moved children's
  families get the new group's place and times (with its calendar once confirmed); not
  started, the "group cancelled" message, offering the programme's other open groups;
- trainers: assigned (the group's calendar) or removed (its cancellation);
- consent withdrawn (by a guardian or the child, through their own link): in neutral words
  to the other guardians (to every guardian, with the calendar's cancellation, when it ended
  a confirmed child's place) and to the coordinators of the pupil's school;
- a new address a guardian asked for through their own link: the confirmation link, to the
  new address only;
- twice absent: the coordinators of the pupil's school;
- a locked log-in: the account's owner, once per lock (the moment and that it was locked,
  nothing of what was typed or from where).

Modules: `loading` (what the listeners share), `enrolments`, `schedule`, `viability` and
`accounts` (the
listeners by the events they hear); who may be mailed is `notifications.audience`'s to say.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.domain_events import subscribe
from enrolment import events as enrolment_events
from notifications.listeners.accounts import on_account_locked
from notifications.listeners.enrolments import (
    on_absent_twice,
    on_consent_given,
    on_consent_refused,
    on_consent_request_resent,
    on_consent_requested,
    on_consent_withdrawn,
    on_duplicate_merged,
    on_email_confirmed,
    on_enrolment_received,
    on_erased,
    on_guardian_email_change_requested,
    on_offer_expired,
    on_seat_confirmed,
    on_seat_offered,
    on_waitlisted,
    on_withdrawn,
)
from notifications.listeners.loading import group_revision
from notifications.listeners.schedule import (
    on_group_cancelled,
    on_session_added,
    on_session_cancelled,
    on_session_moved,
    on_trainer_assigned,
    on_trainer_removed,
)
from notifications.listeners.viability import on_enrolments_pooled, on_group_postponed
from programmes import events as programme_events
from scheduler import events as scheduler_events

__all__ = ["LISTENERS", "group_revision", "register"]

LISTENERS: list[tuple[type, Callable[[Any], None]]] = [
    (programme_events.AccountLocked, on_account_locked),
    (enrolment_events.EnrolmentReceived, on_enrolment_received),
    (enrolment_events.EmailConfirmed, on_email_confirmed),
    (enrolment_events.ConsentRequested, on_consent_requested),
    (enrolment_events.ConsentRequestResent, on_consent_request_resent),
    (enrolment_events.ConsentGiven, on_consent_given),
    (enrolment_events.ConsentRefused, on_consent_refused),
    (enrolment_events.ConsentWithdrawn, on_consent_withdrawn),
    (enrolment_events.GuardianEmailChangeRequested, on_guardian_email_change_requested),
    (enrolment_events.SeatConfirmed, on_seat_confirmed),
    (enrolment_events.Waitlisted, on_waitlisted),
    (enrolment_events.SeatOffered, on_seat_offered),
    (enrolment_events.OfferExpired, on_offer_expired),
    (enrolment_events.Withdrawn, on_withdrawn),
    (enrolment_events.DuplicateMerged, on_duplicate_merged),
    (enrolment_events.Erased, on_erased),
    (enrolment_events.AbsentTwice, on_absent_twice),
    (scheduler_events.SessionMoved, on_session_moved),
    (scheduler_events.SessionCancelled, on_session_cancelled),
    (scheduler_events.SessionAdded, on_session_added),
    (scheduler_events.GroupCancelled, on_group_cancelled),
    (scheduler_events.TrainerAssigned, on_trainer_assigned),
    (scheduler_events.TrainerRemoved, on_trainer_removed),
    (scheduler_events.GroupPostponed, on_group_postponed),
    (enrolment_events.EnrolmentsPooled, on_enrolments_pooled),
]


def register() -> None:
    """Subscribe every listener (called once from `NotificationsConfig.ready`)."""
    for event_type, listener in LISTENERS:
        subscribe(event_type, listener)
