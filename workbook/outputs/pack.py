"""The printable packs: ``packs/<nn>-<stage>.pdf`` per released stage, and ``packs/engagement.pdf``.

Each pack is HTML from ``templates/pack.html`` (with ``templates/assets/pack.css``)
turned into a PDF by WeasyPrint. Exercises are personalised exactly as for the
site, then drawn for print (``medium="print"``: fields as ruled lines, circles,
boxes and empty tables, or the client's answers where there are any).

Before anything is rendered, every exercise and the pack's HTML are checked
for URLs that would reach outside the project (:mod:`workbook.pack_safety`);
such content is a problem naming the exercise, and the client is not built.
Each pack is a task of its own, keyed on what it read like every output; the
task returns the pack's HTML as a :class:`~workbook.outputs.base.PdfJob`, and
the build renders it (:mod:`workbook.outputs.pack_render`) where it likes.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jinja2
from markupsafe import Markup, escape

from workbook.errors import Problem, SourceLocation
from workbook.load.job import StageView
from workbook.models import Exercise, Field
from workbook.outputs import record
from workbook.outputs.base import PAGE_NAMES, ClientWork, Made, Output, PdfJob, Task
from workbook.outputs.earlier import gone_answers
from workbook.outputs.inputs import KIND_LABELS
from workbook.outputs.pack_safety import scan_html, scan_markdown
from workbook.render import templating
from workbook.render.i18n import Words
from workbook.render.recording import Reader

TEMPLATE = "pack.html"
# Every page's number, as one sentence to translate; the layout's margin box shows it
# (``pack.folio``: a CSS content value with the page counters in place).
FOLIO = "Page %(page)s of %(pages)s"
_FIX = (
    "packs only load files from the project's asset folders: put the file in assets/ "
    "and write a relative path such as assets/diagram.png"
)


class _Stages:
    """The stages of one pack, their exercises personalised and drawn for print."""

    def __init__(self, work: ClientWork, reader: Reader, views: list[StageView]) -> None:
        self.problems: list[Problem] = []
        self.bodies: list[tuple[str, str]] = []  # (exercise file, print HTML): to locate URLs
        self.fields: list[tuple[Exercise, Field]] = []
        stages = reader.get("stages")
        self.stages = [self._stage(work, reader, view, stages[view.number - 1]) for view in views]

    def _stage(
        self, work: ClientWork, reader: Reader, view: StageView, stage: dict[str, Any]
    ) -> dict[str, Any]:
        exercises = []
        for eid in view.stage.exercises:
            done, found = work.exercise(eid, reader)
            if done is None:
                self.problems += found
                continue
            exercise = done.exercise
            html = work.body(done, reader, medium="print")
            self._check(exercise, done.text, html)
            self.bodies.append((str(exercise.path), html))
            self.fields += [(exercise, f) for f in done.fields]
            exercises.append(
                {
                    "id": eid,
                    "title": exercise.title,
                    "kind_label": reader.get("words").gettext(
                        KIND_LABELS.get(exercise.kind, exercise.kind.title())
                    ),
                    "minutes": exercise.minutes,
                    "summary": exercise.summary,
                    "anchor": f"ex-{view.slug}-{eid}",
                    "body": html,
                    "written": exercise.fallback or "",  # its language, where not the page's
                }
            )
        return {**stage, "anchor": f"stage-{view.slug}", "exercises": exercises}

    def earlier(self, work: ClientWork, reader: Reader) -> list[dict[str, Any]]:
        """Earlier work, for the engagement pack: kept exercises with their answers."""
        out = []
        for entry in reader.get("earlier"):
            if entry["fields"] is not None:
                gone, found = gone_answers(work, entry, reader)
                self.problems += found
                if gone:
                    out.append({**entry, "minutes": None, "answers": gone, "body": None})
                continue
            done, found = work.exercise(entry["id"], reader)
            if done is None:
                self.problems += found
                continue
            html = work.body(done, reader, medium="print")
            self._check(done.exercise, done.text, html)
            self.bodies.append((str(done.exercise.path), html))
            out.append({**entry, "minutes": None, "answers": [], "body": html})
        return out

    def _check(self, exercise: Exercise, text: str, html: str) -> None:
        """The Markdown names the line; its HTML is checked too, in case a drawing slipped."""
        found = scan_markdown(text)
        for line, what in found:
            self.problems.append(
                Problem(
                    SourceLocation(exercise.path, line), f"{what} (exercise '{exercise.id}')", _FIX
                )
            )
        for what in [] if found else scan_html(html):
            self.problems.append(
                Problem(SourceLocation(exercise.path), f"{what} (exercise '{exercise.id}')", _FIX)
            )


def _contents(
    words: Words, stages: list[dict[str, Any]], engagement: bool, earlier: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    _ = words.gettext
    entries = []
    if engagement:
        entries += [
            {"level": 1, "title": _("Your engagement"), "anchor": "engagement"},
            {"level": 1, "title": _("Goals and milestones"), "anchor": "goals"},
            {"level": 1, "title": _("Progress"), "anchor": "progress"},
        ]
    for stage in stages:
        title = (
            _("Stage %(number)s: %(title)s") % {"number": stage["number"], "title": stage["title"]}
            if engagement
            else _("About this stage")
        )
        entries.append({"level": 1, "title": title, "anchor": stage["anchor"]})
        entries += [
            {"level": 2 if engagement else 1, "title": ex["title"], "anchor": ex["anchor"]}
            for ex in stage["exercises"]
        ]
    if earlier:
        entries.append({"level": 1, "title": _("Earlier work"), "anchor": "earlier-work"})
        entries += [{"level": 2, "title": e["title"], "anchor": e["anchor"]} for e in earlier]
    return entries


def _front(
    words: Words,
    client: dict[str, Any],
    programme: dict[str, Any],
    stages: list[dict[str, Any]],
    engagement: bool,
) -> dict[str, Any]:
    """The cover's words: which pack this is, and for whom."""
    _ = words.gettext
    if engagement:
        return {
            "kind": "engagement",
            "eyebrow": programme["title"],
            "title": _("Your coaching engagement"),
            "subtitle": _("The record of %(name)s's coaching engagement")
            % {"name": client["name"]},
            "summary": _("Your agreement, goals, milestones, answers and progress, in one place."),
        }
    stage = stages[0]
    of = {"number": stage["number"], "total": len(programme["stages"])}
    return {
        "kind": "stage",
        "eyebrow": _("Stage %(number)s of %(total)s") % of,
        "title": stage["title"],
        "subtitle": _("%(stage)s: workbook pack for %(name)s")
        % {"stage": stage["title"], "name": client["name"]},
        "summary": stage.get("summary"),
    }


def folio_css(folio: str) -> Markup:
    """A folio sentence as a CSS ``content`` value: its words quoted, the counters in place.

    Each character that could end the string or the ``<style>`` it sits in is written as a
    CSS escape, so any translation is safe there.
    """
    parts = []
    for piece in re.split(r"(%\(pages?\)s)", folio):
        if piece in ("%(page)s", "%(pages)s"):
            parts.append(f"counter({piece[2:-2]})")
        elif piece:
            quoted = "".join(
                c if c.isalnum() or c in " .,:;-/()" else f"\\{ord(c):x} " for c in piece
            )
            parts.append(f'"{quoted}"')
    return Markup(" ".join(parts) or '""')


def pack_html(
    work: ClientWork,
    reader: Reader,
    stages: list[dict[str, Any]],
    *,
    engagement: bool,
    progress: list[Markup] | None = None,
    earlier: list[dict[str, Any]] | None = None,
) -> str:
    """One pack's HTML: a stage pack (one stage) or the engagement pack (every released one)."""
    words = reader.get("words")
    pack = _front(words, reader.get("client"), reader.get("programme"), stages, engagement)
    earlier = earlier or []
    pack.update(
        stages=stages,
        contents=_contents(words, stages, engagement, earlier),
        progress=progress or [],
        earlier=earlier,
        folio=folio_css(FOLIO),
    )
    layout = reader.get(f"template:{TEMPLATE}")
    context = reader.context(
        {**PAGE_NAMES, "paper": "paper"}, logo=work.inputs.pack_logo(reader), pack=pack
    )
    return with_metadata(templating.render_capped(layout, context), reader, stages, engagement)


PACK_FORMAT = "workbook-pack/1"


def with_metadata(html: str, reader: Reader, stages: list[dict[str, Any]], engagement: bool) -> str:
    """The pack's HTML with the meta tags that let a filled pack come back to its client.

    WeasyPrint writes them into the PDF's document information (``custom_metadata``) as
    ``workbookpack``, ``workbookfirm``, ``workbookclient``, ``workbookprogramme`` and
    ``workbookstage``; they are added here, not in the layout, so a firm's own layout
    cannot leave them out.
    """
    which = "engagement" if engagement else str(stages[0]["slug"]) if stages else ""
    tags = {
        "workbook-pack": PACK_FORMAT,
        "workbook-firm": reader.get("firm")["id"],
        "workbook-client": reader.get("client")["id"],
        "workbook-programme": reader.get("programme")["id"],
        "workbook-stage": which,
    }
    meta = "".join(
        f'<meta name="{name}" content="{escape(value)}">\n' for name, value in tags.items()
    )
    head = html.find("</head>")
    return html[:head] + meta + html[head:] if head >= 0 else meta + html


def render(work: ClientWork, views: list[StageView], name: str, reader: Reader) -> Made:
    """One pack of one client: its HTML checked, handed on to be rendered as a PDF."""
    engagement = name == "packs/engagement.pdf"
    built = _Stages(work, reader, views)
    earlier = (
        built.earlier(work, reader)
        if engagement and (work.job.earlier or work.job.earlier_fields)
        else []
    )
    if built.problems:
        return {}, built.problems
    layout = work.ctx.template_path(TEMPLATE)
    try:
        progress = None
        if engagement:
            series = record.rating_series(built.fields, reader.get("history"))
            colour = reader.get("firm")["colours"]["primary"]
            words, lang = reader.get("words"), reader.get("lang")
            rtl = reader.get("dir") == "rtl"
            progress = [record.progress_chart(s, colour, words, lang, rtl=rtl) for s in series]
        html = pack_html(
            work, reader, built.stages, engagement=engagement, progress=progress, earlier=earlier
        )
    except jinja2.TemplateError as exc:
        return {}, [templating.template_problem(exc, layout)]
    problems = [
        Problem(SourceLocation(layout), f"{what} (in the pack layout)", _FIX)
        for what in dict.fromkeys(scan_html(html))
    ]
    if problems or work.dry:
        return {}, problems
    parts: tuple[str, ...] = ()
    if engagement:  # the stage packs, whose laid-out pages the engagement pack takes
        parts = tuple(pack_html(work, reader, [stage], engagement=False) for stage in built.stages)
    job = PdfJob(
        html,
        work.inputs.pack_assets,
        label=work.job.client.id,
        bodies=tuple(built.bodies),
        layout=str(layout),
        parts=parts,
    )
    return {name: job}, []


def plan(work: ClientWork) -> list[Task]:
    """A task per released stage's pack, and one for the engagement pack."""
    if not work.pdf:
        return []
    views = list(work.job.released)
    tasks = [
        Task(
            f"pack:packs/{v.slug}.pdf",
            functools.partial(render, work, [v], f"packs/{v.slug}.pdf"),
        )
        for v in views
    ]
    if views and work.job.only_stage is None:
        tasks.append(
            Task(
                "pack:packs/engagement.pdf",
                functools.partial(render, work, views, "packs/engagement.pdf"),
            )
        )
    return tasks


PACKS = Output("packs", plan)
