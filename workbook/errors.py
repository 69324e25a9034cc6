"""One exception root, and the located problems every check reports.

Users fix their own files, so every message says where (``path:line:col``),
what is wrong and how to fix it. Checks collect :class:`Problem` objects
instead of raising, so one run reports everything at once. A problem is an
error (the build of what it touches stops) or a warning (said, and the build
goes on).

Messages quote what users and their clients wrote, and a client's answers
file may hold terminal escape sequences: :func:`visible` shows every control
character as an escape, and every message goes through it when it is
formatted, so nothing a client sent reaches the coach's terminal raw.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import click

# C0 controls, DEL and C1 controls; in messages also line and paragraph separators and the
# bidirectional overrides and isolates, which can make a line read other than it is.
_CONTROLS = "\x00-\x1f\x7f-\x9f"
_IN_MESSAGES = re.compile(f"[{_CONTROLS}\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, keep: str = "") -> str:
    """``text`` with control characters shown as escapes (``\\x1b``, ``\\n``), except ``keep``.

    Exports keep line breaks and tabs (``keep="\\n\\t"``); messages keep nothing, so a
    value can never start a line of its own that looks like another message.
    """
    pattern = _IN_MESSAGES if not keep else re.compile(f"[{_CONTROLS}]")
    return pattern.sub(lambda m: m.group() if m.group() in keep else _escape(m), text)


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A place in a user's file; ``line`` and ``col`` count from 1, 0 when unknown."""

    path: Path
    line: int = 0
    col: int = 0

    def display(self, root: Path | None = None) -> str:
        """``path:line:col`` with the path relative to the project when it can be.

        The path is named as the user wrote it (a link by its own name) where that is
        inside the project, else as it resolves.
        """
        path = self.path
        if root is not None:
            base = root.resolve()
            for candidate in (Path(os.path.abspath(self.path)), self.path.resolve()):
                if candidate.is_relative_to(base):
                    path = candidate.relative_to(base)
                    break
        text = path.as_posix()
        if self.line:
            text += f":{self.line}"
            if self.col:
                text += f":{self.col}"
        return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the user's input: where, what, and how to fix it.

    An ``error`` stops what it touches (exit status 1); a ``warning`` is said and
    the build goes on (exit status 0 when there are only warnings).
    """

    where: SourceLocation
    what: str
    fix: str = ""
    severity: Literal["error", "warning"] = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self, root: Path | None = None) -> str:
        """``path:line:col: [warning: ]what — fix``, every control character escaped."""
        label = "warning: " if self.severity == "warning" else ""
        text = f"{self.where.display(root)}: {label}{self.what}"
        if self.fix:
            text += f" — {self.fix}"
        return visible(text)


def warning(where: SourceLocation, what: str, fix: str = "") -> Problem:
    """A problem that is said but stops nothing."""
    return Problem(where, what, fix, severity="warning")


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop something (warnings left out)."""
    return [p for p in problems if p.is_error]


class WorkbookError(click.ClickException):
    """Root of every error the user can act on; exit status 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | str, root: Path | None = None) -> None:
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            message = "\n".join(visible(line) for line in problems.split("\n"))
        else:
            self.problems = list(problems)
            message = "\n".join(p.format(root) for p in self.problems)
        super().__init__(message)

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        """Print the problems as plain ``path:line: message`` lines, no "Error:" prefix."""
        click.echo(self.format_message(), err=True, file=file)


class UsageProblem(WorkbookError):
    """The command line itself is wrong (exit 2, like click's own usage errors)."""

    exit_code = 2


@dataclass(frozen=True)
class Findings:
    """Problems keyed by what they stop: every client, or the clients of one programme,
    one exercise or one profile. Loading and checking each return one; they add up."""

    everything: tuple[Problem, ...] = ()
    programmes: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)
    exercises: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)
    clients: Mapping[str, tuple[Problem, ...]] = field(default_factory=dict)

    def __add__(self, other: Findings) -> Findings:
        return Findings(
            _unique(self.everything + other.everything),
            _merge(self.programmes, other.programmes),
            _merge(self.exercises, other.exercises),
            _merge(self.clients, other.clients),
        )

    def all(self) -> list[Problem]:
        """Every problem once: the ones that stop everything first, then by what they stop."""
        out = list(self.everything)
        for group in (self.programmes, self.exercises, self.clients):
            for key in sorted(group):
                out += group[key]
        return list(_unique(tuple(out)))

    def shared_clean(self) -> bool:
        """No problem in shared content (settings, programmes, exercises, templates)."""
        return not (self.everything or self.programmes or self.exercises)


def _unique(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    return tuple(dict.fromkeys(problems))


def _merge(
    a: Mapping[str, tuple[Problem, ...]], b: Mapping[str, tuple[Problem, ...]]
) -> dict[str, tuple[Problem, ...]]:
    out = dict(a)
    for key, found in b.items():
        out[key] = _unique(out.get(key, ()) + tuple(found))
    return out
