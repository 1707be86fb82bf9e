"""A trainer's own schedule, and the cards the start page shows of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.views import NavSectionMixin
from programmes import access as catalogue_access
from programmes.dates import day_text
from programmes.mixins import RoleRequiredMixin
from scheduler import selectors
from scheduler.models import Session, SessionKind


@dataclass(frozen=True)
class ScheduleCard:
    """One session on a trainer's schedule, as plain text for its card (the template escapes
    it). A schedule lists dozens of sessions of a few groups: the group's texts are made
    once per group, and no date filter or lookup chain runs per card in the template."""

    programme_id: int
    url: str
    starts_iso: str
    when: str
    what: str
    where: str


def schedule_cards(sessions: list[Session]) -> dict[int, ScheduleCard]:
    """The cards of `sessions` by session pk. Each text reads as `_schedule_list.html`
    once wrote it with date filters: "maandag 2 november, 13:00–14:00" in the current language."""
    kinds = {value: str(label) for value, label in SessionKind.choices}
    room_word = _("lokaal")
    per_group: dict[int, tuple[str, str, str]] = {}
    cards: dict[int, ScheduleCard] = {}
    for session in sessions:
        group = session.group
        texts = per_group.get(group.pk)
        if texts is None:
            what = group.programme.name
            if group.class_name:
                what = f"{what} {group.class_name}"
            where = group.host_school.name
            if group.location:
                where = f"{where} · {group.location}"
            if group.room:
                where = f"{where} · {room_word} {group.room}"
            texts = per_group[group.pk] = (
                reverse("planning-group-detail", args=[group.pk]),
                f"{what} ({group.round_label})",
                where,
            )
        url, what, where = texts
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        cards[session.pk] = ScheduleCard(
            programme_id=group.programme_id,
            url=url,
            starts_iso=starts.isoformat(),  # the date filter's "c"
            when=f"{day_text(starts.date(), year=False)}, {starts:%H:%M}–{ends:%H:%M}",
            what=f"{what}: {kinds.get(session.kind, session.kind)} {session.sequence}",
            where=where,
        )
    return cards


class MyScheduleView(RoleRequiredMixin, NavSectionMixin, TemplateView):
    template_name = "scheduler/my_schedule.html"
    nav_section = "my-schedule"

    def has_access(self, user: Any) -> bool:
        return catalogue_access.is_trainer(user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        trainer = get_object_or_404(
            catalogue_access.trainers_visible_to(self.request.user).select_related("user"),
            user=self.request.user,
        )
        context["trainer"] = trainer
        schedule = selectors.trainer_schedule(trainer)
        cards = schedule_cards([*schedule.this_week, *schedule.upcoming, *schedule.past])
        context["schedule"] = schedule
        context["cards"] = {
            "this_week": [cards[s.pk] for s in schedule.this_week],
            "upcoming": [cards[s.pk] for s in schedule.upcoming],
            "past": [cards[s.pk] for s in schedule.past],
        }
        return context
