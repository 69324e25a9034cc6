"""The coach's view of a client's current answers, as JSON, CSV or Markdown.

Answers come in programme order (stage, exercise, field); answers to fields
that no longer exist in the client's workbook follow, marked as such, because
nothing a client sent is ever dropped. CSV cells that a spreadsheet would run
as a formula are quoted with a leading apostrophe. Exports are read on the
coach's terminal as often as in a spreadsheet, so control characters in what a
client sent (terminal escape sequences, say) are shown escaped (``\x1b``) in
every format; line breaks and tabs in answers are kept.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from workbook.errors import visible
from workbook.load.answers import Answers
from workbook.load.job import ClientJob
from workbook.render.client_fields import KnownField

FORMATS = ("json", "csv", "md")
GONE = "no longer in the workbook"
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
    value: Any
    updated: str
    source: str


def rows(job: ClientJob, fields: dict[str, KnownField], answers: Answers) -> list[Row]:
    """Every current answer, known fields first in programme order, then the rest by name."""
    out: list[tuple[tuple[int, str], Row]] = []
    for key, answer in answers.current.items():
        exercise, _, field_id = key.partition("/")
        known = fields.get(key)
        ex = job.exercises.get(exercise)
        row = Row(
            key=key,
            exercise=exercise,
            field=field_id,
            stage=known.stage if known else None,
            kind=known.field.kind if known else None,
            title=ex.title if ex else None,
            in_workbook=known is not None,
            value=answer.value,
            updated=answer.updated,
            source=answer.source,
        )
        out.append(((known.order if known else 10**9, key), row))
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
        "answers": [
            {
                "key": r.key,
                "stage": r.stage,
                "exercise": r.exercise,
                "field": r.field,
                "kind": r.kind,
                "in_workbook": r.in_workbook,
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


def to_csv(job: ClientJob, found: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["stage", "exercise", "field", "kind", "status", "updated", "value"])
    for r in found:
        writer.writerow(
            [
                r.stage or "",
                _cell(r.exercise),
                _cell(r.field),
                r.kind or "",
                "current" if r.in_workbook else GONE,
                _cell(r.updated),
                _cell(value_text(r.value)),
            ]
        )
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    """Client text as literal Markdown: inline markup escaped, and block markers at the start."""
    out = "".join("\\" + ch if ch in "\\`*_[]<>|" else ch for ch in text)
    if out[:1] in ("#", "-", "+", "=", ">") or out[:1].isdigit():
        out = "\\" + out if not out[:1].isdigit() else out.replace(".", "\\.", 1)
    return _text(out)


def _md_value(value: Any) -> list[str]:
    if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
        width = max(len(r) for r in value)
        lines = ["| " + " | ".join(f"{i + 1}" for i in range(width)) + " |"]
        lines.append("|" + "---|" * width)
        for row in value:
            cells = [_md_escape(c) for c in row] + [""] * (width - len(row))
            lines.append("| " + " | ".join(c.replace("\n", " ") for c in cells) + " |")
        return lines
    if isinstance(value, dict):
        return [f"- {_md_escape(k)}: {v}" for k, v in value.items()]
    if isinstance(value, list):
        return [f"- {_md_escape(str(v))}" for v in value] or ["*(none)*"]
    text = value_text(value)
    return [("> " + _md_escape(line)).rstrip() for line in text.splitlines()] or ["> "]


def to_md(job: ClientJob, found: list[Row]) -> str:
    stages = {s.id: s.title for s in job.programme.stages}
    lines = [f"# Answers of {_md_escape(job.client.name)}", ""]
    lines += [f"{_md_escape(job.programme.title)} · {len(found)} answer(s)", ""]
    stage = exercise = None
    for r in found:
        if not r.in_workbook and stage != GONE:
            stage, exercise = GONE, None
            lines += ["## Answers to fields no longer in the workbook", ""]
        elif r.in_workbook and r.stage != stage:
            stage, exercise = r.stage, None
            lines += [f"## {_md_escape(stages.get(r.stage or '', r.stage or ''))}", ""]
        if r.exercise != exercise:
            exercise = r.exercise
            lines += [f"### {_md_escape(r.title or r.exercise)}", ""]
        kind = f" ({r.kind})" if r.kind else f" — {GONE}"
        lines += [f"**{_md_escape(r.field)}**{kind} · updated {r.updated}", ""]
        lines += [*_md_value(r.value), ""]
    return "\n".join(lines).rstrip() + "\n"


def render(fmt: str, job: ClientJob, found: list[Row]) -> str:
    return {"json": to_json, "csv": to_csv, "md": to_md}[fmt](job, found)
