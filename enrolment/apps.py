from __future__ import annotations

from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "enrolment"

    def ready(self) -> None:
        # Cached public answers become unusable on every change parents could see.
        from enrolment import public_cache

        public_cache.connect()
        # A pooled group's children move into the group it joined.
        from enrolment import pooling

        pooling.register()
