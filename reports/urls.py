"""Pages under /rapportages/: co-financing and participation reports."""

from __future__ import annotations

from reports import urls_cofinancing, urls_participation

urlpatterns = [*urls_cofinancing.urlpatterns, *urls_participation.urlpatterns]
