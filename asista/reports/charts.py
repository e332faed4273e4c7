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
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 64


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def nice_max(value: float) -> float:
    """A round axis top at or above `value` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def _frame(title: str, body: list[str], legend: Sequence[str], top: float, y_label: str) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        '<g font-family="system-ui, sans-serif" font-size="11" fill="#333">',
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
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
            f'<rect x="{x}" y="{HEIGHT - 18}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{HEIGHT - 9}">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    parts.append("</g></svg>")
    return "".join(parts)


def _x_labels(labels: Sequence[str], centres: Sequence[float]) -> list[str]:
    every = max(1, math.ceil(len(labels) / 14))
    y = HEIGHT - BOTTOM + 14
    return [
        f'<text x="{x:.1f}" y="{y}" text-anchor="middle">{escape(label)}</text>'
        for i, (label, x) in enumerate(zip(labels, centres, strict=True))
        if i % every == 0
    ]


def _top(series: Sequence[Series], stacked: bool) -> float:
    if stacked:
        totals = [sum(v or 0 for v in column) for column in zip(*(s.values for s in series), strict=True)]
        return nice_max(max(totals, default=0))
    return nice_max(max((v for s in series for v in s.values if v is not None), default=0))


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], y_label: str = "") -> str:
    """One line per series over the labels (e.g. months); a None value breaks the line."""
    top = _top(series, stacked=False)
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
    return _frame(title, body, [s.name for s in series], top, y_label)


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_label: str = "",
    stacked: bool = False,
) -> str:
    """Bars per label: side by side per series, or stacked."""
    top = _top(series, stacked)
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
    return _frame(title, body, [s.name for s in series], top, y_label)


def heat_map(title: str, rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[int]]) -> str:
    """A grid of cells shaded by value (e.g. weekdays × hours), with the value as a tooltip."""
    left, top_margin = 44, 8
    cell_w = (WIDTH - left - RIGHT) / max(len(columns), 1)
    cell_h = min(28.0, (HEIGHT - top_margin - 28) / max(len(rows), 1))
    peak: float = max((v for row in values for v in row), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
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
