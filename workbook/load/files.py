"""Reading users' files: regular files only, never more than a limit, UTF-8 text.

A project arrives by git or zip, and a name ending in ``.yml`` may be a named
pipe (reading it waits for ever), a device or a folder. Every file the tool
reads is looked at with ``stat`` first and opened without blocking, then
checked again on the open descriptor, so only a regular file is ever read; its
size is bounded before and while reading.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from workbook.errors import Problem, SourceLocation

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
NOT_REGULAR_FIX = "workbook reads plain files only: remove it, or put a plain file in its place"


class NotRegular(OSError):
    """The path names something other than a regular file (``kind`` says what)."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a regular file")
        self.kind = kind


def kind_of(mode: int) -> str | None:
    """What a file mode names when it is not a regular file ("a named pipe"…), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def not_regular(path: Path) -> str | None:
    """What ``path`` is when it exists and is not a regular file (links followed), else None."""
    try:
        return kind_of(path.stat().st_mode)
    except OSError:
        return None


def not_regular_problem(path: Path, kind: str) -> Problem:
    return Problem(SourceLocation(path), f"this is {kind}, not a regular file", NOT_REGULAR_FIX)


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of the regular file ``path``, or None when it holds more than ``limit``.

    Raises :class:`NotRegular` for anything else (checked before opening, and again
    on the descriptor in case the name was swapped in between), ``OSError`` otherwise.
    """
    if kind := kind_of(os.stat(path).st_mode):
        raise NotRegular(path, kind)
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if kind := kind_of(info.st_mode):
            raise NotRegular(path, kind)
        if info.st_size > limit:
            return None
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, limit: int) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 file (a BOM allowed, CRLF folded), refusing huge or undecodable files."""
    try:
        raw = read_regular(path, limit)
    except NotRegular as exc:
        return None, [not_regular_problem(path, exc.kind)]
    except OSError as exc:
        return None, [Problem(SourceLocation(path), f"cannot read the file: {exc.strerror}")]
    if raw is None:
        size = _size(path)
        return None, [
            Problem(
                SourceLocation(path),
                f"the file is {size:,} bytes, more than the {limit:,} allowed"
                if size > limit
                else f"the file is more than the {limit:,} bytes allowed",
                "split it up or remove what does not belong",
            )
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                SourceLocation(path, line),
                f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                "save it as UTF-8 in your editor",
            )
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
