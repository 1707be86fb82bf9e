"""Trainers of a group: who may lead it (qualified, not too many) and replacing one on
every coming session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.domain_events import emit
from programmes.models import Programme, Trainer
from scheduler import events
from scheduler.conflicts import Conflict, ConflictChecker, Slot
from scheduler.models import Group, Session, SessionStatus
from scheduler.services.overrides import record_overrides, resolve_conflicts


def validate_trainers(programme: Programme, trainers: Sequence[Trainer]) -> None:
    if len(set(t.pk for t in trainers)) != len(trainers):
        raise ValidationError({"trainers": _("Kies elke trainer maar één keer.")})
    if len(trainers) > programme.trainers_per_group:
        raise ValidationError(
            {
                "trainers": _(
                    "%(programme)s heeft %(count)s trainer(s) per groep nodig, niet meer."
                )
                % {"programme": programme.name, "count": programme.trainers_per_group}
            }
        )
    qualified = set(programme.qualified_trainers.values_list("pk", flat=True))
    for trainer in trainers:
        if trainer.pk not in qualified:
            raise ValidationError(
                {
                    "trainers": _("%(trainer)s is niet gekwalificeerd voor %(programme)s.")
                    % {"trainer": trainer.display_name, "programme": programme.name}
                }
            )


@transaction.atomic
def group_replace_trainer(
    *, group: Group, old: Trainer | None, new: Trainer, override_by: Any | None = None
) -> Group:
    """Swap `old` for `new` (or add `new` when `old` is None) on every coming session.

    `new` must be qualified and free; the coming sessions get a new revision (their
    attendees change). Emits TrainerRemoved and TrainerAssigned.
    """
    group = (
        Group.objects.select_for_update(of=("self",))
        .select_related("programme", "host_school")
        .get(pk=group.pk)
    )
    if group.is_cancelled:
        raise ValidationError(_("De groep is geannuleerd."))
    current = list(group.trainers.all())
    if old is not None and old not in current:
        raise ValidationError(
            {
                "old": _("%(trainer)s is geen trainer van deze groep.")
                % {"trainer": old.display_name}
            }
        )
    if new in current:
        raise ValidationError(
            {"new": _("%(trainer)s is al trainer van deze groep.") % {"trainer": new.display_name}}
        )
    validate_trainers(group.programme, [t for t in current if t != old] + [new])
    coming = list(
        group.sessions.filter(
            status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now()
        ).order_by("starts_at")
    )
    conflicts: list[Conflict] = []
    if coming:
        checker = ConflictChecker(
            school=group.host_school,
            trainers=[new],
            start=localtime(coming[0].starts_at).date(),
            end=localtime(coming[-1].starts_at).date(),
            programme=group.programme,
        )
        for session in coming:
            slot = Slot(
                session.starts_at,
                session.ends_at,
                group.host_school_id,
                group.room,
                (new.pk,),
                str(session),
            )
            conflicts.extend(c for c in checker.check(slot) if c.trainer_id == new.pk)
            checker.accept(slot)
    overridden = resolve_conflicts(conflicts, override_by=override_by)
    if old is not None:
        group.trainers.remove(old)
    group.trainers.add(new)
    Session.objects.filter(pk__in=[s.pk for s in coming]).update(revision=F("revision") + 1)
    by_start = {s.starts_at: s for s in coming}
    for conflict in overridden:
        record_overrides(by_start[conflict.starts_at], [conflict], override_by)
    if old is not None:
        emit(events.TrainerRemoved(group_id=group.pk, trainer_id=old.pk))
    emit(events.TrainerAssigned(group_id=group.pk, trainer_id=new.pk))
    return group
