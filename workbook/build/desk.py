"""Building the coach's desk after the clients: only what its recorded reads say has moved.

The desk (:mod:`workbook.outputs.desk`) reads every client, so it is built in
the main process once the clients are done, from the same inputs. Its record
(``.workbook/cache/<slot>/desk.json``) keeps, per task, what it read and the
files it wrote, and a digest of everything at once (``quick``), so a no-op
build learns that the desk is current from bytes alone. A client whose
profile or answers have problems is left off the desk until they are fixed.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from workbook.build import writer
from workbook.build.cache import Cache, Fingerprint, fingerprint
from workbook.build.desk_record import desk_quick, intact, read_record, save, unchanged
from workbook.build.plan import work_for
from workbook.build.quick import DESK_PASSPHRASE, desk_secret, options_key, quick_digest
from workbook.load.client_inputs import load_client_inputs
from workbook.load.project import Project
from workbook.outputs import crypto, desk, summary
from workbook.outputs.encrypt import SiteSeal
from workbook.render.bytecode import bytecode_cache
from workbook.render.context import RenderContext
from workbook.render.recording import Reader, fresh
from workbook.render.templating import plain


class _Summaries:
    """Each client's summary, made on first use (a client's coach edition inputs, read)."""

    def __init__(self, project: Project, today: dt.date) -> None:
        self.project, self.today = project, today
        self.ctx = RenderContext(
            project.root, tuple(project.template_dirs), project.exercises, bytecode_cache()
        )
        self._made: dict[str, dict[str, Any]] = {}
        self._profiles: dict[str, Any] = {}

    def _load(self, cid: str) -> None:
        loaded = load_client_inputs(self.project, cid)
        if loaded.client is None:
            raise KeyError(cid)
        work = work_for(
            self.project, loaded.client, loaded.answers, self.ctx, self.today,
            edition="coach", pdf=False,
        )  # fmt: skip
        self._made[cid] = summary.summarise(work, work.reader())
        self._profiles[cid] = plain(loaded.client)

    def summary(self, cid: str) -> dict[str, Any]:
        if cid not in self._made:
            self._load(cid)
        return self._made[cid]

    def profile(self, cid: str) -> Any:
        if cid not in self._profiles:
            self._load(cid)
        return self._profiles[cid]


def build_desk(
    project: Project,
    cache: Cache,
    out: Path,
    *,
    shared: str,
    options: Any,
    today: dt.date,
    failed: set[str],
) -> list[str]:
    """Write the desk where it is stale; returns notes for the coach."""
    key = options_key(options)
    ids = sorted(c for c in project.client_files if c not in failed)
    quicks = {
        cid: quick_digest(shared, key, today, project.root, cid, project.client_files[cid], "")
        for cid in ids
    }
    secret = desk_secret()
    quick = desk_quick(shared, quicks, options.coach, secret)
    notes: list[str] = []
    if unchanged(cache, out, quick):
        return notes
    made = _Summaries(project, today)
    source = desk.DeskInputs(
        made.ctx, project.settings.firm, today, ids, made.summary, quicks.__getitem__,
        made.profile, options.coach, project.settings.language,
    )  # fmt: skip
    record = read_record(cache)
    # sealed now and not before, the other way round, or a new passphrase: all again
    old: dict[str, Any] = record.get("tasks", {}) if record.get("sealed", "") == secret else {}
    seal = _seal(made.ctx, project) if secret else None
    tasks: dict[str, Any] = {}
    for task in desk.plan(made.ctx):
        before = old.get(task.key)
        if before and intact(out, before) and fresh(source, before["reads"]):
            tasks[task.key] = before
            continue
        reader = Reader(source)
        files, problems = task.make(reader)
        if problems:
            raise_problems(problems)
        written: dict[str, Fingerprint] = {}
        for rel, data in files.items():
            assert isinstance(data, bytes)
            if seal is not None:
                if not seal.published(rel):
                    (out / rel).unlink(missing_ok=True)  # not left in clear beside it
                    notes.append(f"the encrypted desk leaves out {rel}")
                    continue
                data = seal.seal(rel, data)
            target = writer.safe_join(out, rel)
            writer.write_file(target, data)
            found = fingerprint(target)
            if found is not None:
                written[rel] = found
        tasks[task.key] = {"reads": dict(sorted(reader.read.items())), "files": written}
    save(cache, quick, tasks, secret)
    if options.coach and not any(
        made.summary(c)["coach"].casefold() == options.coach.casefold() for c in ids
    ):
        coaches = sorted({made.summary(c)["coach"] for c in ids})
        notes.append(
            f"no client has the coach '{options.coach}' — the desk is empty; "
            f"coaches: {', '.join(coaches) or 'none'}"
        )
    return notes


def _seal(ctx: RenderContext, project: Project) -> SiteSeal:
    """The desk's own seal: its passphrase (never a client's), a new salt each time."""
    passphrase = os.environ[DESK_PASSPHRASE].strip()
    shell = ctx.template("locked.html")
    salt = os.urandom(crypto.SALT_BYTES)
    return SiteSeal(
        passphrase, salt, shell, project.settings.language, reader="coach", project=ctx.root
    )


def raise_problems(problems: list[Any]) -> None:
    from workbook.errors import WorkbookError

    raise WorkbookError(problems)
