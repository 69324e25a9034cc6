"""The one interface every output has: it plans tasks, and each task renders through a reader.

An output (the site's pages, the progress page, the calendar, the packs)
lists its tasks for one client with ``plan(work)``; a :class:`Task` names a
group of output files and knows how to make them from a
:class:`~workbook.render.recording.Reader`. Whatever the task's rendering
reads through the reader becomes its cache key, so the cache (``build/``)
can skip a task whose inputs have not moved. A PDF is made in two steps: the
task returns a :class:`PdfJob` (the pack's HTML), which the build renders
where it likes (in this process, a pool or a cluster).

:class:`ClientWork` is one client's build in one process: its job, its named
inputs, and each exercise personalised once and shared by every task.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from workbook.errors import Problem, SourceLocation
from workbook.load.job import ClientJob
from workbook.outputs.inputs import PROFILE_PARTS, ClientInputs
from workbook.outputs.pack_safety import Assets
from workbook.render import templating, urls
from workbook.render.context import RenderContext
from workbook.render.personalise import Personalised, RecordingAnswers
from workbook.render.recording import Reader, fresh

Counted = tuple[dict[str, str], list[str], dict[str, int]]  # as build/cache.py records it


@dataclass(frozen=True)
class PdfJob:
    """A pack to be rendered: its HTML and the asset folders it may load from."""

    html: str
    assets: Assets
    label: str = ""  # for progress lines: the client id
    bodies: tuple[tuple[str, str], ...] = ()  # (exercise file, its HTML): where a URL came from
    layout: str = ""  # the pack layout's file, for problems found in no exercise
    # The engagement pack: the stage packs' HTML, whose laid-out pages it holds
    # (outputs/pack_assembly.py), so each stage is laid out once for both packs
    parts: tuple[str, ...] = ()

    def where(self, url: str) -> str:
        """The exercise file whose HTML holds a refused URL, else the pack layout."""
        return next((path for path, html in self.bodies if url and url in html), self.layout)


Files = dict[str, "bytes | PdfJob"]
Made = tuple[Files, list[Problem]]


@dataclass(frozen=True)
class Task:
    """One group of output files: a key unique within the client, and how to make them."""

    key: str
    make: Callable[[Reader], Made]


@dataclass(frozen=True)
class Output:
    """An output: its name and the function that plans its tasks for one client."""

    name: str
    plan: Callable[[ClientWork], list[Task]]


# Where an exercise's body goes in a page until its layout is checked: unguessable, so no
# value printed by the layout can stand in for it.
_BODY = f"\ue0ffbody-{secrets.token_hex(16)}\ue0ff"

# What an exercise's Jinja sees (docs/exercises.md), as template variable → input name.
EXERCISE_NAMES = {
    "client": "client",
    **{part: part for part in PROFILE_PARTS},
    "firm": "firm",
    "programme": "programme",
    "today": "today",
}


@dataclass
class ClientWork:
    """One client's build in this process: the job, its inputs, and shared personalisations."""

    job: ClientJob
    ctx: RenderContext
    inputs: ClientInputs
    dry: bool = False  # `workbook check`: render everything, but no PDF
    broken: frozenset[str] = frozenset()  # exercises already reported broken: not drawn
    _personalised: dict[str, tuple[Personalised | None, list[Problem], dict[str, str]]] = field(
        default_factory=dict
    )
    # each exercise's field keys and rating sizes, with what personalising it read: those
    # of the last build (``counted_before``), and those of this one, to record
    counted_before: dict[str, Counted] = field(default_factory=dict)
    counted: dict[str, Counted] = field(default_factory=dict)

    @property
    def pdf(self) -> bool:
        return self.inputs.pdf

    def reader(self) -> Reader:
        return Reader(self.inputs)

    def exercise(
        self, eid: str, reader: Reader, *, was: bool = False
    ) -> tuple[Personalised | None, list[Problem]]:
        """The exercise personalised for this client (once), its reads recorded on ``reader``;
        ``was``: its copy from when fields now gone from it were answered."""
        if eid in self.broken and not was:
            return None, []
        name = f"was:{eid}" if was else f"exercise:{eid}"
        if name not in self._personalised:
            own = self.reader()
            exercise = own.get(name)
            view = self.job.stage_of(eid)
            names = {**EXERCISE_NAMES, "stage": f"stage:{view.stage.id}"}
            answers = RecordingAnswers(self.job.answers.values(), own)
            context = own.context(names, answers=answers)
            ctx = self.inputs.earlier_ctx if eid in self.job.earlier else self.ctx
            ctx = self.inputs.was_ctx if was else ctx
            done, problems = ctx.personaliser.personalise(exercise, context)
            self._personalised[name] = (done, problems, dict(own.read))
        result, problems, reads = self._personalised[name]
        reader.include(reads)
        return result, problems

    def count(
        self, eid: str, reader: Reader
    ) -> tuple[tuple[list[str], dict[str, int]] | None, list[Problem]]:
        """An exercise's field keys and rating sizes, for the pages that count answers.

        Taken from the last build while everything personalising the exercise read is
        as it was (the tool included): a summary page then does not personalise every
        exercise again when one profile value changed. Otherwise personalised here.
        """
        before = self.counted_before.get(eid)
        if before is not None and eid not in self.broken and fresh(self.inputs, before[0]):
            reader.include(before[0])
            self.counted[eid] = before
            return (before[1], before[2]), []
        done, problems = self.exercise(eid, reader)
        if done is None:
            return None, problems
        keys, items = done.keys(), done.rating_items()
        if not problems:
            reads = {**self._personalised[f"exercise:{eid}"][2]}
            reads["tool"] = self.inputs.digest("tool")
            self.counted[eid] = (reads, keys, items)
        return (keys, items), problems

    def render_page(
        self, reader: Reader, template: str, relative: str, body: Markup | None = None, **extra: Any
    ) -> Made:
        """A page from a layout: its inputs offered through the reader, its URLs checked.

        An exercise's ``body`` is the Markdown engine's own HTML, whose every link was
        checked as it was parsed; it goes in after the layout's URLs are checked.
        """
        import jinja2

        root = "../" * relative.count("/")
        try:
            layout = reader.get(f"template:{template}")
            if body is not None:
                extra["body"] = Markup(_BODY)
            context = reader.context(PAGE_NAMES, root=root, **extra)
            html = templating.render_capped(layout, context)
        except jinja2.TemplateError as exc:
            return {}, [templating.template_problem(exc, self.ctx.template_path(template))]
        bad = urls.unsafe_urls(html)
        if bad:
            return {}, [
                Problem(
                    SourceLocation(self.ctx.template_path(template)),
                    f"the page {relative} has an unsafe address: {bad[0]}",
                    "links may go to https:, mailto: or pages of the site; images and "
                    "scripts must come from inside the site",
                )
            ]
        if body is not None:
            html = html.replace(_BODY, body)
        return {relative: html.encode("utf-8")}, []

    def body(self, personalised: Personalised, reader: Reader, medium: str = "screen") -> Markup:
        """An exercise drawn for a medium, with the client's answers to it."""
        values = reader.get(f"answers:{personalised.exercise.id}")
        edition = reader.get("edition")
        words = reader.get("words")
        return Markup(personalised.html(edition=edition, values=values, medium=medium, words=words))


# What a page layout sees, as template variable → input name (``root`` and the page's
# own values are added per page).
PAGE_NAMES = {
    "firm": "firm",
    "client": "client",
    **{part: part for part in PROFILE_PARTS},
    "programme": "programme",
    "stages": "stages",
    "edition": "edition",
    "lang": "lang",
    "dir": "dir",
    "today": "today",
    "logo": "logo",
    "packs": "packs",
    "earlier": "earlier",
    "release": "release",
    # the client's language: the words of the layout and of the page's script
    "gettext": "gettext",
    "_": "gettext",
    "ngettext": "ngettext",
    "strings": "strings",
}
