"""The build: read and check everything first, then build each client from its own job.

As in MkDocs's ``build()``, nothing is written until every input has been
read and checked. A client whose inputs have problems is not built and
keeps its previous output; the others are built; the exit status is then 1.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from workbook import bundle, templating, writer
from workbook.errors import Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.job import BuildContext, ClientJob
from workbook.outputs import calendar, encrypt, pack, progress, site
from workbook.project import Project, load_project

PAGE_TEMPLATES = ("home.html", "stage.html", "exercise.html", "progress.html", "pack.html")


@dataclass(frozen=True)
class BuildOptions:
    clients: tuple[str, ...] = ()
    edition: str = "client"
    stage: str | None = None
    pdf: bool = True
    jobs: int | None = None
    out: Path | None = None
    today: dt.date | None = None
    bundle: bool = False
    encrypt: bool = False
    prune: bool = False
    passphrase_file: Path | None = None  # with encryption: where passphrases are kept
    opaque_folders: bool = False  # encrypted clients' folders named without their id
    unencrypted: tuple[str, ...] = ()  # files published in clear in an encrypted build


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, problems: list[Problem]) -> None:
        seen = set(self.problems)
        self.problems += [p for p in problems if p not in seen and not seen.add(p)]  # type: ignore[func-returns-value]


def build_date(given: dt.date | None) -> dt.date:
    """``--today``, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else the real date."""
    if given is not None:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def check_shared(project: Project, ctx: BuildContext) -> None:
    """Checks that need no client: exercise templates and fields, the page layouts."""
    for eid, exercise in project.exercises.items():
        found = ctx.personaliser.static_problems(exercise)
        if found:
            project.exercise_problems.setdefault(eid, []).extend(found)
    for name in PAGE_TEMPLATES:
        try:
            ctx.template(name)
        except jinja2.TemplateError as exc:
            path = next(
                (d / name for d in ctx.template_dirs if (d / name).is_file()),
                ctx.template_dirs[0] / name if ctx.template_dirs else Path(name),
            )
            project.global_problems.append(templating.template_problem(exc, path))


def blockers(project: Project, cid: str) -> list[Problem]:
    """Why a client cannot be built: its own problems, or those of content it uses."""
    found = list(project.client_problems.get(cid, []))
    client = project.clients.get(cid)
    if client is None:
        return found or [
            Problem(
                SourceLocation(project.client_files.get(cid, Path(cid))),
                f"client '{cid}' could not be read",
            )
        ]
    pid = project.programme_of(client)
    found += project.programme_problems.get(pid, [])
    programme = project.programmes.get(pid)
    if programme is not None:
        for stage in programme.stages:
            for eid in stage.exercises:
                found += project.exercise_problems.get(eid, [])
    return found


def make_job(project: Project, cid: str, options: BuildOptions, today: dt.date) -> ClientJob:
    client = project.clients[cid]
    programme = project.programmes[project.programme_of(client)]
    used = {e for s in programme.stages for e in s.exercises}
    return ClientJob(
        client=client,
        programme=programme,
        exercises={e: project.exercises[e] for e in sorted(used)},
        answers=project.answers[cid],
        settings=project.settings,
        edition=options.edition,
        today=today,
        only_stage=options.stage,
    )


# Every output of a client, in order; each is ``render(ctx, job) -> (files, problems)``.
OUTPUTS: tuple[Callable[[BuildContext, ClientJob], tuple[dict[str, bytes], list[Problem]]], ...] = (
    site.render,
    progress.render,
    calendar.render,
    pack.render,
)


def render_client(ctx: BuildContext, job: ClientJob) -> tuple[dict[str, bytes], list[Problem]]:
    """Every output file of one client, from that client's job alone."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for output in OUTPUTS:
        made, found = output(ctx, job)
        files.update(made)
        problems += found
    return files, problems


def output_root(project: Project, options: BuildOptions) -> Path:
    if options.out is not None:
        return options.out.resolve()
    return project.coach_output if options.edition == "coach" else project.output


def select(project: Project, options: BuildOptions) -> list[str]:
    """The client ids to build: all known (sorted), or the ones named."""
    known = sorted(set(project.client_files) | set(project.client_problems))
    if not options.clients:
        return known
    unknown = [c for c in options.clients if c not in known]
    if unknown:
        raise UsageProblem(
            f"no client named {', '.join(repr(u) for u in unknown)} — "
            f"known clients: {', '.join(known) or 'none'} (clients/<id>.yml)"
        )
    return list(dict.fromkeys(options.clients))


def run(
    root: Path,
    options: BuildOptions,
    *,
    write: bool = True,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Check (``write=False``) or build the project; problems are returned, not raised."""
    started = time.perf_counter()
    report = BuildReport()
    project = load_project(root)
    out = output_root(project, options)
    ctx = BuildContext(
        project.root,
        project.template_dirs,
        project.exercises,
        pdf=options.pdf,
        dry=not write,
        jobs=options.jobs,
        out=out,
        progress=progress,
    )
    check_shared(project, ctx)
    if options.stage and not any(p.stage(options.stage) for p in project.programmes.values()):
        raise UsageProblem(f"--stage: no programme has a stage '{options.stage}'")
    today = build_date(options.today)
    if options.out is not None and _overlaps_sources(project.root, out):
        raise UsageProblem(f"--out: '{options.out}' overlaps the project's own files")
    report.add(project.global_problems)
    clients = select(project, options)
    if write:
        writer.clean_leftovers(out)
    lock = encrypt.Encryptor(
        project.settings,
        project.root,
        out,
        forced=options.encrypt,
        passphrase_file=options.passphrase_file,
        opaque=options.opaque_folders,
        keep_clear=frozenset(options.unencrypted),
    )
    for cid in clients:
        found = [] if project.global_problems else blockers(project, cid)
        if project.global_problems or found:
            report.add(found)
            report.failed.append(cid)
            continue
        job = make_job(project, cid, options, today)
        if options.stage and job.programme.stage(options.stage) is None:
            continue
        files, found = render_client(ctx, job)
        if found:
            report.add(found)
            report.failed.append(cid)
            continue
        if write:
            folder = cid
            if lock.wanted(job.client):  # encrypted sites: a step after rendering
                folder = lock.folder(cid)
                sealed, found = lock.protect(ctx, job, files, folder)
                if sealed is None:
                    report.add(found)
                    report.failed.append(cid)
                    continue
                files = sealed
            carry = _carry(out / folder, files) if options.stage else None
            try:
                writer.replace_folder(out / folder, files, carry=carry)
            except WorkbookError as exc:
                report.add(exc.problems or [Problem(SourceLocation(out / folder), str(exc))])
                report.failed.append(cid)
                continue
            if folder != cid and (out / cid / "index.html").is_file():
                writer.remove(out / cid)  # the client's earlier, unencrypted site
                report.notes.append(f"{cid}: removed {out.name}/{cid}/ (now encrypted)")
            if options.bundle:
                bundle.write_zip(out / folder, out / f"{folder}.zip", today)
            if progress:
                progress(f"built {cid}")
        report.built.append(cid)
    report.notes += lock.notes
    ctx.close()
    if write and options.prune and not options.clients:
        known = set(project.client_files) | set(project.client_problems)
        report.removed = prune(out, known | lock.known_folders(known))
    report.add(
        [p for p in project.all_problems() if p not in report.problems and not options.clients]
    )
    report.seconds = time.perf_counter() - started
    return report


def _overlaps_sources(root: Path, out: Path) -> bool:
    """Whether writing to ``out`` could touch the project itself (its root, content, …)."""
    sources = [root / part for part in ("content", "clients", "templates")]
    return out == root or any(out.is_relative_to(s) or s.is_relative_to(out) for s in sources)


def _carry(folder: Path, files: dict[str, bytes]) -> dict[str, Path]:
    """With ``--stage``: the rest of the client's previous output, carried over unchanged."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in files
    }


def prune(out: Path, keep: set[str]) -> list[str]:
    """Remove client folders whose profile is gone; returns what was removed."""
    removed = []
    if not out.is_dir():
        return removed
    for entry in sorted(out.iterdir()):
        if (
            entry.is_dir()
            and not entry.name.startswith(".")
            and entry.name not in keep
            and entry.name != "curriculum"
            and (entry / "index.html").is_file()
        ):
            writer.remove(entry)
            removed.append(entry.name)
    return removed


def raise_for(report: BuildReport, root: Path) -> None:
    if report.problems:
        raise WorkbookError(report.problems, root)
