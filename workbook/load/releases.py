"""Programme releases: ``releases/<programme>/<name>/``, frozen copies pinned clients use.

A firm revises its programmes while engagements run for months; a client whose
profile says ``programme: grow@2026-12-01`` keeps the programme and exercises
as they were released, whatever happens to ``content/`` afterwards. A release
is plain files a person can read and git can diff, with no need of git:

* ``release.yml``: the manifest (format, programme, name, date, and the
  SHA-256 digest of every file of the release);
* ``programme.yml``: the programme file as it was;
* ``content/exercises/…``: every exercise it used (and its variants), at the
  same paths under ``content/`` as they had, with any file they include.

A release never changes: a file whose bytes no longer match the manifest, a
file the manifest does not list, or a listed file that is gone, is a located
problem of that release, and stops exactly the clients pinned to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbook.errors import Problem, SourceLocation
from workbook.ids import id_problem
from workbook.load.sources import YMap, load_yaml_file
from workbook.models import Exercise, Programme

FOLDER = "releases"
MANIFEST = "release.yml"
PROGRAMME_FILE = "programme.yml"
FORMAT = "workbook-release/1"
_NEVER = (
    "a release never changes: put the file back as it was (e.g. git checkout -- FILE) and "
    "make the edit in content/, then 'workbook release PROGRAMME --name NEW'"
)


@dataclass(frozen=True)
class Release:
    """One release of one programme: what a client pinned to ``<programme>@<name>`` sees."""

    programme_id: str
    name: str
    created: dt.date | None
    folder: Path
    programme: Programme | None = None
    exercises: dict[str, Exercise] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.programme_id}@{self.name}"

    @property
    def content(self) -> Path:
        return self.folder / "content"


def split_ref(ref: str) -> tuple[str, str | None]:
    """``grow@2026-12-01`` → ("grow", "2026-12-01"); ``grow`` → ("grow", None)."""
    pid, at, name = ref.partition("@")
    return pid, (name if at else None)


def sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def release_files(folder: Path) -> list[str]:
    """Every regular file of a release folder but the manifest, as sorted POSIX paths."""
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if rel != MANIFEST and (path.is_file() or path.is_symlink()):
            found.append(rel)
    return sorted(found)


def manifest_text(programme: str, name: str, created: dt.date, digests: dict[str, str]) -> str:
    """The manifest, written by hand so it reads (and diffs) the same on every machine."""
    lines = [
        f"# Release '{name}' of programme '{programme}': frozen, never edited.",
        "# Clients pinned with 'programme: " + f"{programme}@{name}' are built from these files.",
        f"format: {FORMAT}",
        f"programme: {programme}",
        f'name: "{name}"',
        f'created: "{created.isoformat()}"',
        "files:",
    ]
    lines += [f'  "{rel}": "{digests[rel]}"' for rel in sorted(digests)]
    return "\n".join(lines) + "\n"


def read_manifest(folder: Path, pid: str) -> tuple[dt.date | None, list[Problem]]:
    """Check a release folder against its manifest: every byte as it was released."""
    path = folder / MANIFEST
    if not path.is_file():
        return None, [
            Problem(
                SourceLocation(folder),
                f"release folder without its {MANIFEST}",
                "make releases with 'workbook release PROGRAMME'; remove this folder",
            )
        ]
    data, problems = load_yaml_file(path)
    if problems:
        return None, problems
    if not isinstance(data, YMap) or data.get("format") != FORMAT:
        return None, [
            Problem(SourceLocation(path, 1), f"not a {FORMAT} manifest", _NEVER.split(":")[0])
        ]
    for key, want in (("programme", pid), ("name", folder.name)):
        if data.get(key) != want:
            line = data.marks.get(key, (1, 0))[0]
            return None, [
                Problem(
                    SourceLocation(path, line),
                    f"'{key}' is '{data.get(key)}' but the folder says '{want}'",
                    _NEVER,
                )
            ]
    created: dt.date | None = None
    try:
        created = dt.date.fromisoformat(str(data.get("created")))
    except ValueError:
        problems.append(
            Problem(
                SourceLocation(path, data.marks.get("created", (1, 0))[0]),
                "'created' is not a date",
                _NEVER,
            )
        )
    files = data.get("files")
    listed: dict[str, str] = dict(files) if isinstance(files, YMap) else {}
    marks = files.marks if isinstance(files, YMap) else {}
    problems += _compare(folder, listed, marks, path)
    return created, problems


def _compare(
    folder: Path, listed: dict[str, str], marks: dict[str, tuple[int, int]], manifest: Path
) -> list[Problem]:
    problems: list[Problem] = []
    present = set(release_files(folder))
    for rel in sorted(listed):
        target = folder / rel
        if rel not in present:
            problems.append(
                Problem(
                    SourceLocation(manifest, marks.get(rel, (1, 0))[0]),
                    f"the released file '{rel}' is gone",
                    _NEVER,
                )
            )
        elif target.is_symlink() or sha256(target) != listed[rel]:
            problems.append(
                Problem(
                    SourceLocation(target, 1),
                    f"this file was edited after it was released (its SHA-256 no longer "
                    f"matches {folder.name}/{MANIFEST})",
                    _NEVER,
                )
            )
    for rel in sorted(present - set(listed)):
        problems.append(
            Problem(
                SourceLocation(folder / rel, 1),
                f"this file was added to release '{folder.name}' after it was made",
                "a release never changes: remove the file; new content goes in content/",
            )
        )
    return problems


def release_folders(root: Path) -> list[tuple[str, Path]]:
    """``(programme id, folder)`` of every release under ``releases/``, sorted."""
    base = root / FOLDER
    if not base.is_dir():
        return []
    found = []
    for programme in sorted(p for p in base.iterdir() if _listed(p)):
        for folder in sorted(p for p in programme.iterdir() if _listed(p)):
            found.append((programme.name, folder))
    return found


def _listed(path: Path) -> bool:
    """A folder of releases/, not a hidden one (a release being written is hidden)."""
    return path.is_dir() and not path.name.startswith(".")


def name_problem(folder: Path) -> Problem | None:
    """A release folder whose programme or name is not an id cannot be pinned."""
    for part in (folder.parent.name, folder.name):
        if why := id_problem(part):
            return Problem(
                SourceLocation(folder),
                f"release folder name: {why}",
                "make releases with 'workbook release PROGRAMME --name NAME'",
            )
    return None


def ordered(releases: list[Release]) -> list[Release]:
    """Oldest first: by date made, then by name."""
    return sorted(releases, key=lambda r: (r.created or dt.date.min, r.name))


def latest_release(root: Path, pid: str) -> Path | None:
    """The folder of a programme's newest sound release (by date made, then name), or None."""
    found = []
    for programme, folder in release_folders(root):
        if programme == pid and name_problem(folder) is None:
            created, problems = read_manifest(folder, pid)
            if not problems:
                found.append((created or dt.date.min, folder.name, folder))
    return max(found)[2] if found else None


_PINNED = re.compile(rb"^programme:[ \t]*['\"]?([a-z0-9-]+)@([a-z0-9-]+)", re.MULTILINE)


def behind_notice(root: Path) -> str | None:
    """One line when pinned clients are on an older release than their programme's latest.

    Read from the profiles' bytes alone (a no-op build parses no profile).
    """
    if not (root / FOLDER).is_dir():
        return None
    latest: dict[str, Path | None] = {}
    behind: list[str] = []
    for path in sorted((root / "clients").glob("*.yml")):
        try:
            match = _PINNED.search(path.read_bytes()[:100_000])
        except OSError:
            continue
        if match is None:
            continue
        pid, name = match.group(1).decode(), match.group(2).decode()
        if pid not in latest:
            latest[pid] = latest_release(root, pid)
        newest = latest[pid]
        if newest is not None and newest.name != name:
            behind.append(f"{path.stem} ({pid}@{name}, latest {newest.name})")
    if not behind:
        return None
    return (
        f"{len(behind)} pinned client(s) behind the latest release: {', '.join(behind)} "
        "— see 'workbook upgrade CLIENT --to NAME'"
    )
