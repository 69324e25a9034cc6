"""Writing output safely: paths stay inside their folder, and a folder is swapped in whole.

A client's folder is built beside it (``.<id>.new``) and renamed into place,
so a reader never sees half a site and a failed build leaves the previous
output as it was. Every write goes through :class:`Writer`, which is also the
one place tests inject faults (a full disk, a read-only folder).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from workbook.errors import Problem, SourceLocation, WorkbookError

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class Writer:
    """The project's write layer; subclass it in tests to inject faults."""

    def write_bytes(self, path: Path, data: bytes) -> None:
        """Write a whole file with plain system calls (a build writes thousands of them:
        no buffering layer, no terminal checks)."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)

    def rename(self, src: Path, dst: Path) -> None:
        os.replace(src, dst)

    def mkdir(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)


def safe_join(base: Path, relative: str, *, fresh: bool = False) -> Path:
    """``base/relative``, refusing anything that would land outside ``base``.

    ``fresh``: ``base`` is a folder this build has just made, so it holds no
    links to follow and the checks on the name alone suffice (no lookups).
    """
    rel = PurePosixPath(relative)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise WorkbookError(f"refusing to write outside the output folder: '{relative}'")
    if fresh:
        return base / Path(*rel.parts)
    target = (base / Path(*rel.parts)).resolve()
    if not target.is_relative_to(base.resolve()):
        raise WorkbookError(f"refusing to write outside the output folder: '{relative}'")
    return target


def remove(path: Path) -> None:
    """Remove a folder, or a link in its place (never what the link points to)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def clean_leftovers(parent: Path) -> None:
    """Remove half-built folders that an interrupted build left beside the real ones.

    A build stopped between a swap's two renames leaves the previous folder as
    ``.<name>.old`` and none in its place: it is put back.
    """
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.name.startswith(".") and (
            entry.name.endswith(".new") or entry.name.endswith(".old")
        ):
            with contextlib.suppress(OSError):
                dest = parent / entry.name[1:-4]
                if entry.name.endswith(".old") and not (dest.exists() or dest.is_symlink()):
                    os.replace(entry, dest)
                else:
                    remove(entry)


def replace_folder(
    dest: Path,
    files: Mapping[str, bytes],
    writer: Writer | None = None,
    carry: Mapping[str, Path] | None = None,
) -> None:
    """Make ``dest`` hold exactly ``files`` (plus ``carry``: files copied from elsewhere).

    Built in a sibling folder, then swapped in with two renames; on any error the
    sibling is removed and ``dest`` is untouched.
    """
    writer = writer or Writer()
    dest = dest.parent.resolve() / dest.name  # a link in dest's place is replaced, not followed
    new = dest.parent / f".{dest.name}.new"
    old = dest.parent / f".{dest.name}.old"
    try:
        writer.mkdir(dest.parent)
        for leftover in (new, old):
            remove(leftover)
        writer.mkdir(new)
        made: set[Path] = {new}
        for relative, src in sorted((carry or {}).items()):
            if relative in files:
                continue
            target = safe_join(new, relative, fresh=True)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            try:
                os.link(src, target)
            except OSError:
                shutil.copy2(src, target)
        for relative, data in sorted(files.items()):
            target = safe_join(new, relative, fresh=True)
            if target.parent not in made:
                writer.mkdir(target.parent)
                made.add(target.parent)
            writer.write_bytes(target, data)
        if dest.exists() or dest.is_symlink():
            writer.rename(dest, old)
        try:
            writer.rename(new, dest)
        except BaseException:
            if old.exists() and not dest.exists():
                os.replace(old, dest)
            raise
    except OSError as exc:
        _discard(new)
        raise WorkbookError(
            [
                Problem(
                    SourceLocation(dest),
                    f"could not write the output ({exc.strerror or exc})",
                    "the previous output is unchanged; check free space and permissions",
                )
            ]
        ) from exc
    except BaseException:
        _discard(new)
        raise
    _discard(old)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        remove(path)


def write_file(dest: Path, data: bytes, writer: Writer | None = None) -> None:
    """Write one file atomically (temporary name, then rename)."""
    writer = writer or Writer()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp"
    try:
        writer.write_bytes(tmp, data)
        writer.rename(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WorkbookError(f"{dest}: could not write ({exc.strerror or exc})") from exc


def replace_file(folder: Path, relative: str, data: bytes, writer: Writer | None = None) -> None:
    """Replace one existing file of a published folder with one atomic rename.

    A reader sees the site before or after, each whole. The new bytes are
    written beside the file under a hidden name first (the same file system,
    so the rename is atomic); ``clean_leftovers`` removes such a name if a
    crash leaves it.
    """
    writer = writer or Writer()
    target = safe_join(folder, relative)
    temp = target.parent / f".{target.name}.tmp"
    try:
        writer.write_bytes(temp, data)
        writer.rename(temp, target)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        raise WorkbookError(
            [
                Problem(
                    SourceLocation(target),
                    f"could not write the output ({exc.strerror or exc})",
                    "the previous output is unchanged; check free space and permissions",
                )
            ]
        ) from exc
