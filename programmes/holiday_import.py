"""Import school holidays from an iCalendar (.ics) file.

The programme manager uploads a calendar of school holidays (the management
command `import_holidays` and the admin page both call
`school_holidays_import_ics`). Each all-day event becomes a `SchoolHoliday` of
one or more regions; an event that matches an existing row is updated in place,
so importing the same file twice adds nothing.

The file is one unit: every event is read and checked before anything is
written, and the writes share one transaction, so a malformed file is refused
as a whole with messages that say which event is wrong and why.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar.error import IncompleteComponent, InvalidCalendar

from programmes import services
from programmes.models import HolidayKind, HolidayRegion, SchoolHoliday, SchoolYear

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SOURCE_MAX_LENGTH = SchoolHoliday._meta.get_field("source").max_length
NAME_MAX_LENGTH = SchoolHoliday._meta.get_field("name").max_length
UID_MAX_LENGTH = SchoolHoliday._meta.get_field("ical_uid").max_length

# Words in an event's SUMMARY that name a standard holiday, in the order tried.
_KIND_PATTERNS: tuple[tuple[HolidayKind, re.Pattern[str]], ...] = (
    (HolidayKind.AUTUMN, re.compile(r"herfst|\bautumn\b|\bfall\b", re.IGNORECASE)),
    (HolidayKind.CHRISTMAS, re.compile(r"kerst|\bchristmas\b", re.IGNORECASE)),
    (
        HolidayKind.SPRING,
        re.compile(r"voorjaar|krokus|carnaval|\bspring\b", re.IGNORECASE),
    ),
    (HolidayKind.MAY, re.compile(r"\bmei|\bmay\b", re.IGNORECASE)),
    (HolidayKind.SUMMER, re.compile(r"zomer|\bsummer\b", re.IGNORECASE)),
)
# "noord" but not "Noord-Brabant" or "Noord-Holland" (provinces, not regions).
_REGION_PATTERN = re.compile(r"(?<![\w-])(noord|midden|zuid)(?![\w-])", re.IGNORECASE)
_ALL_REGIONS_PATTERN = re.compile(
    r"heel\s+nederland|hele\s+land|alle\s+regio['’]?s|all\s+regions", re.IGNORECASE
)


@dataclass
class YearCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    """What an import did: rows added, rows changed, rows that already matched the file;
    in total and per school year (`years`, in the order first met)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    years: dict[str, YearCounts] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def count(self, school_year: str, outcome: str) -> None:
        counts = self.years.setdefault(school_year, YearCounts())
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self) -> str:
        return _("%(created)s toegevoegd, %(updated)s bijgewerkt, %(unchanged)s ongewijzigd") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    def lines(self) -> list[str]:
        """One line per school year: `2027-2028: 15 toegevoegd, 0 bijgewerkt, 0 ongewijzigd`."""
        return [
            f"{label}: {ImportResult(counts.created, counts.updated, counts.unchanged)}"
            for label, counts in self.years.items()
        ]


@dataclass(frozen=True)
class _ParsedHoliday:
    number: int
    summary: str
    uid: str
    region: str
    kind: str
    name: str
    start_date: dt.date
    end_date: dt.date

    @property
    def key(self) -> tuple[Any, ...]:
        label = SchoolYear.label_for(self.start_date)
        if self.kind != HolidayKind.OTHER:
            return (label, self.region, self.kind)
        return (label, self.region, self.start_date, self.name)


class _EventError(Exception):
    pass


def school_holidays_import_ics(
    *,
    data: bytes,
    region: str | None = None,
    advisory: bool = False,
    source: str = "",
) -> ImportResult:
    """Add or update school holidays from the iCalendar file `data`.

    Promises:
    - every VEVENT becomes one holiday per region it applies to: `region` when
      given, otherwise the regions its SUMMARY (else LOCATION, CATEGORIES or
      DESCRIPTION) names; "heel Nederland" or "alle regio's" means all three;
    - dates are all-day; DTEND is exclusive (RFC 5545), so the last day is the
      day before it; a DATE-TIME counts by its date in Europe/Amsterdam;
    - the kind follows from the SUMMARY (herfstvakantie, kerstvakantie, ...);
      anything else becomes `overig` named after the SUMMARY;
    - a holiday belongs to the school year its first day lies in; a missing
      school year is created;
    - a standard holiday matches the existing row of its (school year, region,
      kind), another holiday the row of (school year, region, first day, name);
      a match is updated in place (dates, advisory, source, UID), so importing a
      file twice creates no duplicates;
    - the whole file is one transaction.

    Refuses, with `ValidationError` naming the event and the problem and
    changing nothing: a file over `settings.ICS_UPLOAD_MAX_BYTES`, a file that is
    not iCalendar, a file without events, an event without DTSTART, an event that
    ends before it starts, an event whose region cannot be determined, an
    unknown `region`, and two events for the same holiday.
    """
    if region and region not in HolidayRegion.values:
        raise ValidationError(
            _("Onbekende regio '%(region)s'; kies noord, midden of zuid.") % {"region": region}
        )
    calendar = _parse_calendar(data)
    source = (source.strip() or _default_source(calendar))[:SOURCE_MAX_LENGTH]
    parsed = _parse_events(calendar, region=region or None)
    return _store(parsed, advisory=advisory, source=source)


def refuse_oversized_file(data: bytes) -> None:
    """The size limit of every holiday file (.ics or the government's JSON/XML)."""
    limit = settings.ICS_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            _(
                "Het bestand is te groot (%(size)s kB); een bestand met schoolvakanties mag "
                "hoogstens %(limit)s kB zijn."
            )
            % {"size": -(-len(data) // 1024), "limit": limit // 1024}
        )


def _parse_calendar(data: bytes) -> Calendar:
    refuse_oversized_file(data)
    if not data.strip():
        raise ValidationError(_("Het bestand is leeg."))
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").upper().startswith(b"BEGIN:VCALENDAR"):
        raise ValidationError(
            _("Dit is geen geldig iCalendar-bestand (.ics): het begint niet met BEGIN:VCALENDAR.")
        )
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, UnicodeDecodeError, IndexError, KeyError) as error:
        raise ValidationError(
            _(
                "Dit is geen geldig iCalendar-bestand (.ics); het kan niet worden gelezen "
                "(%(error)s)."
            )
            % {"error": error}
        ) from error
    if calendar.name != "VCALENDAR":
        raise ValidationError(
            _("Dit is geen geldig iCalendar-bestand (.ics): het begint niet met BEGIN:VCALENDAR.")
        )
    return calendar


def _default_source(calendar: Calendar) -> str:
    name = str(calendar.get("X-WR-CALNAME", "")).strip()
    return _("Import uit .ics: %(name)s") % {"name": name} if name else _("Import uit .ics")


def _parse_events(calendar: Calendar, *, region: str | None) -> list[_ParsedHoliday]:
    events = calendar.walk("VEVENT")
    if not events:
        raise ValidationError(
            _("Het bestand bevat geen gebeurtenissen (VEVENT); er is niets geïmporteerd.")
        )
    errors: list[str] = []
    parsed: list[_ParsedHoliday] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, event in enumerate(events, start=1):
        summary = _text(event.get("SUMMARY"))
        where = _event_label(number, summary)
        try:
            holidays = _parse_event(event, number=number, summary=summary, region=region)
        except _EventError as error:
            errors.append(f"{where}: {error}")
            continue
        for holiday in holidays:
            earlier = seen.get(holiday.key)
            if earlier is not None:
                errors.append(
                    _(
                        "%(where)s: dezelfde vakantie (%(kind)s, regio %(region)s, schooljaar "
                        "%(year)s) staat ook in gebeurtenis %(earlier)s."
                    )
                    % {
                        "where": where,
                        "kind": holiday.name or HolidayKind(holiday.kind).label,
                        "region": holiday.region,
                        "year": SchoolYear.label_for(holiday.start_date),
                        "earlier": earlier,
                    }
                )
                continue
            seen[holiday.key] = number
            parsed.append(holiday)
    if errors:
        raise ValidationError(errors)
    return parsed


def _event_label(number: int, summary: str) -> str:
    if summary:
        return _("Gebeurtenis %(number)s ('%(summary)s')") % {
            "number": number,
            "summary": summary[:80],
        }
    return _("Gebeurtenis %(number)s") % {"number": number}


def _parse_event(
    event: Any, *, number: int, summary: str, region: str | None
) -> list[_ParsedHoliday]:
    if "DTSTART" not in event:
        raise _EventError(_("geen begindatum (DTSTART)."))
    if "RRULE" in event or "RDATE" in event:
        raise _EventError(_("herhalende gebeurtenissen (RRULE/RDATE) worden niet ondersteund."))
    for name in ("DTSTART", "DTEND", "DURATION"):
        prop = event.get(name)
        if prop is not None and getattr(prop, "parse_error", None) is not None:
            raise _EventError(
                _(
                    "%(property)s '%(value)s' is geen geldige datum of duur; verwacht "
                    "bijvoorbeeld 20261010 (een datum) of 20261010T083000 (datum en tijd)."
                )
                % {"property": name, "value": str(prop)[:40]}
            )
    try:
        raw_start = event.start
        raw_end = event.end
    except (IncompleteComponent, InvalidCalendar, ValueError) as error:
        raise _EventError(
            _("de begin- of einddatum is onleesbaar (%(error)s).") % {"error": error}
        ) from error
    start_date = _local_date(raw_start)
    end_date = _last_day(raw_start, raw_end)
    if end_date < start_date:
        raise _EventError(
            _("het einde (DTEND %(end)s) ligt niet na het begin (DTSTART %(start)s).")
            % {"end": _as_text(raw_end), "start": _as_text(raw_start)}
        )
    kind, name = _kind_of(summary)
    regions = [region] if region else _regions_of(event, summary)
    if not regions:
        raise _EventError(_("geen regio gevonden; kies een regio bij het importeren."))
    uid = _text(event.get("UID"))[:UID_MAX_LENGTH]
    return [
        _ParsedHoliday(
            number=number,
            summary=summary,
            uid=uid,
            region=holiday_region,
            kind=kind,
            name=name,
            start_date=start_date,
            end_date=end_date,
        )
        for holiday_region in regions
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_text(item) for item in value)
    categories = getattr(value, "cats", None)
    if categories is not None:
        return " ".join(str(item) for item in categories)
    return str(value).strip()


def _local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(AMSTERDAM)
        return value.date()
    return value


def _last_day(start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> dt.date:
    """The last day of an event: DTEND is exclusive, so midnight (or a date) is the day after."""
    if isinstance(end, dt.datetime):
        local_end = end.astimezone(AMSTERDAM) if end.tzinfo is not None else end
        if local_end.time() == dt.time(0, 0) and end != start:
            return local_end.date() - dt.timedelta(days=1)
        return local_end.date()
    return end - dt.timedelta(days=1)


def _as_text(value: dt.date | dt.datetime) -> str:
    return value.isoformat() if not isinstance(value, dt.datetime) else f"{value:%Y-%m-%d %H:%M}"


def _kind_of(summary: str) -> tuple[str, str]:
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(summary):
            return kind, ""
    name = summary[:NAME_MAX_LENGTH] or str(HolidayKind.OTHER.label)
    return HolidayKind.OTHER, name


def _regions_of(event: Any, summary: str) -> list[str]:
    """Regions named in the summary, else in location, categories or description."""
    for text in (
        summary,
        _text(event.get("LOCATION")),
        _text(event.get("CATEGORIES")),
        _text(event.get("DESCRIPTION")),
    ):
        if _ALL_REGIONS_PATTERN.search(text):
            return list(HolidayRegion.values)
        found = {match.lower() for match in _REGION_PATTERN.findall(text)}
        if found:
            return [value for value in HolidayRegion.values if value in found]
    return []


@dataclass(frozen=True)
class HolidayRecord:
    """One holiday as an import read it, ready for `school_holidays_store`.

    `where` names the record in error messages (the event, the vacation); `ical_uid`
    None leaves a stored UID as it is.
    """

    where: str
    school_year: str
    region: str
    kind: str
    name: str
    start_date: dt.date
    end_date: dt.date
    advisory: bool
    source: str
    ical_uid: str | None = None


@transaction.atomic
def school_holidays_store(records: list[HolidayRecord]) -> ImportResult:
    """Add or update each record's holiday; the shared write step of every holiday import.

    Promises: a missing school year is created; a standard holiday matches the row of
    its (school year, region, kind), another the row of (school year, region, first
    day, name); a match is updated in place only when a field differs, so storing the
    same records twice changes nothing. Counts per school year in the result.

    In bulk, so a file of thousands of events fits in one request: the years' rows are
    read once, matched in memory, each new or changed row is checked by the model's own
    `clean` (the services' rule) and written with `programmes.services.
    school_holidays_save_many` (one insert and one update statement per batch).

    Runs in one transaction; refuses (raising `ValidationError` naming the record and
    leaving nothing written) what the services refuse.
    """
    result = ImportResult()
    years = {
        label: services.school_year_get_or_create(label=label)
        for label in dict.fromkeys(record.school_year for record in records)
    }
    by_key: dict[tuple[Any, ...], SchoolHoliday] = {
        _key(row.school_year_id, row.region, row.kind, row.start_date, row.name): row
        for row in SchoolHoliday.objects.filter(school_year__in=years.values())
    }
    new: dict[int, SchoolHoliday] = {}
    changed: dict[int, SchoolHoliday] = {}
    for record in records:
        year = years[record.school_year]
        fields: dict[str, Any] = {
            "start_date": record.start_date,
            "end_date": record.end_date,
            "advisory": record.advisory,
            "source": record.source,
        }
        if record.ical_uid is not None:
            fields["ical_uid"] = record.ical_uid
        key = _key(year.pk, record.region, record.kind, record.start_date, record.name)
        holiday = by_key.get(key)
        if holiday is not None and all(
            getattr(holiday, name) == value for name, value in fields.items()
        ):
            result.count(record.school_year, "unchanged")
            continue
        if holiday is None:
            holiday = SchoolHoliday(
                school_year=year, region=record.region, kind=record.kind, name=record.name
            )
            new[id(holiday)] = holiday
            result.count(record.school_year, "created")
        else:
            if id(holiday) not in new:
                changed[id(holiday)] = holiday
            result.count(record.school_year, "updated")
        old_key = _key(year.pk, holiday.region, holiday.kind, holiday.start_date, holiday.name)
        for name, value in fields.items():
            setattr(holiday, name, value)
        by_key.pop(old_key, None)
        by_key[_key(year.pk, holiday.region, holiday.kind, holiday.start_date, holiday.name)] = (
            holiday
        )
        try:
            # The year is the one just read or made: no query per row to check it exists.
            holiday.full_clean(
                exclude=["school_year"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            raise ValidationError(
                [f"{record.where} (regio {record.region}): {message}" for message in error.messages]
            ) from error
    _refuse_clashes([*by_key.values()])
    services.school_holidays_save_many(
        create=list(new.values()),
        update=list(changed.values()),
        fields=["start_date", "end_date", "advisory", "source", "ical_uid"],
    )
    return result


def _key(year_id: int, region: str, kind: str, start: dt.date | None, name: str) -> tuple:
    """The row a holiday record matches: one per kind, or per first day and name."""
    if kind != HolidayKind.OTHER:
        return (year_id, region, kind)
    return (year_id, region, kind, start, name)


def _refuse_clashes(holidays: list[SchoolHoliday]) -> None:
    """The (school year, region, first day, name) rule across kinds, checked in memory
    before writing, with the database's constraint as the last word."""
    seen: set[tuple[Any, ...]] = set()
    for holiday in holidays:
        key = (holiday.school_year_id, holiday.region, holiday.start_date, holiday.name)
        if key in seen:
            raise ValidationError(
                _("Twee vakanties van regio %(region)s beginnen op %(day)s met dezelfde naam.")
                % {"region": holiday.region, "day": f"{holiday.start_date:%d-%m-%Y}"}
            )
        seen.add(key)


def _store(parsed: list[_ParsedHoliday], *, advisory: bool, source: str) -> ImportResult:
    return school_holidays_store(
        [
            HolidayRecord(
                where=_event_label(holiday.number, holiday.summary),
                school_year=SchoolYear.label_for(holiday.start_date),
                region=holiday.region,
                kind=holiday.kind,
                name=holiday.name,
                start_date=holiday.start_date,
                end_date=holiday.end_date,
                advisory=advisory,
                source=source,
                ical_uid=holiday.uid,
            )
            for holiday in parsed
        ]
    )
