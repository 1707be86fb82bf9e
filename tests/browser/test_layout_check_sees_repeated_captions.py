"""The layout check (tools/layout_check.js) reports a table caption that says again, in
sight, what the heading just above it says: the participation report showed "Kerncijfers"
twice in a row. A caption kept for screen readers and visually hidden is fine."""

from __future__ import annotations

from typing import Any

from tools.page_tour import LAYOUT_CHECK

HIDDEN = (
    "<style>.gp-visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}</style>"
)


def _table(caption_class: str = "") -> str:
    return (
        f'<table id="figures"><caption class="{caption_class}">Kerncijfers</caption>'
        "<tr><th>Groepen</th><td>9</td></tr></table>"
    )


def test_a_visible_caption_that_repeats_the_heading_above_it_is_reported(page: Any) -> None:
    page.set_content(f"<main><h2>Kerncijfers</h2>{_table()}</main>")

    assert page.evaluate(LAYOUT_CHECK) == [
        'the caption of table#figures repeats the heading "Kerncijfers"'
    ]


def test_a_visually_hidden_caption_or_one_that_says_more_is_not_reported(page: Any) -> None:
    page.set_content(
        f"{HIDDEN}<main><h2>Kerncijfers</h2>{_table('gp-visually-hidden')}"
        "<h2>Bezetting</h2><table><caption>Bezetting per programma</caption>"
        "<tr><th>KIES</th><td>18 %</td></tr></table></main>"
    )

    assert page.evaluate(LAYOUT_CHECK) == []
