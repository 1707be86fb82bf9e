"""iCalendar files: invitations that real calendars accept, update and cancel, and feeds.

Invitations follow iTIP (RFC 5546) as sent by mail (iMIP, RFC 6047):

- A group's child sessions are ONE recurring event (UID ``group-<id>-child@<site>``):
  a weekly RRULE over the weeks from the first to the last child session, an EXDATE
  for every week in between without a scheduled session (holidays, cancelled ones),
  and an override with RECURRENCE-ID for every session that is not at its week's
  slot (moved). Each parent meeting is its own event (UID ``session-<uuid>@<site>``).
- SEQUENCE of the series is the sum of its sessions' revisions: every change to any
  session raises one revision by at least one, so the sum rises with every change
  (a maximum would not: cancelling a never-changed session leaves the maximum as it
  was). A parent meeting's SEQUENCE is its own revision.
- Times carry TZID=Europe/Amsterdam with a hand-written VTIMEZONE of two RRULE-based
  rules (Outlook misreads the long RDATE lists that icalendar generates).
- ORGANIZER is the sending mailbox; the recipient is the only ATTENDEE, with RSVP=FALSE
  and PARTSTAT=ACCEPTED, so calendars send no replies.

The series' slots. A session's original date is not stored, so the weekly slot an
instance belongs to (its RECURRENCE-ID) is derived from the sessions as they are: the
grid is ``group.weekday`` at ``group.start_time`` in every week; each session takes the
slot of the week it lies in (scheduled sessions before cancelled ones); a second
session in an already taken week takes the nearest free week of the series instead
(for a session moved into another session's week, that is the week it came from).
A session moved within its week is therefore an override of that week's slot (its
original start); a session moved to a week that had no session shows up as that
week's instance while its old week gets an EXDATE. Both expand to exactly the
scheduled dates. Because a moved series may change its EXDATEs, `session_update`
always sends the whole series (master plus every override) with the new SEQUENCE,
which every calendar applies as a replacement; a lone override would only be right if
the recipient's copy of the master matched ours, which nothing records.

Feeds (`feed_calendar`) carry no METHOD and one plain VEVENT per session.

Modules: `entries` (UIDs, titles, places, the time zone), `invitations` (iTIP by mail) and
`feeds` (subscription feeds); the names below are the package's public face.
"""

from __future__ import annotations

from notifications.calendar.entries import (
    AMSTERDAM,
    FEED_REFRESH,
    PRODID,
    TZID,
    SessionLike,
    amsterdam_vtimezone,
    group_location,
    group_title,
    series_uid,
    session_title,
    session_uid,
    site_domain,
)
from notifications.calendar.feeds import feed_calendar, feed_event_status, feed_fingerprint
from notifications.calendar.invitations import (
    ChildSeries,
    child_series,
    group_cancellation,
    group_invitation,
    parent_meetings_of,
    session_cancellation,
    session_update,
)

__all__ = [
    "AMSTERDAM",
    "FEED_REFRESH",
    "PRODID",
    "TZID",
    "ChildSeries",
    "SessionLike",
    "amsterdam_vtimezone",
    "child_series",
    "feed_calendar",
    "feed_event_status",
    "feed_fingerprint",
    "group_cancellation",
    "group_invitation",
    "group_location",
    "group_title",
    "parent_meetings_of",
    "series_uid",
    "session_cancellation",
    "session_title",
    "session_uid",
    "session_update",
    "site_domain",
]
