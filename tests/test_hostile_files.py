"""Hostile file systems: id collisions, reserved names, links out of the project, failing writes.

CI runs as root, where chmod does not bite: read-only folders and full disks are
injected at the project's one write layer, :class:`workbook.writer.Writer`.
"""

from __future__ import annotations

import errno
import os
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
        (
            {"clients/Jo.yml": MINI_CLIENT},
            "clients/Jo.yml: the file name 'Jo.yml' does not give a valid client id: 'Jo' holds "
            "more than lowercase letters, digits and single hyphens — rename the file, e.g. to "
            "'jo.yml'",
        ),
        (
            {"clients/con.yml": MINI_CLIENT},
            "clients/con.yml: the file name 'con.yml' does not give a valid client id: 'con' is "
            "a reserved name — rename the file: the site and Windows keep that name for themselves",
        ),
        ({"clients/assets.yml": MINI_CLIENT}, "'assets' is a reserved name"),
        ({"clients/lpt1.yml": MINI_CLIENT}, "'lpt1' is a reserved name"),
        (
            {"clients/Bad Name.yml": MINI_CLIENT},
            "clients/Bad Name.yml: the file name 'Bad Name.yml' does not give a valid client id: "
            "'Bad Name' holds more than lowercase letters, digits and single hyphens — rename the "
            "file, e.g. to 'bad-name.yml'",
        ),
        ({"clients/é.yml": MINI_CLIENT}, "e.g. to 'e.yml'"),
        (
            {"clients/" + "a" * 65 + ".yml": MINI_CLIENT},
            "'aaaaaaaaaaaaaaaaaaaa…' is longer than 64",
        ),
        (
            {"content/exercises/packs.md": "---\ntitle: x\n---\n"},
            "the file name 'packs.md' does not give a valid exercise id: 'packs' is a reserved",
        ),
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


# Every file read is a regular file, and every one that looks like an input is seen


@pytest.mark.parametrize(
    "where", ["clients/fifo.yml", "content/exercises/fifo.md", "content/programmes/fifo.yml"]
)
def test_a_named_pipe_is_refused_by_name_not_waited_on(make_project, where: str) -> None:
    root = make_project()
    os.mkfifo(root / where)
    result = run_workbook(["check"], root, timeout=30)  # a read would wait here for ever
    assert result.returncode == 1
    assert (
        f"{where}: this is a named pipe, not a regular file — workbook reads plain files only: "
        "remove it, or put a plain file in its place"
    ) in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_named_pipes_in_place_of_settings_and_answers_are_refused(make_project) -> None:
    root = make_project()
    os.mkfifo(root / "workbook.yml")
    (root / "clients/alex.answers").mkdir()
    os.mkfifo(root / "clients/alex.answers/a.json")
    result = run_workbook(["build", "--no-pdf"], root, timeout=30)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert (
        "workbook.yml: this is a named pipe, not a regular file — workbook reads plain files "
        "only: remove it, or put a plain file in its place"
    ) in lines
    given = root.parent / "given.json"
    os.mkfifo(given)
    result = run_workbook(["answers", "import", str(given)], root, timeout=30)
    assert result.returncode == 1
    assert f"{given}: this is a named pipe, not a regular file" in result.stderr
    (root / "workbook.yml").unlink()
    result = run_workbook(["build", "--no-pdf"], root, timeout=30)
    assert result.returncode == 1
    assert (
        "clients/alex.answers/a.json: kept answers must be plain files, not links or folders"
    ) in result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "clients/min.YML",
            "clients/min.YML: warning: 'min.YML' is not read: only names ending in '.yml' or "
            "'.yaml' (lower case) are read as profiles — rename it to 'min.yml'",
        ),
        (
            "clients/min.yml ",
            "clients/min.yml : warning: 'min.yml ' is not read: there is a space at the end of "
            "its name — rename it to 'min.yml'",
        ),
        (
            "content/exercises/x.markdown",
            "content/exercises/x.markdown: warning: 'x.markdown' is not read: only names ending "
            "in '.md' (lower case) are read as exercises — rename it to 'x.md'",
        ),
        (
            "content/exercises/deep/y.MD",
            "content/exercises/deep/y.MD: warning: 'y.MD' is not read: only names ending in "
            "'.md' (lower case) are read as exercises — rename it to 'y.md'",
        ),
        (
            "content/programmes/other.Yaml",
            "content/programmes/other.Yaml: warning: 'other.Yaml' is not read: only names ending "
            "in '.yml' or '.yaml' (lower case) are read as programmes — rename it to 'other.yml'",
        ),
        (
            "clients/alex.YML",
            "clients/alex.YML: warning: 'alex.YML' is not read: only names ending in '.yml' or "
            "'.yaml' (lower case) are read as profiles — rename it to 'alex.yml' (there is a "
            "'alex.yml' already: keep one of them)",
        ),
    ],
)
def test_files_that_look_like_inputs_but_are_not_read_get_a_warning(
    make_project, cli, name: str, message: str
) -> None:
    root = make_project({name: MINI_CLIENT})
    result = cli(["check"], root)
    assert result.exit_code == 0, result.output  # a warning stops nothing
    assert message in result.output.splitlines()
    assert "No problems found (1 client(s) checked; 1 warning(s))." in result.output
    first = cli(["build", "--no-pdf"], root)
    assert first.exit_code == 0 and message in first.output.splitlines()
    again = cli(["build", "--no-pdf"], root)  # an unchanged build says it again
    assert again.exit_code == 0 and message in again.output.splitlines()
    assert "1 unchanged" in again.output


# A firm setting cannot publish a confidential file

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n'


@pytest.mark.parametrize(
    ("logo", "files", "why"),
    [
        ("clients/alex.yml", {}, "is not inside the project's asset folders (assets/ or "
         "templates/assets/)"),
        ("workbook.yml", {}, "is not inside the project's asset folders (assets/ or "
         "templates/assets/)"),
        ("assets/../clients/alex.yml", {}, "is not inside the project's asset folders (assets/ "
         "or templates/assets/)"),
        ("assets/logo.png", {"assets/logo.png": MINI_CLIENT}, "is not a PNG, JPEG, GIF, WebP or "
         "SVG image"),
        ("assets/logo.svg", {"assets/logo.svg": "<html><body/></html>"}, "is not a usable SVG "
         "image: its root element is not <svg>"),
        ("assets/logo.svg", {"assets/logo.svg": SVG.replace("/>", "><script>alert(1)</script>"
         "</svg>")}, "is not a usable SVG image: it holds a <script> element"),
        ("assets/logo.svg", {"assets/logo.svg": SVG.replace("/>", ' onload="alert(1)"/>')},
         "is not a usable SVG image: it holds an event handler (an on… attribute)"),
        ("assets/logo.svg", {"assets/logo.svg": '<!DOCTYPE svg [<!ENTITY a "aaaa">]>' + SVG},
         "is not a usable SVG image: it declares a document type"),
        ("assets/logo.svg", {"assets/logo.svg": PNG}, "is a PNG image, but its name ends in "
         "'.svg'"),
        ("assets/none.png", {}, "is not a file in the project"),
        ("assets", {"assets/logo.png": PNG}, "is a folder, not an image file"),
    ],
)  # fmt: skip
def test_a_logo_must_be_an_image_in_the_asset_folders(
    make_project, cli, logo: str, files: dict[str, str | bytes], why: str
) -> None:
    settings = f"firm:\n  name: Test Firm\n  logo: {logo}\n"
    root = make_project({"workbook.yml": settings, **files})
    result = cli(["build", "--no-pdf", "--encrypt"], root, env={"WORKBOOK_PASSPHRASE": "x" * 20})
    assert result.exit_code == 1
    assert (
        f"workbook.yml:3:9: the logo '{logo}' {why} — put the firm's logo image in assets/, "
        "e.g. logo: assets/logo.svg"
    ) in result.output.splitlines(), result.output
    assert not (root / "site").exists() or not list((root / "site").rglob("logo.*"))


def test_a_logo_linked_from_the_assets_to_a_profile_is_refused(make_project, cli) -> None:
    root = make_project({"workbook.yml": "firm:\n  name: Test Firm\n  logo: assets/logo.png\n"})
    (root / "assets").mkdir()
    (root / "assets/logo.png").symlink_to(root / "clients/alex.yml")
    result = cli(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert "is not inside the project's asset folders" in result.output
    assert not (root / "site").exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [("logo.png", PNG), ("logo.svg", SVG), ("logo.gif", b"GIF89a" + b"\0" * 16),
     ("logo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 16),
     ("logo.webp", b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 16)],
)  # fmt: skip
def test_real_images_in_the_asset_folders_are_published(
    make_project, cli, name: str, data: str | bytes
) -> None:
    where = "templates/assets" if name.endswith(".gif") else "assets"
    root = make_project(
        {
            "workbook.yml": f"firm:\n  name: Test Firm\n  logo: {where}/{name}\n",
            f"{where}/{name}": data,
        }
    )
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    suffix = name.rsplit(".", 1)[1]
    published = (root / f"site/alex/assets/logo.{suffix}").read_bytes()
    assert published == (data.encode() if isinstance(data, str) else data)


# The environment is checked like a file


@pytest.mark.parametrize(
    ("value", "shown"),
    [("abc", "'abc', not a number of seconds"), ("-5", "'-5', not a number of seconds"),
     ("99999999999999999", "99999999999999999, a date after the year 2200")],
)  # fmt: skip
@pytest.mark.parametrize("command", [["check"], ["build", "--no-pdf"]])
def test_a_wrong_source_date_epoch_is_a_usage_error(
    make_project, cli, value: str, shown: str, command: list[str]
) -> None:
    root = make_project()
    result = cli(command, root, env={"SOURCE_DATE_EPOCH": value})
    assert result.exit_code == 2
    assert (
        f"SOURCE_DATE_EPOCH is {shown} — set it to a whole number of seconds since 1970-01-01 "
        "UTC, at most 7289654399 (the end of 2200), e.g. SOURCE_DATE_EPOCH=$(git log -1 "
        "--format=%ct), or unset it"
    ) in result.output.splitlines(), result.output
    assert not (root / "site").exists()


def test_a_good_source_date_epoch_fixes_the_date(make_project, cli) -> None:
    root = make_project({"content/exercises/hello.md": "---\ntitle: Hello\n---\n\n[{{ today }}]\n"})
    assert cli(["build", "--no-pdf"], root, env={"SOURCE_DATE_EPOCH": "1767225600"}).exit_code == 0
    assert "[2026\\-01\\-01]" in (root / "site/alex/01-start/hello.html").read_text() or (
        "[2026-01-01]" in (root / "site/alex/01-start/hello.html").read_text()
    )


# A weak passphrase is said


@pytest.mark.parametrize(("passphrase", "warned"), [("short", True), ("a" * 11, True),
                                                    ("correct-horse-battery", False)])  # fmt: skip
def test_a_short_passphrase_gets_a_warning(
    make_project, cli, passphrase: str, warned: bool
) -> None:
    root = make_project({"clients/bo.yml": MINI_CLIENT})
    result = cli(
        ["build", "--no-pdf", "--encrypt", "--jobs", "1"],
        root,
        env={"WORKBOOK_PASSPHRASE": passphrase},
    )
    assert result.exit_code == 0, result.output
    line = (
        f"WORKBOOK_PASSPHRASE: warning: the passphrase is {len(passphrase)} characters long: "
        "below 12, it can be guessed from any published page — use a longer one, or let "
        "workbook make one for each client with --passphrase-file"
    )
    assert result.output.splitlines().count(line) == (1 if warned else 0), result.output


def test_a_short_passphrase_in_a_file_is_named_by_its_line(make_project, cli, tmp_path) -> None:
    root = make_project({"clients/bo.yml": MINI_CLIENT})
    file = tmp_path / "passphrases"
    file.write_text("alex: abc\nbo: a-long-enough-passphrase\n")
    result = cli(["build", "--no-pdf", "--encrypt", "--passphrase-file", str(file)], root)
    assert result.exit_code == 0, result.output
    assert (
        f"{file}:1: warning: the passphrase of 'alex' is 3 characters long: below 12, it can be "
        "guessed from any published page"
    ) in result.output
    assert "'bo'" not in result.output
