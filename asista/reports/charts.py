"""Small server-rendered SVG charts: lines, (stacked) bars and a heat map. Pure, no database.

Each function returns a complete `<svg>` element as a string, sized by its viewBox so it scales
to its container; text is escaped. Colours come from one palette that stays readable in grey.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f6fb2", "#e07b00", "#2a9d5c", "#c0392b", "#7d3c98", "#5d6d7e", "#b7950b", "#16a2b8")
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 28, 30, 66


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def axis(value: float, ticks: int = 5) -> tuple[float, int]:
    """(top, number of steps): a round step (1, 2, 2.5, 5 × 10^k) and the fewest steps to `value`."""
    if value <= 0:
        return 1.0, 4
    raw = value / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if raw <= s * power)
    steps = max(1, math.ceil(value / step - 1e-9))
    return step * steps, steps


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _frame(title: str, body: list[str], legend: Sequence[str], scale: tuple[float, int], y_label: str) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        '<g font-family="system-ui, sans-serif" font-size="11" fill="#333">',
    ]
    top, steps = scale
    for i in range(steps + 1):
        value = top * i / steps
        y = TOP + plot_h - plot_h * i / steps
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}</text>'
        )
    if y_label:
        parts.append(
            f'<text transform="translate(12 {TOP + plot_h / 2:.0f}) rotate(-90)" '
            f'text-anchor="middle">{escape(y_label)}</text>'
        )
    parts.extend(body)
    x = LEFT
    for i, name in enumerate(legend):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="13">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    parts.append("</g></svg>")
    return "".join(parts)


def _x_labels(labels: Sequence[str], centres: Sequence[float]) -> list[str]:
    """Labels under the axis; slanted when they would not fit side by side, thinned past 14."""
    every = max(1, math.ceil(len(labels) / 14))
    y = HEIGHT - BOTTOM + 14
    room = (WIDTH - LEFT - RIGHT) / max(len(labels), 1) * every
    slant = max((len(label) for label in labels), default=0) * 6.2 > room
    shown = []
    for i, (label, x) in enumerate(zip(labels, centres, strict=True)):
        if i % every:
            continue
        text = escape(label if len(label) <= 17 else label[:16] + "…")
        if slant:
            shown.append(
                f'<text transform="translate({x:.1f} {y - 4}) rotate(-28)" text-anchor="end">{text}</text>'
            )
        else:
            shown.append(f'<text x="{x:.1f}" y="{y}" text-anchor="middle">{text}</text>')
    return shown


def _scale(series: Sequence[Series], stacked: bool) -> tuple[float, int]:
    if stacked:
        totals = [sum(v or 0 for v in column) for column in zip(*(s.values for s in series), strict=True)]
        return axis(max(totals, default=0))
    return axis(max((v for s in series for v in s.values if v is not None), default=0))


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], y_label: str = "") -> str:
    """One line per series over the labels (e.g. months); a None value breaks the line."""
    scale = _scale(series, stacked=False)
    top = scale[0]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)
    xs = [LEFT + i * step for i in range(len(labels))]
    body = _x_labels(labels, xs)
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = [
            (x, TOP + plot_h - plot_h * value / top)
            for x, value in zip(xs, one.values, strict=True)
            if value is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
    return _frame(title, body, [s.name for s in series], scale, y_label)


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_label: str = "",
    stacked: bool = False,
) -> str:
    """Bars per label: side by side per series, or stacked."""
    scale = _scale(series, stacked)
    top = scale[0]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    group = slot * 0.8
    width = group if stacked else group / max(len(series), 1)
    body = _x_labels(labels, [LEFT + slot * (i + 0.5) for i in range(len(labels))])
    for i in range(len(labels)):
        base: float = TOP + plot_h
        for index, one in enumerate(series):
            value = one.values[i] or 0
            height = plot_h * value / top
            x = LEFT + slot * i + slot * 0.1 + (0 if stacked else index * width)
            y = base - height
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width - 1, 1):.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[index % len(PALETTE)]}"><title>{escape(labels[i])} · '
                f"{escape(one.name)}: {_fmt(value)}</title></rect>"
            )
            if stacked:
                base = y
    return _frame(title, body, [s.name for s in series], scale, y_label)


def heat_map(title: str, rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[int]]) -> str:
    """A grid of cells shaded by value (e.g. weekdays × hours), with the value as a tooltip."""
    left, top_margin, right = 44, 8, 16
    cell_w = (WIDTH - left - right) / max(len(columns), 1)
    cell_h = 22.0
    height = top_margin + cell_h * len(rows) + 24
    peak: float = max((v for row in values for v in row), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        '<g font-family="system-ui, sans-serif" font-size="11" fill="#333">',
    ]
    for r, name in enumerate(rows):
        y = top_margin + r * cell_h
        parts.append(
            f'<text x="{left - 6}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="end">{escape(name)}</text>'
        )
        for c, value in enumerate(values[r]):
            share = value / peak
            # From near-white to the palette's blue, so zero stays visible as a cell.
            shade = f"rgb({int(240 - 209 * share)},{int(244 - 133 * share)},{int(248 - 70 * share)})"
            parts.append(
                f'<rect x="{left + c * cell_w:.1f}" y="{y:.1f}" width="{cell_w - 1:.1f}" '
                f'height="{cell_h - 1:.1f}" fill="{shade}"><title>{escape(name)} {escape(columns[c])}: '
                f"{value}</title></rect>"
            )
    label_y = top_margin + len(rows) * cell_h + 14
    for c, name in enumerate(columns):
        if c % 2 == 0:
            parts.append(
                f'<text x="{left + (c + 0.5) * cell_w:.1f}" y="{label_y:.1f}" text-anchor="middle">'
                f"{escape(name)}</text>"
            )
    parts.append("</g></svg>")
    return "".join(parts)
