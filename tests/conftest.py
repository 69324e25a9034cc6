"""Shared fixtures: small projects written inline into a temp dir, the example project, the CLI.

Tests build real projects and inspect the output, as Lektor's scratch projects and
MkDocs's ``@tempdir(files=...)`` do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from workbook.cli import main
from workbook.load import sources

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """The per-user cache (compiled templates, the fingerprint key) in a folder of the run's
    own, so tests neither read nor leave state in the home folder."""
    import tempfile

    os.environ["WORKBOOK_CACHE_HOME"] = tempfile.mkdtemp(prefix="workbook-user-cache-")


EXAMPLE_PARTS = ("workbook.yml", "content", "clients", "templates", "assets")

MINI_PROGRAMME = """\
title: Mini Programme
summary: Two stages for tests.
stages:
  - id: start
    title: Getting started
    summary: The first stage.
    exercises: [hello]
  - id: later
    title: Later on
    summary: The second stage.
    exercises: [goodbye]
"""

MINI_EXERCISE = """\
---
title: Hello
kind: reflection
minutes: 10
summary: A first exercise.
---

{{ client.preferred_name }}, welcome.

::: {.prompt #first lines=3}
What brings you here?
:::

::: coach
SECRET COACH NOTE
:::
"""

MINI_GOODBYE = """\
---
title: Goodbye
kind: exercise
---

::: {.scale #ready min=1 max=5 low="Not yet" high="Ready"}
How ready are you?
:::
"""

MINI_CLIENT = """\
name: Alex Example
coach: {name: Casey Coach}
programme: mini
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(
                textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8"
            )
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A small project: a two-stage programme, two exercises, one client; override any file."""

    def make(files: dict[str, str | bytes] | None = None, *, mini: bool = True) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        base: dict[str, str | bytes] = {}
        if mini:
            base = {
                "content/programmes/mini.yml": MINI_PROGRAMME,
                "content/exercises/hello.md": MINI_EXERCISE,
                "content/exercises/goodbye.md": MINI_GOODBYE,
                "clients/alex.yml": MINI_CLIENT,
            }
        base.update(files or {})
        return write_files(root, base)

    return make


def copy_example(root: Path) -> Path:
    """Copy the repository's example project (settings, content, clients, templates) to ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for part in EXAMPLE_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, root / part)
        elif src.is_file():
            shutil.copy2(src, root / part)
    return root


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A copy of the repository's example project, safe to build and modify."""
    return copy_example(tmp_path / "example")


@pytest.fixture(params=[loader.__name__ for loader in sources.LOADERS])
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each YAML parser PyYAML has here in turn (libyaml's and the pure-Python one)."""
    loader = next(loader for loader in sources.LOADERS if loader.__name__ == request.param)
    monkeypatch.setattr(sources, "LOADER", loader)
    return str(request.param)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``workbook ARGS`` in-process inside ``cwd``; returns click's Result."""

    def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Result:
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(main, args, env=env, catch_exceptions=False)

    return run


def run_workbook(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m workbook`` in a real subprocess (tracebacks, exit codes, signals)."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "workbook", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def published_files(folder: Path) -> dict[str, bytes]:
    """Every output file under ``folder`` with its bytes (the build's own records aside)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def clean_build(build: Callable[..., Any], root: Path, tmp: Path) -> dict[str, bytes]:
    """What ``build`` makes of the project as it is now, from nothing (to compare against)."""
    out = tmp / "clean"
    shutil.rmtree(out, ignore_errors=True)
    report = build(root, out=out)
    assert not report.problems, report.problems
    return published_files(out)
