"""Inline SVG charts of scores: no charting library, nothing from the network.

Pure functions from numbers to SVG text, so the progress page and the printed
packs draw the same charts. Every chart is an image with a title and a
description for screen readers; the pages also show the numbers as a table.
Output is deterministic (fixed number formatting), so builds are reproducible.
Every function draws whatever numbers it is given: a score beyond the chart's
scale (a kept answer from before the scale changed) is drawn at the edge and
labelled with its own value, never used as a coordinate.

For a right-to-left language (``rtl=True``) a chart is drawn mirrored: time and
scores run from the right, the scale stands on the right. The ``<svg>`` then
carries ``direction="rtl"``, under which ``text-anchor="start"``/``"end"`` are
the text's own start and end, so every label keeps its keyword and only its
``x`` is mirrored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from workbook.render.i18n import ENGLISH, Words

WIDTH = 640
INK = "#1d232b"
MUTED = "#55606e"
GRID = "#d5dbe3"
SERIES = ("#1f4e79", "#f2a900", "#2e7d4f", "#b3261e")


def _n(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def mirrored(x: float, w: float = 0.0, *, rtl: bool) -> float:
    """Where a thing drawn at ``x`` (``w`` wide) goes: there, or at its mirror image."""
    return WIDTH - x - w if rtl else x


def _frame(
    chart_id: str, title: str, desc: str, height: float, body: list[str], rtl: bool = False
) -> Markup:
    tid, did = f"{chart_id}-title", f"{chart_id}-desc"
    return Markup(
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(tid)} {escape(did)}" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="100%" preserveAspectRatio="{"xMaxYMin" if rtl else "xMinYMin"} meet" '
        f'xmlns="http://www.w3.org/2000/svg" direction="{"rtl" if rtl else "ltr"}" '
        f'font-family="system-ui, sans-serif" font-size="13">'
        f'<title id="{escape(tid)}">{escape(title)}</title>'
        f'<desc id="{escape(did)}">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def clamp(value: int, maximum: int) -> int:
    """``value`` within 0..maximum: where it is drawn (its label keeps the real value)."""
    return max(0, min(value, maximum))


def _ticks(maximum: int) -> list[int]:
    step = max(1, -(-maximum // 5))
    ticks = list(range(0, maximum + 1, step))
    return ticks if ticks[-1] == maximum else [*ticks, maximum]


def line_chart(
    chart_id: str,
    title: str,
    points: Sequence[tuple[str, int]],
    maximum: int,
    colour: str = SERIES[0],
    words: Words = ENGLISH,
    *,
    rtl: bool = False,
) -> Markup:
    """Scores over time: one labelled point per answer, joined by a line, on 0..maximum;
    its description for screen readers in ``words``' language.

    The points stand ``INSET`` in from the scale, so the first point's value never
    touches the scale's numbers; dates are thinned to every k-th (the last always
    kept) where the full set would run into each other.
    """
    left, right, top, bottom = 64.0, 56.0, 24.0, 44.0
    height = 240.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    span = plot_w - 2 * INSET
    maximum = max(maximum, 1)

    def at(v: float) -> float:
        return mirrored(v, rtl=rtl)

    def y(v: int) -> float:
        return top + plot_h - plot_h * clamp(v, maximum) / maximum

    def x(i: int) -> float:
        return at(left + INSET + (span / 2 if len(points) == 1 else span * i / (len(points) - 1)))

    body = []
    for tick in _ticks(maximum):
        body.append(
            f'<line x1="{_n(at(left))}" x2="{_n(at(WIDTH - right))}" y1="{_n(y(tick))}" '
            f'y2="{_n(y(tick))}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{_n(at(left - 8))}" y="{_n(y(tick) + 4)}" text-anchor="end" '
            f'fill="{MUTED}">{tick}</text>'
        )
    coords = [(x(i), y(v)) for i, (_, v) in enumerate(points)]
    if len(coords) > 1:
        path = " ".join(f"{_n(cx)},{_n(cy)}" for cx, cy in coords)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3" '
            'stroke-linejoin="round"/>'
        )
    every = _every(points, span)
    for i, ((cx, cy), (label, value)) in enumerate(zip(coords, points, strict=True)):
        body.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="5" fill="{colour}" stroke="#fff" '
            f'stroke-width="2"/><text x="{_n(cx)}" y="{_n(cy - 10)}" text-anchor="middle" '
            f'font-weight="700" fill="{INK}">{value}</text>'
        )
        if (len(points) - 1 - i) % every == 0:
            body.append(
                f'<text x="{_n(cx)}" y="{_n(height - bottom + 22)}" text-anchor="middle" '
                f'fill="{MUTED}">{escape(label)}</text>'
            )
    of = words.gettext("%(score)s of %(maximum)s")
    desc = "; ".join(
        f"{label}: " + of % {"score": value, "maximum": maximum} for label, value in points
    )
    return _frame(chart_id, title, desc, height, body, rtl)


INSET = 28.0  # from the scale to the first and last points, wider than a value's label
CHAR = 7.5  # a generous width of one character at the charts' 13 px


def _every(points: Sequence[tuple[str, int]], span: float) -> int:
    """Draw every k-th date so that no two of them overlap (k = 1 when they all fit)."""
    if len(points) < 2:
        return 1
    widest = max(len(label) for label, _ in points) * CHAR + 12
    gap = span / (len(points) - 1)
    return max(1, -(-int(widest) // max(int(gap), 1)))


@dataclass(frozen=True)
class Bars:
    """One statement and its score in each series (None when that series has no score)."""

    label: str
    scores: tuple[int | None, ...]


def compare_chart(
    chart_id: str,
    title: str,
    series: Sequence[str],
    rows: Sequence[Bars],
    maximum: int,
    colours: Sequence[str] = SERIES,
    words: Words = ENGLISH,
    *,
    rtl: bool = False,
) -> Markup:
    """Each statement with one bar per series (first and repeated self-assessment, …)."""
    bar, gap, label_h, pad = 14.0, 4.0, 18.0, 14.0
    maximum = max(maximum, 1)
    left, right = 8.0, 40.0
    legend_h = 28.0
    row_h = label_h + len(series) * (bar + gap) + pad
    height = legend_h + row_h * len(rows) + 8
    plot_w = WIDTH - left - right
    unanswered = words.gettext("not answered")
    of = words.gettext("%(score)s of %(maximum)s")
    body = []

    def at(v: float, w: float = 0.0) -> float:
        return mirrored(v, w, rtl=rtl)

    lx = left
    for i, name in enumerate(series):
        colour = colours[i % len(colours)]
        body.append(
            f'<rect x="{_n(at(lx, 14))}" y="6" width="14" height="14" fill="{colour}" '
            f'stroke="{INK}" stroke-width="1"/>'
            f'<text x="{_n(at(lx + 20))}" y="18" fill="{INK}">{escape(name)}</text>'
        )
        lx += 28 + 7.2 * len(name)
    for r, row in enumerate(rows):
        top = legend_h + r * row_h
        body.append(
            f'<text x="{_n(at(left))}" y="{_n(top + 13)}" fill="{INK}">{escape(row.label)}</text>'
        )
        for i, score in enumerate(row.scores):
            by = top + label_h + i * (bar + gap)
            colour = colours[i % len(colours)]
            body.append(
                f'<rect x="{_n(at(left, plot_w))}" y="{_n(by)}" width="{_n(plot_w)}" '
                f'height="{_n(bar)}" fill="#f5f7fa"/>'
            )
            if score is None:
                body.append(
                    f'<text x="{_n(at(left + 4))}" y="{_n(by + 11)}" fill="{MUTED}">'
                    f"{escape(unanswered)}</text>"
                )
                continue
            w = plot_w * clamp(score, maximum) / maximum
            body.append(
                f'<rect x="{_n(at(left, w))}" y="{_n(by)}" width="{_n(w)}" height="{_n(bar)}" '
                f'fill="{colour}" stroke="{INK}" stroke-width="1"/>'
                f'<text x="{_n(at(left + w + 6))}" y="{_n(by + 11)}" fill="{INK}" '
                f'font-weight="700">{score}</text>'
            )
    parts = []
    for row in rows:
        given = ", ".join(
            f"{name} {unanswered if s is None else of % {'score': s, 'maximum': maximum}}"
            for name, s in zip(series, row.scores, strict=True)
        )
        parts.append(f"{row.label}: {given}")
    return _frame(chart_id, title, "; ".join(parts), height, body, rtl)
