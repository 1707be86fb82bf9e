from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluaties")

    def ready(self) -> None:
        # The pairing of before and after goes with the enrolment's retention.
        from evaluations import erasure

        erasure.register()
