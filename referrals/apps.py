from __future__ import annotations

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Verwijzingen en preventiegesprekken"
