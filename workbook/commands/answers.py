"""``workbook answers import`` and ``export``: answers files in, current answers out.

Import checks each file in full (see :mod:`workbook.answers_check`) against
the client's workbook as it renders today, and keeps an accepted file byte for
byte under ``clients/<id>.answers/`` with a new name (import time + content
hash) that never replaces an existing file. A refused file changes nothing.
Each file is judged on its own: the good files of one command are kept even
when another is refused (the exit status is then 1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from workbook.build.run import BuildOptions, blockers, check_shared, make_job
from workbook.check.answers import check_document, check_fields
from workbook.errors import Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.ids import ID_FIX, id_problem
from workbook.load import answers as answers_mod
from workbook.load.environ import build_date
from workbook.load.job import BuildContext
from workbook.load.project import Project, load_project
from workbook.render.client_fields import KnownField, client_fields


@dataclass
class ImportReport:
    kept: list[tuple[Path, Path]] = field(default_factory=list)  # (given, kept as)
    already: list[tuple[Path, Path]] = field(default_factory=list)  # identical file kept
    refused: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def answers_folder(project: Project, cid: str) -> Path:
    """``clients/<id>.answers`` for a client id that has been checked to be a known id."""
    if id_problem(cid, reserved=True) or cid not in project.client_files:
        raise WorkbookError(f"'{cid}' is not a known client — {ID_FIX}")
    folder = (project.root / "clients" / f"{cid}.answers").resolve()
    if not folder.is_relative_to((project.root / "clients").resolve()):
        raise WorkbookError(f"refusing the answers folder of '{cid}': it is outside clients/")
    return folder


def fields_for(
    project: Project, ctx: BuildContext, cid: str, today: dt.date
) -> tuple[dict[str, KnownField] | None, list[Problem]]:
    """The client's fields today, or the problems that stop them being known."""
    found = blockers(project, cid)
    if found or cid not in project.clients:
        return None, found
    job = make_job(project, cid, BuildOptions(), today)
    return client_fields(ctx, job)


def _keep(folder: Path, raw: bytes, now: dt.datetime) -> Path:
    """Write ``raw`` under a new name in ``folder``; never replaces an existing file."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{now:%Y%m%dT%H%M%SZ}-{hashlib.sha256(raw).hexdigest()[:12]}"
    tmp = folder / f".{stem}.tmp"
    with tmp.open("xb") as handle:
        handle.write(raw)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        for n in range(1, 1000):
            target = folder / (f"{stem}.json" if n == 1 else f"{stem}-{n}.json")
            try:
                os.link(tmp, target)
                return target
            except FileExistsError:
                continue
        raise WorkbookError(f"{folder}: no free name for the answers file")
    finally:
        tmp.unlink(missing_ok=True)


def _same_file(folder: Path, raw: bytes) -> Path | None:
    if not folder.is_dir():
        return None
    for kept in sorted(folder.glob("*.json")):
        if kept.is_file() and kept.stat().st_size == len(raw) and kept.read_bytes() == raw:
            return kept
    return None


def import_files(
    root: Path, paths: list[Path], now: dt.datetime | None = None, today: dt.date | None = None
) -> ImportReport:
    """Check and keep each file; problems of refused files are returned, not raised."""
    project = load_project(root)
    ctx = BuildContext(project.root, project.template_dirs, project.exercises)
    check_shared(project, ctx)
    report = ImportReport()
    today = build_date(today)
    now = now or dt.datetime.now(dt.UTC)
    for path in paths:
        raw, problems = answers_mod.read_bytes(path)
        data = None
        if raw is not None:
            data, problems = answers_mod.parse_json(raw, path)
        text = raw.decode("utf-8-sig", errors="replace") if raw is not None else None
        if not problems:
            problems = check_document(data, path, text, now)
        if problems or raw is None or data is None:
            report.refused += problems
            continue
        cid = data["client"]  # checked to be a valid id by check_document
        if cid not in project.client_files:
            known = ", ".join(sorted(project.client_files)) or "none"
            report.refused.append(
                Problem(
                    SourceLocation(path),
                    f"no client '{cid}' in this project",
                    f"known clients: {known}; import it into the project that has "
                    f"clients/{cid}.yml",
                )
            )
            continue
        fields, problems = fields_for(project, ctx, cid, today)
        if fields is None or problems:
            report.refused.append(
                Problem(
                    SourceLocation(path),
                    f"cannot check these answers: the workbook of '{cid}' has problems",
                    "fix the problems below, then import again",
                )
            )
            report.refused += problems
            continue
        problems, notes = check_fields(data, path, {k: f.field for k, f in fields.items()}, text)
        if problems:
            report.refused += problems
            continue
        programme = project.programme_of(project.clients[cid])
        if data.get("programme") not in (None, programme):
            notes.append(
                f"the file was saved from programme '{data['programme']}'; "
                f"'{cid}' now follows '{programme}'"
            )
        folder = answers_folder(project, cid)
        same = _same_file(folder, raw)
        if same is not None:
            report.already.append((path, same))
            continue
        kept = _keep(folder, raw, now)
        report.kept.append((path, kept))
        report.notes += [f"{path.name}: {n}" for n in notes]
        project.answers[cid], _ = answers_mod.load(folder)
    return report


def load_for_export(root: Path, cid: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """The project, the client's current answers and fields, and warnings to show."""
    if why := id_problem(cid, reserved=True):
        raise UsageProblem(f"client id {why} — {ID_FIX}")
    project = load_project(root)
    if cid not in project.client_files:
        known = ", ".join(sorted(project.client_files)) or "none"
        raise UsageProblem(f"no client named '{cid}' — known clients: {known}")
    own = project.client_problems.get(cid, [])
    if own or cid not in project.clients:
        raise WorkbookError(own or f"client '{cid}' could not be read", project.root)
    ctx = BuildContext(project.root, project.template_dirs, project.exercises)
    check_shared(project, ctx)
    job = make_job(project, cid, BuildOptions(), build_date(today))
    fields, problems = client_fields(ctx, job)
    return project, job, fields, problems
