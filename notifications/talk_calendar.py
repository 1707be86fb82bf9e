"""Calendar files for prevention talks: one event per booking, the booking's own UID.

Like the group invitations (`notifications.calendar`): a booking goes out as an iTIP REQUEST;
when the parent moves it, the same UID with a higher SEQUENCE; when it is cancelled, a CANCEL
with the SEQUENCE raised once more. Times are in Europe/Amsterdam with its VTIMEZONE.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.calendar.entries import set_property as _set
from notifications.calendar.entries import site_domain
from notifications.calendar.invitations import _event, _itip, _new_calendar


def talk_uid(booking: Any) -> str:
    return f"talk-{booking.uid}@{site_domain()}"


def talk_title() -> str:
    # Discreet on purpose: a calendar is seen by others; no word about the family situation.
    return _("Gesprek met het wijkteam")


def talk_location(slot: Any) -> str:
    if slot.place == "school" and slot.school is not None:
        return ", ".join(p for p in (slot.school.name, slot.school.street_address) if p)
    if slot.place == "office":
        return slot.worker.office_address or str(_("kantoor van het wijkteam"))
    if slot.place == "video":
        return str(_("via video (u krijgt de link van de medewerker)"))
    return str(_("telefonisch (de medewerker belt u)"))


def talk_itip(*, booking: Any, method: str, recipient_email: str, recipient_name: str) -> str:
    """The booking as an iTIP REQUEST or CANCEL for its one attendee."""
    slot = booking.slot
    event = _event(
        uid=talk_uid(booking),
        sequence=booking.sequence,
        stamp=timezone.now(),
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        summary=talk_title(),
        location=talk_location(slot),
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    return _itip(method, [event], recipient_email=recipient_email, recipient_name=recipient_name)


def talk_feed(*, name: str, bookings: list[Any]) -> str:
    """The worker's subscription feed of booked talks: no METHOD, one VEVENT per booking with
    the booking's UID and SEQUENCE (a cancelled one as STATUS:CANCELLED). The parent's
    optional name is the only personal detail; the address stays out of calendars."""
    calendar = _new_calendar(None)
    _set(calendar, "X-WR-CALNAME", name)
    for booking in bookings:
        slot = booking.slot
        summary = _("Preventiegesprek")
        if booking.name:
            summary = f"{summary}: {booking.name}"
        calendar.add_component(
            _event(
                uid=talk_uid(booking),
                sequence=booking.sequence,
                stamp=booking.cancelled_at or booking.created_at,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                summary=summary,
                location=talk_location(slot),
                status="CANCELLED" if booking.status == "cancelled" else "CONFIRMED",
            )
        )
    return calendar.to_ical().decode("utf-8")
