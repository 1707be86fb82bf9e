"""Domain events the enrolment app announces; the notifications app listens.

Events that lead to an e-mail with a secret link carry the link's token: it exists
only in memory here (the database keeps a hash), so the listener that writes the
outbox row in the same transaction is the only place that can put it in a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EnrolmentReceived:
    """A new submission. The service that made it hands its rows along (in memory only, no
    part in comparing events), so a listener in the same transaction need not load them:
    the enrolling guardian and the enrolments with their child and group (programme and
    host school loaded)."""

    submission_id: int
    guardian_id: int
    confirm_token: str
    guardian: Any = field(default=None, compare=False, repr=False)
    enrolments: tuple[Any, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class EmailConfirmed:
    """The enroller confirmed their address. `duplicate_ids`: the submission's running
    enrolments flagged as possible duplicates (in memory only), so a listener asks about
    them only when there are any."""

    submission_id: int
    guardian_id: int
    duplicate_ids: tuple[int, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class ConsentRequested:
    """A guardian (or, `for_child`, the child through the enroller) is asked for consent.
    A guardian is asked once for all the children of a submission that need their consent
    (`enrolment_ids`, the first being `enrolment_id`); a child only for themselves."""

    enrolment_id: int
    guardian_id: int
    token: str
    for_child: bool = False
    enrolment_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ConsentRequestResent:
    """The school sent a missing consent's request again, with a fresh link (`token`, in
    memory only): to another guardian (consent), the enroller (confirmation) or, for the
    child (`for_child`), through the enroller."""

    enrolment_id: int
    guardian_id: int
    token: str
    for_child: bool = False


@dataclass(frozen=True)
class ConsentGiven:
    enrolment_id: int
    guardian_id: int | None


@dataclass(frozen=True)
class ConsentRefused:
    enrolment_id: int
    guardian_id: int | None


@dataclass(frozen=True)
class ConsentWithdrawn:
    """A guardian (`guardian_id`) or the child (`guardian_id` None) withdrew the consent they
    had given. `ended`: no valid consent remains, so the enrolment ended (a held seat went to
    the next child); `was_confirmed`: the child had been confirmed (the guardians' calendars
    hold the group's sessions)."""

    enrolment_id: int
    guardian_id: int | None
    ended: bool
    was_confirmed: bool = False


@dataclass(frozen=True)
class GuardianEmailChangeRequested:
    """A guardian asked, through their own link, to use a new e-mail address: the new
    address gets a link to confirm it (`token`, in memory only)."""

    guardian_id: int
    token: str
    new_email: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class SeatHeld:
    enrolment_id: int


@dataclass(frozen=True)
class SeatConfirmed:
    enrolment_id: int


@dataclass(frozen=True)
class SeatReleased:
    enrolment_id: int
    reason: str


@dataclass(frozen=True)
class Waitlisted:
    """A child joined a group's waitlist. As with EnrolmentReceived, the service may hand
    along the enrolment (child, group, programme, host school loaded) and its enroller."""

    enrolment_id: int
    position: int
    enrolment: Any = field(default=None, compare=False, repr=False)
    enroller: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SeatOffered:
    enrolment_id: int
    guardian_id: int
    token: str


@dataclass(frozen=True)
class OfferExpired:
    enrolment_id: int


@dataclass(frozen=True)
class Withdrawn:
    enrolment_id: int


@dataclass(frozen=True)
class DuplicateMerged:
    """A coordinator merged a possible duplicate (`enrolment_id`, now ended) into the
    child's first enrolment (`original_id`)."""

    enrolment_id: int
    original_id: int


@dataclass(frozen=True)
class Erased:
    """The data of an enrolment was erased. The enroller's address and language, read just
    before the guardians' details were blanked, let a listener confirm it to them (in memory
    only; they play no part in comparing events).

    So that what others hold of them goes too (the outbox), the event names the guardians
    whose details were erased with it (`guardian_ids`: empty while a sibling's enrolment
    still needs them) and hands along, in memory only, the values that were erased
    (`erased_values`: the child's names, and those guardians' names, addresses and phones)
    to look for in messages to others."""

    enrolment_id: int
    notify_email: str = field(default="", compare=False, repr=False)
    notify_language: str = field(default="", compare=False, repr=False)
    guardian_ids: tuple[int, ...] = field(default=(), compare=False)
    erased_values: tuple[str, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class AbsentTwice:
    """A confirmed child was absent (not excused) at two consecutive sessions of the group;
    the pupil's school coordinator should hear about it."""

    enrolment_id: int


@dataclass(frozen=True)
class EnrolmentsPooled:
    """The children of a group that did not start alone were moved into the group it was
    pooled with (`enrolment.pooling`); their families should get the new place and times,
    and confirm or withdraw. `links`: (guardian id, raw token) of each guardian's own link
    for the answer, in memory only."""

    from_group_id: int
    into_group_id: int
    enrolment_ids: tuple[int, ...]
    links: tuple[tuple[int, str], ...] = field(default=(), compare=False, repr=False)
