"""The data block each page hands the browser script (``<script type="application/json">``).

The script needs to know which fields each exercise has (to count exercises
started and complete) and what the coach has imported (to pre-fill, and to
let an answer typed in the browser since win). This is data, never code: the
page carries it as JSON that Jinja's ``tojson`` makes safe inside HTML.
"""

from __future__ import annotations

from typing import Any


def answered(value: Any) -> bool:
    """Whether a value counts as an answer: some text, a number, a tick, a score, a cell."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(answered(v) for v in value)
    if isinstance(value, dict):
        return bool(value)
    return True


def complete(value: Any, items: int | None) -> bool:
    """Answered in full: a rating needs every statement scored, other fields any answer."""
    if items and isinstance(value, dict):
        return len(value) >= items
    return answered(value)


def summary_data(
    stages: dict[str, list[str]],
    fields: dict[str, list[str]],
    items: dict[str, int],
    dated: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """For home and stage pages: stages → exercises → field keys, and what is imported.

    ``items`` gives the number of statements of each rating, so a rating with
    some statements scored counts as started, not complete; ``dated`` holds the
    imported answers (``exercise/field`` → value and ``updated``).
    """
    keys = {k for eid in fields for k in fields[eid]}
    return {
        "stages": stages,
        "exercises": fields,
        "items": {k: n for k, n in sorted(items.items()) if k in keys},
        "imported": {
            k: {
                "updated": a["updated"],
                "answered": answered(a["value"]),
                "complete": complete(a["value"], items.get(k)),
            }
            for k, a in sorted(dated.items())
            if k in keys
        },
    }


def exercise_data(
    exercise: str, keys: list[str], items: dict[str, int], dated: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """For an exercise page: its field keys and the imported answers with their times."""
    return {
        "exercise": exercise,
        "exercises": {exercise: keys},
        "items": {k: n for k, n in sorted(items.items()) if k in keys},
        "imported": dated,
    }
