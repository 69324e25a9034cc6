"""Putting one staged client in place: its folder swapped in, its record written.

This always runs in the process that holds the output folder and the cache:
the main process with a cluster (workers send back bytes), or the pool
worker that made the files. The folder is built beside the old one and
swapped in (or one changed file replaced by one rename); then the record is
written with each file's identity, exactly as after any local build.
"""

from __future__ import annotations

from pathlib import Path

from workbook.build import writer
from workbook.build.batch import Batch, ClientResult, Staged
from workbook.build.cache import ClientRecord, TaskRecord, fingerprint
from workbook.build.quick import folders


def put(batch: Batch, staged: Staged) -> ClientResult:
    """Write a staged client's files and record; report it as built or unchanged."""
    cid, folder, quick, record = staged.cid, staged.folder, staged.quick, staged.record
    notes = list(staged.notes)
    if staged.unchanged:
        assert record is not None
        if record.quick != quick:
            batch.cache.save(
                ClientRecord(cid, folder, quick, staged.kept, record.sealed, record.counted)
            )
        if staged.handoff is not None and not (batch.out / f"{folder}.zip").exists():
            _bundle(batch, folder, staged.handoff)
        return _result(batch, cid, "unchanged", quick, folder, record.files(), notes)
    kept, entries = staged.kept, staged.entries
    _write(batch, folder, record, kept, entries, staged.files, dict(staged.carry))
    tasks_now = {**kept, **entries}
    for entry in tasks_now.values():
        entry.files = {
            rel: fp for rel in entry.files if (fp := fingerprint(batch.out / folder / rel))
        }
    batch.cache.save(ClientRecord(cid, folder, quick, tasks_now, staged.sealed, staged.counted))
    if record is not None and record.folder != folder:
        notes += _retire(batch, cid, record.folder)
    if staged.encrypted:
        notes += _plain_copy(batch, cid, folder)
        notes.append(f"{cid}: encrypted, in {batch.out.name}/{folder}/")
    files_now = [rel for e in tasks_now.values() for rel in e.files]
    if staged.handoff is not None:
        _bundle(batch, folder, staged.handoff)
    return _result(batch, cid, "built", quick, folder, files_now, notes, staged.redo)


def _result(
    batch: Batch,
    cid: str,
    status: str,
    quick: str,
    folder: str,
    files: list[str],
    notes: list[str],
    rendered: tuple[str, ...] = (),
) -> ClientResult:
    return ClientResult(
        cid,
        status,
        rendered,
        quick=quick,
        folder=folder,
        folders=folders(batch.out / folder, files),
        notes=tuple(notes),
    )


def _bundle(batch: Batch, folder: str, handoff: dict[str, bytes]) -> None:
    """``--bundle``: the hand-off as ``<folder>.zip``, written atomically: the client's
    whole folder under one top-level folder, with the files made beside it."""
    from workbook.outputs import bundle  # the hand-off: only with --bundle

    data = bundle.zip_folder(batch.out / folder, batch.today, folder, handoff)
    writer.write_file(batch.out / f"{folder}.zip", data, batch.writer)


def _write(
    batch: Batch,
    folder: str,
    record: ClientRecord | None,
    kept: dict[str, TaskRecord],
    entries: dict[str, TaskRecord],
    files: dict[str, bytes],
    carry: dict[str, Path],
) -> None:
    """Swap the client's folder in (or, for one changed file, replace that file alone)."""
    target = batch.out / folder
    for entry in kept.values():
        for rel in entry.files:
            carry.setdefault(rel, target / rel)
    if batch.options.stage and target.is_dir():
        for path in target.rglob("*"):
            rel = path.relative_to(target).as_posix()
            if path.is_file() and rel not in files:
                carry.setdefault(rel, path)
    same_folder = record is not None and record.folder == folder
    previous = {rel for t in record.tasks.values() for rel in t.files} if record else set()
    lone = (
        same_folder
        and not batch.options.stage
        and len(files) == 1
        and len(entries) == 1
        and set(kept) | set(entries) == set(record.tasks if record else ())
        and set(files) <= previous
        and all(rel in files or rel in carry for rel in previous)
    )
    if lone:
        rel, data = next(iter(files.items()))
        writer.replace_file(target, rel, data, batch.writer)
    else:
        writer.replace_folder(target, files, batch.writer, carry=carry)


def _retire(batch: Batch, cid: str, old: str) -> list[str]:
    """The client's site moved to another folder: remove the one its record says it was in."""
    path = batch.out / old
    if not (path.is_dir() or path.is_symlink()):
        return []
    writer.remove(path)
    (batch.out / f"{old}.zip").unlink(missing_ok=True)
    return [f"{cid}: removed {batch.out.name}/{old}/ (its site is now in another folder)"]


def _plain_copy(batch: Batch, cid: str, folder: str) -> list[str]:
    """An encrypted client's site must not also stand in clear under its own id."""
    path = batch.out / cid
    if folder == cid or not (path / "index.html").is_file():
        return []
    writer.remove(path)
    (batch.out / f"{cid}.zip").unlink(missing_ok=True)
    return [f"{cid}: removed {batch.out.name}/{cid}/ (now encrypted)"]
