"""The audit log in the words of the people who read it.

The log stores who did what to which object by id only ("group 12 session 5",
"enrolment 40"), so it holds no child's name and outlives an erasure. For the manager
reading it, `audit_lines` turns a page of entries into sentences ("Bob Jansen bekeek de
deelnemerslijst van KIES – De Esch (najaar 2026), bijeenkomst 2"), looking the objects up
in one query per kind for the whole page. What no longer exists, or was erased, is named
as such; the ids stay in the entry (shown in its details and in exports).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from enrolment.audit import AuditAction
from enrolment.models import AuditEntry, Enrolment
from scheduler.models import Group, Session

GROUP = re.compile(r"^group (\d+)(?: session (\d+))?$")
ENROLMENT = re.compile(r"^enrolment (\d+)\b")
INTO = re.compile(r" into enrolment (\d+)$")
GUARDIAN = re.compile(r"^guardian \d+$")
CHILD = re.compile(r"^child \d+$")


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    sentence: str


def _actor_names(entries: Sequence[AuditEntry]) -> dict[int, str]:
    ids = {e.actor_id for e in entries if e.actor_id}
    users = get_user_model().objects.filter(pk__in=ids).only("first_name", "last_name", "username")
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


def _actor(entry: AuditEntry, names: dict[int, str]) -> str:
    if entry.actor_id in names:
        return names[entry.actor_id]
    if entry.actor_label == "system":
        return _("Het systeem (bewaartermijn)")
    if GUARDIAN.match(entry.actor_label):
        return _("Een ouder, via de eigen link,")
    if CHILD.match(entry.actor_label):
        return _("Het kind zelf, via de eigen link,")
    return entry.actor_label


# Each action's sentence and what its `%(what)s` names: the group (and session) of the
# target, the child of the target's enrolment, or nothing.
SENTENCES: dict[str, tuple[Any, str]] = {
    AuditAction.ROSTER_VIEWED: (_lazy("%(actor)s bekeek de deelnemerslijst van %(what)s"), "group"),
    AuditAction.ROSTER_EXPORTED_CSV: (
        _lazy("%(actor)s downloadde de deelnemerslijst van %(what)s als CSV"),
        "group",
    ),
    AuditAction.ROSTER_EXPORTED_XLSX: (
        _lazy("%(actor)s downloadde de deelnemerslijst van %(what)s als Excel"),
        "group",
    ),
    AuditAction.ROSTER_PRINTED: (
        _lazy("%(actor)s drukte de deelnemerslijst van %(what)s af"),
        "group",
    ),
    AuditAction.ENROLMENT_VIEWED: (_lazy("%(actor)s bekeek de inschrijving van %(what)s"), "child"),
    AuditAction.INTAKE_VIEWED: (_lazy("%(actor)s bekeek de intake van %(what)s"), "child"),
    AuditAction.DATA_DOWNLOADED: (
        _lazy("%(actor)s downloadde de eigen gegevens van een aanmelding"),
        "",
    ),
    AuditAction.DATA_ERASED: (_lazy("%(actor)s wiste de gegevens van een aanmelding"), ""),
    AuditAction.CONSENT_WITHDRAWN: (
        _lazy("%(actor)s trok de toestemming in voor %(what)s"),
        "child",
    ),
    AuditAction.CONSENT_RESENT: (
        _lazy("%(actor)s stuurde de vraag om toestemming opnieuw voor %(what)s"),
        "child",
    ),
    AuditAction.TEACHER_INVITED: (
        _lazy("%(actor)s nodigde de leerkracht van %(what)s uit voor de vragenlijst"),
        "child",
    ),
    AuditAction.CONTACT_CHANGED: (
        _lazy("%(actor)s wijzigde de eigen contactgegevens of taal bij een aanmelding"),
        "",
    ),
    AuditAction.DUPLICATE_MERGED: (
        _lazy("%(actor)s haalde de markering 'mogelijk dubbel' weg bij %(what)s"),
        "child",
    ),
}
OVERVIEW_VIEWED = _lazy("%(actor)s bekeek het overzicht van inschrijvingen")
DUPLICATE_INTO = _lazy(
    "%(actor)s voegde een dubbele aanmelding samen met de aanmelding van %(what)s"
)
UNKNOWN = "%(actor)s: %(what)s"


def _sentence_for(entry: AuditEntry) -> tuple[Any, str]:
    """The sentence of an entry and what it names (see SENTENCES); two targets read apart:
    the enrolment overview, and a duplicate merged into another enrolment."""
    if entry.action == AuditAction.ENROLMENT_VIEWED and entry.target == "overview":
        return OVERVIEW_VIEWED, ""
    if entry.action == AuditAction.DUPLICATE_MERGED and INTO.search(entry.target):
        return DUPLICATE_INTO, "kept"
    return SENTENCES.get(entry.action, (UNKNOWN, ""))


def audit_lines(entries: Sequence[AuditEntry]) -> list[AuditLine]:
    """One sentence per entry, in the active language; constant queries per page."""
    group_ids: set[int] = set()
    session_ids: set[int] = set()
    enrolment_ids: set[int] = set()
    for entry in entries:
        if match := GROUP.match(entry.target):
            group_ids.add(int(match[1]))
            if match[2]:
                session_ids.add(int(match[2]))
        if match := ENROLMENT.match(entry.target):
            enrolment_ids.add(int(match[1]))
        if match := INTO.search(entry.target):
            enrolment_ids.add(int(match[1]))
    groups = {
        g.pk: str(g)
        for g in Group.objects.filter(pk__in=group_ids).select_related("programme", "host_school")
    }
    sessions = {
        s.pk: s.sequence for s in Session.objects.filter(pk__in=session_ids).only("sequence")
    }
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(pk__in=enrolment_ids).select_related(
            "child", "group__programme", "group__host_school"
        )
    }
    names = _actor_names(entries)

    def child_of(entry: AuditEntry, pattern: re.Pattern[str] = ENROLMENT) -> str:
        match = pattern.search(entry.target)
        enrolment = enrolments.get(int(match[1])) if match else None
        if enrolment is None or enrolment.erased_at or not enrolment.child.first_name:
            return _("een aanmelding waarvan de gegevens zijn gewist")
        return _("%(child)s in %(group)s") % {
            "child": enrolment.child.first_name,
            "group": enrolment.group,
        }

    def group_of(entry: AuditEntry) -> str:
        match = GROUP.match(entry.target)
        if not match:
            return entry.target
        name = groups.get(int(match[1]), _("een verwijderde groep"))
        if match[2] and int(match[2]) in sessions:
            return _("%(group)s, bijeenkomst %(number)s") % {
                "group": name,
                "number": sessions[int(match[2])],
            }
        return name

    about = {"group": group_of, "child": child_of, "kept": lambda e: child_of(e, INTO), "": None}
    lines = []
    for entry in entries:
        sentence, kind = _sentence_for(entry)
        what = about[kind](entry) if about[kind] else f"{entry.action} {entry.target}".strip()
        words = {"actor": _actor(entry, names), "what": what}
        lines.append(AuditLine(entry, str(sentence) % words))
    return lines
