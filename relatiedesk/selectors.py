"""Reads of the relatiedesk: which text a page shows, which pages a programme has, the history.

One home for "the text of a page": the public pages, the manager's list, the editing form and
the mails' links all ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.utils.safestring import SafeString

from programmes.models import Programme
from relatiedesk.defaults import default_text
from relatiedesk.models import Audience, Language, PageText
from relatiedesk.rendering import render_markdown

# A programme that reaches children under 12 has a children's page (7 to 12, primary school);
# one that reaches children over 12 a teenagers' page.
TEEN_AGE = 12


@dataclass(frozen=True)
class PageContent:
    """What a page shows: the newest version, or the shipped default when there is none."""

    title: str
    body: str
    checklist: str
    version: int | None  # None: the shipped default
    is_default: bool

    @property
    def body_html(self) -> SafeString:
        return render_markdown(self.body)

    @property
    def checklist_html(self) -> SafeString:
        # Under the page's own "Checklist" heading (an h2), so its sections are h3.
        return render_markdown(self.checklist, top_heading=3)


def audiences_of(programme: Programme | None) -> list[str]:
    """The audiences a page set has: the general section all three; a programme those its
    ages reach (KIES 7-12: parents and children; a programme for 12 to 17: parents and
    teenagers)."""
    if programme is None:
        return list(Audience.values)
    audiences = [Audience.PARENTS.value]
    if programme.age_min < TEEN_AGE:
        audiences.append(Audience.CHILDREN.value)
    if programme.age_max > TEEN_AGE:
        audiences.append(Audience.TEENAGERS.value)
    return audiences


def page_versions(
    *, programme: Programme | None, audience: str, language: str
) -> QuerySet[PageText]:
    """Every saved version of one text, newest first, with its author (one query)."""
    return _versions(programme, audience, language).select_related("author")


def _versions(programme: Programme | None, audience: str, language: str) -> QuerySet[PageText]:
    texts = PageText.objects.filter(audience=audience, language=language)
    texts = texts.filter(programme=programme) if programme else texts.filter(programme=None)
    return texts.order_by("-version")


def page_content(*, programme: Programme | None, audience: str, language: str) -> PageContent:
    """The text a page shows now (one query)."""
    newest = _versions(programme, audience, language).first()
    if newest is not None:
        return PageContent(
            title=newest.title,
            body=newest.body,
            checklist=newest.checklist,
            version=newest.version,
            is_default=False,
        )
    shipped = default_text(programme=programme, audience=audience, language=language)
    return PageContent(
        title=shipped.title,
        body=shipped.body,
        checklist=shipped.checklist if audience != Audience.PARENTS else "",
        version=None,
        is_default=True,
    )


def public_programmes() -> QuerySet[Programme]:
    """The programmes that have relatiedesk pages: the active ones."""
    return Programme.objects.filter(active=True).order_by("name_nl")


def language_of(code: str | None) -> str:
    """A request's language as one of the text languages (Dutch unless English)."""
    return Language.ENGLISH.value if (code or "").startswith("en") else Language.DUTCH.value


def newest_versions() -> dict[tuple[int | None, str, str], PageText]:
    """The newest saved version of every text, by (programme id, audience, language), with
    its author: two queries, however long the history."""
    newest = PageText.objects.values("programme_id", "audience", "language").annotate(
        newest=Max("version")
    )
    wanted = Q(pk__in=[])
    for row in newest:
        wanted |= Q(
            programme_id=row["programme_id"],
            audience=row["audience"],
            language=row["language"],
            version=row["newest"],
        )
    rows = PageText.objects.filter(wanted).select_related("author") if newest else []
    return {(text.programme_id, text.audience, text.language): text for text in rows}
