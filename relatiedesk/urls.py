"""The relatiedesk's pages. Paths are Dutch (users see them); names English."""

from __future__ import annotations

from django.urls import path

from relatiedesk import views
from relatiedesk.models import Audience

urlpatterns = [
    # Public: the general section and each programme's pages, per audience.
    path("relatiedesk/", views.RelatiedeskHomeView.as_view(), name="relatiedesk-home"),
    path(
        "relatiedesk/ouders/",
        views.RelatiedeskPageView.as_view(audience=Audience.PARENTS),
        name="relatiedesk-parents",
    ),
    path(
        "relatiedesk/kinderen/",
        views.RelatiedeskPageView.as_view(audience=Audience.CHILDREN),
        name="relatiedesk-children",
    ),
    path(
        "relatiedesk/jongeren/",
        views.RelatiedeskPageView.as_view(audience=Audience.TEENAGERS),
        name="relatiedesk-teenagers",
    ),
    path(
        "relatiedesk/<slug:code>/ouders/",
        views.RelatiedeskPageView.as_view(audience=Audience.PARENTS, for_programme=True),
        name="relatiedesk-programme-parents",
    ),
    path(
        "relatiedesk/<slug:code>/kinderen/",
        views.RelatiedeskPageView.as_view(audience=Audience.CHILDREN, for_programme=True),
        name="relatiedesk-programme-children",
    ),
    path(
        "relatiedesk/<slug:code>/jongeren/",
        views.RelatiedeskPageView.as_view(audience=Audience.TEENAGERS, for_programme=True),
        name="relatiedesk-programme-teenagers",
    ),
    # The programme manager edits the texts.
    path("beheer/relatiedesk/", views.ManageListView.as_view(), name="relatiedesk-manage"),
    path(
        "beheer/relatiedesk/<slug:page>/bewerken/",
        views.ManageEditView.as_view(),
        name="relatiedesk-manage-edit",
    ),
    path(
        "beheer/relatiedesk/<slug:page>/versies/",
        views.ManageHistoryView.as_view(),
        name="relatiedesk-manage-history",
    ),
]
