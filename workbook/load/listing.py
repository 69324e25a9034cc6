"""Which files of a project folder are read: ids from file names, and the look-alikes.

Profiles, programmes and exercises are found by name: ``clients/<id>.yml``,
``content/exercises/**/<id>.md``. A name that is almost right
(``clients/min.YML``, ``clients/min.yml `` with a space at the end,
``content/exercises/x.markdown``) would be skipped without a word, and a
coach would wonder where the client went: such files get a warning that
names them and says how to rename them. A name that is right but names
something other than a regular file (a named pipe, a folder) is an error,
never read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbook.errors import Problem, SourceLocation, warning
from workbook.ids import ID_FIX, MAX_ID, RESERVED, fold, id_problem
from workbook.load.files import not_regular, not_regular_problem


@dataclass(frozen=True)
class Kind:
    """One kind of file found by name: where, which suffixes are read, which look alike."""

    name: str  # "client", "programme", "exercise"
    plural: str  # what the files are read as: "profiles", …
    suffixes: tuple[str, ...]  # read exactly as written: ('.yml', '.yaml')
    lookalikes: tuple[str, ...]  # lower-cased suffixes that mean the same thing
    recursive: bool
    reserved: bool  # whether the reserved names are refused as ids
    variants: bool = False  # ``<id>.<lang>.md`` is a language variant, read by load/variants.py


PROFILES = Kind("client", "profiles", (".yml", ".yaml"), (".yml", ".yaml"), False, True)
PROGRAMMES = Kind("programme", "programmes", (".yml", ".yaml"), (".yml", ".yaml"), False, False)
EXERCISES = Kind(
    "exercise",
    "exercises",
    (".md",),
    (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext"),
    True,
    True,
    True,
)


def _entries(folder: Path, recursive: bool) -> Iterator[Path]:
    return iter(sorted(folder.rglob("*") if recursive else folder.iterdir()))


def id_files(folder: Path, kind: Kind) -> tuple[dict[str, Path], list[Problem]]:
    """Files whose stems are ids: bad stems, duplicates (in any case), odd files are problems."""
    found: dict[str, list[Path]] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return {}, problems
    for path in _entries(folder, kind.recursive):
        if path.suffix not in kind.suffixes or (kind.variants and "." in path.stem):
            continue
        if problem := refused(path, folder):
            problems.append(problem)
            continue
        found.setdefault(path.stem.lower(), []).append(path)
    ids: dict[str, Path] = {}
    for key, unsorted in sorted(found.items()):
        paths = sorted(unsorted)
        if len(paths) > 1:
            names = ", ".join(p.relative_to(folder).as_posix() for p in paths)
            for p in paths:
                problems.append(
                    Problem(
                        SourceLocation(p),
                        f"two {kind.name} files share the id '{key}' ({names})",
                        "rename or remove one of them",
                    )
                )
            continue
        path = paths[0]
        if problem := _name_problem(path, kind):
            problems.append(problem)
            continue
        ids[path.stem] = path
    return ids, problems


def refused(path: Path, folder: Path) -> Problem | None:
    """Why a file found by name is not read: it links outside the project, or is no file."""
    if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
        return Problem(
            SourceLocation(path),
            "this file links outside the project",
            "copy the file into the project instead",
        )
    if what := not_regular(path):
        return not_regular_problem(path, what)
    return None


def _name_problem(path: Path, kind: Kind) -> Problem | None:
    """Why the file's name gives no valid id, in words that read naturally."""
    stem = path.stem
    why = id_problem(stem, reserved=kind.reserved)
    if why is None:
        return None
    if len(stem) > MAX_ID:
        reason = f"'{stem[:20]}…' is longer than {MAX_ID} characters"
    elif kind.reserved and stem in RESERVED:
        reason = f"'{stem}' is a reserved name"
    else:
        reason = f"'{stem}' holds more than lowercase letters, digits and single hyphens"
    better = fold(stem)
    if kind.reserved and stem in RESERVED:
        fix = "rename the file: the site and Windows keep that name for themselves"
    elif better and not id_problem(better, reserved=kind.reserved):
        fix = f"rename the file, e.g. to '{better}{path.suffix}'"
    else:
        fix = f"rename the file: {ID_FIX}"
    return Problem(
        SourceLocation(path),
        f"the file name '{path.name}' does not give a valid {kind.name} id: {reason}",
        fix,
    )


def unread(folder: Path, kind: Kind) -> list[Problem]:
    """Warnings for files that look like ``kind`` files but whose names will not be read."""
    if not folder.is_dir():
        return []
    warnings = []
    for path in _entries(folder, kind.recursive):
        name = path.name
        if path.suffix in kind.suffixes:  # read (and refused there if its stem is no id)
            continue
        clean = name.strip()
        suffix = next((s for s in kind.lookalikes if clean.lower().endswith(s)), None)
        if suffix is None or not clean[: -len(suffix)] or path.is_dir():
            continue
        target = clean[: -len(suffix)] + kind.suffixes[0]
        if name != clean:
            reason = "there is a space at the end of its name"
        else:
            shown = " or ".join(f"'{s}'" for s in kind.suffixes)
            reason = f"only names ending in {shown} (lower case) are read as {kind.plural}"
        fix = f"rename it to '{target}'"
        if (path.parent / target).exists():
            fix += f" (there is a '{target}' already: keep one of them)"
        warnings.append(warning(SourceLocation(path), f"'{name}' is not read: {reason}", fix))
    return warnings


def project_warnings(root: Path) -> list[Problem]:
    """Every look-alike in the folders profiles, programmes and exercises are read from."""
    folders = (
        (root / "content" / "programmes", PROGRAMMES),
        (root / "content" / "exercises", EXERCISES),
        (root / "clients", PROFILES),
    )
    return [w for folder, kind in folders for w in unread(folder, kind)]
