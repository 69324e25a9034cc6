"""What a build hands each client build, and what one client build hands back.

These are plain data, so they travel: to a forked pool worker, or pickled to
a cluster worker (``build/cluster.py``). A :class:`Staged` client is one
whose files are made but not yet written; whoever holds the output folder
(this process, always) puts it in place (``build/publish.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbook.build import writer
from workbook.build.cache import Cache, ClientRecord, Counted, SealRecord, TaskRecord
from workbook.build.options import BuildOptions
from workbook.build.sealing import Sealing
from workbook.errors import Findings, Problem
from workbook.load.project import Project
from workbook.render.context import RenderContext

if TYPE_CHECKING:
    from workbook.outputs.pack_render import PackRenderer


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
class Staged:
    """One client's build, made and not yet written: the files, and the record to keep.

    ``carry`` names files of the published folder kept as they are (by their
    path under the output); ``unchanged``: nothing to write, only, perhaps,
    the record's quick digest to refresh.
    """

    cid: str
    quick: str
    folder: str
    record: ClientRecord | None
    kept: dict[str, TaskRecord]
    entries: dict[str, TaskRecord] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    carry: dict[str, Path] = field(default_factory=dict)
    sealed: SealRecord | None = None
    encrypted: bool = False
    notes: list[str] = field(default_factory=list)
    redo: tuple[str, ...] = ()
    unchanged: bool = False
    handoff: dict[str, bytes] | None = None  # --bundle: the files beside the site in the zip
    counted: dict[str, Counted] = field(default_factory=dict)  # the exercises' field counts
