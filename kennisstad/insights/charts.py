"""Server-rendered SVG bar charts for the figures dashboard, readable without colour or script.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>``; each series has a
colour with at least 3:1 contrast on white *and* its own fill pattern, bars are separated by white
gaps, and every bar carries its value as text. The numbers are also in the table next to it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kennisstad.insights.figures import Chart, ChartKind

WIDTH = 720
FONT = 13
CHAR_WIDTH = 7.2  # average width of a character at FONT pixels, for laying out labels
NUMBER_ROOM = 22  # a stacked segment at least this wide carries its number inside
LINE = 15  # line height of a wrapped label
LABEL_CHARS = 36  # a category label beside horizontal bars wraps at this width, over at most two lines
INK = "#1b1b1b"
GRID = "#c9d1dc"


@dataclass(frozen=True)
class Style:
    colour: str  # contrast against white: at least 4.9:1
    pattern: str  # "solid", "diagonal", "dots", "crosshatch", "horizontal", "vertical"
    name: str  # for the legend's text alternative


STYLES = [
    Style("#123c69", "solid", gettext_noop("effen")),
    Style("#b34a00", "diagonal", gettext_noop("schuine strepen")),
    Style("#2e7d32", "dots", gettext_noop("stippen")),
    Style("#6a1b9a", "crosshatch", gettext_noop("ruitjes")),
    Style("#a4161a", "horizontal", gettext_noop("liggende strepen")),
    Style("#4a4a4a", "vertical", gettext_noop("staande strepen")),
]

_PATTERN_MARKS = {
    "diagonal": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#fff" stroke-width="1.6"/>',
    "dots": '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
    "crosshatch": '<path d="M0,4 h8 M4,0 v8" stroke="#fff" stroke-width="1.2"/>',
    "horizontal": '<path d="M0,4 h8" stroke="#fff" stroke-width="1.6"/>',
    "vertical": '<path d="M4,0 v8" stroke="#fff" stroke-width="1.6"/>',
}


def _fmt(value) -> str:
    return escape(number_format(value))


def _style(index: int) -> Style:
    return STYLES[index % len(STYLES)]


def _fill(uid: str, index: int) -> str:
    style = _style(index)
    return style.colour if style.pattern == "solid" else f"url(#{uid}-s{index})"


def _defs(uid: str, count: int) -> str:
    patterns = []
    for index in range(count):
        style = _style(index)
        if style.pattern == "solid":
            continue
        patterns.append(
            f'<pattern id="{uid}-s{index}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="{style.colour}"/>{_PATTERN_MARKS[style.pattern]}</pattern>'
        )
    return f"<defs>{''.join(patterns)}</defs>" if patterns else ""


def _bar(uid: str, index: int, x: float, y: float, width: float, height: float, tip: str) -> str:
    # The outline in the series colour keeps a patterned bar's edge at full contrast.
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" '
        f'fill="{_fill(uid, index)}" stroke="{_style(index).colour}" stroke-width="1.5">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = FONT, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{INK}"{extra}>'
        f"{text}</text>"
    )


def _nice_scale(top: float) -> tuple[float, float]:
    """(step, maximum) of an axis that shows 0..top in about five round steps."""
    if top <= 0:
        return 1, 1
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1)
    return step, math.ceil(top / step) * step


def _ticks(step: float, maximum: float) -> list[float]:
    return [step * i for i in range(int(round(maximum / step)) + 1)]


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _wrap(label: str, limit: int, lines: int = 2) -> list[str]:
    words, result = label.split(), [""]
    for word in words:
        if result[-1] and len(result[-1]) + 1 + len(word) > limit:
            result.append(word)
        else:
            result[-1] = f"{result[-1]} {word}".strip()
    if len(result) > lines:
        result = [*result[: lines - 1], _shorten(" ".join(result[lines - 1 :]), limit)]
    return [_shorten(line, max(limit, 3)) for line in result]


def _legend(uid: str, chart: Chart, top: float) -> tuple[str, float]:
    """Legend items left to right, wrapping; returns the markup and the height it takes."""
    if len(chart.series) < 2:
        return "", 0
    parts, x, y = [], 0.0, top
    for index, series in enumerate(chart.series):
        width = 26 + CHAR_WIDTH * len(series.label) + 18
        if x and x + width > WIDTH:
            x, y = 0.0, y + 24
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{y + 1:.1f}" width="18" height="16" fill="{_fill(uid, index)}" '
            f'stroke="{_style(index).colour}" stroke-width="1.5"/>'
        )
        parts.append(_text(x + 26, y + 14, escape(series.label)))
        x += width
    return "".join(parts), y - top + 28


def _description(chart: Chart) -> str:
    parts = [chart.explanation]
    if len(chart.series) > 1:
        legend = "; ".join(
            _("%(series)s: %(pattern)s") % {"series": series.label, "pattern": _(_style(index).name)}
            for index, series in enumerate(chart.series)
        )
        parts.append(_("Opvulling per reeks: %(legend)s.") % {"legend": legend})
    parts.append(_("De getallen staan ook in de tabel bij deze grafiek."))
    return " ".join(parts)


def _frame(uid: str, chart: Chart, height: float, body: str, width: float = WIDTH) -> SafeString:
    return mark_safe(
        f'<svg class="chart" id="{uid}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="{uid}-title {uid}-desc" font-family="inherit">'
        f'<title id="{uid}-title">{escape(chart.title)}</title>'
        f'<desc id="{uid}-desc">{escape(_description(chart))}</desc>'
        f"{_defs(uid, len(chart.series))}{body}</svg>"
    )


def horizontal_bars(chart: Chart, *, stacked: bool) -> SafeString:
    """Categories down the side; series side by side in each row, or stacked into one bar."""
    uid = f"grafiek-{chart.slug}"
    legend, legend_height = _legend(uid, chart, 0)
    wrapped = [_wrap(category, LABEL_CHARS) for category in chart.categories]
    label_chars = max((len(line) for lines in wrapped for line in lines), default=4)
    label_width = 8 + CHAR_WIDTH * label_chars
    x0, x1 = label_width + 10, WIDTH - 56
    bar = 24 if stacked or len(chart.series) == 1 else 18
    bars_height = bar if stacked else bar * len(chart.series)
    gap = 10
    top = legend_height + 6
    count = len(chart.categories)
    if stacked:
        top_value = max((sum(s.values[i] for s in chart.series) for i in range(count)), default=0)
    else:
        top_value = max((v for s in chart.series for v in s.values), default=0)
    step, maximum = _nice_scale(top_value)
    scale = (x1 - x0) / maximum
    # A row is as high as its bars or its label's lines, whichever is more.
    heights = [max(bars_height, LINE * len(lines)) + gap for lines in wrapped]
    plot_bottom = top + sum(heights)

    right = float(WIDTH)
    parts = [legend]
    for tick in _ticks(step, maximum):
        x = x0 + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{plot_bottom:.1f}" stroke="{GRID}"/>'
        )
        parts.append(_text(x, plot_bottom + 16, _fmt(tick), anchor="middle", size=12))
    y = top
    for row, category in enumerate(chart.categories):
        middle = y + heights[row] / 2
        lines = wrapped[row]
        for number, line in enumerate(lines):
            baseline = middle + 4 + (number - (len(lines) - 1) / 2) * LINE
            parts.append(
                _text(x0 - 8, baseline, f"<title>{escape(category)}</title>{escape(line)}", anchor="end")
            )
        y = middle - bars_height / 2
        x = x0
        for index, series in enumerate(chart.series):
            value = series.values[row]
            width = value * scale
            tip = f"{category} – {series.label}: {number_format(value)}"
            if stacked:
                if value:
                    parts.append(_bar(uid, index, x, y, width, bar, tip))
                    if width >= NUMBER_ROOM:
                        # A white halo keeps the dark number readable on any fill.
                        parts.append(
                            _text(
                                x + width / 2,
                                y + bar / 2 + 4,
                                _fmt(value),
                                anchor="middle",
                                size=12,
                                extra=' stroke="#fff" stroke-width="3" paint-order="stroke" font-weight="600"',
                            )
                        )
                x += width
            else:
                by = y + index * bar
                if value:
                    parts.append(_bar(uid, index, x0, by + 1, width, bar - 2, tip))
                parts.append(_text(x0 + width + 5, by + bar / 2 + 4, _fmt(value), size=12))
        if stacked:
            total = sum(series.values[row] for series in chart.series)
            note = _fmt(total)
            # Segments too narrow for their number get it named after the total instead.
            hidden = [
                f"{_fmt(series.values[row])} {escape(series.label)}"
                for series in chart.series
                if series.values[row] and series.values[row] * scale < NUMBER_ROOM
            ]
            if hidden and sum(1 for series in chart.series if series.values[row]) > 1:
                note += f' <tspan font-weight="400">({", ".join(hidden)})</tspan>'
            parts.append(_text(x + 5, y + bar / 2 + 4, note, size=12, extra=' font-weight="700"'))
            plain = re.sub(r"<[^>]+>", "", note)
            right = max(right, x + 5 + CHAR_WIDTH * 0.95 * len(plain))
        y = middle + heights[row] / 2
    parts.append(f'<line x1="{x0:.1f}" y1="{top:.1f}" x2="{x0:.1f}" y2="{plot_bottom:.1f}" stroke="{INK}"/>')
    parts.append(
        f'<line x1="{x0:.1f}" y1="{plot_bottom:.1f}" x2="{x1:.1f}" y2="{plot_bottom:.1f}" stroke="{INK}"/>'
    )
    parts.append(_text((x0 + x1) / 2, plot_bottom + 36, escape(chart.value_label), anchor="middle"))
    return _frame(uid, chart, plot_bottom + 46, "".join(parts), width=right + 8)


def columns(chart: Chart) -> SafeString:
    """Categories along the bottom; series side by side in each category."""
    uid = f"grafiek-{chart.slug}"
    legend, legend_height = _legend(uid, chart, 0)
    x0, x1 = 64, WIDTH - 8
    top = legend_height + 18
    plot_height = 220
    bottom = top + plot_height
    count = max(len(chart.categories), 1)
    band = (x1 - x0) / count
    group = band * 0.8
    bar = group / max(len(chart.series), 1)
    step, maximum = _nice_scale(max((v for s in chart.series for v in s.values), default=0))
    scale = plot_height / maximum
    limit = max(int(band / CHAR_WIDTH), 3)
    wrapped = [_wrap(category, limit) for category in chart.categories]
    label_lines = max((len(lines) for lines in wrapped), default=1)

    parts = [legend]
    for tick in _ticks(step, maximum):
        y = bottom - tick * scale
        parts.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(_text(x0 - 6, y + 4, _fmt(tick), anchor="end", size=12))
    value_size = 12 if bar >= 18 else 10
    for column, category in enumerate(chart.categories):
        left = x0 + column * band + (band - group) / 2
        for index, series in enumerate(chart.series):
            value = series.values[column]
            height = value * scale
            x = left + index * bar
            if value:
                tip = f"{category} – {series.label}: {number_format(value)}"
                parts.append(_bar(uid, index, x + 1, bottom - height, bar - 2, height, tip))
            parts.append(
                _text(x + bar / 2, bottom - height - 4, _fmt(value), anchor="middle", size=value_size)
            )
        centre = x0 + column * band + band / 2
        for line_number, line in enumerate(wrapped[column]):
            parts.append(
                _text(centre, bottom + 17 + line_number * 15, escape(line), anchor="middle", size=12)
            )
    parts.append(f'<line x1="{x0:.1f}" y1="{top - 8:.1f}" x2="{x0:.1f}" y2="{bottom:.1f}" stroke="{INK}"/>')
    parts.append(f'<line x1="{x0:.1f}" y1="{bottom:.1f}" x2="{x1:.1f}" y2="{bottom:.1f}" stroke="{INK}"/>')
    axis_y = bottom + 20 + label_lines * 15
    parts.append(_text((x0 + x1) / 2, axis_y, escape(chart.category_label), anchor="middle"))
    middle = (top + bottom) / 2
    parts.append(
        _text(
            16,
            middle,
            escape(chart.value_label),
            anchor="middle",
            extra=f' transform="rotate(-90 16 {middle:.1f})"',
        )
    )
    return _frame(uid, chart, axis_y + 10, "".join(parts))


def render_chart(chart: Chart) -> SafeString:
    """The chart as inline SVG; empty when it has nothing to draw along its axis."""
    if not chart.categories:
        return mark_safe("")
    if chart.kind == ChartKind.COLUMNS:
        return columns(chart)
    return horizontal_bars(chart, stacked=chart.kind == ChartKind.STACKED_BARS)
