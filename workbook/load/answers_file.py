"""An answers file on its own (docs/answers.md): format, client, times, limits, value shapes.

What can be judged without a project: the file's own structure, the limits,
that every value has one of the shapes a field can give, that every number is
one some field can give (0–100) and that its times are believable: no
``updated`` after the file's ``exported``, and nothing later than the checking
machine's clock plus :data:`~workbook.load.bounds.CLOCK_SKEW` (five minutes),
so an answer cannot pin itself as current for ever. Reading kept files
(``load/answers.py``) and ``answers import`` both go through it;
``check/answers.py`` then compares a sound file with a client's fields.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from workbook.errors import Problem, SourceLocation
from workbook.ids import id_problem
from workbook.load.answers import FORMAT, MAX_ANSWERS, MAX_VALUE_CHARS, parse_time
from workbook.load.bounds import CLOCK_SKEW, HIGHEST_NUMBER, LOWEST_NUMBER, number_shown

TOP_KEYS = ("format", "client", "programme", "exported", "answers")
ENTRY_KEYS = ("value", "updated")
REDOWNLOAD = "download the answers again from the workbook"


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def value_chars(value: Any) -> int:
    """A value's size in characters: a text's length, else the length of its JSON."""
    if isinstance(value, str):
        return len(value)
    return len(json.dumps(value, ensure_ascii=False))


def generic_shape(value: Any) -> bool:
    """Whether ``value`` has a shape some field kind gives (docs/answers.md)."""
    if isinstance(value, str) or is_int(value):
        return True
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_int(v) for k, v in value.items())
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return True
        return all(isinstance(r, list) and all(isinstance(c, str) for c in r) for r in value)
    return False


def key_line(text: str | None, key: str) -> int:
    """The line where ``"key"`` first appears in the file's text, 0 when not found."""
    if not text:
        return 0
    at = text.find(json.dumps(key, ensure_ascii=False))
    if at < 0:
        at = text.find(json.dumps(key))
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def _numbers(value: Any) -> list[int]:
    """The whole numbers in a value of a generic shape (a scale's, a rating's scores)."""
    if is_int(value):
        return [value]
    if isinstance(value, dict):
        return [v for v in value.values() if is_int(v)]
    return []


def check_document(
    data: Any, path: Path, text: str | None = None, now: dt.datetime | None = None
) -> list[Problem]:
    """Everything that can be checked from the file alone; an empty list means it is sound.

    ``now`` is the time of the check (the import, or the build reading a kept file).
    """
    where = SourceLocation(path)
    if not isinstance(data, dict):
        return [Problem(where, f"not a {FORMAT} answers file (no JSON object)", REDOWNLOAD)]
    fmt = data.get("format")
    if fmt != FORMAT:
        if isinstance(fmt, str) and fmt.startswith("workbook-answers/"):
            return [
                Problem(
                    SourceLocation(path, key_line(text, "format")),
                    f"format '{fmt}' is not one this version reads ({FORMAT})",
                    "update workbook, or export the answers from a matching workbook",
                )
            ]
        return [Problem(where, f"not a {FORMAT} answers file ('format' is missing)", REDOWNLOAD)]
    problems: list[Problem] = []
    for key in data:
        if key not in TOP_KEYS:
            problems.append(
                Problem(
                    SourceLocation(path, key_line(text, key)),
                    f"unknown key '{key}'",
                    "an answers file has only: " + ", ".join(TOP_KEYS),
                )
            )
    client = data.get("client")
    if not isinstance(client, str) or id_problem(client, reserved=True):
        shown = client if isinstance(client, str) else json.dumps(client)
        problems.append(
            Problem(
                SourceLocation(path, key_line(text, "client")),
                f"'client' is not a valid client id: {shown[:70]!r}",
                'the file must name the client it belongs to, e.g. "client": "jordan-rivera"',
            )
        )
    programme = data.get("programme")
    if programme is not None and (not isinstance(programme, str) or id_problem(programme)):
        problems.append(
            Problem(
                SourceLocation(path, key_line(text, "programme")),
                "'programme' is not a valid programme id",
                REDOWNLOAD,
            )
        )
    latest = (now or dt.datetime.now(dt.UTC)) + CLOCK_SKEW
    exported = parse_time(data.get("exported"))
    if "exported" in data and exported is None:
        problems.append(
            Problem(
                SourceLocation(path, key_line(text, "exported")),
                "'exported' is not an RFC 3339 time in UTC",
                'write it like "2026-11-22T10:00:00Z"',
            )
        )
    elif exported is not None and exported > latest:
        problems.append(
            Problem(
                SourceLocation(path, key_line(text, "exported")),
                f"'exported' is {data['exported']}, later than now",
                "check the clock of the computer the answers were saved on, then download "
                "them again",
            )
        )
        exported = None
    answers = data.get("answers")
    if not isinstance(answers, dict):
        problems.append(Problem(where, "the file has no 'answers' object", REDOWNLOAD))
        return problems
    if len(answers) > MAX_ANSWERS:
        problems.append(
            Problem(
                SourceLocation(path, key_line(text, "answers")),
                f"the file holds {len(answers)} answers, more than the limit of {MAX_ANSWERS}",
                "split it, or check that it is really a workbook answers file",
            )
        )
        return problems
    for key, entry in answers.items():
        found = _check_entry(key, entry, path, text)
        problems += found or _check_time(key, entry, path, text, exported or latest, bool(exported))
    return problems


def _check_time(
    key: str, entry: Any, path: Path, text: str | None, latest: dt.datetime, saved: bool
) -> list[Problem]:
    """An ``updated`` no later than the file's ``exported`` (else no later than now)."""
    updated = parse_time(entry["updated"])
    if updated is None or updated <= latest:
        return []
    if saved:
        what = f"later than the file's 'exported' ({latest:%Y-%m-%dT%H:%M:%SZ})"
    else:
        what = "later than now"
    return [
        Problem(
            SourceLocation(path, key_line(text, key)),
            f"'updated' of '{key}' is {entry['updated']}, {what}",
            "an answer cannot change after it was saved: check the clock of the computer "
            "the answers were saved on, then download them again",
        )
    ]


def _check_entry(key: str, entry: Any, path: Path, text: str | None) -> list[Problem]:
    at = SourceLocation(path, key_line(text, key))
    parts = key.split("/")
    if len(parts) != 2 or any(id_problem(p) for p in parts):
        return [
            Problem(
                at,
                f"'{key[:80]}' does not name an answer",
                "answers are named 'exercise-id/field-id', e.g. 'about-you/strengths'",
            )
        ]
    if not isinstance(entry, dict) or set(entry) != set(ENTRY_KEYS):
        return [
            Problem(
                at,
                f"the answer '{key}' should be an object with exactly 'value' and 'updated'",
                'write {"value": …, "updated": "2026-11-20T18:04:00Z"}',
            )
        ]
    problems = []
    if parse_time(entry["updated"]) is None:
        problems.append(
            Problem(
                at,
                f"'updated' of '{key}' is not an RFC 3339 time in UTC: "
                f"{json.dumps(entry['updated'])[:40]}",
                'write it like "2026-11-20T18:04:00Z"',
            )
        )
    value = entry["value"]
    if not generic_shape(value):
        problems.append(
            Problem(
                at,
                f"the value of '{key}' is not a shape any field gives",
                "a text, a whole number, a list of keys, an object of key to number, "
                "or a list of rows of texts",
            )
        )
    elif value_chars(value) > MAX_VALUE_CHARS:
        problems.append(
            Problem(
                at,
                f"the value of '{key}' is longer than {MAX_VALUE_CHARS:,} characters",
                "shorten the answer in the workbook and download again",
            )
        )
    elif odd := [n for n in _numbers(value) if not LOWEST_NUMBER <= n <= HIGHEST_NUMBER]:
        problems.append(
            Problem(
                at,
                f"the value of '{key}' holds {number_shown(odd[0])}, a number no field gives "
                f"(scores run from {LOWEST_NUMBER} to {HIGHEST_NUMBER})",
                REDOWNLOAD,
            )
        )
    return problems
