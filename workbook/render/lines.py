"""Source lines through Jinja: every personalised line knows where it was written.

A field's problem is found in the Markdown that Jinja made, whose lines are not
the file's once a ``{% for %}`` repeats some or an ``{% if %}`` drops others.
So the exercise environment writes an invisible mark at the start of each line
of template text (:class:`LineMarks`), :func:`unmark` takes the marks out before
Markdown sees the text and keeps them as a :class:`LineMap`, and the map moves
each problem back to the file and line where its text is written.

Text captured as a value (``{% set x %}…``, ``{% filter %}``, macros) is left
unmarked, so comparing or filtering it gives the same result as without marks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from workbook.errors import Problem, SourceLocation

_OPEN, _NAME, _CLOSE = "\ue001", "\ue003", "\ue002"
_MARK = re.compile(f"{_OPEN}(\\d+)(?:{_NAME}([^{_CLOSE}]*))?{_CLOSE}")
_CAPTURING = {"set": "endset", "filter": "endfilter", "macro": "endmacro", "call": "endcall"}
_FIRST = re.compile(r"\(first on line (\d+)\)")
_IDENT = re.compile(r"'#([^']+)'")


class LineMarks(Extension):
    """Marks each line of template text with its template's name and source line."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        capturing = 0
        for i, token in enumerate(tokens):
            if token.type == "name" and i and tokens[i - 1].type == "block_begin":
                if token.value in _CAPTURING and not _assigns(tokens, i):
                    capturing += 1
                elif token.value in _CAPTURING.values():
                    capturing = max(0, capturing - 1)
            if token.type == "data" and not capturing:
                token = Token(token.lineno, "data", _marked(token.value, token.lineno, stream.name))
            yield token


def _assigns(tokens: list[Token], at: int) -> bool:
    """``{% set x = … %}`` is a value, not a block whose text is captured."""
    for token in tokens[at:]:
        if token.type == "block_end":
            return False
        if token.type == "assign":
            return True
    return False


def _marked(text: str, line: int, name: str | None) -> str:
    parts = text.split("\n")
    first = f"{_OPEN}{line}{_NAME}{name or ''}{_CLOSE}{parts[0]}"
    rest = (f"{_OPEN}{line + i}{_CLOSE}{part}" for i, part in enumerate(parts[1:], 1))
    return "\n".join([first, *rest])


@dataclass(frozen=True)
class LineMap:
    """For each line of personalised text: the template it came from and its line there."""

    lines: tuple[tuple[str | None, int], ...] = ()
    path_of: Callable[[str], Path | None] | None = None

    def relocate(self, problems: list[Problem]) -> list[Problem]:
        """The problems at the file and line where their text is written, each once."""
        out: list[Problem] = []
        for problem in problems:
            moved = self._moved(problem)
            if moved not in out:
                out.append(moved)
        return out

    def source(self, line: int) -> tuple[str | None, int]:
        if 0 < line <= len(self.lines):
            return self.lines[line - 1]
        return None, line

    def _moved(self, problem: Problem) -> Problem:
        if not self.lines or not problem.where.line:
            return problem
        name, line = self.source(problem.where.line)
        path = (self.path_of(name) if self.path_of and name else None) or problem.where.path
        moved = replace(problem, where=SourceLocation(path, line, problem.where.col))
        first = _FIRST.search(problem.what)
        if first is None:
            return moved
        first_name, first_line = self.source(int(first[1]))
        if (first_name, first_line) == (name, line):
            ident = _IDENT.search(problem.what)
            example = f"#{ident[1] if ident else 'plan'}-{{{{ goal.id }}}}"
            return replace(
                moved,
                what=problem.what[: first.start()].rstrip() + " in each pass of the loop",
                fix=f"make the id from the loop's item, e.g. {example}",
            )
        return replace(moved, what=_FIRST.sub(f"(first on line {first_line})", problem.what))


def unmark(text: str, path_of: Callable[[str], Path | None] | None = None) -> tuple[str, LineMap]:
    """The text without its marks, and where each of its lines was written.

    A line takes the first mark on it; a line without one (text a capture made)
    follows the line before it.
    """
    if _OPEN not in text:
        return text, LineMap()
    clean: list[str] = []
    where: list[tuple[str | None, int]] = []
    current: str | None = None
    previous: tuple[str | None, int] = (None, 0)
    for line in text.split("\n"):
        marks = list(_MARK.finditer(line))
        if marks:
            first = marks[0]
            previous = (first[2] if first[2] is not None else current, int(first[1]))
            for mark in marks:
                current = mark[2] if mark[2] is not None else current
            line = _MARK.sub("", line)
        else:
            previous = (previous[0], previous[1] + 1)
        where.append(previous)
        clean.append(line)
    return "\n".join(clean), LineMap(tuple(where), path_of)
