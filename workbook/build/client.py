"""Building one client: a function of that client's inputs, wherever it runs.

:func:`make_client` reads the client's profile and answers, plans every
output's tasks, renders only the tasks whose recorded inputs moved, renders
their PDFs and seals the files of an encrypted client: it reads the project
and writes nothing, so it runs as well on a cluster worker as here. What it
makes, a :class:`~workbook.build.batch.Staged` client, is put in place by
:func:`~workbook.build.publish.put` where the output folder is.
:func:`build_client` is both, here. Any failure inside one client fails that
client alone, with a located message.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from workbook.build import publish
from workbook.build.batch import Batch, ClientResult, Staged, Worker
from workbook.build.cache import ClientRecord, Counted, TaskRecord, intact
from workbook.build.plan import (
    context_for,
    known_fields,
    make_job,
    plan_tasks,
    unshown_answers,
    used_exercises,
)
from workbook.build.sealing import ClientSeal
from workbook.check.shared import blockers
from workbook.errors import Problem, SourceLocation, UsageProblem, WorkbookError, errors
from workbook.load.client_inputs import load_client_inputs
from workbook.outputs.base import ClientWork, PdfJob, Task
from workbook.outputs.encrypt import plain_digest
from workbook.outputs.inputs import ClientInputs
from workbook.render.context import RenderContext
from workbook.render.recording import Reader, fresh

if TYPE_CHECKING:
    from workbook.outputs.pack_render import RenderResult, RenderTask

__all__ = ["Batch", "ClientResult", "Staged", "Worker", "build_client", "make_client"]

UNRELEASED = "unreleased"  # the note of a client whose --stage is not released yet
T = TypeVar("T")


@dataclass
class _Rendered:
    """The tasks rendered this build: their files and what they read."""

    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    reads: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


Put = Callable[[Batch, Staged], ClientResult]


def build_client(
    batch: Batch, worker: Worker, cid: str, quick: str, put: Put = publish.put
) -> ClientResult:
    """Read, check, build and put in place one client; nothing it raises reaches another.

    ``put`` writes the staged client: an executor may wrap it so that a stop
    (Ctrl+C) never falls between a folder swapped in and its result reported.
    """

    def build() -> ClientResult:
        record = batch.cache.load(cid) if batch.write else None
        made = make_client(batch, worker, cid, quick, record, intact_tasks(batch, record))
        return made if isinstance(made, ClientResult) else put(batch, made)

    return guarded(batch, cid, build)


def intact_tasks(batch: Batch, record: ClientRecord | None) -> frozenset[str]:
    """The recorded tasks whose files are still exactly the ones recorded (read here)."""
    if record is None:
        return frozenset()
    return frozenset(intact(batch.out / record.folder, record))


def guarded(batch: Batch, cid: str, build: Callable[[], T]) -> T | ClientResult:
    """Run one client's build; any fault of it becomes that client's located failure."""
    try:
        return build()
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


def make_client(
    batch: Batch,
    worker: Worker,
    cid: str,
    quick: str,
    record: ClientRecord | None,
    intact_keys: Collection[str],
) -> ClientResult | Staged:
    """One client's files and records, made from its inputs; nothing is written.

    ``record`` is the client's cache record and ``intact_keys`` its tasks whose
    files are still the recorded ones, both read where the output is.
    """
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
    if options.stage and job.stage_unreleased and options.edition != "coach":
        return ClientResult(cid, "skipped", notes=(UNRELEASED,))
    ctx = context_for(project, worker.ctx, pid, job.language)
    inputs = ClientInputs(job, ctx, pdf=options.pdf, tool=batch.tool)
    if not batch.write:
        return _check(batch, ctx, job, inputs, found)
    work = ClientWork(job, ctx, inputs, counted_before=record.counted if record else {})
    seal: ClientSeal | None = None
    notes: list[str] = []
    if batch.sealing.wanted(client):
        seal, notes = batch.sealing.open(client, record, ctx.template("locked.html"))
    folder = seal.folder if seal is not None else cid
    valid: dict[str, TaskRecord] = {}
    if record is not None and record.folder == folder:
        valid = {k: t for k, t in record.tasks.items() if k in intact_keys}
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
        handoff = None
        if options.bundle and not (batch.out / f"{folder}.zip").exists():
            handoff = _handoff(work, batch, sealed=seal is not None)
        return Staged(
            cid, quick, folder, record, kept, notes=notes, unchanged=True, handoff=handoff
        )
    rendered = _render(work, worker, todo, in_worker=batch.in_worker)
    if rendered.problems:
        return ClientResult(cid, "failed", tuple(redo), tuple(rendered.problems))
    entries, files, carry = _publish(batch.out / folder, rendered, valid, seal)
    if seal is not None and seal.site.left_out:
        notes.append(
            f"{cid}: left out of the encrypted site: {', '.join(sorted(set(seal.site.left_out)))} "
            "(publish one in clear with --unencrypted NAME)"
        )
    sealed = seal.record() if seal is not None else None
    return Staged(
        cid,
        quick,
        folder,
        record,
        kept,
        entries,
        files,
        carry,
        sealed,
        encrypted=seal is not None,
        notes=notes,
        redo=tuple(sorted(redo)),
        handoff=_handoff(work, batch, sealed=seal is not None) if options.bundle else None,
        counted=_counted(work, record),
    )


def _counted(work: ClientWork, record: ClientRecord | None) -> dict[str, Counted]:
    """The field counts to record: this build's, and the last build's of exercises this
    build did not count (each is checked against its reads when it is used)."""
    before = record.counted if record is not None else {}
    both = {**before, **work.counted}
    return {eid: c for eid, c in both.items() if eid in work.job.exercises}


def _handoff(work: ClientWork, batch: Batch, *, sealed: bool) -> dict[str, bytes]:
    """``--bundle``: what the hand-off holds beside the built folder (``outputs/bundle.py``),
    made where the client is built; the folder itself is zipped where it is written."""
    fields, _ = known_fields(work)
    from workbook.outputs import bundle  # the hand-off: only with --bundle

    return bundle.handoff_files(work, fields, batch.today, sealed=sealed)


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
    from workbook.outputs.pack_render import (  # WeasyPrint: only for packs
        RenderTask,
        grouped,
        results_by_name,
    )

    render = grouped(
        [RenderTask(rel, job.html, job.assets, job.label, parts=job.parts) for _, rel, job in pdfs],
        spread=not in_worker and worker.packs.jobs > 1 and len(pdfs) > 1,
    )
    done = [_render_one(worker, t) for t in render] if in_worker else worker.packs.run(render)
    results = results_by_name(done)
    for key, rel, job in pdfs:
        result = results[rel]
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


def _check(
    batch: Batch, ctx: RenderContext, job: Any, inputs: ClientInputs, known: list[Problem]
) -> ClientResult:
    """``workbook check``: render every task of the client (no PDF, nothing written).

    Exercises already reported broken are skipped, so one broken exercise never
    hides a problem in another; every exercise of the programme is personalised,
    released or not.
    """
    used = used_exercises(batch.project, job.programme.key)
    missing = {e for e in used if e not in job.exercises}  # could not be read at all
    pinned = job.programme.release is not None  # a release's copies are not content/'s
    broken = (frozenset() if pinned else frozenset(batch.findings.exercises)) | missing
    work = ClientWork(job, ctx, inputs, dry=True, broken=broken)
    problems: list[Problem] = list(known)
    reader = Reader(inputs)
    for eid in job.exercises:
        problems += work.exercise(eid, reader)[1]
    if not batch.findings.everything and not missing:  # pages need every exercise's title
        for task in plan_tasks(work):
            problems += task.make(Reader(inputs))[1]
    if not errors(problems):
        problems += unshown_answers(batch.project.root, work, reader)
    unique = tuple(dict.fromkeys(problems))
    return ClientResult(job.client.id, "failed" if errors(unique) else "built", problems=unique)


def default_jobs() -> int:
    return os.cpu_count() or 1
