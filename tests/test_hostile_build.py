"""Hostile builds: planted caches, option combinations that could delete or leak, shells.

Each case is one way in or down found by attacking a firm project as an
outsider would: a project that arrives with a poisoned cache, a ``--prune``
beside encrypted folders, the coach edition pointed at the published folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from tests.conftest import MINI_CLIENT, run_workbook

PASS = "correct horse battery staple"
ENV = {"WORKBOOK_PASSPHRASE": PASS}


def poisoned_entry(marker: Path) -> bytes:
    """A well-formed Jinja bytecode entry whose code writes ``marker`` when loaded and run."""
    bucket = Bucket(jinja2.Environment(), "any", "checksum")
    source = f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')"
    bucket.code = compile(source, "<planted>", "exec")
    import io

    buffer = io.BytesIO()
    bucket.write_bytecode(buffer)
    return buffer.getvalue()


def test_a_planted_template_cache_in_the_project_is_never_loaded(make_project, tmp_path) -> None:
    root = make_project()
    marker = tmp_path / "planted-code-ran"
    entry = poisoned_entry(marker)
    planted = root / ".workbook" / "jinja"
    planted.mkdir(parents=True)
    # every name Jinja's own file cache would look up for the project's templates
    for name in ("home.html", "exercise.html", "base.html", "exercise:hello", "stage.html"):
        key = jinja2.FileSystemBytecodeCache().get_cache_key(name)
        (planted / f"__jinja2_{key}.cache").write_bytes(entry)
    for args in (["check"], ["build", "--no-pdf"]):
        result = run_workbook(args, root)
        assert result.returncode == 0, result.stderr
    assert not marker.exists()


def test_an_unauthenticated_entry_in_the_user_cache_is_ignored(make_project, tmp_path) -> None:
    root = make_project()
    cache_home = tmp_path / "user-cache"
    env = {"WORKBOOK_CACHE_HOME": str(cache_home)}
    assert run_workbook(["check"], root, env).returncode == 0
    entries = sorted((cache_home / "jinja").glob("*.cache"))
    assert entries, "compiled templates are kept in the user's folder"
    assert oct((cache_home / "jinja").stat().st_mode & 0o777) == oct(0o700)
    assert oct((cache_home / "key").stat().st_mode & 0o777) == oct(0o600)
    marker = tmp_path / "planted-code-ran"
    for entry in entries:  # replace every entry by code with a forged (all-zero) tag
        entry.write_bytes(b"\0" * 32 + poisoned_entry(marker))
    result = run_workbook(["build", "--no-pdf"], root, env)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert (root / "site/alex/index.html").is_file()


def test_a_user_cache_others_can_write_to_is_not_used(make_project, tmp_path) -> None:
    root = make_project()
    cache_home = tmp_path / "shared-cache"
    cache_home.mkdir(mode=0o777)
    os.chmod(cache_home, 0o777)
    result = run_workbook(["check"], root, {"WORKBOOK_CACHE_HOME": str(cache_home)})
    assert result.returncode == 0, result.stderr
    assert not (cache_home / "jinja").exists() and not (cache_home / "key").exists()


def test_prune_after_an_opaque_encrypted_build_keeps_every_site(make_project) -> None:
    root = make_project({"clients/bo.yml": MINI_CLIENT.replace("Alex", "Bo")})
    args = ["build", "--encrypt", "--opaque-folders", "--no-pdf", "--jobs", "2"]
    assert run_workbook(args, root, ENV).returncode == 0
    sites = sorted(p.name for p in (root / "site").iterdir())
    assert len(sites) == 2 and all(name.startswith("w") for name in sites)
    result = run_workbook([*args, "--prune"], root, ENV)
    assert result.returncode == 0, result.stderr
    assert "removed" not in result.stdout
    assert sorted(p.name for p in (root / "site").iterdir()) == sites


def test_a_plain_prune_beside_opaque_folders_removes_only_what_it_can_prove(make_project) -> None:
    root = make_project({"clients/bo.yml": MINI_CLIENT.replace("Alex", "Bo")})
    args = ["build", "--encrypt", "--opaque-folders", "--no-pdf"]
    assert run_workbook(args, root, ENV).returncode == 0
    opaque = sorted(p.name for p in (root / "site").iterdir())
    stranger = root / "site" / "wstrangerfolder"
    stranger.mkdir()
    (stranger / "index.html").write_text("<p>someone else's</p>")
    (root / "clients/bo.yml").unlink()
    result = run_workbook(["build", "--no-pdf", "--prune"], root, {"WORKBOOK_PASSPHRASE": ""})
    assert result.returncode == 0, result.stderr
    # bo's opaque folder is bo's by the build's record: removed, and said
    assert "(bo: its profile is gone)" in result.stdout
    # alex is now built in clear; its old opaque folder is retired by its own record
    assert (root / "site/alex/index.html").is_file()
    # a folder nothing explains is kept, and named
    assert stranger.is_dir()
    assert "kept wstrangerfolder/: no build record says whose it is" in result.stdout
    assert not any((root / "site" / name).exists() for name in opaque)


def test_prune_without_records_removes_nothing(make_project) -> None:
    root = make_project({"clients/bo.yml": MINI_CLIENT.replace("Alex", "Bo")})
    assert run_workbook(["build", "--no-pdf"], root).returncode == 0
    import shutil

    shutil.rmtree(root / ".workbook")
    (root / "clients/bo.yml").unlink()
    result = run_workbook(["build", "--no-pdf", "--prune"], root)
    assert result.returncode == 0, result.stderr
    assert (root / "site/bo/index.html").is_file()
    assert "kept bo/" in result.stdout


def test_the_coach_edition_is_never_written_into_the_published_folder(make_project) -> None:
    root = make_project()
    for out in ("site", "site/inner", "."):
        result = run_workbook(["build", "--edition", "coach", "--no-pdf", "--out", out], root)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert not (root / "site").exists()
    result = run_workbook(["build", "--edition", "coach", "--no-pdf", "--out", "site"], root)
    assert (
        "the coach edition cannot be written into site/, where client sites are published"
        in result.stderr
    )
    assert run_workbook(["build", "--no-pdf", "--out", "elsewhere"], root).returncode == 0
    result = run_workbook(["build", "--edition", "coach", "--no-pdf", "--out", "elsewhere"], root)
    assert result.returncode == 2
    assert "elsewhere/ holds client editions" in result.stderr
    assert b"SECRET COACH NOTE" not in b"".join(
        p.read_bytes() for p in (root / "elsewhere").rglob("*") if p.is_file()
    )


def test_the_encrypted_shell_carries_the_firm_language_not_the_client(make_project) -> None:
    root = make_project(
        {
            "workbook.yml": "language: en\n",
            "clients/alex.yml": MINI_CLIENT + "language: de\n",
        }
    )
    assert run_workbook(["build", "--no-pdf", "--encrypt"], root, ENV).returncode == 0
    shell = (root / "site/alex/index.html").read_text()
    assert '<html lang="en" dir="ltr">' in shell and 'lang="de"' not in shell


def test_the_planted_entries_would_run_their_code_if_loaded(tmp_path: Path) -> None:
    """So the tests above prove something: a loaded entry runs whatever it holds."""
    import io

    marker = tmp_path / "ran"
    bucket = Bucket(jinja2.Environment(), "any", "checksum")
    bucket.load_bytecode(io.BytesIO(poisoned_entry(marker)))
    assert bucket.code is not None
    exec(bucket.code)  # what Jinja does with a loaded entry
    assert marker.read_text() == "ran"
