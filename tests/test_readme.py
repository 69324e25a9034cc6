"""The README's commands work as written: the first run (what CI runs) and "Starting a firm"."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.conftest import REPO, run_workbook

README = REPO / "README.md"
CI = REPO / ".ci" / "run"


def code_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Every fenced code block with the heading it stands under: (heading, lines)."""
    blocks: list[tuple[str, list[str]]] = []
    heading = ""
    inside: list[str] | None = None
    for line in text.splitlines():
        if inside is not None:
            if line.startswith("```"):
                blocks.append((heading, inside))
                inside = None
            else:
                inside.append(line)
        elif line.startswith("```"):
            inside = []
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
    return blocks


def commands(lines: list[str]) -> list[list[str]]:
    """A block's commands, split as a shell would, comments dropped."""
    return [words for line in lines if (words := shlex.split(line, comments=True))]


def test_ci_runs_the_readmes_own_install_and_test_commands() -> None:
    heading, first = code_blocks(README.read_text("utf-8"))[0]
    assert heading == "workbook"  # the block right under the title
    assert first == ["pip install -e '.[dev]'", "pytest"]
    done = subprocess.run(
        ["bash", str(CI), "--commands"], capture_output=True, text=True, check=True, timeout=30
    )
    assert done.stdout.splitlines() == [
        first[0],
        "ruff check .",
        "ruff format --check .",
        "mypy",
        "lint-imports",
        first[1],
    ]


def test_ci_stops_when_the_readmes_first_block_is_not_install_then_test(tmp_path: Path) -> None:
    (tmp_path / ".ci").mkdir()
    shutil.copy2(CI, tmp_path / ".ci" / "run")
    (tmp_path / "README.md").write_text(
        "# workbook\n\n```\npython -m pip install workbook\n```\n", encoding="utf-8"
    )
    done = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "run")], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        ".ci/run: README.md's first code block should hold two lines, the install command "
        "(pip install …) and the test command (pytest …); it holds:\n"
        "  python -m pip install workbook\n"
    )


def test_starting_a_firm_runs_as_written(tmp_path: Path) -> None:
    steps = next(
        lines for heading, lines in code_blocks(README.read_text("utf-8"))
        if heading == "Starting a firm"
    )  # fmt: skip
    here = tmp_path
    ran = []
    for words in commands(steps):
        if words[:2] == ["pip", "install"]:
            continue  # the tests run where workbook is installed already
        if words[0] == "cd":
            here = here / words[1]
            continue
        assert words[0] == "workbook", f"a step the test cannot run: {words}"
        done = run_workbook(words[1:], here, timeout=600)
        assert done.returncode == 0, f"{words}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        ran.append(words[1])
    assert ran == ["init", "new", "check", "build"]
    # the new client has the firm's coach, and a workbook with its packs
    profile = yaml.safe_load((here / "clients" / "morgan-ellis.yml").read_text("utf-8"))
    assert profile == {"name": "Morgan Ellis", "coach": {"name": "Helen Ashworth"}}
    built = here / "site" / "morgan-ellis"
    assert "Helen Ashworth" in (built / "index.html").read_text("utf-8")
    assert (built / "packs" / "engagement.pdf").read_bytes().startswith(b"%PDF-")


def test_the_releases_recipe_runs_as_written(tmp_path: Path) -> None:
    blocks = code_blocks(README.read_text("utf-8"))
    start = next(lines for heading, lines in blocks if heading == "Starting a firm")
    steps = next(lines for heading, lines in blocks if heading.startswith("Releases"))
    here = tmp_path
    for words in commands(start):
        if words[0] == "cd":
            here = here / words[1]
        elif words[:2] == ["workbook", "init"]:
            assert run_workbook(words[1:], here).returncode == 0
    ran = []
    for words in commands(steps):
        assert words[0] == "workbook", f"a step the test cannot run: {words}"
        done = run_workbook(words[1:], here, timeout=600)
        assert done.returncode == 0, f"{words}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        ran.append(done.stdout)
        if words[1:3] == ["release", "--list"]:
            assert "2026-12-01           made " in done.stdout and "1 client" in done.stdout
    profile = (here / "clients" / "ren-ito.yml").read_text("utf-8")
    assert "programme: executive-coaching@2027-01-15" in profile
    assert (here / "releases/executive-coaching/2026-12-01/release.yml").is_file()
    assert "Ren Ito" in (here / "site/ren-ito/index.html").read_text("utf-8")
    assert (here / "site/curriculum/index.html").is_file()
