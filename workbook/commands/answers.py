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
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from workbook.build.plan import known_fields, open_client
from workbook.check.answers import check_fields
from workbook.check.shared import check_shared
from workbook.commands import answers_pdf
from workbook.errors import Findings, Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.ids import ID_FIX, id_problem
from workbook.load import answers as answers_mod
from workbook.load.answers_file import check_document
from workbook.load.client_inputs import load_client_inputs
from workbook.load.environ import build_date
from workbook.load.project import Project, load_project
from workbook.outputs.base import ClientWork
from workbook.render.bytecode import bytecode_cache
from workbook.render.client_fields import KnownField
from workbook.render.context import RenderContext


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
    project: Project, findings: Findings, ctx: RenderContext, cid: str, today: dt.date
) -> tuple[ClientWork | None, dict[str, KnownField] | None, list[Problem]]:
    """The client's workbook and fields today, or the problems that stop them being known."""
    work, found = open_client(project, findings, ctx, cid, today)
    if work is None:
        return None, None, found
    fields, problems = known_fields(work)
    return work, fields, problems


def _shared(project: Project) -> tuple[Findings, RenderContext]:
    """The checks of shared content, and a rendering context to open clients with."""
    ctx = RenderContext(
        project.root, tuple(project.template_dirs), project.exercises, bytecode_cache()
    )
    return project.findings + check_shared(project, ctx), ctx


def _keep(folder: Path, raw: bytes, now: dt.datetime, also: bytes | None = None) -> Path:
    """Write ``raw`` under a new name in ``folder``; never replaces an existing file.

    ``also`` is a filled pack (PDF) kept beside its answers under the same name; it is
    written first, so a kept ``.json`` always has its ``.pdf`` when it came from one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{now:%Y%m%dT%H%M%SZ}-{hashlib.sha256(also or raw).hexdigest()[:12]}"
    for n in range(1, 1000):
        name = stem if n == 1 else f"{stem}-{n}"
        if (folder / f"{name}.json").exists() or (folder / f"{name}.pdf").exists():
            continue
        if also is not None and not _link(folder, name, ".pdf", also):
            continue
        if _link(folder, name, ".json", raw):
            return folder / f"{name}.json"
        (folder / f"{name}.pdf").unlink(missing_ok=True)
    raise WorkbookError(f"{folder}: no free name for the answers file")


def _link(folder: Path, name: str, suffix: str, raw: bytes) -> bool:
    """Write a whole file under a name no one has; False when the name was taken."""
    tmp = folder / f".{name}{suffix}.tmp"
    with tmp.open("xb") as handle:
        handle.write(raw)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, folder / f"{name}{suffix}")
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def _same_file(folder: Path, raw: bytes, pattern: str = "*.json") -> Path | None:
    if not folder.is_dir():
        return None
    for kept in sorted(folder.glob(pattern)):
        if kept.is_file() and kept.stat().st_size == len(raw) and kept.read_bytes() == raw:
            return kept
    return None


def import_files(
    root: Path,
    paths: list[Path],
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    passphrase_file: Path | None = None,
) -> ImportReport:
    """Check and keep each file; problems of refused files are returned, not raised."""
    project = load_project(root, clients=False)
    findings, ctx = _shared(project)
    report = ImportReport()
    today = build_date(today)
    now = now or dt.datetime.now(dt.UTC)
    for path in paths:
        if answers_pdf.is_pdf(path):
            pack = PackImport(project, findings, ctx, today, now, passphrase_file)
            pack.run(path, report)
            continue
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
        work, fields, problems = fields_for(project, findings, ctx, cid, today)
        if work is None or fields is None or problems:
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
        programme = work.job.programme.id
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
    return report


@dataclass
class PackImport:
    """One filled pack taken in: read, checked like a JSON file, kept with its answers."""

    project: Project
    findings: Findings
    ctx: RenderContext
    today: dt.date
    now: dt.datetime
    passphrase_file: Path | None

    def passphrases(self) -> list[str]:
        """Every passphrase the build could have used: the file's, else the environment's."""
        from workbook.outputs import crypto

        if self.passphrase_file is None:
            value = os.environ.get(crypto.ENV, "")
            return [value] if value.strip() else []
        root = self.project.root
        found = crypto.Passphrases.load(self.passphrase_file, root, self.project.output)
        return [p for p in [found.shared, *found.per_client.values()] if p]

    def run(self, path: Path, report: ImportReport) -> None:
        raw, problems = answers_pdf.read_pdf(path)
        form = None
        if raw is not None:
            form, problems = answers_pdf.open_pack(path, raw, self.passphrases)
        if raw is None or form is None:
            report.refused += problems
            return
        refused = self._owner(path, form)
        if refused:
            report.refused.append(refused)
            return
        work, fields, problems = fields_for(
            self.project, self.findings, self.ctx, form.client, self.today
        )
        if work is None or fields is None or problems:
            report.refused.append(
                Problem(
                    SourceLocation(path),
                    f"cannot check this pack: the workbook of '{form.client}' has problems",
                    "fix the problems below, then import again",
                )
            )
            report.refused += problems
            return
        when = form.updated or self.now
        try:
            answers = answers_pdf.answers_of(form, fields, work.job.answers.values(), when)
        except answers_pdf.Refused as exc:
            report.refused.append(Problem(SourceLocation(path), str(exc), answers_pdf.RESEND))
            return
        data = answers_pdf.document(form, answers, when)
        problems = check_document(data, path, None, self.now)
        if not problems:
            known = {k: f.field for k, f in fields.items()}
            problems, _ = check_fields(data, path, known, None)
        if problems:
            report.refused += problems
            return
        folder = answers_folder(self.project, form.client)
        same = _same_file(folder, raw, "*.pdf")
        if same is not None:
            report.already.append((path, same))
            return
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        kept = _keep(folder, text.encode("utf-8"), self.now, also=raw)
        report.kept.append((path, kept.with_suffix(".pdf")))
        count = len(answers)
        said = f"{count} answer{'s' if count != 1 else ''}" if count else "no answers"
        report.notes.append(f"{path.name}: {said} new or changed")

    def _owner(self, path: Path, form: answers_pdf.PackForm) -> Problem | None:
        """Refuse a pack of another firm, or of a client this project does not have."""
        firm = self.project.settings.firm.id
        if form.firm != firm:
            return Problem(
                SourceLocation(path),
                f"this pack was made by another firm ('{form.firm}', not '{firm}')",
                "import it into the project that made it",
            )
        if form.client not in self.project.client_files:
            known = ", ".join(sorted(self.project.client_files)) or "none"
            return Problem(
                SourceLocation(path),
                f"this pack belongs to '{form.client}', who is not a client of this project",
                f"known clients: {known}; import it into the project that has "
                f"clients/{form.client}.yml",
            )
        return None


def load_for_export(root: Path, cid: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """The project, the client's current answers and fields, and warnings to show."""
    if why := id_problem(cid, reserved=True):
        raise UsageProblem(f"client id {why} — {ID_FIX}")
    project = load_project(root, clients=False)
    if cid not in project.client_files:
        known = ", ".join(sorted(project.client_files)) or "none"
        raise UsageProblem(f"no client named '{cid}' — known clients: {known}")
    loaded = load_client_inputs(project, cid)
    if loaded.client is None or loaded.problems:
        raise WorkbookError(
            list(loaded.problems) or f"client '{cid}' could not be read", project.root
        )
    findings, ctx = _shared(project)
    work, problems = open_client(project, findings, ctx, cid, build_date(today))
    if work is None:
        raise WorkbookError(problems, project.root)
    from workbook.outputs.earlier import earlier_known

    fields, problems = known_fields(work)
    return project, work.job, fields, earlier_known(work), problems
