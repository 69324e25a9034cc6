"""The build cache: what each client's output files were built from, kept beside the output.

``<out>/.workbook-cache/<client>.json`` records, for every task of the client
(a page, an asset, a pack), the digest of its inputs and a fingerprint of each
file it wrote (size, modification time, inode). A task is rendered again when
its digest changed or when any of its files is missing or not the file that
was recorded; otherwise its files are carried into the new folder by hard link.

Crash safety, in order: the client's folder is built beside it and swapped in
(``writer.replace_folder``), and only then is the manifest replaced, atomically.
A crash before the swap leaves folder and manifest as they were. A crash after
the swap and before the manifest leaves new files the old manifest does not
recognise (their inodes and times differ), so those tasks are rendered again:
a torn state costs a rebuild, never stale output. A corrupt manifest is no
manifest: everything is rendered.

The manifest also keeps ``quick``, a digest of all the client's inputs at once
(the shared files, the profile's bytes, the answers files, the options), so a
no-op build can skip a client without even parsing its profile.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from workbook.build import writer
from workbook.errors import Problem, SourceLocation
from workbook.outputs.base import Task

CACHE_DIR = ".workbook-cache"
FORMAT = "workbook-cache/1"

Fingerprint = tuple[int, int, int]


@dataclass(frozen=True)
class Entry:
    """One task's record: its input digest and the files it wrote, with their fingerprints."""

    inputs: str
    files: dict[str, Fingerprint]


@dataclass
class Manifest:
    quick: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)


@dataclass
class Outcome:
    """What building one client's folder did: ``built``, ``unchanged`` or ``failed``."""

    status: str
    rendered: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file the folder now holds


def manifest_path(out: Path, cid: str) -> Path:
    return out / CACHE_DIR / f"{cid}.json"


def load_manifest(out: Path, cid: str) -> Manifest | None:
    """The client's manifest, or None when there is none or it cannot be trusted."""
    try:
        data = json.loads(manifest_path(out, cid).read_bytes())
        if data.get("format") != FORMAT or data.get("client") != cid:
            return None
        entries = {
            key: Entry(
                str(e["inputs"]),
                {str(rel): (int(f[0]), int(f[1]), int(f[2])) for rel, f in e["files"].items()},
            )
            for key, e in data["entries"].items()
        }
        return Manifest(str(data.get("quick", "")), entries)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def save_manifest(
    out: Path, cid: str, manifest: Manifest, write: writer.Writer | None = None
) -> None:
    """Replace the manifest atomically (temporary file, then rename)."""
    data = {
        "format": FORMAT,
        "client": cid,
        "quick": manifest.quick,
        "entries": {
            key: {"inputs": e.inputs, "files": {rel: list(f) for rel, f in sorted(e.files.items())}}
            for key, e in sorted(manifest.entries.items())
        },
    }
    text = json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n"
    writer.write_file(manifest_path(out, cid), text.encode("utf-8"), write)


def remove_manifest(out: Path, cid: str) -> None:
    manifest_path(out, cid).unlink(missing_ok=True)


def fingerprint(path: Path) -> Fingerprint | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def intact(folder: Path, manifest: Manifest | None) -> dict[str, Entry]:
    """The entries whose every file is still exactly the file that was recorded."""
    if manifest is None:
        return {}
    base = os.fspath(folder) + os.sep  # plain strings: this runs for every file on a no-op
    found = {}
    for key, entry in manifest.entries.items():
        for rel, fp in entry.files.items():
            try:
                st = os.stat(base + rel, follow_symlinks=False)
            except OSError:
                break
            if (st.st_size, st.st_mtime_ns, st.st_ino) != fp:
                break
        else:
            found[key] = entry
    return found


def up_to_date(folder: Path, manifest: Manifest | None, quick: str) -> bool:
    """The no-op test: same inputs as last time, and every recorded file still in place."""
    if manifest is None or not quick or manifest.quick != quick or not folder.is_dir():
        return False
    return len(intact(folder, manifest)) == len(manifest.entries)


def build_folder(
    out: Path,
    cid: str,
    tasks: list[Task],
    *,
    quick: str,
    partial: bool,
    write: writer.Writer | None = None,
) -> Outcome:
    """Bring ``out/<cid>`` up to date with ``tasks``, rendering only the tasks that changed.

    ``partial`` (``--stage``) plans only some tasks: the rest of the folder is
    carried over as it is, with its records.
    """
    folder = out / cid
    old = load_manifest(out, cid) if folder.is_dir() else None
    valid = intact(folder, old)
    planned = {t.key for t in tasks}
    if len(planned) != len(tasks):
        raise ValueError(f"two build tasks share a key in client '{cid}'")
    todo = [t for t in tasks if t.key not in valid or valid[t.key].inputs != t.inputs]
    redo = {t.key for t in todo}
    kept = {t.key: valid[t.key] for t in tasks if t.key not in redo}
    if partial:
        kept.update({k: e for k, e in valid.items() if k not in planned})
    if not todo and old is not None and set(kept) == set(old.entries):
        if old.quick != quick:
            save_manifest(out, cid, Manifest(quick, kept), write)
        return Outcome("unchanged", files=[rel for e in kept.values() for rel in e.files])
    files: dict[str, bytes] = {}
    made_by: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for task in todo:
        made, found = task.make()
        problems += found
        for rel in made:
            if rel in files:
                problems.append(Problem(SourceLocation(folder), f"two outputs both write '{rel}'"))
        files.update(made)
        made_by[task.key] = sorted(made)
    if problems:
        return Outcome("failed", [t.key for t in todo], problems)
    carry = {rel: folder / rel for e in kept.values() for rel in e.files if rel not in files}
    if partial and folder.is_dir():
        for path in folder.rglob("*"):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and rel not in files:
                carry.setdefault(rel, path)
    if _one_file_replaced(old, kept, todo, files, partial):
        _replace_file(out, folder, next(iter(files.items())), write)
    else:
        writer.replace_folder(folder, files, write, carry=carry)
    entries = {key: Entry(e.inputs, {}) for key, e in kept.items()}
    entries.update({t.key: Entry(t.inputs, {}) for t in todo})
    for key, entry in entries.items():
        names = made_by[key] if key in made_by else kept[key].files
        for rel in names:
            fp = fingerprint(folder / rel)
            if fp is not None:
                entry.files[rel] = fp
    save_manifest(out, cid, Manifest(quick, entries), write)
    files_now = [rel for e in entries.values() for rel in e.files]
    return Outcome("built", [t.key for t in todo], files=files_now)


def _one_file_replaced(
    old: Manifest | None,
    kept: dict[str, Entry],
    todo: list[Task],
    files: dict[str, bytes],
    partial: bool,
) -> bool:
    """Whether the change is one existing file taking new bytes, and nothing else.

    Then the folder is updated in place with one atomic rename: a reader sees
    the site before or after, each whole, so there is no need to rebuild the
    folder beside it. (An exercise edit is this, once per client.)
    """
    if partial or old is None or len(todo) != 1 or len(files) != 1:
        return False
    (rel,) = files
    before = old.entries.get(todo[0].key)
    return (
        before is not None
        and list(before.files) == [rel]
        and set(kept) | {todo[0].key} == set(old.entries)
    )


def _replace_file(
    out: Path, folder: Path, item: tuple[str, bytes], write: writer.Writer | None
) -> None:
    """Write beside the output (in the cache folder, never published), then rename over."""
    rel, data = item
    write = write or writer.Writer()
    target = writer.safe_join(folder, rel)
    temp = out / CACHE_DIR / f".{folder.name}.{os.getpid()}.tmp"
    temp.parent.mkdir(parents=True, exist_ok=True)
    try:
        write.write_bytes(temp, data)
        write.rename(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise writer_error(target, exc) from exc


def writer_error(path: Path, exc: OSError) -> Exception:
    from workbook.errors import WorkbookError

    return WorkbookError(
        f"{path}: could not write the output ({exc.strerror or exc}) — "
        "the previous output is unchanged; check free space and permissions"
    )


def clean_temporary(out: Path) -> None:
    """Remove temporary files an interrupted build left in the cache folder."""
    folder = out / CACHE_DIR
    if folder.is_dir():
        for path in folder.glob(".*.tmp"):
            path.unlink(missing_ok=True)
