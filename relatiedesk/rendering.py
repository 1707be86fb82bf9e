"""Markdown written by the programme manager, made into HTML that is safe to show.

Two well-kept libraries, each doing one job: markdown-it-py (CommonMark, with raw HTML
switched off) writes the HTML, and nh3 (the Rust sanitiser ammonia) keeps only the tags,
attributes and link schemes below. So a script tag, an event handler or a `javascript:` link in
the text never reaches a page, even if one library has a gap.
"""

from __future__ import annotations

from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "hr",
    "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}


def _headings_below_the_title(state: Any) -> None:
    """The page's own title is the only h1: a `#` heading in the text becomes an h2, and a
    text shown under a heading of its own (the checklist) starts one level lower still."""
    top = state.env.get("top_heading", 2)
    tokens: list[Token] = state.tokens
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = int(token.tag[1])
            token.tag = f"h{min(max(level, top), 4)}"


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.disable("image")
    parser.core.ruler.push("headings_below_the_title", _headings_below_the_title)
    return parser


_PARSER = _parser()


def render_markdown(text: str, *, top_heading: int = 2) -> SafeString:
    """The text as sanitised HTML; no heading above `top_heading` (h2 unless told)."""
    html = _PARSER.render(text or "", {"top_heading": top_heading})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 -- sanitised by nh3 on the line above
