"""Domain events the evaluations app announces; the notifications app listens.

An invitation's token exists only in memory here (the database keeps a hash), so the
listener that writes the invitation mail in the same transaction is the only place that
can put the link in a message.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InvitationIssued:
    """A personal questionnaire link was made (`reminder`: again, with a new token, for
    someone who has not answered yet; the old link stops working)."""

    invitation_id: int
    token: str
    reminder: bool = False


@dataclass(frozen=True)
class ResponseSubmitted:
    group_id: int
    moment: str
    respondent: str
