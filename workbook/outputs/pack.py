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
from typing import Any

import jinja2
from markupsafe import Markup

from workbook.errors import Problem, SourceLocation
from workbook.load.job import StageView
from workbook.models import Exercise, Field
from workbook.outputs import record
from workbook.outputs.base import PAGE_NAMES, ClientWork, Made, Output, PdfJob, Task
from workbook.outputs.inputs import KIND_LABELS
from workbook.outputs.pack_safety import scan_html, scan_markdown
from workbook.render import templating
from workbook.render.recording import Reader

TEMPLATE = "pack.html"
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
                    "kind_label": KIND_LABELS.get(exercise.kind, exercise.kind.title()),
                    "minutes": exercise.minutes,
                    "summary": exercise.summary,
                    "anchor": f"ex-{view.slug}-{eid}",
                    "body": html,
                }
            )
        return {**stage, "anchor": f"stage-{view.slug}", "exercises": exercises}

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


def _contents(stages: list[dict[str, Any]], engagement: bool) -> list[dict[str, Any]]:
    entries = []
    if engagement:
        entries += [
            {"level": 1, "title": "Your engagement", "anchor": "engagement"},
            {"level": 1, "title": "Goals and milestones", "anchor": "goals"},
            {"level": 1, "title": "Progress", "anchor": "progress"},
        ]
    for stage in stages:
        title = f"Stage {stage['number']}: {stage['title']}" if engagement else "About this stage"
        entries.append({"level": 1, "title": title, "anchor": stage["anchor"]})
        entries += [
            {"level": 2 if engagement else 1, "title": ex["title"], "anchor": ex["anchor"]}
            for ex in stage["exercises"]
        ]
    return entries


def _front(
    client: dict[str, Any],
    programme: dict[str, Any],
    stages: list[dict[str, Any]],
    engagement: bool,
) -> dict[str, Any]:
    """The cover's words: which pack this is, and for whom."""
    if engagement:
        return {
            "kind": "engagement",
            "eyebrow": programme["title"],
            "title": "Your coaching engagement",
            "subtitle": f"The record of {client['name']}'s coaching engagement",
            "summary": "Your agreement, goals, milestones, answers and progress, in one place.",
        }
    stage = stages[0]
    return {
        "kind": "stage",
        "eyebrow": f"Stage {stage['number']} of {len(programme['stages'])}",
        "title": stage["title"],
        "subtitle": f"{stage['title']}: workbook pack for {client['name']}",
        "summary": stage.get("summary"),
    }


def pack_html(
    work: ClientWork,
    reader: Reader,
    stages: list[dict[str, Any]],
    *,
    engagement: bool,
    progress: list[Markup] | None = None,
) -> str:
    """One pack's HTML: a stage pack (one stage) or the engagement pack (every released one)."""
    pack = _front(reader.get("client"), reader.get("programme"), stages, engagement)
    pack.update(stages=stages, contents=_contents(stages, engagement), progress=progress or [])
    layout = reader.get(f"template:{TEMPLATE}")
    context = reader.context(
        {**PAGE_NAMES, "paper": "paper"}, logo=work.inputs.pack_logo(reader), pack=pack
    )
    return templating.render_capped(layout, context)


def render(work: ClientWork, views: list[StageView], name: str, reader: Reader) -> Made:
    """One pack of one client: its HTML checked, handed on to be rendered as a PDF."""
    engagement = name == "packs/engagement.pdf"
    built = _Stages(work, reader, views)
    if built.problems:
        return {}, built.problems
    layout = work.ctx.template_path(TEMPLATE)
    try:
        progress = None
        if engagement:
            series = record.rating_series(built.fields, reader.get("history"))
            colour = reader.get("firm")["colours"]["primary"]
            progress = [record.progress_chart(s, colour) for s in series]
        html = pack_html(work, reader, built.stages, engagement=engagement, progress=progress)
    except jinja2.TemplateError as exc:
        return {}, [templating.template_problem(exc, layout)]
    problems = [
        Problem(SourceLocation(layout), f"{what} (in the pack layout)", _FIX)
        for what in dict.fromkeys(scan_html(html))
    ]
    if problems or work.dry:
        return {}, problems
    job = PdfJob(
        html,
        work.inputs.pack_assets,
        label=work.job.client.id,
        bodies=tuple(built.bodies),
        layout=str(layout),
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
