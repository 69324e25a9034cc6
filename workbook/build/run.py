"""The build: read and check everything first, then build each client from its own job.

As in MkDocs's ``build()``, nothing is written until every input has been
read and checked. A client whose inputs have problems is not built and
keeps its previous output; the others are built; the exit status is then 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from workbook.build import cache, uptodate
from workbook.build import executor as pool
from workbook.build import writer as writer_mod
from workbook.build.writer import Writer
from workbook.errors import Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.load.environ import build_date
from workbook.load.job import BuildContext, ClientJob
from workbook.load.project import Project, load_project
from workbook.outputs import encrypt, keys, site
from workbook.outputs.base import Made, Output, Task, run_tasks, whole_job_task
from workbook.render import templating

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
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    rendered: dict[str, list[str]] = field(default_factory=dict)  # client → task keys rendered
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, problems: list[Problem]) -> None:
        seen = set(self.problems)
        self.problems += [p for p in problems if p not in seen and not seen.add(p)]  # type: ignore[func-returns-value]


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


# Every output of a client, in order. Each is a plain ``render(ctx, job) -> (files, problems)``
# (cached as one task on the whole job) or a ``tasks.Output`` planning its own cached tasks.
OUTPUTS: tuple[Output | Callable[[BuildContext, ClientJob], Made], ...] = (
    site.SITE,
    keys.PROGRESS,
    keys.CALENDAR,
    keys.PACKS,
)


def plan_client(ctx: BuildContext, job: ClientJob) -> list[Task]:
    """Every output task of one client, each keyed by its own input digest."""
    tasks: list[Task] = []
    for output in OUTPUTS:
        if isinstance(output, Output):
            tasks += output.plan(ctx, job)
        else:
            tasks.append(whole_job_task(output, ctx, job))
    return tasks


def render_client(ctx: BuildContext, job: ClientJob) -> tuple[dict[str, bytes], list[Problem]]:
    """Every output file of one client, from that client's job alone (no cache)."""
    return run_tasks(plan_client(ctx, job))


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
    progress: Callable[[pool.ClientResult], None] | None = None,
    writer: Writer | None = None,
    noop_checked: bool = False,
) -> BuildReport:
    """Check (``write=False``) or build the project; problems are returned, not raised.

    Shared content is read and checked first; profiles are read by whoever builds
    them (``pool.py``), and a client whose inputs are unchanged is not read at all.
    """
    started = time.perf_counter()
    report = BuildReport()
    if write and not options.prune and not noop_checked:
        unchanged = uptodate.all_unchanged(
            root,
            dataclasses.asdict(options),
            options.clients,
            options.out,
            options.edition,
            options.today,
        )
        if unchanged is not None:
            report.unchanged = unchanged
            report.seconds = time.perf_counter() - started
            return report
    project = load_project(root, clients=False)
    shared = uptodate.shared_digest(project.root, project.template_dirs, project.settings.firm.logo)
    ctx = pool.context_for(project, shared, options, output_root(project, options), dry=not write)
    recorded, index = uptodate.read_index(output_root(project, options))
    if not write or recorded != shared:  # the index records shared content found clean
        check_shared(project, ctx)
    if options.stage and not any(p.stage(options.stage) for p in project.programmes.values()):
        raise UsageProblem(f"--stage: no programme has a stage '{options.stage}'")
    today = build_date(options.today)
    out = output_root(project, options)
    if options.out is not None and _overlaps_sources(project.root, out):
        raise UsageProblem(f"--out: '{options.out}' overlaps the project's own files")
    report.add(project.global_problems)
    report.add(project.warnings)
    clients = select(project, options)
    if write:
        writer_mod.clean_leftovers(out)
        cache.clean_temporary(out)
    lock = encrypt.Encryptor(
        project.settings,
        project.root,
        out,
        forced=options.encrypt,
        passphrase_file=options.passphrase_file,
        opaque=options.opaque_folders,
        keep_clear=frozenset(options.unencrypted),
    )
    batch = pool.Batch(project, options, today, out, write, shared, writer, index, lock)
    readable = []
    for cid in clients:
        if project.global_problems or cid not in project.client_files:
            report.add([] if project.global_problems else blockers(project, cid))
            report.failed.append(cid)
        else:
            readable.append(cid)

    fresh: dict[str, tuple[str, dict[str, list[int]]]] = {}

    def done(result: pool.ClientResult) -> None:
        report.add(list(result.problems))
        report.notes += result.notes
        if result.quick and result.folders is not None:
            fresh[result.cid] = (result.quick, result.folders)
        if result.status == "built":
            report.built.append(result.cid)
            report.rendered[result.cid] = list(result.rendered)
        elif result.status == "unchanged":
            report.unchanged.append(result.cid)
        elif result.status == "failed":
            report.failed.append(result.cid)
        if progress:
            progress(result)

    pool.run_clients(batch, readable, options.jobs, done)
    for names in (report.built, report.unchanged, report.failed):
        names.sort()
    if write and options.prune and not options.clients:
        known = set(project.client_files) | set(project.client_problems)
        report.removed = prune(out, known | lock.known_folders(known))
    if write:  # the no-op check may skip checking shared content only once it was clean
        clean = not (
            project.global_problems or project.programme_problems or project.exercise_problems
        )
        try:
            if clean:
                untouched = set(project.client_files) - set(clients)
                uptodate.write_index(out, shared, fresh, untouched)
            else:
                uptodate.forget_index(out)
        except (WorkbookError, OSError) as exc:  # the record is an optimisation: say, go on
            where = SourceLocation(out / ".workbook-cache")
            report.add(
                [
                    Problem(
                        where,
                        f"could not record the build ({exc})",
                        "check free space and permissions; the next build checks everything",
                    )
                ]
            )
    report.add(
        [p for p in project.all_problems() if p not in report.problems and not options.clients]
    )
    report.seconds = time.perf_counter() - started
    return report


def carry_over(folder: Path, files: dict[str, bytes]) -> dict[str, Path]:
    """With ``--stage``: the rest of the client's previous output, carried over unchanged."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in files
    }


def _overlaps_sources(root: Path, out: Path) -> bool:
    """Whether writing to ``out`` could touch the project itself (its root, content, …)."""
    sources = [root / part for part in ("content", "clients", "templates")]
    return out == root or any(out.is_relative_to(s) or s.is_relative_to(out) for s in sources)


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
            writer_mod.remove(entry)
            cache.remove_manifest(out, entry.name)
            removed.append(entry.name)
    return removed


def raise_for(report: BuildReport, root: Path) -> None:
    if report.problems:
        raise WorkbookError(report.problems, root)
