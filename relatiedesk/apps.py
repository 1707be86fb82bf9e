from __future__ import annotations

from django.apps import AppConfig


class RelatiedeskConfig(AppConfig):
    name = "relatiedesk"
    verbose_name = "Relatiedesk"
