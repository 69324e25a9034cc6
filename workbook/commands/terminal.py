"""Progress on long builds: a bar on a terminal, plain lines in logs and CI.

A bar that redraws itself is noise in a CI log, and plain lines for hundreds
of unchanged clients are noise on a terminal; so the terminal gets one bar
line redrawn in place, and anything else gets one line per client built or
failed (unchanged clients are counted in the summary only).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from workbook.build.client import ClientResult

BAR_WIDTH = 28


def interactive(stream: TextIO) -> bool:
    """A terminal a person watches: a TTY, and not a CI runner (which sets ``CI``)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("CI")


class Progress:
    """Counts clients as they finish and shows it on ``stream`` (stderr by default)."""

    def __init__(self, total: int, stream: TextIO | None = None, bar: bool | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.bar = interactive(self.stream) if bar is None else bar
        self.done = 0
        self.counts = {"built": 0, "unchanged": 0, "failed": 0}
        self._drawn = False

    def __call__(self, result: ClientResult) -> None:
        self.done += 1
        if result.status in self.counts:
            self.counts[result.status] += 1
        if self.bar:
            self._draw(result.cid)
        elif result.status in ("built", "failed"):
            width = len(str(self.total))
            self.stream.write(f"[{self.done:>{width}}/{self.total}] {result.status} {result.cid}\n")
            self.stream.flush()

    def _draw(self, current: str) -> None:
        filled = int(BAR_WIDTH * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        c = self.counts
        line = (
            f"\r[{bar}] {self.done}/{self.total} · {c['built']} built, "
            f"{c['unchanged']} unchanged, {c['failed']} failed · {current}"
        )
        self.stream.write(line[:120].ljust(120) if self.total else line)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line, so the summary starts on a fresh one."""
        if self._drawn:
            self.stream.write("\r" + " " * 120 + "\r")
            self.stream.flush()
            self._drawn = False


def summary(built: int, unchanged: int, failed: int, seconds: float) -> str:
    """The last line of a build: what was built, skipped as unchanged, failed, and how long."""
    clients = built + unchanged + failed
    noun = "client" if clients == 1 else "clients"
    return (
        f"{clients} {noun}: {built} built, {unchanged} unchanged, {failed} failed "
        f"in {seconds:.1f} s"
    )
