"""The command line's habits: a bar that fits, -q and -v, Ctrl+C, and where the output went."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, published_files
from workbook.build.executor import ClientResult
from workbook.build.writer import clean_leftovers
from workbook.commands.terminal import Progress

SETTINGS = "firm: {name: Test Firm}\nprogramme: mini\n"
BROKEN = "name: Bea\n"  # no coach


def draws(columns: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bar lines drawn for two clients on a terminal ``columns`` wide."""
    monkeypatch.setenv("COLUMNS", str(columns))
    stream = io.StringIO()
    bar = Progress(200, stream=stream, bar=True)
    bar(ClientResult("jordan-rivera", "built"))
    bar(ClientResult("li", "unchanged"))
    return stream.getvalue().split("\r")[1:]


def test_the_bar_fits_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    wide = draws(200, monkeypatch)
    assert wide == [
        "[----------------------------] 1/200 · 1 built, 0 unchanged, 0 failed · jordan-rivera",
        "[----------------------------] 2/200 · 1 built, 1 unchanged, 0 failed · li           ",
    ]  # the second line covers what is left of the first
    assert draws(60, monkeypatch) == [
        "[----------] 1/200 · 1 built, 0 unchanged, 0 failed · jord…",
        "[-------------] 2/200 · 1 built, 1 unchanged, 0 failed · li",
    ]
    assert draws(30, monkeypatch) == [
        "[----------] 1/200 · 1 built…",
        "[----------] 2/200 · 1 built…",
    ]
    for columns in range(2, 120):
        assert all(len(line) < columns for line in draws(columns, monkeypatch)), columns


def test_quiet_prints_nothing_but_problems(make_project, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project({"workbook.yml": SETTINGS})
    for args in (["-q", "check"], ["-q", "build", "--no-pdf"], ["-q", "build", "--no-pdf"]):
        result = cli(args, root)
        assert (result.exit_code, result.output) == (0, ""), args
    (root / "clients" / "bea.yml").write_text(BROKEN, encoding="utf-8")
    problem = "clients/bea.yml:1:1: missing required key 'coach' — add 'coach:' here\n"
    result = cli(["-q", "build", "--no-pdf"], root)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", problem)
    result = cli(["-q", "check"], root)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", problem)
    result = cli(["-q", "-v", "check"], root)
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: -q and -v cannot be used together\n")


def test_verbose_prints_a_line_per_client_and_per_pack(make_project, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project(
        {
            "workbook.yml": SETTINGS + "release: all\n",
            "clients/bea.yml": "name: Bea Second\ncoach: {name: Casey Coach}\nprogramme: mini\n",
        }
    )
    result = cli(["-v", "build", "--today", "2026-11-01", "--jobs", "1"], root)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    packs = ["01-start.pdf", "02-later.pdf", "engagement.pdf"]
    for cid in ("alex", "bea"):
        for pack in packs:
            assert any(
                re.fullmatch(rf"  {cid}/packs/{pack}: \d+ pages? in \d+\.\d s", line)
                for line in lines
            ), (cid, pack, lines)
    assert [line for line in lines if line.startswith("[")] == [
        "[1/2] built alex",
        "[2/2] built bea",
    ]
    result = cli(["-v", "build", "--today", "2026-11-01", "--no-pdf"], root)  # a new option
    (root / "clients" / "bea.yml").write_text(BROKEN, encoding="utf-8")
    result = cli(["-v", "build", "--today", "2026-11-01", "--no-pdf"], root)
    assert result.stderr.splitlines()[:3] == [
        "[1/2] unchanged alex",
        "[2/2] failed bea",
        "clients/bea.yml:1:1: missing required key 'coach' — add 'coach:' here",
    ]


def test_build_ends_by_saying_where_the_output_is(make_project, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_project({"workbook.yml": SETTINGS})
    result = cli(["build", "--no-pdf"], root)
    assert result.stdout.splitlines()[-1] == "Built in site/ — open site/alex/index.html"
    result = cli(["build", "--no-pdf"], root)  # nothing to do: still says where
    assert result.stdout.splitlines() == [
        "1 client: 0 built, 1 unchanged, 0 failed in 0.0 s",
        "Built in site/ — open site/alex/index.html",
    ]
    result = cli(["build", "--no-pdf", "--edition", "coach"], root)
    assert result.stdout.splitlines()[-1] == "Built in coach/ — open coach/alex/index.html"
    elsewhere = tmp_path / "published"
    result = cli(["build", "--no-pdf", "--out", str(elsewhere)], root)
    assert result.stdout.splitlines()[-1] == (
        f"Built in {elsewhere.as_posix()}/ — open {elsewhere.as_posix()}/alex/index.html"
    )
    (root / "clients" / "alex.yml").write_text(BROKEN, encoding="utf-8")
    result = cli(["build", "--no-pdf"], root)  # nothing built: nothing to open
    assert result.exit_code == 1
    assert "Built in" not in result.output


def test_an_interrupted_swap_is_put_back(tmp_path: Path) -> None:
    (tmp_path / ".jordan.old").mkdir()
    (tmp_path / ".jordan.old" / "index.html").write_text("before")
    (tmp_path / ".sam.new").mkdir()
    (tmp_path / "li").mkdir()
    (tmp_path / ".li.old").mkdir()
    clean_leftovers(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jordan", "li"]
    assert (tmp_path / "jordan" / "index.html").read_text() == "before"


def everything(folder: Path) -> dict[str, bytes]:
    """Every file and folder under ``folder``, records included."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"/"
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize("clients", [[], ["jordan-rivera"]], ids=["every-client", "one-client"])
def test_ctrl_c_mid_build_exits_130_and_leaves_the_previous_output(
    example_project: Path, clients: list[str]
) -> None:
    """Interrupted while packs render (in the client workers, or in the pack workers of a
    one-client build), as a terminal's Ctrl+C does: SIGINT to the whole process group."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "workbook"]
    first = [*base, "build", "--no-pdf", "--today", "2026-11-01"]
    subprocess.run(first, cwd=example_project, env=env, check=True, capture_output=True)
    before = everything(example_project / "site")
    assert published_files(example_project / "site")  # there is output to keep
    second = [*base, "-v", "build", *clients, "--today", "2026-11-02", "--jobs", "2"]
    with subprocess.Popen(
        second,
        cwd=example_project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as build:
        assert build.stderr is not None
        seen = []
        for line in build.stderr:  # wait for the first pack: mid-build, nothing swapped yet
            seen.append(line)
            if line.startswith("  "):
                break
        os.killpg(build.pid, signal.SIGINT)
        out, err = build.communicate(timeout=60)
    stderr = "".join(seen) + err
    assert build.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.endswith(
        "Build interrupted: folders not yet rebuilt keep their previous output.\n"
    )
    assert "Built in" not in out
    # a client whose build had finished before the signal came is published whole (its line
    # says so); every other folder is exactly as it was, and no half-written folder is left
    done = set(re.findall(r"^\[\s*\d+/\d+\] built (\S+)$", stderr, flags=re.M))
    after = everything(example_project / "site")
    assert not [name for name in after if name.split("/")[0].endswith((".new", ".old"))]

    def kept(files: dict[str, bytes]) -> dict[str, bytes]:
        return {k: v for k, v in files.items() if k.split("/")[0] not in done}

    assert kept(after) == kept(before)
    assert len(done) < 5  # the signal came mid-build
    assert still_running(build.pid) == []  # no worker left behind


LATE = """\
import os, signal, sys, time
from workbook.build import publish
original, late = publish.put, sys.argv[1]
def put(batch, staged):
    result = original(batch, staged)
    if result.status == "built" and staged.cid == late:
        os.killpg(os.getpgid(0), signal.SIGINT)  # Ctrl+C after the swap, before the report
        time.sleep(2)
    return result
publish.put = put
from workbook.cli import main
sys.argv = ["workbook", "-v", "build", "--no-pdf", "--today", "2026-11-02", "--jobs", "2"]
main()
"""


@pytest.mark.parametrize("jobs_at_once", ["pool", "here"])
def test_ctrl_c_between_a_swap_and_its_report_still_reports_that_client(
    make_project, cli, jobs_at_once: str
) -> None:  # type: ignore[no-untyped-def]
    """A folder swapped in just before Ctrl+C is said to be built, never published unsaid."""
    files = {"clients/bo.yml": "name: Bo Second\ncoach: {name: Casey Coach}\nprogramme: mini\n"}
    root = make_project(files)
    assert cli(["build", "--no-pdf", "--today", "2026-11-01"], root).exit_code == 0
    before = everything(root / "site")
    script = LATE if jobs_at_once == "pool" else LATE.replace('"--jobs", "2"', '"--jobs", "1"')
    with subprocess.Popen(
        [sys.executable, "-c", script, "alex"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as build:
        _, err = build.communicate(timeout=120)
    assert build.returncode == 130, err
    assert "Traceback" not in err
    after = everything(root / "site")
    changed = {
        name.split("/")[0]
        for name in set(before) | set(after)
        if before.get(name) != after.get(name)
    }
    assert "alex" in changed  # its folder was swapped in before the signal ...
    assert re.search(r"^\[\s*\d+/\d+\] built alex$", err, flags=re.M), err  # ... and it says so
    said = set(re.findall(r"^\[\s*\d+/\d+\] built (\S+)$", err, flags=re.M))
    assert changed <= said


def still_running(session: int, wait: float = 10) -> list[str]:
    """Processes of a session still running after ``wait`` seconds (helpers that see their
    parent gone, such as a fork server, take a moment to end)."""
    deadline = time.monotonic() + wait
    while True:
        found = [pid for pid, sid, state in processes() if sid == session and state != "Z"]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def processes() -> list[tuple[str, int, str]]:
    """Every process as (pid, session id, state), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        found.append((stat.parent.name, int(after_name[3]), after_name[0]))
    return found
