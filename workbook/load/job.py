"""What one client's build is made from, and the per-process context that builds it.

A :class:`ClientJob` holds one client's inputs alone (plain, picklable data),
so building a client is a function of its job: the speed work (caching, a
process pool, a distributed executor) wraps it without changing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from workbook.load.answers import Answers
from workbook.models import Client, Exercise, Programme, Settings, Stage
from workbook.render import templating
from workbook.render.personalise import Personaliser

if TYPE_CHECKING:
    from workbook.outputs.pack_render import PackRenderer


@dataclass(frozen=True)
class StageView:
    """A stage as a client sees it: its number, folder, and whether it is released."""

    stage: Stage
    number: int
    slug: str  # "<nn>-<stage-id>"
    status: str  # done | current | coming
    released: bool


@dataclass(frozen=True)
class ClientJob:
    client: Client
    programme: Programme
    exercises: dict[str, Exercise]
    answers: Answers
    settings: Settings
    edition: str = "client"
    today: dt.date = field(default_factory=dt.date.today)
    only_stage: str | None = None

    @cached_property
    def stages(self) -> tuple[StageView, ...]:
        ids = [s.id for s in self.programme.stages]
        current = ids.index(self.client.engagement.stage or ids[0])
        views = []
        for i, stage in enumerate(self.programme.stages):
            status = "done" if i < current else "current" if i == current else "coming"
            released = self.settings.release == "all" or i <= current
            views.append(StageView(stage, i + 1, f"{i + 1:02d}-{stage.id}", status, released))
        return tuple(views)

    @property
    def language(self) -> str:
        return self.client.language or self.settings.language


@dataclass
class BuildContext:
    """Per-process state: compiled templates and parsed exercises, reused across clients.

    A process pool makes one per worker (in its initializer), so templates are
    compiled and client-independent exercises parsed once per process.
    ``shared`` is the digest of every shared input file (content, templates,
    workbook.yml, the logo) and of the options that shape output; ``memo``
    keeps per-process caches of digests.
    """

    root: Path
    template_dirs: list[Path]
    exercises: dict[str, Exercise]
    shared: str = ""
    memo: dict[str, Any] = field(default_factory=dict)
    pdf: bool = True  # --no-pdf: False, and no pack is made
    dry: bool = False  # `workbook check`: outputs check their inputs but render nothing costly
    jobs: int | None = None  # --jobs: processes that render packs
    out: Path | None = None  # the output root: where the previous packs are (the pack cache)
    progress: Callable[[str], None] | None = None

    @cached_property
    def packs(self) -> PackRenderer:
        from workbook.outputs.pack_render import (
            PackRenderer,  # loads WeasyPrint: only when packs are made
        )

        return PackRenderer(self.jobs, self.progress)

    def close(self) -> None:
        """Stop worker processes this context started."""
        if "packs" in self.__dict__:
            self.packs.close()

    @cached_property
    def personaliser(self) -> Personaliser:
        return Personaliser(self.exercises, self.root / "content", cache=self.jinja_cache)

    @cached_property
    def pages(self) -> jinja2.Environment:
        return templating.page_environment(self.template_dirs, self.jinja_cache)

    @property
    def jinja_cache(self) -> Path:
        """Compiled templates between runs: the project's own, ignored ``.workbook/``."""
        return self.root / ".workbook" / "jinja"

    def template(self, name: str) -> jinja2.Template:
        return self.pages.get_template(name)

    def asset(self, name: str) -> Path | None:
        for folder in self.template_dirs:
            path = folder / "assets" / name
            if path.is_file():
                return path
        return None

    def assets(self) -> dict[str, Path]:
        """Every file under templates/assets (the project's first, then the defaults)."""
        if "assets" in self.memo:
            return self.memo["assets"]
        found: dict[str, Path] = self.memo.setdefault("assets", {})
        for folder in reversed(self.template_dirs):
            base = folder / "assets"
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        found[path.relative_to(base).as_posix()] = path
        return found
