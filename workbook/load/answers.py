"""Kept answers files: reading ``clients/<id>.answers/*.json`` into current values and history.

Every file a client sent is kept unchanged; the current answer to a field is
the one with the newest ``updated`` across all of them (times compared as
instants, not as text, so ``…00Z`` and ``…00.000Z`` agree). History (every
dated value) feeds the progress charts. A kept file that is not a valid
answers file is a problem of that client, never silently skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook.errors import Problem, SourceLocation
from workbook.load.files import NotRegular, not_regular_problem, read_regular

FORMAT = "workbook-answers/1"
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_VALUE_CHARS = 100_000
MAX_ANSWERS = 5_000
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})"
)


@dataclass(frozen=True)
class Answer:
    value: Any
    updated: str  # RFC 3339, UTC
    source: str  # the kept file's name

    @property
    def when(self) -> dt.datetime:
        """``updated`` as an aware UTC time (kept files were checked, so it parses)."""
        return parse_time(self.updated) or dt.datetime.min.replace(tzinfo=dt.UTC)


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

    def dated_for_exercise(self, exercise: str) -> dict[str, dict[str, Any]]:
        """``{"exercise/field": {"value", "updated"}}``: what the page script compares with."""
        prefix = exercise + "/"
        return {
            k: {"value": a.value, "updated": a.updated}
            for k, a in sorted(self.current.items())
            if k.startswith(prefix)
        }


def parse_time(text: Any) -> dt.datetime | None:
    """An RFC 3339 time in UTC (``Z`` or ``+00:00``) as an aware datetime, else None."""
    if not isinstance(text, str):
        return None
    m = _RFC3339.fullmatch(text)
    if not m or m.group(8) not in ("Z", "z", "+00:00", "-00:00"):
        return None
    frac = (m.group(7) or ".0")[1:7].ljust(6, "0")
    try:
        year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
        return dt.datetime(year, month, day, hour, minute, second, int(frac), tzinfo=dt.UTC)
    except ValueError:
        return None


class _Duplicate(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(raw: bytes, path: Path) -> tuple[Any, list[Problem]]:
    """Strict JSON: UTF-8, no duplicate keys, no NaN/Infinity; errors located by line."""
    where = SourceLocation(path)
    fix = "download the answers again from the workbook, or restore the original file"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(where, f"the file is not UTF-8 text ({exc.reason})", fix)]
    try:
        data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # lone surrogates fail here
        return data, []
    except UnicodeEncodeError:
        return None, [Problem(where, "the file holds text that is not valid Unicode", fix)]
    except json.JSONDecodeError as exc:
        at = SourceLocation(path, exc.lineno, exc.colno)
        return None, [Problem(at, f"not valid JSON: {exc.msg}", fix)]
    except _Duplicate as exc:
        return None, [Problem(where, f"not valid JSON: the key '{exc}' appears twice", fix)]
    except ValueError as exc:
        return None, [Problem(where, f"not valid JSON: {exc}", fix)]
    except RecursionError:
        return None, [Problem(where, "not valid JSON: nested too deeply", fix)]


def read_bytes(path: Path) -> tuple[bytes | None, list[Problem]]:
    """The raw bytes of an answers file, refusing anything over the 5 MB limit or not a file."""
    return read_limited(
        path, MAX_FILE_BYTES, "the answers file is larger than 5 MB", "answers files are small"
    )


def read_limited(
    path: Path, limit: int, too_big: str, fix: str
) -> tuple[bytes | None, list[Problem]]:
    """A file's bytes for import, or the located reason it cannot be read: missing, not a
    regular file, unreadable, or over ``limit`` bytes (``too_big`` and ``fix`` say so)."""
    where = SourceLocation(path)
    try:
        raw = read_regular(path, limit)
    except FileNotFoundError:
        return None, [Problem(where, "no such file", "check the file name")]
    except NotRegular as exc:
        return None, [not_regular_problem(path, exc.kind)]
    except OSError as exc:
        return None, [Problem(where, f"cannot read the file ({exc.strerror or exc})")]
    if raw is None:
        return None, [Problem(where, too_big, fix)]
    return raw, []


def read_file(path: Path, client: str | None = None) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read and check one answers file (format, client, answers, times, limits).

    With ``client``, the file must hold that client's answers (it is kept in their folder).
    """
    from workbook.load.answers_file import check_document, key_line

    raw, problems = read_bytes(path)
    if raw is None:
        return None, problems
    data, problems = parse_json(raw, path)
    if problems:
        return None, problems
    text = raw.decode("utf-8-sig")
    problems = check_document(data, path, text)
    if not problems and client is not None and data["client"] != client:
        problems = [
            Problem(
                SourceLocation(path, key_line(text, "client")),
                f"this file holds answers of '{data['client']}', not '{client}'",
                f"move it to clients/{data['client']}.answers/",
            )
        ]
    return (None, problems) if problems else (data, [])


def load(folder: Path) -> tuple[Answers, list[Problem]]:
    """Merge every kept file of one client: newest ``updated`` wins, history is kept.

    Files are read in name order (kept names start with the import time), so
    on an exact tie of ``updated`` the later import wins.
    """
    answers = Answers()
    problems: list[Problem] = []
    if not folder.is_dir():
        return answers, problems
    if folder.is_symlink():
        fix = "keep the client's answers files in the folder itself, not behind a link"
        return answers, [
            Problem(SourceLocation(folder), "this folder links outside the project", fix)
        ]
    client = folder.name.removesuffix(".answers")
    for path in sorted(folder.glob("*.json")):
        if path.is_symlink() or not path.is_file():
            problems.append(
                Problem(
                    SourceLocation(path),
                    "kept answers must be plain files, not links or folders",
                    "import the file with 'workbook answers import'",
                )
            )
            continue
        data, found = read_file(path, client)
        problems += found
        if found or data is None:
            continue
        for key, entry in sorted(data["answers"].items()):
            answer = Answer(entry["value"], entry["updated"], path.name)
            answers.history.setdefault(key, []).append(answer)
            now = answers.current.get(key)
            if now is None or answer.when >= now.when:
                answers.current[key] = answer
    for items in answers.history.values():
        items.sort(key=lambda a: (a.when, a.source))
    return answers, problems
