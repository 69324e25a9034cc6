"""Building the clients: skip the unchanged unread, build the rest across a process pool.

The main process reads the shared content once and lists the profiles. For
each client it hashes the profile's bytes, the answers files and the shared
inputs; a client whose digest and output match its manifest is skipped
without parsing anything. The others go to a pool of worker processes
(``--jobs``), each of which makes one :class:`BuildContext` in its initializer
(templates compiled and client-independent exercises parsed once per process),
then reads, checks and builds one client at a time and writes that client's
folder itself: only a small result travels back, so memory follows one
client's output, not the number of clients.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook.build import cache, uptodate, writer
from workbook.errors import Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.load.job import BuildContext
from workbook.load.project import Project, forget_client, read_client
from workbook.outputs import bundle
from workbook.outputs.base import digest


@dataclass
class Batch:
    """Everything a worker needs, sent once per process (profiles not yet read)."""

    project: Project
    options: object  # build.BuildOptions (kept loose to avoid an import cycle)
    today: dt.date
    out: Path
    write: bool
    shared: str
    writer: writer.Writer | None = None
    index: dict[str, Any] = field(default_factory=dict)  # the no-op index's client entries
    lock: Any = None  # outputs.encrypt.Encryptor: which clients are encrypted, and how
    in_worker: bool = False  # set in pool workers: packs then render in the worker itself


@dataclass(frozen=True)
class ClientResult:
    """What happened to one client: ``built``, ``unchanged``, ``failed`` or ``skipped``."""

    cid: str
    status: str
    rendered: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    quick: str = ""  # the digest of all its inputs, when built or found unchanged
    folders: dict[str, list[int]] | None = None  # its output folders' identities, for the index
    notes: tuple[str, ...] = ()  # lines for the coach (where an encrypted site went)


def quick_digest(batch: Batch, cid: str) -> str:
    project = batch.project
    return uptodate.quick_digest(
        batch.shared,
        uptodate.options_key(dataclasses.asdict(batch.options)),  # type: ignore[call-overload]
        batch.today,
        project.root,
        cid,
        project.client_files[cid],
    )


def context_for(
    project: Project,
    shared: str,
    options: Any,
    out: Path | None = None,
    *,
    dry: bool = False,
    jobs: int | None = None,
) -> BuildContext:
    """A build context whose ``shared`` digest also covers the options that shape output."""
    key = uptodate.options_key(dataclasses.asdict(options))
    return BuildContext(
        project.root,
        project.template_dirs,
        project.exercises,
        shared=digest(shared, key),
        pdf=options.pdf,
        dry=dry,
        jobs=jobs if jobs is not None else options.jobs,
        out=out,
        progress=options.pack_lines,
    )


def build_one(batch: Batch, ctx: BuildContext, cid: str, quick: str) -> ClientResult:
    """Read, check and build one client; its folder is written here, in the worker."""
    from workbook.build import run as build  # run imports this module

    project = batch.project
    options = batch.options
    try:
        read_client(project, cid)
        found = build.blockers(project, cid)
        if found:
            return ClientResult(cid, "failed", problems=tuple(found))
        job = build.make_job(project, cid, options, batch.today)  # type: ignore[arg-type]
        if options.stage and job.programme.stage(options.stage) is None:  # type: ignore[attr-defined]
            return ClientResult(cid, "skipped")
        if not batch.write:
            _, found = build.render_client(ctx, job)
            return ClientResult(cid, "failed" if found else "built", problems=tuple(found))
        if batch.lock is not None and batch.lock.wanted(job.client):
            return build_encrypted(batch, ctx, job)
        outcome = cache.build_folder(
            batch.out,
            cid,
            build.plan_client(ctx, job),
            quick=quick,
            partial=bool(options.stage),  # type: ignore[attr-defined]
            write=batch.writer,
        )
        folders = None
        if outcome.status != "failed":
            folders = uptodate.folders(batch.out / cid, outcome.files)
            zipped = batch.out / f"{cid}.zip"
            if options.bundle and (outcome.status == "built" or not zipped.exists()):  # type: ignore[attr-defined]
                bundle.write_zip(batch.out / cid, zipped, batch.today)
        return ClientResult(
            cid, outcome.status, tuple(outcome.rendered), tuple(outcome.problems), quick, folders
        )
    except UsageProblem:
        raise  # the command itself is wrong (a passphrase is missing): stop, exit 2
    except WorkbookError as exc:
        problems = exc.problems or [Problem(SourceLocation(batch.out / cid), exc.format_message())]
        return ClientResult(cid, "failed", problems=tuple(problems))
    finally:
        forget_client(project, cid)


def build_encrypted(batch: Batch, ctx: BuildContext, job: Any) -> ClientResult:
    """An encrypted client: render everything, seal it, swap the folder in.

    It bypasses the page cache on purpose: the cache's records name the client
    and sit beside the published folders. Unchanged pages still keep their
    ciphertext (the encryptor's own fingerprints), so an unchanged build stays
    byte-identical.
    """
    from workbook.build import run as build

    cid, out, options = job.client.id, batch.out, batch.options
    files, found = build.render_client(ctx, job)
    if found:
        return ClientResult(cid, "failed", problems=tuple(found))
    folder = batch.lock.folder(cid)
    before = len(batch.lock.notes)
    sealed, found = batch.lock.protect(ctx, job, files, folder)
    if sealed is None:
        return ClientResult(cid, "failed", problems=tuple(found))
    carry = build.carry_over(out / folder, sealed) if options.stage else None
    writer.replace_folder(out / folder, sealed, batch.writer, carry=carry)
    notes = list(batch.lock.notes[before:])
    if folder != cid and (out / cid / "index.html").is_file():
        writer.remove(out / cid)  # the client's earlier, unencrypted site
        cache.remove_manifest(out, cid)
        notes.append(f"{cid}: removed {out.name}/{cid}/ (now encrypted)")
    if options.bundle:
        bundle.write_zip(out / folder, out / f"{folder}.zip", batch.today)
    return ClientResult(cid, "built", ("encrypted",), notes=tuple(notes))


# The one per-process global: the worker's batch and context, set by the pool initializer.
_WORKER: tuple[Batch, BuildContext] | None = None


def _init(batch: Batch) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C: the main process stops the pool
    batch.in_worker = True  # a pool worker cannot start a pool of its own for packs
    _WORKER = (batch, context_for(batch.project, batch.shared, batch.options, batch.out, jobs=1))


def _work(item: tuple[str, str]) -> ClientResult:
    assert _WORKER is not None, "the pool initializer did not run"
    batch, ctx = _WORKER
    return build_one(batch, ctx, *item)


def run_clients(
    batch: Batch,
    clients: list[str],
    jobs: int | None,
    on_result: Callable[[ClientResult], None],
) -> None:
    """Skip the unchanged clients, build the others (in a pool when there are several)."""
    todo: list[tuple[str, str]] = []
    for cid in clients:
        quick = quick_digest(batch, cid) if batch.write else ""
        entry = batch.index.get(cid)
        if batch.write and uptodate.entry_matches(batch.out / cid, entry, quick):
            on_result(ClientResult(cid, "unchanged", quick=quick, folders=entry["folders"]))
            continue
        manifest = cache.load_manifest(batch.out, cid) if batch.write else None
        if batch.write and cache.up_to_date(batch.out / cid, manifest, quick):
            assert manifest is not None
            files = [rel for e in manifest.entries.values() for rel in e.files]
            folders = uptodate.folders(batch.out / cid, files)
            on_result(ClientResult(cid, "unchanged", quick=quick, folders=folders))
        else:
            todo.append((cid, quick))
    for result in _map(batch, todo, jobs or os.cpu_count() or 1):
        on_result(result)


def _map(batch: Batch, todo: list[tuple[str, str]], jobs: int) -> Iterator[ClientResult]:
    workers = min(jobs, len(todo))
    if workers <= 1:
        ctx = context_for(
            batch.project, batch.shared, batch.options, batch.out, dry=not batch.write
        )
        try:
            for cid, quick in todo:
                yield build_one(batch, ctx, cid, quick)
        finally:
            ctx.close()
        return
    # fork shares the loaded project with the workers at no cost; spawn elsewhere
    import multiprocessing  # only when there is more than one client to build

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers, _init, (batch,)) as pool:
        yield from pool.imap_unordered(_work, todo, chunksize=1)
