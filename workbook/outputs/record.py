"""The engagement's record for the packs: rating scores over time, drawn as a small chart.

Rating fields total to a score (docs/exercises.md); exercises with the same
``tracks:`` value form one series, so a self-assessment at the start and
again near the end are read side by side. :func:`progress_chart` is the one
place the chart is drawn, so a richer chart (the site's progress page) can
replace it without touching the pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from workbook.load.answers import Answers
from workbook.models import Exercise, Field
from workbook.render import i18n
from workbook.render.charts import clamp
from workbook.render.i18n import ENGLISH, Words


@dataclass(frozen=True)
class Point:
    """One dated total of a rating field."""

    date: str  # YYYY-MM-DD, from the answer's ``updated``
    exercise: str  # the exercise's title
    total: int


@dataclass(frozen=True)
class Series:
    """The totals of one rating field (or one ``tracks`` series of them) over time."""

    title: str
    maximum: int
    points: tuple[Point, ...]


def rating_total(field: Field, value: Any) -> int | None:
    """The score of a rating answer: the sum of its items' scores; None when unanswered."""
    if not isinstance(value, dict):
        return None
    keys = {item.key for item in field.items}
    scores = [v for k, v in value.items() if k in keys and isinstance(v, int) and v > 0]
    return sum(scores) if scores else None


def rating_series(fields: list[tuple[Exercise, Field]], answers: Answers) -> list[Series]:
    """Every answered rating field's totals over time, series grouped by ``tracks``."""
    groups: dict[tuple[str, str], list[tuple[Exercise, Field]]] = {}
    for exercise, field in fields:
        if field.kind == "rating":
            groups.setdefault((exercise.tracks or exercise.id, field.id), []).append(
                (exercise, field)
            )
    out = []
    for members in groups.values():
        points = []
        maximum = 0
        for exercise, field in members:
            maximum = max(maximum, int(field.attrs["scale"]) * len(field.items))
            for answer in answers.history.get(f"{exercise.id}/{field.id}", []):
                total = rating_total(field, answer.value)
                if total is not None:
                    points.append(Point(answer.updated[:10], exercise.title, total))
        if points:
            points.sort(key=lambda p: p.date)
            first = members[0][0]
            out.append(Series(first.title, maximum, tuple(points)))
    return out


def progress_chart(
    series: Series,
    colour: str = "#1f4e79",
    words: Words = ENGLISH,
    language: str = "en",
    *,
    rtl: bool = False,
) -> Markup:
    """A bar per dated total, as inline SVG (attributes only: no page CSS reaches inside it),
    with a table of the same figures beneath for reading aloud and copying; dates, numbers
    and headings in the client's language. Right to left (``rtl``), the drawing is mirrored:
    dates on the right, bars growing leftwards."""
    _ = words.gettext

    def day(p: Point) -> str:
        return escape(i18n.format_short_day(p.date, language))

    def num(n: int) -> str:
        return i18n.format_number(n, language)

    bar_w, row_h, left = 300, 22, 80
    label_w = left + 60
    width = label_w + bar_w + 10

    def at(x: float, w: float = 0) -> float:  # the drawing's mirror image, right to left
        return width - x - w if rtl else x

    font = 'font-family="Noto Sans, DejaVu Sans, sans-serif" font-size="10" fill="#1d232b"'
    height = row_h * len(series.points) + 6
    rows = []
    for i, p in enumerate(series.points):
        y = 3 + i * row_h
        filled = (
            round(bar_w * clamp(p.total, series.maximum) / series.maximum) if series.maximum else 0
        )
        rows.append(
            f'<text x="{at(0):g}" y="{y + 14}" {font}>{day(p)}</text>'
            f'<rect x="{at(left, bar_w):g}" y="{y + 3}" width="{bar_w}" height="{row_h - 8}" '
            'fill="#e8ecf1"/>'
            f'<rect x="{at(left, filled):g}" y="{y + 3}" width="{filled}" height="{row_h - 8}" '
            f'fill="{escape(colour)}"/>'
            f'<text x="{at(left + bar_w + 8):g}" y="{y + 14}" {font}>'
            f"{num(p.total)} / {num(series.maximum)}</text>"
        )
    svg = (
        f'<svg class="chart" role="img" aria-hidden="true" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" direction="{"rtl" if rtl else "ltr"}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>'
    )
    of = _("%(score)s of %(maximum)s")
    table = "".join(
        f"<tr><td>{day(p)}</td><td>{escape(p.exercise)}</td>"
        f"<td>{escape(of % {'score': num(p.total), 'maximum': num(series.maximum)})}</td></tr>"
        for p in series.points
    )
    heads = "".join(
        f'<th scope="col">{escape(h)}</th>' for h in (_("Date"), _("Exercise"), _("Score"))
    )
    return Markup(
        f'<figure class="progress-chart"><figcaption>{escape(series.title)}</figcaption>{svg}'
        f'<table class="chart-table"><thead><tr>{heads}</tr></thead>'
        f"<tbody>{table}</tbody></table></figure>"
    )
