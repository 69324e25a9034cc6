"""Helpers of the hostile-input suite: build a mini project in-process and judge the result.

Every hostile case ends one of two ways: a build whose output shows the value
as escaped text, or a clear error naming the file (exit 1). Never a traceback,
never a hang, never a file written outside the output folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner, Result

from tests.conftest import MINI_EXERCISE, MINI_GOODBYE, MINI_PROGRAMME, write_files
from workbook.cli import main

MINI = {
    "content/programmes/mini.yml": MINI_PROGRAMME,
    "content/exercises/hello.md": MINI_EXERCISE,
    "content/exercises/goodbye.md": MINI_GOODBYE,
}


@contextmanager
def scratch(files: dict[str, str | bytes]) -> Iterator[Path]:
    """A throw-away mini project (usable inside Hypothesis, where fixtures are not)."""
    holder = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        yield write_files(holder / "project", {**MINI, **files})
    finally:
        shutil.rmtree(holder, ignore_errors=True)


def build(root: Path, *args: str) -> Result:
    """``workbook build`` in-process, from ``root``; exceptions are not swallowed."""
    cwd = Path.cwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, ["build", "--today", "2026-11-23", *args])
    finally:
        os.chdir(cwd)


def files_outside(root: Path, allowed: tuple[str, ...] = ("site", ".workbook/cache")) -> list[str]:
    """Files the build wrote outside its output folders and its records."""
    written = []
    for path in root.parent.rglob("*"):
        rel = path.relative_to(root.parent).as_posix()
        if path.is_file() and not rel.startswith(tuple(f"project/{a}/" for a in allowed)):
            written.append(rel)
    return written


def assert_clean_outcome(result: Result, blamed: str) -> None:
    """Built (exit 0), or stopped with located messages naming ``blamed`` (exit 1)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {type(result.exception).__name__}: {result.exception}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        problems = [
            line for line in result.output.splitlines() if " built, " not in line and line.strip()
        ]
        assert problems, result.output
        assert any(line.startswith(blamed) for line in problems), result.output
