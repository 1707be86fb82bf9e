"""The relatiedesk pages: public pages for parents, children and teenagers, and the programme
manager's pages to edit their texts (with a preview and the version history).

Views stay thin: the text a page shows comes from `relatiedesk.selectors`, every change goes
through `relatiedesk.services`. The public pages need no JavaScript and no account.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.forms import add_service_error
from core.views import NavSectionMixin
from programmes.mixins import CatalogueManagerRequiredMixin
from programmes.models import Programme
from relatiedesk import selectors, services
from relatiedesk.forms import PageTextForm
from relatiedesk.models import Audience, Language

GENERAL = "algemeen"  # the general section's name in the manager's URLs

PUBLIC_URL_NAMES = {
    (False, Audience.PARENTS): "relatiedesk-parents",
    (False, Audience.CHILDREN): "relatiedesk-children",
    (False, Audience.TEENAGERS): "relatiedesk-teenagers",
    (True, Audience.PARENTS): "relatiedesk-programme-parents",
    (True, Audience.CHILDREN): "relatiedesk-programme-children",
    (True, Audience.TEENAGERS): "relatiedesk-programme-teenagers",
}


def public_url(programme: Programme | None, audience: str) -> str:
    """The public page of a programme (or the general section) for an audience."""
    name = PUBLIC_URL_NAMES[(programme is not None, Audience(audience))]
    return reverse(name, args=[programme.code] if programme else [])


def audience_links(programme: Programme | None) -> list[dict[str, str]]:
    labels = {
        Audience.PARENTS: _("Voor ouders"),
        Audience.CHILDREN: _("Voor kinderen van 7 tot 12"),
        Audience.TEENAGERS: _("Voor jongeren"),
    }
    return [
        {
            "audience": audience,
            "label": labels[Audience(audience)],
            "url": public_url(programme, audience),
        }
        for audience in selectors.audiences_of(programme)
    ]


class RelatiedeskHomeView(TemplateView):
    template_name = "relatiedesk/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["general_links"] = audience_links(None)
        context["programmes"] = [
            {"programme": programme, "links": audience_links(programme)}
            for programme in selectors.public_programmes()
        ]
        return context


class RelatiedeskPageView(TemplateView):
    """One public page: the general section's or a programme's, for one audience."""

    template_name = "relatiedesk/page.html"
    audience = Audience.PARENTS
    for_programme = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        programme = None
        if self.for_programme:
            programme = get_object_or_404(selectors.public_programmes(), code=kwargs["code"])
            if self.audience not in selectors.audiences_of(programme):
                raise Http404
        context.update(
            programme=programme,
            audience=self.audience,
            content=selectors.page_content(
                programme=programme,
                audience=self.audience,
                language=selectors.language_of(get_language()),
            ),
            links=audience_links(programme),
            home_url=reverse("relatiedesk-home"),
        )
        return context


# --- the programme manager's pages ------------------------------------------------------------


class ManagePageTextMixin(CatalogueManagerRequiredMixin, NavSectionMixin):
    """A text addressed by the URL (`algemeen` or a programme code) and `?doelgroep=&taal=`."""

    nav_section = "programmes"

    def load(self) -> None:
        page = self.kwargs["page"]
        self.programme = None if page == GENERAL else get_object_or_404(Programme, code=page)
        self.audience = self.request.GET.get("doelgroep") or Audience.PARENTS.value
        self.language = self.request.GET.get("taal") or Language.DUTCH.value
        if (
            self.audience not in selectors.audiences_of(self.programme)
            or self.language not in Language.values
        ):
            raise Http404

    def text_address(self) -> dict[str, Any]:
        return {"programme": self.programme, "audience": self.audience, "language": self.language}

    def query(self) -> str:
        return f"?doelgroep={self.audience}&taal={self.language}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = self.kwargs["page"]
        context.update(
            programme=self.programme,
            audience_label=Audience(self.audience).label,
            language_label=Language(self.language).label,
            list_url=reverse("relatiedesk-manage"),
            edit_url=reverse("relatiedesk-manage-edit", args=[page]) + self.query(),
            history_url=reverse("relatiedesk-manage-history", args=[page]) + self.query(),
            public_url=public_url(self.programme, self.audience),
        )
        return context


class ManageListView(CatalogueManagerRequiredMixin, NavSectionMixin, TemplateView):
    template_name = "relatiedesk/manage_list.html"
    nav_section = "programmes"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        newest = selectors.newest_versions()
        sections = []
        for programme in [None, *Programme.objects.order_by("name_nl")]:
            page = programme.code if programme else GENERAL
            rows = []
            for audience in selectors.audiences_of(programme):
                for language in Language.values:
                    query = f"?doelgroep={audience}&taal={language}"
                    rows.append(
                        {
                            "audience": Audience(audience).label,
                            "language": Language(language).label,
                            "text": newest.get(
                                (programme.pk if programme else None, audience, language)
                            ),
                            "edit_url": reverse("relatiedesk-manage-edit", args=[page]) + query,
                            "history_url": reverse("relatiedesk-manage-history", args=[page])
                            + query,
                        }
                    )
            sections.append({"title": programme.name if programme else _("Algemeen"), "rows": rows})
        context["sections"] = sections
        context["public_home_url"] = reverse("relatiedesk-home")
        return context


class ManageEditView(ManagePageTextMixin, TemplateView):
    """The editing form. "Voorbeeld" shows the text as the page will, and saves nothing."""

    template_name = "relatiedesk/manage_edit.html"

    def get_form(self, data: Any = None) -> PageTextForm:
        with_checklist = self.audience != Audience.PARENTS
        if data is not None:
            return PageTextForm(data, with_checklist=with_checklist)
        content = selectors.page_content(**self.text_address())
        return PageTextForm(
            initial={
                "title": content.title,
                "body": content.body,
                "checklist": content.checklist,
                "based_on_version": content.version,
            },
            with_checklist=with_checklist,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context["current"] = selectors.page_content(**self.text_address())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = selectors.PageContent(
                title=data["title"],
                body=data["body"],
                checklist=data.get("checklist", ""),
                version=None,
                is_default=False,
            )
            return self.render_to_response(self.get_context_data(form=form, preview=preview))
        try:
            text = services.page_text_save(
                **self.text_address(),
                title=data["title"],
                body=data["body"],
                checklist=data.get("checklist", ""),
                author=request.user,
                based_on_version=data["based_on_version"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request, _("Opgeslagen als versie %(version)s.") % {"version": text.version}
        )
        return HttpResponseRedirect(self.get_context_data()["edit_url"])


class ManageHistoryView(ManagePageTextMixin, TemplateView):
    """The versions of one text, newest first; an old one can be restored (as a new version)."""

    template_name = "relatiedesk/manage_history.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["versions"] = selectors.page_versions(**self.text_address())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = self.get_context_data()
        try:
            version = int(request.POST.get("version", ""))
            text = services.page_text_restore(
                **self.text_address(), version=version, author=request.user
            )
        except (ValueError, ValidationError):
            messages.error(request, _("Deze versie bestaat niet."))
        else:
            messages.success(
                request,
                _("Versie %(old)s staat weer op de pagina, als versie %(new)s.")
                % {"old": version, "new": text.version},
            )
        return HttpResponseRedirect(context["history_url"])
