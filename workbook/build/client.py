"""Building one client: a function of that client's inputs, wherever it runs.

:func:`build_client` reads the client's profile and answers, plans every
output's tasks, renders only the tasks whose recorded inputs moved, renders
their PDFs, seals the files of an encrypted client, swaps the client's folder
into place and records what each task read. Any failure inside one client
fails that client alone, with a located message.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbook.build import writer
from workbook.build.cache import Cache, ClientRecord, TaskRecord, fingerprint, intact
from workbook.build.options import BuildOptions
from workbook.build.plan import make_job, plan_tasks, used_exercises
from workbook.build.quick import folders
from workbook.build.sealing import ClientSeal, Sealing
from workbook.check.shared import blockers
from workbook.errors import Findings, Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.load.project import Project, load_client_inputs
from workbook.outputs import bundle
from workbook.outputs.base import ClientWork, PdfJob, Task
from workbook.outputs.encrypt import plain_digest
from workbook.outputs.inputs import ClientInputs
from workbook.render.context import RenderContext
from workbook.render.recording import Reader, fresh

if TYPE_CHECKING:
    from workbook.outputs.pack_render import PackRenderer, RenderResult, RenderTask


@dataclass
class Batch:
    """What every process needs for this build, made once by the main process."""

    project: Project
    findings: Findings
    options: BuildOptions
    today: dt.date
    out: Path
    write: bool
    tool: str
    cache: Cache
    sealing: Sealing
    writer: writer.Writer | None = None
    in_worker: bool = False  # in a pool worker: packs render in the worker itself


@dataclass
class Worker:
    """Per-process state: compiled templates, parsed exercises, the PDF renderer."""

    ctx: RenderContext
    jobs: int | None = None
    progress: Any = None  # a callable taking a line, for each rendered pack

    @cached_property
    def packs(self) -> PackRenderer:
        from workbook.outputs.pack_render import PackRenderer  # WeasyPrint: only for packs

        return PackRenderer(self.jobs, self.progress)

    def close(self) -> None:
        if "packs" in self.__dict__:
            self.packs.close()


@dataclass(frozen=True)
class ClientResult:
    """What happened to one client: ``built``, ``unchanged``, ``failed`` or ``skipped``."""

    cid: str
    status: str
    rendered: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    quick: str = ""  # the digest of all its inputs, when built or found unchanged
    folder: str = ""  # the folder its site is published in
    folders: dict[str, list[int]] | None = None  # its output folders' identities, for the index
    notes: tuple[str, ...] = ()


@dataclass
class _Rendered:
    """The tasks rendered this build: their files and what they read."""

    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    reads: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def build_client(batch: Batch, worker: Worker, cid: str, quick: str) -> ClientResult:
    """Read, check and build one client; nothing it raises reaches another client."""
    try:
        return _build(batch, worker, cid, quick)
    except UsageProblem:
        raise  # the command itself is wrong (a passphrase is missing): stop, exit 2
    except WorkbookError as exc:
        problems = exc.problems or [Problem(SourceLocation(batch.out / cid), exc.format_message())]
        return ClientResult(cid, "failed", problems=tuple(problems))
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # a fault of this client's build alone: say where, go on
        where = batch.project.client_files.get(cid, batch.out / cid)
        problem = Problem(
            SourceLocation(where),
            f"this client's workbook could not be built ({type(exc).__name__}: {exc})",
            "the other clients were built; check this profile and its answers files",
        )
        return ClientResult(cid, "failed", problems=(problem,))


def _build(batch: Batch, worker: Worker, cid: str, quick: str) -> ClientResult:
    project, options = batch.project, batch.options
    loaded = load_client_inputs(project, cid)
    if loaded.client is None:
        return ClientResult(cid, "failed", problems=loaded.problems)
    client = loaded.client
    pid = project.programme_of(client)
    used = used_exercises(project, pid)
    found = blockers(batch.findings, cid, pid, used) + list(loaded.problems)
    if found and batch.write:
        return ClientResult(cid, "failed", problems=tuple(found))
    job = make_job(
        project,
        client,
        loaded.answers,
        edition=options.edition,
        today=batch.today,
        stage=options.stage,
    )
    if options.stage and job.programme.stage(options.stage) is None:
        return ClientResult(cid, "skipped")
    inputs = ClientInputs(job, worker.ctx, pdf=options.pdf, tool=batch.tool)
    if not batch.write:
        return _check(batch, worker, job, inputs, found)
    work = ClientWork(job, worker.ctx, inputs)
    record = batch.cache.load(cid)
    seal: ClientSeal | None = None
    notes: list[str] = []
    if batch.sealing.wanted(client):
        seal, notes = batch.sealing.open(client, record, worker.ctx.template("locked.html"))
    folder = seal.folder if seal is not None else cid
    valid = intact(batch.out / folder, record) if record and record.folder == folder else {}
    if record is not None and (seal is not None) != (record.sealed is not None):
        valid = {}  # encrypted now and not before, or the reverse: everything again
    if seal is not None and not seal.same:
        valid = {}  # a new passphrase: every page encrypted again, with a new salt
    tasks = plan_tasks(work)
    todo = [t for t in tasks if t.key not in valid or not fresh(inputs, valid[t.key].reads)]
    redo = {t.key for t in todo}
    kept = {t.key: valid[t.key] for t in tasks if t.key not in redo}
    if options.stage:  # --stage plans one stage: the rest of the folder stays as it is
        kept.update({k: v for k, v in valid.items() if k not in {t.key for t in tasks}})
    if not todo and record is not None and set(kept) == set(record.tasks):
        if record.quick != quick:
            batch.cache.save(ClientRecord(cid, folder, quick, kept, record.sealed))
        return _result(batch, cid, "unchanged", quick, folder, record.files(), notes)
    rendered = _render(work, worker, todo, in_worker=batch.in_worker)
    if rendered.problems:
        return ClientResult(cid, "failed", tuple(redo), tuple(rendered.problems))
    entries, files, carry = _publish(batch.out / folder, rendered, valid, seal)
    if seal is not None:
        notes.append(f"{cid}: encrypted, in {batch.out.name}/{folder}/")
    if seal is not None and seal.site.left_out:
        notes.append(
            f"{cid}: left out of the encrypted site: {', '.join(sorted(set(seal.site.left_out)))} "
            "(publish one in clear with --unencrypted NAME)"
        )
    _write(batch, folder, record, kept, entries, files, carry)
    tasks_now = {**kept, **entries}
    for entry in tasks_now.values():
        entry.files = {
            rel: fp for rel in entry.files if (fp := fingerprint(batch.out / folder / rel))
        }
    sealed = seal.record() if seal is not None else None
    batch.cache.save(ClientRecord(cid, folder, quick, tasks_now, sealed))
    if record is not None and record.folder != folder:
        notes += _retire(batch, cid, record.folder)
    if seal is not None:
        notes += _plain_copy(batch, cid, folder)
        notes.append(f"{cid}: encrypted, in {batch.out.name}/{folder}/")
    files_now = [rel for e in tasks_now.values() for rel in e.files]
    if options.bundle:
        _bundle(batch, folder)
    return _result(batch, cid, "built", quick, folder, files_now, notes, tuple(sorted(redo)))


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
    zipped = batch.out / f"{folder}.zip"
    if status == "unchanged" and batch.options.bundle and not zipped.exists():
        _bundle(batch, folder)
    return ClientResult(
        cid,
        status,
        rendered,
        quick=quick,
        folder=folder,
        folders=folders(batch.out / folder, files),
        notes=tuple(notes),
    )


def _bundle(batch: Batch, folder: str) -> None:
    """``--bundle``: the client's whole folder as ``<folder>.zip``, written atomically."""
    data = bundle.zip_folder(batch.out / folder, batch.today)
    writer.write_file(batch.out / f"{folder}.zip", data, batch.writer)


def _render(work: ClientWork, worker: Worker, tasks: list[Task], *, in_worker: bool) -> _Rendered:
    """Make each task through its own reader, then render the PDFs they asked for."""
    out = _Rendered()
    pdfs: list[tuple[str, str, PdfJob]] = []
    for task in tasks:
        reader = Reader(work.inputs)
        reader.note("tool")
        made, problems = task.make(reader)
        out.problems += problems
        out.reads[task.key] = reader.read
        out.files[task.key] = {}
        for rel, value in made.items():
            if isinstance(value, PdfJob):
                pdfs.append((task.key, rel, value))
            else:
                out.files[task.key][rel] = value
    if out.problems or not pdfs:
        return out
    from workbook.outputs.pack_render import RenderTask  # WeasyPrint: only for packs

    render = [RenderTask(rel, job.html, job.assets, job.label) for _, rel, job in pdfs]
    results = [_render_one(worker, t) for t in render] if in_worker else worker.packs.run(render)
    for (key, rel, job), result in zip(pdfs, results, strict=True):
        if result.pdf is None:
            for why in result.refused:
                out.problems.append(
                    Problem(
                        SourceLocation(Path(job.where(result.url))),
                        f"{rel} cannot be made: {why}",
                        "packs only load files from the project's asset folders: put the file "
                        "in assets/ and write a relative path such as assets/diagram.png",
                    )
                )
            continue
        out.files[key][rel] = result.pdf
        for url in sorted(result.fetched):
            out.reads[key][f"packasset:{url}"] = work.inputs.digest(f"packasset:{url}")
    return out


def _render_one(worker: Worker, task: RenderTask) -> RenderResult:
    from workbook.outputs.pack_render import render_pdf

    result = render_pdf(task)
    worker.packs._report(task, result)
    return result


def _publish(
    folder: Path, rendered: _Rendered, valid: dict[str, TaskRecord], seal: ClientSeal | None
) -> tuple[dict[str, TaskRecord], dict[str, bytes], dict[str, Path]]:
    """The new tasks' records and the bytes to write; sealed, when the client is encrypted.

    A sealed file whose plaintext has not changed keeps its previous ciphertext
    (carried, not encrypted again), so unchanged pages stay byte-identical.
    """
    entries: dict[str, TaskRecord] = {}
    files: dict[str, bytes] = {}
    carry: dict[str, Path] = {}
    for key, made in rendered.files.items():
        entry = TaskRecord(rendered.reads[key])
        old = valid.get(key)
        for rel, data in sorted(made.items()):
            if rel in files or rel in carry:
                raise WorkbookError(
                    [Problem(SourceLocation(folder), f"two outputs both write '{rel}'")]
                )
            if seal is not None:
                if not seal.site.published(rel):
                    seal.site.left_out.append(rel)
                    continue
                if not seal.site.clear(rel):
                    entry.plain[rel] = plain_digest(data)
                    if (
                        old is not None
                        and old.plain.get(rel) == entry.plain[rel]
                        and rel in old.files
                    ):
                        carry[rel] = folder / rel
                        entry.files[rel] = old.files[rel]
                        continue
                    data = seal.site.seal(rel, data)
            files[rel] = data
            entry.files[rel] = (0, 0, 0)
        entries[key] = entry
    return entries, files, carry


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


def _check(
    batch: Batch, worker: Worker, job: Any, inputs: ClientInputs, known: list[Problem]
) -> ClientResult:
    """``workbook check``: render every task of the client (no PDF, nothing written).

    Exercises already reported broken are skipped, so one broken exercise never
    hides a problem in another; every exercise of the programme is personalised,
    released or not.
    """
    used = used_exercises(batch.project, job.programme.id)
    missing = {e for e in used if e not in job.exercises}  # could not be read at all
    broken = frozenset(batch.findings.exercises) | missing
    work = ClientWork(job, worker.ctx, inputs, dry=True, broken=broken)
    problems: list[Problem] = list(known)
    reader = Reader(inputs)
    for eid in job.exercises:
        problems += work.exercise(eid, reader)[1]
    if not batch.findings.everything and not missing:  # pages need every exercise's title
        for task in plan_tasks(work):
            problems += task.make(Reader(inputs))[1]
    unique = tuple(dict.fromkeys(problems))
    return ClientResult(job.client.id, "failed" if unique else "built", problems=unique)


def default_jobs() -> int:
    return os.cpu_count() or 1
