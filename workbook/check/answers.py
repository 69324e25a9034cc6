"""An answers file against a client's workbook: value shapes and scales per field.

:func:`check_fields` compares a sound answers file (``load/answers_file.py``)
with the fields the client's exercises have today: a value of the wrong shape
for its field, or a score outside the field's scale, is refused, while an
answer to a field that no longer exists or an item key that is gone is only
reported, because content changes and nothing a client sent is ever dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbook.errors import Problem, SourceLocation
from workbook.load.answers_file import REDOWNLOAD, is_int, key_line
from workbook.models import Field


def _shape_problem(field: Field, value: Any) -> str | None:
    """Why ``value`` cannot be an answer to ``field``, or None when its shape fits."""
    kind = field.kind
    if kind == "prompt" and not isinstance(value, str):
        return "a prompt's answer is a text"
    if kind == "scale" and not is_int(value):
        return "a scale's answer is a whole number"
    if kind == "choice" and not isinstance(value, str):
        return "a choice's answer is the key of one item"
    if kind == "checklist" and not (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    ):
        return "a checklist's answer is a list of item keys"
    if kind == "rating" and not (
        isinstance(value, dict) and all(is_int(v) for v in value.values())
    ):
        return "a rating's answer is an object of item key to score"
    if kind == "table" and not (
        isinstance(value, list)
        and all(isinstance(r, list) and all(isinstance(c, str) for c in r) for r in value)
    ):
        return "a table's answer is a list of rows, each a list of texts"
    if kind == "scale":
        low, high = int(field.attrs["min"]), int(field.attrs["max"])
        if not low <= value <= high:
            return f"{value} is outside its scale {low}–{high}"
    if kind == "rating":
        scale = int(field.attrs["scale"])
        if odd := [v for v in value.values() if not 1 <= v <= scale]:
            return f"the score {odd[0]} is outside its scale 1–{scale}"
    return None


def _notes_for(field: Field, value: Any) -> list[str]:
    """What no longer matches today's field (kept all the same)."""
    keys = {i.key for i in field.items}
    notes = []
    if field.kind in ("choice", "checklist"):
        given = [value] if isinstance(value, str) else value
        gone = [k for k in given if k not in keys]
        if gone:
            notes.append("items no longer in the exercise: " + ", ".join(gone))
    elif field.kind == "rating":
        gone = [k for k in value if k not in keys]
        if gone:
            notes.append("items no longer in the exercise: " + ", ".join(gone))
    elif field.kind == "table":
        width = len(field.attrs["columns"].split("|"))
        if any(len(r) > width for r in value):
            notes.append(f"rows wider than today's {width} columns")
    return notes


def check_fields(
    data: dict[str, Any], path: Path, fields: dict[str, Field], text: str | None = None
) -> tuple[list[Problem], list[str]]:
    """Compare a sound document with the client's fields: (refusals, notes to report)."""
    problems: list[Problem] = []
    notes: list[str] = []
    for key, entry in sorted(data["answers"].items()):
        field = fields.get(key)
        if field is None:
            notes.append(f"{key}: no such field in the client's workbook today (kept)")
            continue
        why = _shape_problem(field, entry["value"])
        if why:
            problems.append(
                Problem(
                    SourceLocation(path, key_line(text, key)),
                    f"the value of '{key}' does not fit its .{field.kind} field: {why}",
                    REDOWNLOAD,
                )
            )
            continue
        notes += [f"{key}: {n} (kept)" for n in _notes_for(field, entry["value"])]
    return problems, notes
