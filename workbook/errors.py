"""One exception root, and the located problems every check reports.

Users fix their own files, so every message says where (``path:line:col``),
what is wrong and how to fix it. Checks collect :class:`Problem` objects
instead of raising, so one run reports everything at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import click


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
    """One thing wrong in the user's input: where, what, and how to fix it."""

    where: SourceLocation
    what: str
    fix: str = ""

    def format(self, root: Path | None = None) -> str:
        text = f"{self.where.display(root)}: {self.what}"
        if self.fix:
            text += f" — {self.fix}"
        return text


class WorkbookError(click.ClickException):
    """Root of every error the user can act on; exit status 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | str, root: Path | None = None) -> None:
        if isinstance(problems, str):
            self.problems: list[Problem] = []
            message = problems
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
