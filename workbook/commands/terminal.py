"""What a build shows while it runs: a bar on a terminal, plain lines in logs and CI.

A bar that redraws itself is noise in a CI log, and plain lines for hundreds
of unchanged clients are noise on a terminal; so the terminal gets one bar
line redrawn in place, fitted to the terminal's width, and anything else gets
one line per client built or failed (unchanged clients are counted in the
summary only). ``-v`` asks for a line per client, unchanged ones too, and per
pack; ``-q`` for nothing but problems.
"""

from __future__ import annotations

import os
import shutil
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

if TYPE_CHECKING:
    from workbook.build.client import ClientResult

BAR_WIDTH = 28
MIN_BAR = 10


class Verbosity(IntEnum):
    """``workbook -q`` / (neither) / ``workbook -v``."""

    QUIET = -1
    NORMAL = 0
    VERBOSE = 1


def interactive(stream: TextIO) -> bool:
    """A terminal a person watches: a TTY, and not a CI runner (which sets ``CI``)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("CI")


def columns(stream: TextIO) -> int:
    """The width of the terminal ``stream`` writes to: ``COLUMNS`` when set, else asked."""
    try:
        return max(int(os.environ["COLUMNS"]), 1)
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return shutil.get_terminal_size().columns


class Progress:
    """Counts clients as they finish and shows it on ``stream`` (stderr by default)."""

    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        bar: bool | None = None,
        verbosity: Verbosity = Verbosity.NORMAL,
    ) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.verbosity = verbosity
        quiet_or_loud = verbosity != Verbosity.NORMAL
        self.bar = (interactive(self.stream) if bar is None else bar) and not quiet_or_loud
        self.done = 0
        self.counts = {"built": 0, "unchanged": 0, "failed": 0}
        self._drawn = 0  # the length of the bar line on screen

    def __call__(self, result: ClientResult) -> None:
        self.done += 1
        if result.status in self.counts:
            self.counts[result.status] += 1
        if self.verbosity == Verbosity.QUIET:
            return
        if self.bar:
            self._draw(result.cid)
        elif result.status in ("built", "failed") or self.verbosity == Verbosity.VERBOSE:
            width = len(str(self.total))
            self.stream.write(f"[{self.done:>{width}}/{self.total}] {result.status} {result.cid}\n")
            self.stream.flush()

    def line(self, current: str, width: int) -> str:
        """The bar line for a terminal ``width`` columns wide (the last one left free)."""
        c = self.counts
        text = (
            f" {self.done}/{self.total} · {c['built']} built, "
            f"{c['unchanged']} unchanged, {c['failed']} failed · {current}"
        )
        room = width - 1
        size = max(MIN_BAR, min(BAR_WIDTH, room - len(text) - 2))
        filled = int(size * self.done / max(self.total, 1))
        line = "[" + "#" * filled + "-" * (size - filled) + "]" + text
        return line if len(line) <= room else line[: max(room - 1, 0)] + "…"

    def _draw(self, current: str) -> None:
        line = self.line(current, columns(self.stream))
        self.stream.write("\r" + line.ljust(self._drawn))
        self.stream.flush()
        self._drawn = len(line)

    def close(self) -> None:
        """End the bar's line, so the summary starts on a fresh one."""
        if self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
            self._drawn = 0


def pack_line(text: str) -> None:
    """With ``-v``: one line per pack rendered (called in the build's worker processes too)."""
    click.echo(text, err=True)


def summary(built: int, unchanged: int, failed: int, seconds: float, workers: int = 0) -> str:
    """The last line of a build: what was built, skipped as unchanged, failed, and how long
    (and on how many cluster workers, when it ran on a cluster)."""
    clients = built + unchanged + failed
    noun = "client" if clients == 1 else "clients"
    where = ""
    if workers:
        where = f" on {workers} cluster worker{'' if workers == 1 else 's'}"
    return (
        f"{clients} {noun}: {built} built, {unchanged} unchanged, {failed} failed "
        f"in {seconds:.1f} s{where}"
    )


def where_built(root: Path, out: Path, clients: list[str]) -> str | None:
    """Where the output is: the folder, and a client's home page to open when there is one."""
    if not clients or not out.is_dir():
        return None
    shown = _shown(root, out)
    if len(clients) > 1 and (out / "index.html").is_file():  # the coach's desk
        return f"Built in {shown}/ — open {shown}/index.html, the coach's desk"
    homes = [c for c in clients if (out / c / "index.html").is_file()]
    if homes:
        return f"Built in {shown}/ — open {shown}/{homes[0]}/index.html"
    return f"Built in {shown}/"  # encrypted sites in opaque folders: the notes say which


def _shown(root: Path, path: Path) -> str:
    """A path as the user would type it from the project folder."""
    path = path.resolve()
    return (
        path.relative_to(root.resolve()).as_posix()
        if path.is_relative_to(root.resolve())
        else path.as_posix()
    )
