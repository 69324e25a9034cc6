"""The build, in named phases: gather, check, plan, build, record.

As in MkDocs's ``build()``, nothing is written until every shared input has
been read and checked. A client whose inputs have problems is not built and
keeps its previous output; the others are built; the exit status is then 1.
``workbook check`` is the same function with ``write=False``: every client is
rendered in memory, no PDF is made and nothing is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbook.build import prune as prune_mod
from workbook.build import quick
from workbook.build import writer as writer_mod
from workbook.build.batch import Batch, ClientResult
from workbook.build.cache import Cache
from workbook.build.client import UNRELEASED
from workbook.build.executor import Executor, LocalExecutor
from workbook.build.options import BuildOptions, BuildReport
from workbook.build.sealing import Sealing
from workbook.check.shared import check_shared
from workbook.errors import Findings, Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.load.environ import build_date
from workbook.load.project import Project, load_project
from workbook.load.releases import behind_notice
from workbook.render.bytecode import bytecode_cache
from workbook.render.context import RenderContext

OLD_RECORDS = ".workbook-cache"  # where earlier versions kept their records, inside the output


@dataclass(frozen=True)
class Gathered:
    """Everything shared, read: the project, where the output goes, the cache, the date."""

    project: Project
    out: Path
    cache: Cache
    shared: str


def run(
    root: Path,
    options: BuildOptions,
    *,
    write: bool = True,
    progress: Callable[[ClientResult], None] | None = None,
    writer: writer_mod.Writer | None = None,
    executor: Executor | None = None,
    pack_progress: Callable[[str], None] | None = None,
    noop_checked: bool = False,
) -> BuildReport:
    """Check (``write=False``) or build the project; problems are returned, not raised.

    ``noop_checked``: the caller has just found that not everything is up to date.
    """
    started = time.perf_counter()
    report = BuildReport()
    if write and (notice := behind_notice(root)) is not None:
        report.notes.append(notice)
    if write and not options.prune and not noop_checked:
        unchanged = quick.all_unchanged(root, options)
        if unchanged is not None:
            report.unchanged = unchanged
            report.seconds = time.perf_counter() - started
            return report
    # the check above (or the caller's) has just hashed the shared files: reuse that digest
    gathered = gather(root, options, write, checked=write and not options.prune)
    report.out = gathered.out
    findings = check(gathered, write)
    report.add(findings.everything)
    report.add(gathered.project.warnings)
    batch, todo = plan(gathered, findings, options, write, writer, report, progress)
    executor = executor or LocalExecutor(options.jobs, pack_progress)
    fresh: dict[str, ClientResult] = {}

    unreleased: list[str] = []

    def done(result: ClientResult) -> None:
        report.add(result.problems)
        if UNRELEASED in result.notes:
            unreleased.append(result.cid)
        report.notes += [n for n in result.notes if n != UNRELEASED]
        if result.status in ("built", "unchanged"):
            fresh[result.cid] = result
            (report.built if result.status == "built" else report.unchanged).append(result.cid)
            if result.rendered:
                report.rendered[result.cid] = list(result.rendered)
        elif result.status == "failed":
            report.failed.append(result.cid)
        if progress:
            progress(result)

    executor.run(batch, todo, done)
    report.workers = getattr(executor, "workers", 0)
    if unreleased:
        _unreleased(options, sorted(unreleased), report)
    for names in (report.built, report.unchanged, report.failed):
        names.sort()
    if write:
        record(gathered, findings, batch, fresh, report)
        if options.edition == "coach" and findings.shared_clean():
            _desk(gathered, batch, report)
    if not options.clients:
        report.add(findings.all())
    report.seconds = time.perf_counter() - started
    return report


def gather(root: Path, options: BuildOptions, write: bool, *, checked: bool = False) -> Gathered:
    """Read every shared input; decide where the output goes, refusing unsafe places."""
    project = load_project(root, clients=False)
    out = output_root(project, options)
    if options.out is not None and _overlaps_sources(project.root, out):
        raise UsageProblem(f"--out: '{options.out}' overlaps the project's own files")
    cache = Cache(project.root, out, options.edition)
    if options.edition == "coach":
        published = project.output
        if out == published or out.is_relative_to(published) or published.is_relative_to(out):
            raise UsageProblem(
                f"the coach edition cannot be written into {_shown(project, published)}/, "
                "where client sites are published — leave out --out (it goes to "
                f"{_shown(project, project.coach_output)}/) or choose a folder of its own"
            )
        if write and cache.recorded_edition() == "client":
            raise UsageProblem(
                f"{_shown(project, out)}/ holds client editions; the coach edition, with its "
                "notes, is not written beside them — choose another folder"
            )
    if options.stage and not any(p.stage(options.stage) for p in project.programmes.values()):
        raise UsageProblem(f"--stage: no programme has a stage '{options.stage}'")
    logo = project.settings.firm.logo
    shared = quick.shared_digest(project.root, project.template_dirs, logo, reuse=checked)
    return Gathered(project, out, cache, shared)


def check(gathered: Gathered, write: bool) -> Findings:
    """What loading found, and the checks of shared content (skipped when the index
    records this very shared content as found clean)."""
    project = gathered.project
    findings = project.findings
    recorded, _ = gathered.cache.read_index()
    if not write or recorded != gathered.shared:
        ctx = RenderContext(
            project.root, tuple(project.template_dirs), project.exercises, bytecode_cache()
        )
        findings += check_shared(project, ctx)
    return findings


def plan(
    gathered: Gathered,
    findings: Findings,
    options: BuildOptions,
    write: bool,
    writer: writer_mod.Writer | None,
    report: BuildReport,
    progress: Callable[[ClientResult], None] | None,
) -> tuple[Batch, list[tuple[str, str]]]:
    """Which clients to build: unchanged ones are reported at once, unread."""
    project, out = gathered.project, gathered.out
    today = build_date(options.today)
    sealing = Sealing(
        project.settings,
        project.root,
        out,
        forced=options.encrypt,
        passphrase_file=options.passphrase_file,
        opaque=options.opaque_folders,
        keep_clear=frozenset(options.unencrypted),
    )
    batch = Batch(
        project,
        findings,
        options,
        today,
        out,
        write,
        quick.tool_digest(),
        gathered.cache,
        sealing,
        writer,
    )
    if write:
        writer_mod.clean_leftovers(out)
        gathered.cache.clean_temporary()
        _forget_old_records(out, report)
    _, index = gathered.cache.read_index() if write else ("", {})
    key = quick.options_key(options)
    secret = quick.secret_fingerprint(options) if write else ""
    todo: list[tuple[str, str]] = []
    for cid in select(project, options):
        if findings.everything or cid not in project.client_files:
            if cid not in project.client_files:
                report.add(list(findings.clients.get(cid, ())))
            report.failed.append(cid)
            continue
        digest = ""
        if write:
            path = project.client_files[cid]
            digest = quick.quick_digest(
                gathered.shared, key, today, project.root, cid, path, secret
            )
            entry = index.get(cid)
            folder = str(entry.get("folder", cid)) if isinstance(entry, dict) else cid
            if quick.entry_matches(out / folder, entry, digest):
                assert isinstance(entry, dict)
                result = ClientResult(
                    cid, "unchanged", quick=digest, folder=folder, folders=entry["folders"]
                )
                report.unchanged.append(cid)
                if progress:
                    progress(result)
                continue
        todo.append((cid, digest))
    return batch, todo


def record(
    gathered: Gathered,
    findings: Findings,
    batch: Batch,
    fresh: dict[str, ClientResult],
    report: BuildReport,
) -> None:
    """Prune when asked, then write the index the next no-op check reads."""
    project, cache, options = gathered.project, gathered.cache, batch.options
    if options.prune and not options.clients:
        profiles = set(project.client_files) | set(findings.clients)
        report.removed, report.kept = prune_mod.prune(cache, gathered.out, profiles)
    try:
        if findings.shared_clean():
            _, old = cache.read_index()
            entries: dict[str, Any] = {
                cid: old[cid]
                for cid in project.client_files
                if cid in old and cid not in fresh and cid not in report.failed
            }
            for cid, result in fresh.items():
                entries[cid] = {
                    "quick": result.quick,
                    "folder": result.folder,
                    "folders": result.folders,
                }
            cache.write_index(gathered.shared, entries)
        else:
            cache.forget_index()
    except (WorkbookError, OSError) as exc:  # the record is an optimisation: say, go on
        report.add(
            [
                Problem(
                    SourceLocation(cache.folder),
                    f"could not record the build ({exc})",
                    "check free space and permissions; the next build checks everything",
                )
            ]
        )


def _unreleased(options: BuildOptions, clients: list[str], report: BuildReport) -> None:
    """``--stage`` of a stage some clients have not reached: never a silent "built"."""
    names = ", ".join(clients)
    if not report.built and not report.unchanged and not report.failed:
        raise UsageProblem(
            f"--stage {options.stage}: the stage is not released yet for {names} — "
            "build it with --edition coach to read it ahead, or move engagement.stage on"
        )
    report.notes.append(
        f"--stage {options.stage}: not released yet for {names}, so not built for them "
        "(--edition coach builds it ahead)"
    )


def _desk(gathered: Gathered, batch: Batch, report: BuildReport) -> None:
    """The coach's desk and calendar, beside the coach editions (never in ``output``)."""
    from workbook.build.desk import build_desk  # renders: only for the coach edition

    try:
        report.notes += build_desk(
            gathered.project,
            gathered.cache,
            gathered.out,
            shared=gathered.shared,
            options=batch.options,
            today=batch.today,
            failed=set(report.failed),
        )
    except WorkbookError as exc:
        report.add(exc.problems or [Problem(SourceLocation(gathered.out), exc.format_message())])


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


def _overlaps_sources(root: Path, out: Path) -> bool:
    """Whether writing to ``out`` could touch the project itself (its root, content, …)."""
    sources = [root / part for part in ("content", "clients", "templates", ".workbook")]
    return out == root or any(out.is_relative_to(s) or s.is_relative_to(out) for s in sources)


def _shown(project: Project, path: Path) -> str:
    return (
        path.relative_to(project.root).as_posix()
        if path.is_relative_to(project.root)
        else str(path)
    )


def _forget_old_records(out: Path, report: BuildReport) -> None:
    """Records kept inside the output by earlier versions would be published: remove them."""
    old = out / OLD_RECORDS
    if old.is_dir() and not old.is_symlink():
        writer_mod.remove(old)
        report.notes.append(
            f"removed {out.name}/{OLD_RECORDS}/ (build records now live in .workbook/cache/)"
        )


def raise_for(report: BuildReport, root: Path) -> None:
    if report.problems:
        raise WorkbookError(report.problems, root)
