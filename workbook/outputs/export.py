"""The coach's view of a client's current answers, as JSON, CSV or Markdown.

Answers come in programme order (stage, exercise, field); answers kept as
earlier work (their exercise is no longer in the client's programme, or their
field no longer in an exercise that stays) follow,
then answers to fields that no longer exist, each marked as such, because
nothing a client sent is ever dropped. CSV cells that a spreadsheet would run
as a formula are quoted with a leading apostrophe. Exports are read on the
coach's terminal as often as in a spreadsheet, so control characters in what a
client sent (terminal escape sequences, say) are shown escaped (``\x1b``) in
every format; line breaks and tabs in answers are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbook.errors import visible
from workbook.load import catalogs
from workbook.load.answers import Answers
from workbook.load.job import ClientJob
from workbook.render import i18n
from workbook.render.client_fields import KnownField
from workbook.render.i18n import ENGLISH, Words

FORMATS = ("json", "csv", "md")
GONE = "no longer in the workbook"
EARLIER = "earlier work"
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")  # JSON escapes C0 controls itself, not these


def _text(value: str) -> str:
    """Client text for a CSV or Markdown export: control characters escaped, lines kept."""
    return visible(value, keep="\n\t")


@dataclass(frozen=True)
class Row:
    key: str
    exercise: str
    field: str
    stage: str | None
    kind: str | None
    title: str | None  # the exercise's title, when it still exists
    in_workbook: bool
    earlier: bool  # kept under "Earlier work": its exercise, or its field, is no longer there
    value: Any
    updated: str
    source: str
    # the field as it stands, or for earlier work as its kept copy had it: its question,
    # items and scale
    known: KnownField | None = None


def rows(
    job: ClientJob,
    fields: dict[str, KnownField],
    answers: Answers,
    earlier: dict[str, KnownField] | None = None,
) -> list[Row]:
    """Every current answer, known fields first in programme order, then the rest by name.

    ``earlier`` holds earlier work's fields as their kept copies have them (see
    ``earlier.earlier_known``), so those answers read under the question they had.
    """
    out: list[tuple[tuple[int, str, int, str], Row]] = []
    for key, answer in answers.current.items():
        exercise, _, field_id = key.partition("/")
        current = fields.get(key)
        was = current is None and (
            exercise in job.earlier or key in job.earlier_fields.get(exercise, ())
        )
        known = current or ((earlier or {}).get(key) if was else None)
        ex = job.exercises.get(exercise) or job.earlier.get(exercise)
        row = Row(
            key=key,
            exercise=exercise,
            field=field_id,
            stage=current.stage if current else None,
            kind=current.field.kind if current else None,
            title=ex.title if ex else None,
            in_workbook=current is not None,
            earlier=was,
            value=answer.value,
            updated=answer.updated,
            source=answer.source,
            known=known,
        )
        if current is not None:
            order = (current.order, "", 0, key)
        elif was:  # by exercise, then as its kept copy has the fields
            order = (10**9, exercise, known.order if known else 10**9, key)
        else:
            order = (2 * 10**9, "", 0, key)
        out.append((order, row))
    return [r for _, r in sorted(out, key=lambda pair: pair[0])]


def value_text(value: Any) -> str:
    """An answer as plain text: lists joined, ratings as ``key: n``, tables row by row."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        if value and all(isinstance(r, list) for r in value):
            return "\n".join(" | ".join(str(c) for c in r) for r in value)
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def to_json(job: ClientJob, found: list[Row]) -> str:
    doc = {
        "client": job.client.id,
        "name": job.client.name,
        "programme": job.programme.id,
        "release": job.programme.release,
        "answers": [
            {
                "key": r.key,
                "stage": r.stage,
                "exercise": r.exercise,
                "field": r.field,
                "kind": r.kind,
                "in_workbook": r.in_workbook,
                "earlier_work": r.earlier,
                "value": r.value,
                "updated": r.updated,
                "source": r.source,
            }
            for r in found
        ],
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _cell(text: str) -> str:
    text = _text(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def scale_text(known: KnownField | None, words: Words = ENGLISH) -> str:
    """A scale's or rating's bounds and their labels: ``1 (Rarely) to 5 (Always)``."""
    if known is None or known.field.kind not in ("scale", "rating"):
        return ""
    attrs = known.field.attrs
    low, high = (
        (attrs["min"], attrs["max"]) if known.field.kind == "scale" else ("1", attrs["scale"])
    )
    ends = [f"{n} ({attrs[k]})" if attrs.get(k) else n for n, k in ((low, "low"), (high, "high"))]
    return words.gettext("%(low)s to %(high)s") % {"low": ends[0], "high": ends[1]}


def parts(r: Row, words: Words = ENGLISH) -> list[tuple[str, str]]:
    """An answer as (item or statement, answer) pairs in words: one per item, row or value."""
    _ = words.gettext
    known, value = r.known, r.value
    kind = known.field.kind if known else None
    if known is not None and kind == "rating" and isinstance(value, dict):
        return [(known.item_text(k), str(v)) for k, v in value.items()]
    if known is not None and kind == "checklist" and isinstance(value, list):
        ticked = {str(v) for v in value}
        return [(text, _("ticked") if k in ticked else _("not ticked")) for k, text in known.items]
    if known is not None and kind == "choice" and isinstance(value, str):
        return [("", known.item_text(value))]
    if known is not None and kind == "table" and isinstance(value, list):
        columns = known.field.attrs["columns"].split("|")
        out = []
        for i, row in enumerate(value, 1):
            cells = row if isinstance(row, list) else [row]
            names = [
                columns[j] if j < len(columns) else _("Column %(n)s") % {"n": j + 1}
                for j in range(len(cells))
            ]
            joined = "; ".join(f"{n}: {c}" for n, c in zip(names, cells, strict=True))
            out.append((_("Row %(n)s") % {"n": i}, joined))
        return out
    return [("", value_text(value))]


CSV_HEAD = ["stage", "exercise", "question", "item", "answer", "scale", "updated", "status", "key"]


def to_csv(job: ClientJob, found: list[Row]) -> str:
    """One line per answer, per statement of a rating, item of a checklist, row of a table."""
    stages = {s.id: s.title for s in job.programme.stages}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEAD)
    for r in found:
        question = r.known.question if r.known else ""
        for item, answer in parts(r):
            writer.writerow(
                [
                    stages.get(r.stage or "", r.stage or ""),
                    _cell(r.title or r.exercise),
                    _cell(question or r.field),
                    _cell(item),
                    _cell(answer),
                    scale_text(r.known),
                    _cell(r.updated),
                    "current" if r.in_workbook else EARLIER if r.earlier else GONE,
                    _cell(r.key),
                ]
            )
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    """Client text as literal Markdown: inline markup escaped, and block markers at the start."""
    out = "".join("\\" + ch if ch in "\\`*_[]<>|" else ch for ch in text)
    if out[:1] in ("#", "-", "+", "=", ">") or out[:1].isdigit():
        out = "\\" + out if not out[:1].isdigit() else out.replace(".", "\\.", 1)
    return _text(out)


def _md_value(r: Row, words: Words) -> list[str]:
    known, value = r.known, r.value
    kind = known.field.kind if known else None
    if kind in ("rating", "checklist", "table") and isinstance(value, (list, dict)):
        return [f"- {_md_escape(item)} — {_md_escape(answer)}" for item, answer in parts(r, words)]
    if isinstance(value, list) and value and all(isinstance(row, list) for row in value):
        return [f"- {_md_escape(' | '.join(str(c) for c in row))}" for row in value]
    if isinstance(value, dict):
        return [f"- {_md_escape(k)}: {v}" for k, v in value.items()]
    if isinstance(value, list):
        none = words.gettext("none")
        return [f"- {_md_escape(str(v))}" for v in value] or [f"*({none})*"]
    text = parts(r, words)[0][1]
    return [("> " + _md_escape(line)).rstrip() for line in text.splitlines()] or ["> "]


def to_md(job: ClientJob, found: list[Row], root: Path | None = None) -> str:
    """Answers to read: by stage and exercise title, each under its question, with its scale;
    the headings in the firm's language (``root``: where the firm's own catalogs are)."""
    words = catalogs.translations(job.settings.language, root)
    _ = words.gettext
    stages = {s.id: s.title for s in job.programme.stages}
    lines = ["# " + _("Answers of %(name)s") % {"name": _md_escape(job.client.name)}, ""]
    count = words.ngettext("%(num)s answer", "%(num)s answers", len(found)) % {"num": len(found)}
    lines += [f"{_md_escape(job.programme.title)} · {count}", ""]
    stage = exercise = None
    for r in found:
        if r.earlier and stage != EARLIER:
            stage, exercise = EARLIER, None
            lines += ["## " + _("Earlier work"), ""]
        elif not r.in_workbook and not r.earlier and stage != GONE:
            stage, exercise = GONE, None
            lines += ["## " + _("Answers to fields no longer in the workbook"), ""]
        elif r.in_workbook and r.stage != stage:
            stage, exercise = r.stage, None
            lines += [f"## {_md_escape(stages.get(r.stage or '', r.stage or ''))}", ""]
        if r.exercise != exercise:
            exercise = r.exercise
            lines += [f"### {_md_escape(r.title or r.exercise)}", ""]
        question = r.known.question if r.known and r.known.question else r.field
        scale = scale_text(r.known, words)
        gone = _("earlier work") if r.earlier else _("no longer in the workbook")
        about = (" · " + _("scale %(scale)s") % {"scale": scale} if scale else "") + (
            "" if r.in_workbook else f" — {gone}"
        )
        updated = _("updated %(when)s") % {"when": _when(r.updated, job.settings.language)}
        lines += [f"**{_md_escape(question)}**{about} · {updated}", ""]
        lines += [*_md_value(r, words), ""]
    return "\n".join(lines).rstrip() + "\n"


def _when(stamp: str, language: str) -> str:
    """An answer's time (RFC 3339, UTC) as a long date and time in the language."""
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(dt.UTC)
    except ValueError:
        return _text(stamp)
    return i18n.format_long_date(when.replace(tzinfo=None), language) + " UTC"


def render(fmt: str, job: ClientJob, found: list[Row], root: Path | None = None) -> str:
    """An export; Markdown, written to be read, is in the firm's language (JSON and CSV are
    data, their keys and values the same in every language)."""
    if fmt == "md":
        return to_md(job, found, root)
    return {"json": to_json, "csv": to_csv}[fmt](job, found)
