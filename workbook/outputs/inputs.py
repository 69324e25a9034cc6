"""Every input one client's outputs can read, by name, with its value and its digest.

This is the :class:`~workbook.render.recording.Source` of a client's build:
renderers ask their reader for ``client``, ``today``, ``answers:me-first`` or
``template:home.html``; the reader takes the value from here and records the
digest. At the next build the cache asks here again for the digests of what
each task read, and renders only the tasks whose inputs moved.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from workbook.digests import digest
from workbook.load.job import ClientJob
from workbook.outputs.pack_safety import Assets
from workbook.render.context import RenderContext
from workbook.render.templating import plain

KIND_LABELS = {
    "exercise": "Exercise",
    "reflection": "Reflection",
    "assessment": "Assessment",
    "reading": "Reading",
}
PROFILE_PARTS = ("coach", "sponsor", "goals", "engagement")


class ClientInputs:
    """The named inputs of one client's build; values and digests made once, on demand."""

    def __init__(self, job: ClientJob, ctx: RenderContext, *, pdf: bool, tool: str) -> None:
        self.job = job
        self.ctx = ctx
        self.pdf = pdf
        self.tool = tool
        self._values: dict[str, Any] = {}
        self._digests: dict[str, str] = {}

    def value(self, name: str) -> Any:
        if name not in self._values:
            self._values[name] = self._make(name)
        return self._values[name]

    def digest(self, name: str) -> str:
        if name not in self._digests:
            try:
                self._digests[name] = self._digest(name)
            except KeyError:
                self._digests[name] = ""  # an input that is gone: whatever read it is stale
        return self._digests[name]

    # ---- values ------------------------------------------------------------------------

    def _make(self, name: str) -> Any:
        job = self.job
        kind, _, arg = name.partition(":")
        if name == "client":
            return plain(job.client)
        if name in PROFILE_PARTS:
            return self.value("client")[name]
        simple: dict[str, Callable[[], Any]] = {
            "firm": lambda: plain(job.settings.firm),
            "colours": lambda: plain(job.settings.firm.colours),
            "programme": lambda: plain(job.programme),
            "stages": self._stages,
            "today": lambda: job.today,
            "edition": lambda: job.edition,
            "lang": lambda: job.language,
            "paper": lambda: "letter" if job.settings.paper.lower() == "letter" else "A4",
            "packs": lambda: self.pdf,
            "logo": self._logo,
            "answers": lambda: job.answers.values(),
            "history": lambda: job.answers,
            "tool": lambda: self.tool,
            "tracks": lambda: {e: x.tracks for e, x in sorted(job.exercises.items()) if x.tracks},
        }
        if name in simple:
            return simple[name]()
        if kind == "stage":
            stage = job.programme.stage(arg)
            if stage is None:
                raise KeyError(name)
            return plain(stage)
        if kind == "exercise":
            return job.exercises[arg]
        if kind == "answers":
            return job.answers.for_exercise(arg)
        if kind == "dated":
            return job.answers.dated_for_exercise(arg)
        if kind == "answer":
            return job.answers.values().get(arg)
        if kind == "template":
            return self.ctx.template(arg)
        if kind == "asset":
            path = self.ctx.assets.get(arg)
            if path is None:
                raise KeyError(name)
            return path
        if kind == "packasset":
            path = self.pack_assets.resolve(arg)
            if path is None:
                raise KeyError(name)
            return path
        if kind == "file":
            path = (self.ctx.root / arg).resolve()
            if not path.is_relative_to(self.ctx.root.resolve()) or not path.is_file():
                raise KeyError(name)
            return path
        raise KeyError(name)

    def _digest(self, name: str) -> str:
        kind, _, arg = name.partition(":")
        if kind == "exercise":
            found = self.ctx.exercise_digest(arg)
            if not found:
                raise KeyError(name)
            return found
        if kind == "template":
            return self.ctx.template_digest(arg)
        if kind in ("asset", "file", "packasset"):
            return self.ctx.file_digest(self.value(name))
        if kind in ("answers", "dated") and arg:
            prefix = arg + "/"
            current = self.job.answers.current
            return digest(
                sorted(
                    (k, a.updated, repr(a.value))
                    for k, a in current.items()
                    if k.startswith(prefix)
                )
            )
        if name == "answers":
            return digest(
                sorted((k, a.updated, repr(a.value)) for k, a in self.job.answers.current.items())
            )
        if name == "history":
            history = self.job.answers.history
            return digest(
                sorted((k, [(a.updated, repr(a.value)) for a in v]) for k, v in history.items())
            )
        return digest(self.value(name))

    @cached_property
    def pack_assets(self) -> Assets:
        """What packs may load: the asset folders, and the firm's logo by its pack URL."""
        root = self.ctx.root
        folders = (*(d / "assets" for d in self.ctx.template_dirs), root / "assets")
        files: dict[str, Path] = {}
        url = self._pack_logo_url()
        if url is not None and self.job.settings.firm.logo:
            files[url] = (root / self.job.settings.firm.logo).resolve()
        return Assets(folders, files)

    def _pack_logo_url(self) -> str | None:
        logo = self.job.settings.firm.logo
        if not logo:
            return None
        path = (self.ctx.root / logo).resolve()
        if not (path.is_relative_to(self.ctx.root.resolve()) and path.is_file()):
            return None
        return f"assets/logo{path.suffix.lower()}"

    def pack_logo(self, reader: Any) -> str | None:
        """The logo's URL inside a pack (its bytes are recorded when the pack loads them)."""
        reader.note("firm")
        return self._pack_logo_url()

    def _stages(self) -> list[dict[str, Any]]:
        """Every stage as the client sees it, with its exercises' front matter."""
        out = []
        for view in self.job.stages:
            exercises = []
            for eid in view.stage.exercises:
                ex = self.job.exercises[eid]
                exercises.append(
                    {
                        "id": ex.id,
                        "title": ex.title,
                        "kind": ex.kind,
                        "kind_label": KIND_LABELS[ex.kind],
                        "minutes": ex.minutes,
                        "summary": ex.summary,
                        "href": f"{view.slug}/{ex.id}.html",
                        "file": f"{ex.id}.html",
                    }
                )
            out.append(
                {
                    **plain(view.stage),
                    "number": view.number,
                    "slug": view.slug,
                    "status": view.status,
                    "released": view.released,
                    "href": f"{view.slug}/index.html",
                    "exercises": exercises,
                    "minutes": sum(e["minutes"] or 0 for e in exercises),
                }
            )
        return out

    def _logo(self) -> str | None:
        """The logo's name inside the site (``assets/logo.<ext>``), or None."""
        logo = self.job.settings.firm.logo
        if not logo:
            return None
        suffix = logo.rsplit(".", 1)[-1].lower() if "." in logo else "img"
        return f"assets/logo.{suffix}"
