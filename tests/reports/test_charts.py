"""Server-drawn SVG bar charts: an image with a name and a text alternative that states
every figure, bars in proportion, labels and values written beside the bars (no meaning
by colour alone), enough contrast, nothing a strict Content Security Policy blocks, and no
trouble with nothing to show."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from reports import charts
from reports.charts import Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"

BARS = [
    Bar(label="KIES", value=0.75, value_text="75% (6 van 8 plaatsen)"),
    Bar(label="!JES", value=0.25, value_text="25% (2 van 8 plaatsen)"),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bar_widths(root: ET.Element) -> list[float]:
    return [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("fill") != "none"]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_the_chart_is_an_image_labelled_by_its_title_and_description() -> None:
    root = parse(bar_chart(chart_id="fill", title="Bezetting", bars=BARS))
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert (title.get("id"), desc.get("id")) == ("fill-title", "fill-desc")
    assert root.get("aria-labelledby") == "fill-title fill-desc"
    assert title.text == "Bezetting"


def test_the_text_alternative_states_every_figure() -> None:
    root = parse(bar_chart(chart_id="c", title="T", bars=BARS, summary="Per programma."))
    assert root.find(f"{SVG}desc").text == (
        "Per programma. KIES: 75% (6 van 8 plaatsen); !JES: 25% (2 van 8 plaatsen)."
    )


def test_bars_are_in_proportion_to_the_scale() -> None:
    root = parse(bar_chart(chart_id="c", title="T", bars=BARS, scale_max=1))
    assert bar_widths(root) == pytest.approx([0.75 * charts.BAR_MAX, 0.25 * charts.BAR_MAX])


def test_without_a_scale_the_largest_value_fills_the_length() -> None:
    bars = [Bar("Gepland", 4, "4 groepen"), Bar("Loopt", 2, "2 groepen")]
    assert bar_widths(parse(bar_chart(chart_id="c", title="T", bars=bars))) == pytest.approx(
        [charts.BAR_MAX, charts.BAR_MAX / 2]
    )


def test_a_value_above_the_scale_stops_at_the_full_length() -> None:
    root = parse(bar_chart(chart_id="c", title="T", bars=[Bar("x", 1.5, "150%")], scale_max=1))
    assert bar_widths(root) == [charts.BAR_MAX]


def test_a_small_value_stays_visible_and_zero_draws_no_bar() -> None:
    bars = [Bar("veel", 1000, "1000"), Bar("weinig", 1, "1"), Bar("geen", 0, "0")]
    widths = bar_widths(parse(bar_chart(chart_id="c", title="T", bars=bars)))
    assert widths == [charts.BAR_MAX, charts.MIN_VISIBLE]


def test_every_bar_has_its_label_and_value_written_beside_it() -> None:
    root = parse(bar_chart(chart_id="c", title="T", bars=BARS, show_scale=True))
    assert texts(root) == ["KIES", "75% (6 van 8 plaatsen)", "!JES", "25% (2 van 8 plaatsen)"]
    outlines = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "none"]
    assert len(outlines) == 2  # the 100% scale behind each bar


def test_all_zero_values_or_no_bars_draw_without_dividing_by_zero() -> None:
    zero = parse(bar_chart(chart_id="c", title="T", bars=[Bar("Gepland", 0, "0 groepen")]))
    assert bar_widths(zero) == []
    assert "Gepland: 0 groepen" in zero.find(f"{SVG}desc").text
    empty = parse(bar_chart(chart_id="c", title="T", bars=[], summary="Bezetting."))
    assert empty.find(f"{SVG}desc").text == "Bezetting. Geen gegevens."
    assert float(empty.get("height")) > 0


def test_text_is_escaped_so_a_name_cannot_inject_markup() -> None:
    bars = [Bar('<script>alert("x")</script> & co', 1, '"1"')]
    svg = bar_chart(chart_id="c", title="<b>T</b>", bars=bars)
    root = parse(svg)  # still well-formed XML
    assert "<script" not in svg
    assert root.find(f"{SVG}title").text == "<b>T</b>"
    assert texts(root)[0] == '<script>alert("x")</script> & co'


def test_the_svg_uses_presentation_attributes_only() -> None:
    svg = bar_chart(chart_id="c", title="T", bars=BARS, show_scale=True)
    root = parse(svg)
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    assert root.find(f"{SVG}script") is None and root.find(f"{SVG}style") is None


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colour", [charts.BAR_COLOUR, charts.AXIS_COLOUR])
def test_bars_and_axis_stand_out_from_the_white_page_by_at_least_3_to_1(colour: str) -> None:
    assert contrast(colour, "#ffffff") >= 3
    root = parse(bar_chart(chart_id="c", title="T", bars=BARS, show_scale=True))
    used = {e.get("fill") for e in root.iter()} | {e.get("stroke") for e in root.iter()}
    assert used - {None, "none", "currentColor"} == {charts.BAR_COLOUR, charts.AXIS_COLOUR}
