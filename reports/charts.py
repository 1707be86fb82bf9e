"""Charts for the report pages, drawn on the server as inline SVG.

No JavaScript and no `style` attributes (the Content Security Policy allows neither): the
SVG carries presentation attributes only (`fill`, `stroke`, `font-size`). Each chart is an
image with a name and a text alternative that states every figure (`role="img"`,
`<title>` and `<desc>`, `aria-labelledby` pointing to both), and the page puts the same
figures in a table beside it. Every bar has its label and value written next to it, so no
meaning rests on colour.

Colours, against the white page:
  #003E7E (Zwolle blue) bars ......... 10.6:1  (WCAG 1.4.11 needs 3:1 for graphics)
  #595959 axis and scale outline ..... 7.0:1
  text uses currentColor, so it follows the page's text colour (and forced colours).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BAR_COLOUR = "#003e7e"
AXIS_COLOUR = "#595959"

WIDTH = 640
PADDING = 8
LABEL_HEIGHT = 20  # the label line above each bar
BAR_HEIGHT = 22
ROW_GAP = 14
BAR_MAX = 380  # length of a bar at the top of the scale; the value text follows it
FONT_SIZE = 14
MIN_VISIBLE = 2  # a value above 0 never draws as nothing


@dataclass(frozen=True)
class Bar:
    """One bar: what it is, its length on the chart's scale, and its value as people read
    it (shown beside the bar and in the text alternative)."""

    label: str
    value: float
    value_text: str


def _length(value: float, scale_max: float) -> float:
    if value <= 0 or scale_max <= 0:
        return 0.0
    return max(MIN_VISIBLE, min(value, scale_max) / scale_max * BAR_MAX)


def text_alternative(summary: str, bars: Sequence[Bar]) -> str:
    """The figures of the chart in one sentence: the summary, then "label: value" per bar."""
    if not bars:
        return f"{summary} {_('Geen gegevens.')}".strip()
    figures = "; ".join(f"{bar.label}: {bar.value_text}" for bar in bars)
    return f"{summary} {figures}.".strip()


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    summary: str = "",
    scale_max: float | None = None,
    show_scale: bool = False,
) -> SafeString:
    """A horizontal bar chart: per bar its label on a line, below it the bar and its value.

    `scale_max` is the value of a full-length bar (the largest value when None, so 0 values
    or no bars never divide by zero); `show_scale` outlines the full length, for a share
    out of 100 %. `chart_id` must be unique on the page: the title and description ids
    derive from it.
    """
    if scale_max is None:
        scale_max = max((bar.value for bar in bars), default=0) or 1
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    row = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = PADDING * 2 + max(len(bars), 1) * row - ROW_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gp-chart" id="{escape(chart_id)}" '
        f'role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(text_alternative(summary, bars))}</desc>',
    ]
    for index, bar in enumerate(bars):
        top = PADDING + index * row
        bar_top = top + LABEL_HEIGHT
        length = _length(bar.value, scale_max)
        parts.append(
            f'<text x="{PADDING}" y="{top + LABEL_HEIGHT - 5}" fill="currentColor">'
            f"{escape(bar.label)}</text>"
        )
        if show_scale:
            parts.append(
                f'<rect x="{PADDING}" y="{bar_top}" width="{BAR_MAX}" height="{BAR_HEIGHT}" '
                f'fill="none" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
            )
        if length:
            parts.append(
                f'<rect x="{PADDING}" y="{bar_top}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{BAR_COLOUR}"/>'
            )
        value_x = PADDING + (BAR_MAX if show_scale else length) + 8
        parts.append(
            f'<text x="{value_x:.1f}" y="{bar_top + BAR_HEIGHT / 2 + 5:.1f}" '
            f'fill="currentColor">{escape(bar.value_text)}</text>'
        )
    # The axis: where every bar starts.
    parts.append(
        f'<line x1="{PADDING}" y1="{PADDING + LABEL_HEIGHT}" x2="{PADDING}" '
        f'y2="{height - PADDING}" stroke="{AXIS_COLOUR}" stroke-width="2"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()
