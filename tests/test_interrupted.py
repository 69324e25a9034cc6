"""A build that fails or dies mid-way, then runs again, ends as a clean build would.

Failures are injected at the write layer (``writer.Writer``), in-process for a
full disk and in a real subprocess that is killed (``os._exit``) at chosen
points: while writing files, and between swapping a folder in and recording it.
Also: parallel builds are byte-identical to serial ones, in fresh interpreters.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from tests.conftest import clean_build, published_files
from workbook.build.options import BuildOptions
from workbook.build.run import run
from workbook.build.writer import Writer

TODAY = "2026-11-01"
BUILD = [sys.executable, "-m", "workbook", "build", "--no-pdf", "--today", TODAY]
SETTINGS = "firm: {name: Test Firm}\nprogramme: mini\nrelease: all\n"

CRASH = """\
import os, sys
from workbook.build import cache
from workbook.build import writer
mode, n = sys.argv[1], int(sys.argv[2])
if mode == "write":
    original = writer.Writer.write_bytes
    calls = [0]
    def crash(self, path, data):
        calls[0] += 1
        if calls[0] == n:
            os._exit(9)
        original(self, path, data)
    writer.Writer.write_bytes = crash
else:
    def crash(*args, **kwargs):
        os._exit(9)
    cache.Cache.save = crash
from workbook.cli import main
sys.argv = ["workbook", "build", "--today", "TODAY", "--jobs", "1"]
main()
""".replace("TODAY", TODAY)


@pytest.fixture
def project(make_project) -> Path:
    return make_project(
        {
            "workbook.yml": SETTINGS,
            "clients/bea.yml": "name: Bea Second\ncoach: {name: Casey Coach}\nprogramme: mini\n",
            "clients/cy.yml": "name: Cy Third\ncoach: {name: Casey Coach}\nprogramme: mini\n",
        }
    )


def build(root: Path, **options) -> object:
    return run(root, BuildOptions(today=dt.date.fromisoformat(TODAY), jobs=1, **options))


contents = published_files


_CLEAN: dict[str, dict[str, bytes]] = {}


def clean(root: Path, tmp: Path) -> dict[str, bytes]:
    """A clean build of the project's sources as they are now; built once per set of sources,
    since the kill points of one test share them (the outputs hold no path of the project)."""
    sources = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative.split("/")[0] not in ("site", ".workbook"):
            sources.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    key = sources.hexdigest()
    if key not in _CLEAN:
        _CLEAN[key] = clean_build(build, root, tmp)
    return _CLEAN[key]


def crash_build(root: Path, mode: str, n: int = 0) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", CRASH, mode, str(n)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


class FullDisk(Writer):
    """A write layer whose disk fills up while one client's folder is being written."""

    def __init__(self, victim: str) -> None:
        self.victim = victim

    def write_bytes(self, path: Path, data: bytes) -> None:
        if f".{self.victim}.new" in path.parts or path.name.startswith(f".{self.victim}."):
            raise OSError(errno.ENOSPC, "No space left on device")
        super().write_bytes(path, data)


def test_failed_write_keeps_that_client_and_a_rerun_completes(project: Path, tmp_path) -> None:
    build(project)
    before = contents(project / "site/bea")
    edit(project / "content/exercises/hello.md", "What brings", "What led")
    report = run(
        project,
        BuildOptions(today=dt.date.fromisoformat(TODAY), jobs=1),
        writer=FullDisk("bea"),
    )
    assert report.failed == ["bea"] and report.built == ["alex", "cy"]
    assert any("could not write the output" in p.what for p in report.problems)
    assert contents(project / "site/bea") == before  # the previous output, as it was
    assert not [p for p in (project / "site").iterdir() if p.name.endswith(".new")]
    assert not list((project / ".workbook/cache/site").glob(".*.tmp"))
    assert not [p for p in (project / "site").rglob(".*")]
    report = build(project)
    assert report.built == ["bea"]
    # the edited exercise's page, the pages counting its fields, and the packs printing it
    assert set(report.rendered["bea"]) == {
        "page:01-start/hello.html",
        "page:01-start/index.html",
        "page:index.html",
        "pack:packs/01-start.pdf",
        "pack:packs/engagement.pdf",
    }
    assert contents(project / "site") == clean(project, tmp_path)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 10, 11])  # 11 writes in all
def test_killed_while_writing_then_rerun_equals_clean_build(
    project: Path, tmp_path: Path, n: int
) -> None:
    assert build(project).built == ["alex", "bea", "cy"]
    edit(project / "clients/bea.yml", "Bea Second", "Bea Renamed")
    edit(project / "content/exercises/goodbye.md", "How ready", "How prepared")
    result = crash_build(project, "write", n)
    assert result.returncode == 9, result.stderr
    report = build(project)
    assert not report.problems
    assert contents(project / "site") == clean(project, tmp_path)
    assert not [p for p in (project / "site").iterdir() if p.name.endswith((".new", ".old"))]


def test_killed_after_swap_before_record_never_leaves_stale_output(
    project: Path, tmp_path: Path
) -> None:
    """The trap: new files on disk, old records; then the edit is undone before the rerun."""
    build(project)
    goodbye = project / "content/exercises/goodbye.md"
    original = goodbye.read_text()
    edit(goodbye, "How ready", "How prepared")
    result = crash_build(project, "manifest")
    assert result.returncode == 9, result.stderr
    assert "How prepared" in (project / "site/alex/02-later/goodbye.html").read_text()
    goodbye.write_text(original)  # back to the inputs the old records describe
    report = build(project)
    assert not report.problems
    assert "How ready" in (project / "site/alex/02-later/goodbye.html").read_text()
    assert contents(project / "site") == clean(project, tmp_path)


def test_parallel_output_is_byte_identical_to_serial(example_project: Path) -> None:
    """Two fresh interpreters with different hash seeds: same files, same recorded digests."""
    settings = example_project / "workbook.yml"
    settings.write_text(settings.read_text().replace("release: current", "release: all"))
    outs = {}
    for jobs, seed in (("1", "1"), ("2", "2")):
        out = example_project / f"out-{jobs}"
        result = subprocess.run(
            [*BUILD, "--jobs", jobs, "--out", str(out)],
            cwd=example_project,
            env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        outs[jobs] = out
    one, two = contents(outs["1"]), contents(outs["2"])
    assert one == two and len(one) > 100
    records = example_project / ".workbook/cache"
    index = [json.loads((records / f"out-{j}/index.json").read_text()) for j in ("1", "2")]
    assert index[0]["shared"] == index[1]["shared"]
    assert {c: e["quick"] for c, e in index[0]["clients"].items()} == {
        c: e["quick"] for c, e in index[1]["clients"].items()
    }
    for record in sorted((records / "out-1/clients").glob("*.json")):
        a = json.loads(record.read_text())
        b = json.loads((records / "out-2/clients" / record.name).read_text())
        assert {k: e["reads"] for k, e in a["tasks"].items()} == {
            k: e["reads"] for k, e in b["tasks"].items()
        }


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_killed_while_replacing_single_pages_then_rerun_equals_clean_build(
    project: Path, tmp_path: Path, n: int
) -> None:
    """An exercise edit replaces, for each client, the pages that read that exercise."""
    build(project)
    edit(project / "content/exercises/goodbye.md", "How ready", "How prepared")
    result = crash_build(project, "write", n)
    assert result.returncode == 9, result.stderr
    report = build(project)
    assert not report.problems
    assert contents(project / "site") == clean(project, tmp_path)
    assert not list((project / ".workbook/cache/site").glob(".*.tmp"))
    assert not [p for p in (project / "site").rglob(".*")]
