"""Every input one client's outputs can read, by name, with its value and its digest.

This is the :class:`~workbook.render.recording.Source` of a client's build:
renderers ask their reader for ``client``, ``today``, ``answers:me-first`` or
``template:home.html``; the reader takes the value from here and records the
digest. At the next build the cache asks here again for the digests of what
each task read, and renders only the tasks whose inputs moved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from workbook.digests import digest
from workbook.load import catalogs
from workbook.load.job import ClientJob
from workbook.load.variants import language_name
from workbook.models import Exercise
from workbook.outputs.pack_safety import Assets
from workbook.render import i18n
from workbook.render.context import RenderContext
from workbook.render.direction import text_direction
from workbook.render.i18n import N_
from workbook.render.sizes import freeze
from workbook.render.templating import plain

KIND_LABELS = {
    "exercise": N_("Exercise"),
    "reflection": N_("Reflection"),
    "assessment": N_("Assessment"),
    "reading": N_("Reading"),
}
# the inputs that are the client's language: each is as new as the catalogs it comes from
WORDS = frozenset({"words", "gettext", "ngettext", "strings"})
PROFILE_PARTS = ("coach", "sponsor", "goals", "engagement")


class ClientInputs:
    """The named inputs of one client's build; values and digests made once, on demand."""

    # offered to templates key by key: ``client.role`` is an input of its own
    keyed = frozenset({"client"})

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
            if job.edition != "coach":  # the coach's notes never reach a client's files
                return plain(dataclasses.replace(job.client, coach_notes=None))
            return plain(job.client)
        if name in PROFILE_PARTS:
            return self.value("client")[name]
        if name == "identity":  # who the client is, for what names them and nothing more
            client = self.value("client")
            return {key: client[key] for key in ("id", "name", "preferred_name")}
        simple: dict[str, Callable[[], Any]] = {
            "firm": lambda: plain(job.settings.firm),
            "colours": lambda: plain(job.settings.firm.colours),
            "programme": lambda: plain(job.programme),
            "stages": self._stages,
            "today": lambda: job.today,
            "edition": lambda: job.edition,
            "lang": lambda: job.language,
            "dir": lambda: text_direction(job.language),
            "paper": lambda: "letter" if job.settings.paper.lower() == "letter" else "A4",
            "packs": lambda: self.pdf,
            "logo": self._logo,
            "answers": lambda: job.answers.values(),
            "history": lambda: job.answers,
            "tool": lambda: self.tool,
            "tracks": lambda: {e: x.tracks for e, x in sorted(job.exercises.items()) if x.tracks},
            "earlier": self._earlier,
            # the coach edition's alone: a new release must not rebuild client editions
            "release": lambda: self._release_note() if job.edition == "coach" else "",
            # likewise: where the programme's texts fall back to another language
            "fallback": lambda: self._fallback(job.programme.fallback),
        }
        if name in simple:
            return simple[name]()
        if name in WORDS:
            return self._words(name)
        if kind == "stage":
            stage = job.programme.stage(arg)
            if stage is None:
                raise KeyError(name)
            return plain(stage)
        if kind == "exercise":
            return job.exercises[arg] if arg in job.exercises else job.earlier[arg]
        if kind == "fallback":  # an exercise shown in another language than the client's
            exercise = job.exercises.get(arg) or job.earlier.get(arg)
            if exercise is None:
                raise KeyError(name)
            return self._fallback(exercise.fallback)
        if kind == "was":  # an exercise as it was when fields gone from it were answered
            return job.earlier_copies[arg]
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

    def _release_note(self) -> str:
        """Which release the client is on, and whether a newer one exists, in their language."""
        words = self.value("words")
        pid, name = self.job.programme.id, self.job.programme.release
        latest = self.job.latest_release
        values = {"programme": pid, "release": f"{pid}@{name}", "latest": latest}
        if name is None:
            if latest:
                return str(
                    words.gettext(
                        "Follows the working copy of %(programme)s; "
                        "its latest release is %(latest)s"
                    )
                    % values
                )
            return str(words.gettext("Follows the working copy of %(programme)s") % values)
        if latest and latest != name:
            return str(
                words.gettext(
                    "On release %(release)s; a newer release, %(latest)s, exists (workbook upgrade)"
                )
                % values
            )
        return str(words.gettext("On release %(release)s, the latest") % values)

    def _words(self, name: str) -> Any:
        """The client's language: its catalog, the layouts' callables, the script's messages."""
        words = catalogs.translations(self.job.language, self.ctx.root)
        if name == "words":
            return words
        if name == "strings":
            # the same on every page: measured and made into JSON once (render/sizes.py)
            return freeze(catalogs.script_messages("workbook.js", self.job.language, self.ctx.root))
        return i18n.jinja_callables(words)[name]

    def _digest(self, name: str) -> str:
        if name.startswith("client."):  # one key of the profile (see KeyedRecord)
            key, client = name[len("client.") :], self.value("client")
            return digest(key in client, client.get(key))
        kind, _, arg = name.partition(":")
        if name in WORDS:
            served = catalogs.serve_language(
                self.job.language, catalogs.available_languages(self.ctx.root)
            )
            return digest(
                [name, self.job.language, catalogs.catalog_digest(served or "en", self.ctx.root)]
            )
        if kind == "exercise":
            ctx = self.ctx if arg in self.job.exercises else self.earlier_ctx
            found = ctx.exercise_digest(arg)
            if not found:
                raise KeyError(name)
            return found
        if kind == "was":
            found = self.was_ctx.exercise_digest(arg)
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

    def _fallback(self, shown: str | None) -> dict[str, str] | None:
        """The coach edition's note that a text is shown in another language (``shown``)
        than the client's: the two languages' names."""
        if shown is None or self.job.edition != "coach":
            return None
        lang = self.job.language  # the names as the page's language writes them
        return {"shown": language_name(shown, lang), "asked": language_name(lang, lang)}

    @cached_property
    def earlier_ctx(self) -> RenderContext:
        """Where earlier work is personalised: its exercises, from wherever they were kept."""
        key = "earlier:" + digest(sorted((e, str(x.path)) for e, x in self.job.earlier.items()))
        return self.ctx.for_release(key, self.job.earlier, self.ctx.root / "content")

    @cached_property
    def was_ctx(self) -> RenderContext:
        """Where exercises are personalised as they were when fields now gone were answered."""
        copies = self.job.earlier_copies
        key = "was:" + digest(sorted((e, str(x.path)) for e, x in copies.items()))
        return self.ctx.for_release(key, copies, self.ctx.root / "content")

    def _earlier(self) -> list[dict[str, Any]]:
        """Earlier work as pages list it: title, kind, where it is shown and, for an exercise
        that stays, the answer keys of its fields that are gone (``fields``)."""
        job = self.job
        kept: list[tuple[Exercise, list[str] | None]] = [
            (ex, None) for _, ex in sorted(job.earlier.items())
        ]
        kept += [
            (job.earlier_copies.get(eid) or job.exercises[eid], list(keys))
            for eid, keys in sorted(job.earlier_fields.items())
        ]
        return [
            {
                "id": ex.id,
                "title": ex.title,
                "kind": ex.kind,
                "kind_label": self.value("words").gettext(KIND_LABELS[ex.kind]),
                "summary": ex.summary,
                "anchor": f"earlier-{ex.id}",
                "href": f"earlier-work.html#earlier-{ex.id}",
                "fields": fields,
                "copy": ex.id in job.earlier_copies if fields else False,
            }
            for ex, fields in kept
        ]

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
        words = self.value("words")
        for view in self.job.stages:
            exercises = []
            for eid in view.stage.exercises:
                ex = self.job.exercises[eid]
                exercises.append(
                    {
                        "id": ex.id,
                        "title": ex.title,
                        "kind": ex.kind,
                        "kind_label": words.gettext(KIND_LABELS[ex.kind]),
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
