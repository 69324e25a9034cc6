"""What a cluster worker runs: one client's build, from inputs sent to it by the main process.

A worker needs no shared disk. The main process sends the project's shared
files (``workbook.yml``, ``content/``, ``releases/``, ``templates/``, ``assets/``, the
logo) once each, by content hash, and with each task only that client's own files
(its profile and answers) and, when it is encrypted, its passphrase. The
worker lays the shared files out once per build in a private temporary
folder, loads the project from there once, and for each task writes the
client's files beside them, makes the client (:func:`make_client`: nothing
is written to any output) and removes them again. What it sends back is the
:class:`~workbook.build.batch.Staged` client — the bytes of its new files and
the records — or its failure, with every path named as in the main
process's project; the main process writes it (``build/publish.py``).

Nothing here runs in the main process but :func:`shared_files` and
:func:`client_files`, which read what is sent.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from workbook.build import quick
from workbook.build.batch import Batch, ClientResult, Staged, Worker
from workbook.build.cache import Cache, ClientRecord
from workbook.build.client import guarded, make_client
from workbook.build.options import BuildOptions
from workbook.build.sealing import PassphraseNeeded, TaskSealing
from workbook.errors import Findings, Problem, SourceLocation
from workbook.load.project import Project, load_project
from workbook.render.bytecode import bytecode_cache
from workbook.render.context import RenderContext

SHARED_FOLDERS = ("content", "releases", "templates", "assets")


@dataclass(frozen=True)
class Common:
    """What every task of one build shares (sent once, by hash, like the shared files)."""

    digest: str  # of the shared files: a worker lays each set out once
    tool: str  # the main process's tool digest: a worker running other code refuses
    findings: Findings
    options: BuildOptions
    today: dt.date
    out: Path  # named, never written, by a worker
    root: Path  # the main process's project, to name files in messages
    cache: Cache


@dataclass(frozen=True)
class ClientTask:
    """One client's own inputs: its record, which of its files are intact, its files."""

    cid: str
    quick: str
    record: ClientRecord | None
    intact: frozenset[str]
    files: dict[str, bytes]
    sealing: TaskSealing


@dataclass(frozen=True)
class NeedsPassphrase:
    """The client turned out to be encrypted: send its task again with its passphrase."""

    cid: str


class OtherVersion(RuntimeError):
    """This worker runs other code than the main process: its output would differ."""


def shared_files(project: Project) -> dict[str, bytes]:
    """The project's shared files by name (hidden ones aside, as the no-op check does)."""
    root = project.root
    found = {"workbook.yml": (root / "workbook.yml").read_bytes()}
    for folder in SHARED_FOLDERS:
        for name, path in quick.files_under(root / folder):
            found[f"{folder}/{name}"] = path.read_bytes()
    logo = project.settings.firm.logo
    if logo:
        path = (root / logo).resolve()
        if path.is_relative_to(root) and path.is_file():
            found.setdefault(path.relative_to(root).as_posix(), path.read_bytes())
    return found


def client_files(project: Project, cid: str) -> dict[str, bytes]:
    """One client's own files: its profile and its answers files."""
    root, profile = project.root, project.client_files[cid]
    found = {f"clients/{profile.name}": profile.read_bytes()}
    for name, path in quick.files_under(root / "clients" / f"{cid}.answers"):
        found[f"clients/{cid}.answers/{name}"] = path.read_bytes()
    return found


def worker_tool() -> str:
    """This process's tool digest (the main process compares every worker's with its own)."""
    return quick.tool_digest()


# One laid-out project per build (by shared digest) in each worker process.
_LOCK = threading.Lock()
_PROJECTS: dict[str, tuple[Path, Project, Worker]] = {}


def build_remote(
    common: Common, shared: dict[str, bytes], task: ClientTask
) -> ClientResult | Staged | NeedsPassphrase:
    """Make one client on this worker; its files are removed again whatever happens."""
    if worker_tool() != common.tool:
        raise OtherVersion("this worker runs another version of workbook than the build")
    root, project, worker = _project(common, shared)
    written = _lay_out(root, task.files)
    project = dataclasses.replace(project, client_files=_profile(root, task))
    batch = Batch(
        project,
        common.findings,
        common.options,
        common.today,
        common.out,
        True,
        common.tool,
        common.cache,
        task.sealing,
        in_worker=True,
    )
    try:
        made = guarded(
            batch,
            task.cid,
            lambda: make_client(batch, worker, task.cid, task.quick, task.record, task.intact),
        )
    except PassphraseNeeded:
        return NeedsPassphrase(task.cid)
    finally:
        for path in written:
            path.unlink(missing_ok=True)
        shutil.rmtree(root / "clients" / f"{task.cid}.answers", ignore_errors=True)
    return relocate(made, root, common.root) if isinstance(made, ClientResult) else made


def _project(common: Common, shared: dict[str, bytes]) -> tuple[Path, Project, Worker]:
    with _LOCK:
        if common.digest not in _PROJECTS:
            for old, _, worker in _PROJECTS.values():  # one build at a time: forget the last
                worker.close()
                shutil.rmtree(old, ignore_errors=True)
            _PROJECTS.clear()
            root = Path(tempfile.mkdtemp(prefix="workbook-project-"))
            atexit.register(shutil.rmtree, root, True)
            _lay_out(root, shared)
            (root / "clients").mkdir(mode=0o700, exist_ok=True)
            project = load_project(root, clients=False)
            ctx = RenderContext(
                project.root, tuple(project.template_dirs), project.exercises, bytecode_cache()
            )
            _PROJECTS[common.digest] = (project.root, project, Worker(ctx, jobs=1))
        return _PROJECTS[common.digest]


def _lay_out(root: Path, files: dict[str, bytes]) -> list[Path]:
    written = []
    for name, data in files.items():
        path = root / name
        if not path.resolve().is_relative_to(root.resolve()):
            raise ValueError(f"refusing to write {name!r} outside the project")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        written.append(path)
    return written


def _profile(root: Path, task: ClientTask) -> dict[str, Path]:
    names = [n for n in task.files if n.startswith("clients/") and "/" not in n[8:]]
    return {task.cid: root / names[0]} if names else {}


def relocate(result: ClientResult, here: Path, there: Path) -> ClientResult:
    """The same failure, its files named where they are in the main process's project."""

    def place(problem: Problem) -> Problem:
        path = problem.where.path
        if path.is_relative_to(here):
            path = there / path.relative_to(here)
        where = SourceLocation(path, problem.where.line, problem.where.col)
        what = problem.what.replace(str(here), str(there))
        return dataclasses.replace(problem, where=where, what=what)

    return dataclasses.replace(result, problems=tuple(place(p) for p in result.problems))
