"""Import school holidays from the government's open data (rijksoverheid.nl).

The Rijksoverheid publishes the school holidays per school year at
`https://opendata.rijksoverheid.nl/v1/sources/rijksoverheid/infotypes/schoolholidays/schoolyear/<YYYY-YYYY>`
as JSON (`?output=json`) or XML (`?output=xml`). One school year reads:

    {"id": ..., "type": "Schoolvakantie", "title": "Schoolvakanties 2025-2026",
     "content": [{"title": ..., "schoolyear": "2025-2026 ",
                  "vacations": [{"type": "Herfstvakantie ", "compulsorydates": "false",
                                 "regions": [{"region": "noord",
                                              "startdate": "2025-10-18T00:00:00.000Z",
                                              "enddate": "2025-10-26T21:59:00.000Z"}, ...]},
                                ...]}],
     "notice": ..., "lastmodified": ...}

and the list of all years is a JSON array of such objects. Strings may carry stray
spaces and newlines; "heel Nederland" is all three regions. A year published as advice
("adviesdata" in its title) is advisory as a whole, which is what the product's
`advisory` flag means ("advies, nog niet geverifieerd": check again when the definitive
table is out). `compulsorydates` "false" marks the weeks (autumn, spring) schools may
choose themselves even in a definitive year; that is not the same and sets no flag, so
importing a definitive year marks it definitive throughout.

Dates: the timestamps stand for whole Dutch calendar days, written in UTC in more
than one way over the years (the day at 00:00Z; local midnight, 22:00Z or 23:00Z the
day before; the last day at 23:59 local, 21:59Z or 22:59Z). Each one is read as the
Europe/Amsterdam day it falls on, which gives the right day for all of them; taking
the UTC date would shift a local-midnight start to the Friday before.

`school_holidays_import_opendata` parses the whole file first and writes through
`holiday_import.school_holidays_store`, the step the .ics import shares.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from programmes.holiday_import import (
    NAME_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
    HolidayRecord,
    ImportResult,
    refuse_oversized_file,
    school_holidays_store,
)
from programmes.models import HolidayKind, HolidayRegion, SchoolYear

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
OPENDATA_URL = (
    "https://opendata.rijksoverheid.nl/v1/sources/rijksoverheid/infotypes/schoolholidays"
    "/schoolyear/{school_year}?output=json"
)
OPENDATA_SOURCE = "rijksoverheid.nl"
FETCH_TIMEOUT_SECONDS = 20

_LABEL = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")
_ALL_REGIONS = "heel nederland"
# The government's names of the five holidays; anything else is an "other" holiday.
_KINDS: tuple[tuple[str, HolidayKind], ...] = (
    ("herfst", HolidayKind.AUTUMN),
    ("kerst", HolidayKind.CHRISTMAS),
    ("voorjaar", HolidayKind.SPRING),
    ("krokus", HolidayKind.SPRING),
    ("mei", HolidayKind.MAY),
    ("zomer", HolidayKind.SUMMER),
)


def opendata_url(school_year: str) -> str:
    """The JSON address of one school year's holidays at opendata.rijksoverheid.nl."""
    return OPENDATA_URL.format(school_year=school_year)


def school_holidays_import_opendata(*, data: bytes, source: str = "") -> ImportResult:
    """Add or update school holidays from the government's open data file `data`.

    Promises:
    - reads the JSON (one school year, or the list of all years) or the XML form;
    - every vacation becomes one holiday per region it names ("heel Nederland": all
      three), in the school year the file gives, which is created when missing;
    - `advisory` is set where the year is published as advice, cleared in a definitive
      year (the official file over advisory rows makes them definitive);
    - the source is `source`, or "rijksoverheid.nl";
    - writes through `school_holidays_store`: a holiday matches the row of its (school
      year, region, kind) and is updated only where it differs, so a second import of
      the same file reports every row unchanged; the result counts per school year.

    Refuses, with `ValidationError` saying where and why and writing nothing: a file
    over `settings.ICS_UPLOAD_MAX_BYTES`, an empty file, a file that is neither this
    JSON nor this XML, a file without vacations, a school year label that is not
    YYYY-YYYY of consecutive years, an unknown region, a missing or unreadable date,
    a holiday that ends before it starts or starts outside its school year, and the
    same holiday twice.
    """
    document = _parse_document(data)
    source = (source.strip() or OPENDATA_SOURCE)[:SOURCE_MAX_LENGTH]
    records = _records(document, source=source)
    return school_holidays_store(records)


def school_holidays_fetch(*, url: str) -> bytes:
    """GET `url` (http, https or file) and return the body; `ValidationError` if it fails."""
    if not url.lower().startswith(("http://", "https://", "file:")):
        raise ValidationError(
            _("Alleen een http-, https- of file-adres kan worden opgehaald: %(url)s") % {"url": url}
        )
    limit = settings.ICS_UPLOAD_MAX_BYTES
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"Accept": "application/json, application/xml;q=0.9"}
    )
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise ValidationError(
            _("%(url)s antwoordde met HTTP %(status)s.") % {"url": url, "status": error.code}
        ) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise ValidationError(
            _("%(url)s kon niet worden opgehaald: %(reason)s") % {"url": url, "reason": reason}
        ) from error


# --- reading the file ----------------------------------------------------------------


def _parse_document(data: bytes) -> Any:
    refuse_oversized_file(data)
    text = data.decode("utf-8-sig", errors="replace").strip()
    if not text:
        raise ValidationError(_("Het bestand is leeg."))
    if text[0] in "[{":
        try:
            return json.loads(text)
        except ValueError as error:
            raise ValidationError(
                _(
                    "Dit is geen geldig JSON-bestand van de Rijksoverheid; het kan niet "
                    "worden gelezen (%(error)s)."
                )
                % {"error": error}
            ) from error
    if text[0] == "<":
        return _xml_document(text)
    raise ValidationError(
        _(
            "Dit is geen bestand met schoolvakanties van de Rijksoverheid: verwacht JSON "
            "(?output=json) of XML (?output=xml)."
        )
    )


def _xml_document(text: str) -> list[dict[str, Any]]:
    """The XML form, turned into the shape of the JSON: every element with a
    `schoolyear` child is one school year's content, with its `vacation` elements."""
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise ValidationError(_("Een XML-bestand met DOCTYPE of ENTITY wordt niet gelezen."))
    try:
        # DOCTYPE and ENTITY are refused above, so no entity can expand or be fetched.
        root = ElementTree.fromstring(text)  # noqa: S314
    except ElementTree.ParseError as error:
        raise ValidationError(
            _("Dit is geen geldig XML-bestand; het kan niet worden gelezen (%(error)s).")
            % {"error": error}
        ) from error
    contents = []
    for element in root.iter():
        if element.find("schoolyear") is None:
            continue
        vacations = []
        for vacation in element.iter("vacation"):
            vacations.append(
                {
                    "type": vacation.findtext("type", ""),
                    "compulsorydates": vacation.findtext("compulsorydates", ""),
                    "regions": [
                        {
                            "region": regions.findtext("region", ""),
                            "startdate": regions.findtext("startdate", ""),
                            "enddate": regions.findtext("enddate", ""),
                        }
                        for regions in vacation.findall("regions")
                    ],
                }
            )
        contents.append(
            {
                "title": element.findtext("title", ""),
                "schoolyear": element.findtext("schoolyear", ""),
                "vacations": vacations,
            }
        )
    return [{"title": root.findtext("title", ""), "content": contents}]


def _records(document: Any, *, source: str) -> list[HolidayRecord]:
    items = document if isinstance(document, list) else [document]
    errors: list[str] = []
    records: list[HolidayRecord] = []
    seen: dict[tuple[str, str, str, Any], str] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("content"), list):
            errors.append(
                _("Het bestand heeft niet de vorm van de open data van de Rijksoverheid.")
            )
            continue
        for content in item["content"]:
            if not isinstance(content, dict):
                continue
            titles = f"{_text(item.get('title'))} {_text(content.get('title'))}"
            year_is_advice = "advies" in titles.lower()
            raw_label = _text(content.get("schoolyear"))
            label = _label(raw_label)
            if label is None:
                errors.append(
                    _("Schooljaar '%(label)s' is geen schooljaar als 2026-2027.")
                    % {"label": raw_label}
                )
                continue
            vacations = content.get("vacations")
            for number, vacation in enumerate(vacations if isinstance(vacations, list) else []):
                where = _where(label, number, vacation)
                try:
                    for record in _vacation_records(
                        vacation,
                        label=label,
                        where=where,
                        year_is_advice=year_is_advice,
                        source=source,
                    ):
                        key = (record.school_year, record.region, record.kind, record.name)
                        if key in seen:
                            errors.append(
                                _("%(where)s: regio %(region)s staat ook bij %(earlier)s.")
                                % {"where": where, "region": record.region, "earlier": seen[key]}
                            )
                            continue
                        seen[key] = where
                        records.append(record)
                except ValidationError as error:
                    errors.extend(f"{where}: {message}" for message in error.messages)
    if errors:
        raise ValidationError(errors)
    if not records:
        raise ValidationError(
            _("Het bestand bevat geen schoolvakanties; er is niets geïmporteerd.")
        )
    return records


def _vacation_records(
    vacation: Any, *, label: str, where: str, year_is_advice: bool, source: str
) -> list[HolidayRecord]:
    if not isinstance(vacation, dict):
        raise ValidationError(_("geen vakantie."))
    title = _text(vacation.get("type"))
    kind, name = _kind_of(title)
    advisory = year_is_advice
    first, last = SchoolYear.bounds_for_label(label)
    records = []
    regions = vacation.get("regions")
    if not isinstance(regions, list) or not regions:
        raise ValidationError(_("geen regio's met data."))
    for entry in regions:
        entry = entry if isinstance(entry, dict) else {}
        raw_region = _text(entry.get("region"))
        region = raw_region.lower()
        if region == _ALL_REGIONS:
            names = list(HolidayRegion.values)
        elif region in HolidayRegion.values:
            names = [region]
        else:
            raise ValidationError(
                _("onbekende regio '%(region)s'; verwacht noord, midden, zuid of heel Nederland.")
                % {"region": raw_region}
            )
        start = _day(entry.get("startdate"), what=_("begindatum"))
        end = _day(entry.get("enddate"), what=_("einddatum"))
        if end < start:
            raise ValidationError(
                _("de einddatum %(end)s ligt voor de begindatum %(start)s.")
                % {"end": f"{end:%d-%m-%Y}", "start": f"{start:%d-%m-%Y}"}
            )
        if not first <= start <= last:
            raise ValidationError(
                _("de begindatum %(start)s ligt niet in schooljaar %(label)s.")
                % {"start": f"{start:%d-%m-%Y}", "label": label}
            )
        records.extend(
            HolidayRecord(
                where=where,
                school_year=label,
                region=name_,
                kind=kind,
                name=name,
                start_date=start,
                end_date=end,
                advisory=advisory,
                source=source,
            )
            for name_ in names
        )
    return records


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _label(raw: str) -> str | None:
    match = _LABEL.match(raw)
    if not match or int(match[2]) != int(match[1]) + 1:
        return None
    return f"{match[1]}-{match[2]}"


def _where(label: str, number: int, vacation: Any) -> str:
    title = _text(vacation.get("type")) if isinstance(vacation, dict) else ""
    return _("%(label)s, vakantie %(number)s (%(title)s)") % {
        "label": label,
        "number": number + 1,
        "title": title or "?",
    }


def _kind_of(title: str) -> tuple[str, str]:
    lowered = title.lower()
    for word, kind in _KINDS:
        if word in lowered:
            return kind, ""
    return HolidayKind.OTHER, (title or str(HolidayKind.OTHER.label))[:NAME_MAX_LENGTH]


def _day(value: Any, *, what: str) -> dt.date:
    raw = _text(value)
    if not raw:
        raise ValidationError(_("geen %(what)s.") % {"what": what})
    try:
        if len(raw) == 10:
            return dt.date.fromisoformat(raw)
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as error:
        raise ValidationError(
            _(
                "%(what)s '%(value)s' is geen datum (verwacht bijvoorbeeld "
                "2026-10-10T00:00:00.000Z)."
            )
            % {"what": what, "value": raw[:40]}
        ) from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(AMSTERDAM)
    return moment.date()
