"""Hostile file systems: id collisions, reserved names, links out of the project, failing writes.

CI runs as root, where chmod does not bite: read-only folders and full disks are
injected at the project's one write layer, :class:`workbook.writer.Writer`.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tests.conftest import MINI_CLIENT, run_workbook
from workbook.build import writer


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"clients/Jo.yml": MINI_CLIENT, "clients/jo.yml": MINI_CLIENT},
            "two client files share the id 'jo' (Jo.yml, jo.yml)",
        ),
        (
            {"clients/jo.yml": MINI_CLIENT, "clients/jo.yaml": MINI_CLIENT},
            "two client files share the id 'jo' (jo.yaml, jo.yml)",
        ),
        ({"clients/Jo.yml": MINI_CLIENT}, "'Jo' is not a valid id"),
        ({"clients/con.yml": MINI_CLIENT}, "'con' is a reserved name"),
        ({"clients/assets.yml": MINI_CLIENT}, "'assets' is a reserved name"),
        ({"clients/lpt1.yml": MINI_CLIENT}, "'lpt1' is a reserved name"),
        ({"clients/a b.yml": MINI_CLIENT}, "'a b' is not a valid id"),
        ({"clients/é.yml": MINI_CLIENT}, "'é' is not a valid id"),
        ({"clients/" + "a" * 65 + ".yml": MINI_CLIENT}, "longer than 64 characters"),
        ({"content/exercises/packs.md": "---\ntitle: x\n---\n"}, "'packs' is a reserved name"),
        (
            {"content/exercises/a/hello.md": "---\ntitle: x\n---\n"},
            "two exercise files share the id 'hello'",
        ),
        ({"workbook.yml": "output: content\n"}, "output 'content' overlaps the project's own"),
    ],
)
def test_bad_file_names_are_located_errors(make_project, cli, files, message: str) -> None:
    root = make_project(files)
    result = cli(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "Traceback" not in result.output


def test_out_option_may_not_overlap_the_project(make_project, cli) -> None:
    root = make_project()
    result = cli(["build", "--out", "clients"], root)
    assert result.exit_code == 2 and "overlaps the project's own files" in result.output
    assert sorted(p.name for p in (root / "clients").iterdir()) == ["alex.yml"]


@pytest.mark.parametrize("where", ["clients/evil.yml", "content/exercises/evil.md"])
def test_links_out_of_the_project_are_refused(
    make_project, cli, tmp_path: Path, where: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("name: SECRET OUTSIDE\ncoach: {name: C}\nprogramme: mini\n")
    root = make_project()
    (root / where).symlink_to(secret)
    result = cli(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert f"{where}: this file links outside the project" in result.output
    assert "SECRET OUTSIDE" not in "".join(p.read_text() for p in (root / "site").rglob("*.html"))


def test_a_link_in_place_of_a_client_folder_is_replaced_not_followed(
    make_project, cli, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("untouched")
    root = make_project()
    (root / "site").mkdir()
    (root / "site/alex").symlink_to(victim, target_is_directory=True)
    (root / "site/.alex.new").symlink_to(victim, target_is_directory=True)
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    assert snapshot(victim) == {"keep.txt": b"untouched"}
    assert not (root / "site/alex").is_symlink() and (root / "site/alex/index.html").is_file()


class ReadOnly(writer.Writer):
    """A folder where nothing can be created or written (EACCES/EROFS)."""

    def mkdir(self, path: Path) -> None:
        raise PermissionError(errno.EROFS, "Read-only file system", str(path))

    def write_bytes(self, path: Path, data: bytes) -> None:
        raise PermissionError(errno.EROFS, "Read-only file system", str(path))


class DiskFull(writer.Writer):
    """A disk that fills up after a few files: the last write is left half done."""

    def __init__(self) -> None:
        self.left = 3

    def write_bytes(self, path: Path, data: bytes) -> None:
        self.left -= 1
        if self.left < 0:
            path.write_bytes(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        path.write_bytes(data)


@pytest.mark.parametrize(
    ("fault", "message"), [(ReadOnly, "Read-only file system"), (DiskFull, "No space left")]
)
def test_failing_writes_leave_the_previous_output_whole(
    make_project, cli, monkeypatch: pytest.MonkeyPatch, fault, message: str
) -> None:
    root = make_project({"clients/bo.yml": MINI_CLIENT.replace("Alex", "Bo")})
    assert cli(["build", "--no-pdf", "--today", "2026-11-01"], root).exit_code == 0
    before = snapshot(root / "site")
    (root / "content/exercises/hello.md").write_text(
        (root / "content/exercises/hello.md").read_text().replace("welcome", "welcome back")
    )
    instance = fault()
    monkeypatch.setattr(writer, "Writer", lambda: instance)
    result = cli(["build", "--no-pdf", "--today", "2026-11-02"], root)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "site/alex: could not write the output" in result.output
    assert message in result.output and "the previous output is unchanged" in result.output
    assert snapshot(root / "site") == before  # nothing half-written, nothing lost
    assert sorted(p.name for p in (root / "site").iterdir() if p.name[0] != ".") == ["alex", "bo"]


def test_interrupted_build_leftovers_are_cleaned(make_project, cli) -> None:
    root = make_project()
    (root / "site/.alex.new/01-start").mkdir(parents=True)
    (root / "site/.alex.new/01-start/hello.html").write_text("half")
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    assert sorted(p.name for p in (root / "site").iterdir() if p.name[0] != ".") == ["alex"]


def test_nothing_is_written_outside_the_output_folder(make_project) -> None:
    root = make_project()
    before = {p for p in root.parent.rglob("*")}
    result = run_workbook(["build", "--no-pdf", "--today", "2026-11-23"], root, timeout=60)
    assert result.returncode == 0, result.stderr
    new = {p for p in root.parent.rglob("*")} - before
    # the output, and the build's own records (never published)
    allowed = (root / "site", root / ".workbook" / "cache")
    assert new and all(any(p.is_relative_to(a) or p == a.parent for a in allowed) for p in new)
    assert {p.name for p in new if p.parent == root / ".workbook"} == {"cache"}
