"""Domain events the referrals app announces; the notifications app listens.

As in `enrolment.events`, an event that leads to a mail with a secret link carries the
link's token in memory only (the database keeps its hash)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReferralSent:
    """A referral was sent (`revision` 1) or sent again (2, 3, ...: each with a new token)."""

    referral_id: int
    revision: int
    token: str = field(compare=False, repr=False)


@dataclass(frozen=True)
class TalkBooked:
    booking_id: int
    token: str = field(compare=False, repr=False)


@dataclass(frozen=True)
class TalkMoved:
    """The booking moved to another slot; `sequence` is its calendar SEQUENCE now."""

    booking_id: int
    sequence: int
    token: str = field(compare=False, repr=False)


@dataclass(frozen=True)
class TalkCancelled:
    """The booking was cancelled by the parent or, with its slot, by the worker."""

    booking_id: int
    sequence: int
    by_worker: bool = False


@dataclass(frozen=True)
class TalkReminderDue:
    booking_id: int
