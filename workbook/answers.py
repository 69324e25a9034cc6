"""Kept answers files: reading ``clients/<id>.answers/*.json`` into current values and history.

Every file a client sent is kept unchanged; the current answer to a field is
the one with the newest ``updated`` across all of them. History (every dated
value) feeds the progress charts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook.errors import Problem, SourceLocation

FORMAT = "workbook-answers/1"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_VALUE_CHARS = 100_000
MAX_ANSWERS = 5_000


@dataclass(frozen=True)
class Answer:
    value: Any
    updated: str  # RFC 3339, UTC
    source: str  # the kept file's name


@dataclass
class Answers:
    """A client's answers: the current one per field, and every dated value seen."""

    current: dict[str, Answer] = field(default_factory=dict)
    history: dict[str, list[Answer]] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        return {key: a.value for key, a in self.current.items()}

    def for_exercise(self, exercise: str) -> dict[str, Any]:
        prefix = exercise + "/"
        return {k[len(prefix) :]: a.value for k, a in self.current.items() if k.startswith(prefix)}


def read_file(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read one answers file as JSON, checking only what merging needs."""
    where = SourceLocation(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(where, "the answers file is larger than 5 MB")]
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(where, f"cannot read the answers file: {exc}")]
    except json.JSONDecodeError as exc:
        return None, [
            Problem(SourceLocation(path, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")
        ]
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, [Problem(where, f"not a {FORMAT} answers file")]
    if not isinstance(data.get("answers"), dict):
        return None, [Problem(where, "the file has no 'answers' object")]
    return data, []


def load(folder: Path) -> tuple[Answers, list[Problem]]:
    """Merge every kept file of one client: newest ``updated`` wins, history is kept."""
    answers = Answers()
    problems: list[Problem] = []
    if not folder.is_dir():
        return answers, problems
    for path in sorted(folder.glob("*.json")):
        data, found = read_file(path)
        problems += found
        if data is None:
            continue
        for key, entry in sorted(data["answers"].items()):
            if not (isinstance(entry, dict) and isinstance(entry.get("updated"), str)):
                continue
            answer = Answer(entry.get("value"), entry["updated"], path.name)
            answers.history.setdefault(key, []).append(answer)
            now = answers.current.get(key)
            if now is None or answer.updated > now.updated:
                answers.current[key] = answer
    for items in answers.history.values():
        items.sort(key=lambda a: a.updated)
    return answers, problems
