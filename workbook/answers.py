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
AGAIN = "the file was changed after it was downloaded: ask the client to download it again"


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
        data = _decode(path.read_bytes())
    except UnicodeEncodeError:
        return None, [Problem(where, "the file holds text that is not valid Unicode", AGAIN)]
    except (OSError, UnicodeError) as exc:
        return None, [Problem(where, f"cannot read the answers file: {exc}")]
    except json.JSONDecodeError as exc:
        return None, [
            Problem(SourceLocation(path, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")
        ]
    except (ValueError, RecursionError) as exc:
        return None, [Problem(where, f"not a usable answers file: {_short(exc)}", AGAIN)]
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, [Problem(where, f"not a {FORMAT} answers file")]
    if not isinstance(data.get("answers"), dict):
        return None, [Problem(where, "the file has no 'answers' object")]
    if len(data["answers"]) > MAX_ANSWERS:
        return None, [Problem(where, f"the file has more than {MAX_ANSWERS:,} answers")]
    return data, []


def _decode(raw: bytes) -> Any:
    """Strict JSON: a BOM allowed; NaN, duplicate keys, lone surrogates and huge values refused."""
    text = raw.decode("utf-8-sig")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise ValueError(f"the key '{key[:60]}' is given twice")
            if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
                raise ValueError(f"'{key[:60]}' is longer than {MAX_VALUE_CHARS:,} characters")
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON value")

    data = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # lone surrogates: UnicodeEncodeError
    return data


def _short(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "values are nested too deeply"
    return str(exc).split(";")[0]


def load(folder: Path) -> tuple[Answers, list[Problem]]:
    """Merge every kept file of one client: newest ``updated`` wins, history is kept."""
    answers = Answers()
    problems: list[Problem] = []
    if not folder.is_dir():
        return answers, problems
    fix = "keep the client's answers files in the folder itself, not behind a link"
    if folder.is_symlink():
        return answers, [
            Problem(SourceLocation(folder), "this folder links outside the project", fix)
        ]
    for path in sorted(folder.glob("*.json")):
        if path.is_symlink():
            problems.append(Problem(SourceLocation(path), "this file is a link", fix))
            continue
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
