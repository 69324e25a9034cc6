"""The coach's desk: ``coach/index.html`` (every client at a glance) and ``coach/calendar.ics``.

The desk is an output like a client's: it plans tasks, and each task renders
through a :class:`~workbook.render.recording.Reader`, so its cache key is what
it read. Its inputs are those of the whole firm: ``clients`` (the ids shown),
``summary:<id>`` (one client at a glance, :mod:`workbook.outputs.summary`),
``client:<id>`` (a profile, for the calendar), ``today``, ``firm``, ``coach``
(the ``--coach`` filter), layouts and assets. A summary's digest is the digest
of the bytes it is made from (the build's quick digest of that client), so an
unchanged client is not read again to learn that the desk is up to date.

The desk is written under ``coach_output`` only: it names every client, so it
never goes into ``site/`` or into a client's folder.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbook.digests import digest
from workbook.load import catalogs
from workbook.outputs import calendar
from workbook.outputs.base import Made, Task
from workbook.outputs.site import theme_css
from workbook.outputs.summary import describe
from workbook.render import i18n, templating, urls
from workbook.render.context import RenderContext
from workbook.render.direction import text_direction
from workbook.render.recording import Reader
from workbook.render.templating import plain

# the desk's own files beside the layouts (templates/desk/), never copied into a client's site
DESK_ASSETS = ("desk.css", "desk.js")
SITE_ASSETS = ("workbook.css", "decrypt.js")  # decrypt.js: to open an encrypted desk


@dataclass
class DeskInputs:
    """The named inputs of the desk; a summary is made only when its value is asked for."""

    ctx: RenderContext
    firm: Any
    today: dt.date
    ids: list[str]
    summary: Callable[[str], dict[str, Any]]
    summary_digest: Callable[[str], str]
    profile: Callable[[str], Any]
    coach: str | None = None
    language: str = "en"  # the firm's: the desk is the coaches', not any one client's

    def value(self, name: str) -> Any:
        kind, _, arg = name.partition(":")
        if name in ("lang", "words", "gettext", "ngettext", "strings"):
            return self._words(name)
        if name == "clients":
            return list(self.ids)
        if name == "firm":
            return plain(self.firm)
        if name == "colours":
            return plain(self.firm.colours)
        if name == "today":
            return self.today
        if name == "coach":
            return self.coach
        if name == "lang":
            return self.language
        if name == "dir":
            return text_direction(self.language)
        if kind == "summary" and arg in self.ids:
            return self.summary(arg)
        if kind == "client" and arg in self.ids:
            return self.profile(arg)
        if kind == "template":
            return self.ctx.template(arg)
        if kind == "asset" and arg in self.ctx.assets:
            return self.ctx.assets[arg]
        if kind == "deskasset" and arg in DESK_ASSETS:
            return self.ctx.template_path(f"desk/{arg}")
        raise KeyError(name)

    def _words(self, name: str) -> Any:
        """The firm's language: its catalog, the layout's callables, desk.js's messages."""
        root = self.ctx.root
        if name == "lang":
            return self.language
        if name == "strings":
            return catalogs.script_messages("desk.js", self.language, root)
        words = catalogs.translations(self.language, root)
        return words if name == "words" else i18n.jinja_callables(words)[name]

    def digest(self, name: str) -> str:
        kind, _, arg = name.partition(":")
        if name in ("words", "gettext", "ngettext", "strings"):
            served = catalogs.serve_language(
                self.language, catalogs.available_languages(self.ctx.root)
            )
            return digest(
                [name, self.language, catalogs.catalog_digest(served or "en", self.ctx.root)]
            )
        try:
            if kind in ("summary", "client"):  # by the bytes they are made from
                return self.summary_digest(arg) if arg in self.ids else ""
            if kind == "template":
                return self.ctx.template_digest(arg)
            if kind in ("asset", "deskasset"):
                return self.ctx.file_digest(self.value(name))
            return digest(self.value(name))
        except KeyError:
            return ""


def _mine(coach: str | None, name: str) -> bool:
    return coach is None or coach.casefold() == name.casefold()


def _rows(reader: Reader) -> list[dict[str, Any]]:
    """The summaries of the clients shown: every one, or the ``--coach``'s."""
    coach = reader.get("coach")
    words = reader.get("words")
    rows = [reader.get(f"summary:{cid}") for cid in reader.get("clients")]
    return [
        {**r, "attention": describe(r.get("facts", []), words)}
        for r in rows
        if _mine(coach, r["coach"])
    ]


def _choices(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """What the page's filters offer: each coach, each stage number seen."""
    return {
        "coaches": sorted({r["coach"] for r in rows}),
        "stages": sorted({r["stage"]["title"] for r in rows}),
    }


def render_index(ctx: RenderContext, reader: Reader) -> Made:
    """The desk page: one row per client."""
    import jinja2

    rows = _rows(reader)
    try:
        layout = reader.get("template:desk.html")
        context = reader.context(
            {
                "firm": "firm",
                "today": "today",
                "coach": "coach",
                "lang": "lang",
                "dir": "dir",
                "gettext": "gettext",
                "_": "gettext",
                "ngettext": "ngettext",
                "strings": "strings",
            },
            clients=rows,
            choices=_choices(rows),
            needing=sum(1 for r in rows if r["attention"]),
        )
        html = templating.render_capped(layout, context)
    except jinja2.TemplateError as exc:
        return {}, [templating.template_problem(exc, ctx.template_path("desk.html"))]
    bad = urls.unsafe_urls(html)
    if bad:
        from workbook.errors import Problem, SourceLocation

        return {}, [
            Problem(
                SourceLocation(ctx.template_path("desk.html")),
                f"the coach's desk has an unsafe address: {bad[0]}",
                "links may go to https:, mailto: or pages of the coach's folder",
            )
        ]
    return {"index.html": html.encode("utf-8")}, []


def render_calendar(reader: Reader) -> Made:
    """Every shown client's sessions and milestones, in one calendar for the coach."""
    firm = reader.get("firm")
    today = reader.get("today")
    coach = reader.get("coach")
    words = reader.get("words")
    events = []
    for cid in reader.get("clients"):
        client = reader.get(f"client:{cid}")
        if _mine(coach, client["coach"]["name"]):
            events += calendar.client_events(client, firm, today, for_coach=True, words=words)
    name = words.gettext("Coaching sessions") + f" · {coach or firm['name']}"
    return {"calendar.ics": calendar.calendar_bytes(name, events)}, []


def _file(ctx: RenderContext, name: str, relative: str, reader: Reader) -> Made:
    return {relative: ctx.file_bytes(reader.get(name))}, []


def _theme(reader: Reader) -> Made:
    return {"assets/theme.css": theme_css(reader.get("colours"))}, []


def plan(ctx: RenderContext) -> list[Task]:
    """The desk page, the coach's calendar, and the files the page loads."""
    tasks = [
        Task("desk:index.html", functools.partial(render_index, ctx)),
        Task("desk:calendar.ics", render_calendar),
        Task("desk:assets/theme.css", _theme),
    ]
    for rel in SITE_ASSETS:
        tasks.append(
            Task(
                f"desk:assets/{rel}", functools.partial(_file, ctx, f"asset:{rel}", f"assets/{rel}")
            )
        )
    for rel in DESK_ASSETS:
        tasks.append(
            Task(
                f"desk:assets/{rel}",
                functools.partial(_file, ctx, f"deskasset:{rel}", f"assets/{rel}"),
            )
        )
    return tasks
