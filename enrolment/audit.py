"""The audit log of who viewed or exported children's data."""

from __future__ import annotations

from typing import Any

from enrolment.models import AuditEntry


class AuditAction:
    ROSTER_VIEWED = "roster_viewed"
    ROSTER_EXPORTED_CSV = "roster_exported_csv"
    ROSTER_EXPORTED_XLSX = "roster_exported_xlsx"
    ROSTER_PRINTED = "roster_printed"
    ENROLMENT_VIEWED = "enrolment_viewed"
    INTAKE_VIEWED = "intake_viewed"
    DATA_DOWNLOADED = "data_downloaded"
    DATA_ERASED = "data_erased"
    DUPLICATE_MERGED = "duplicate_merged"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CONTACT_CHANGED = "contact_changed"
    CONSENT_RESENT = "consent_resent"
    TEACHER_INVITED = "teacher_invited"


def audit_record(*, actor: Any | None, action: str, target: str) -> AuditEntry:
    """Write one audit entry. `target` names the object (e.g. "group 12"), never a child's name,
    so the log itself holds no personal data of children and outlives their erasure."""
    label = "anonymous"
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.get_username()
    elif isinstance(actor, str):
        label, actor = actor, None
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label[:150],
        action=action,
        target=target[:200],
    )
