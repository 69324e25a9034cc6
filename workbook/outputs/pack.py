"""The printable packs: ``packs/<nn>-<stage>.pdf`` per released stage, and ``packs/engagement.pdf``.

Each pack is HTML from ``templates/pack.html`` (with ``templates/assets/pack.css``)
turned into a PDF by WeasyPrint. Exercises are personalised exactly as for the
site, then drawn for print (``medium="print"``: fields as ruled lines, circles,
boxes and empty tables, or the client's answers where there are any).

Before anything is rendered, every exercise and the pack's HTML are checked
for URLs that would reach outside the project (:mod:`workbook.pack_safety`);
such content is a problem naming the exercise, and the client is not built.
Packs whose inputs are unchanged are carried over from the previous output
(:mod:`workbook.pack_cache`); the rest render in parallel
(:mod:`workbook.pack_render`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from workbook.errors import Problem, SourceLocation
from workbook.load.job import BuildContext, ClientJob, StageView
from workbook.models import Exercise, Field
from workbook.outputs import record
from workbook.outputs.pack_cache import MANIFEST, PackCache, pack_key
from workbook.outputs.pack_safety import Assets, scan_html, scan_markdown
from workbook.render import templating
from workbook.render.personalise import client_context
from workbook.render.templating import plain

TEMPLATE = "pack.html"
KIND_LABELS = {
    "exercise": "Exercise",
    "reflection": "Reflection",
    "assessment": "Assessment",
    "reading": "Reading",
}
_FIX = (
    "packs only load files from the project's asset folders: put the file in assets/ "
    "and write a relative path such as assets/diagram.png"
)


def pack_assets(ctx: BuildContext, job: ClientJob) -> tuple[Assets, str | None]:
    """What packs may load (asset folders, the firm's logo) and the logo's URL in a pack."""
    folders = (*(d / "assets" for d in ctx.template_dirs), ctx.root / "assets")
    files: dict[str, Path] = {}
    logo = job.settings.firm.logo
    url = None
    if logo:
        path = (ctx.root / logo).resolve()
        if path.is_relative_to(ctx.root.resolve()) and path.is_file():
            url = f"assets/logo{path.suffix.lower()}"
            files[url] = path
    return Assets(folders, files), url


def _template_path(ctx: BuildContext) -> Path:
    return next(
        (d / TEMPLATE for d in ctx.template_dirs if (d / TEMPLATE).is_file()),
        ctx.template_dirs[0] / TEMPLATE if ctx.template_dirs else Path(TEMPLATE),
    )


class _Stages:
    """Each released stage's exercises, personalised and drawn for print, with their problems."""

    def __init__(self, ctx: BuildContext, job: ClientJob, views: list[StageView]) -> None:
        self.problems: list[Problem] = []
        self.bodies: dict[str, str] = {}  # exercise id → print HTML (to locate refused URLs)
        self.fields: list[tuple[Exercise, Field]] = []
        context = client_context(
            job.client, job.settings.firm, job.programme, job.answers, job.today
        )
        self.stages = [self._stage(ctx, job, view, context) for view in views]

    def _stage(
        self, ctx: BuildContext, job: ClientJob, view: StageView, context: dict[str, Any]
    ) -> dict[str, Any]:
        exercises = []
        for eid in view.stage.exercises:
            exercise = job.exercises[eid]
            page, found = ctx.personaliser.page(
                exercise,
                context,
                view.stage,
                edition=job.edition,
                values=job.answers.for_exercise(eid),
                medium="print",
            )
            if page is None:
                self.problems += found
                continue
            self._check(exercise, page.text, page.html)
            self.bodies[eid] = page.html
            self.fields += [(exercise, f) for f in page.fields]
            exercises.append(
                {
                    "id": eid,
                    "title": exercise.title,
                    "kind_label": KIND_LABELS.get(exercise.kind, exercise.kind.title()),
                    "minutes": exercise.minutes,
                    "summary": exercise.summary,
                    "anchor": f"ex-{view.slug}-{eid}",
                    "body": Markup(page.html),
                }
            )
        return {
            **plain(view.stage),
            "number": view.number,
            "slug": view.slug,
            "anchor": f"stage-{view.slug}",
            "exercises": exercises,
        }

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


def pack_html(
    ctx: BuildContext,
    job: ClientJob,
    stages: list[dict[str, Any]],
    *,
    engagement: bool,
    logo: str | None,
    progress: list[Markup] | None = None,
) -> str:
    """One pack's HTML: a stage pack (one stage) or the engagement pack (every released one)."""
    client = job.client
    if engagement:
        pack = {
            "kind": "engagement",
            "eyebrow": job.programme.title,
            "title": "Your coaching engagement",
            "subtitle": f"The record of {client.name}'s coaching engagement",
            "summary": "Your agreement, goals, milestones, answers and progress, in one place.",
        }
    else:
        stage = stages[0]
        pack = {
            "kind": "stage",
            "eyebrow": f"Stage {stage['number']} of {len(job.programme.stages)}",
            "title": stage["title"],
            "subtitle": f"{stage['title']}: workbook pack for {client.name}",
            "summary": stage.get("summary"),
        }
    pack.update(stages=stages, contents=_contents(stages, engagement), progress=progress or [])
    return ctx.template(TEMPLATE).render(
        firm=plain(job.settings.firm),
        client=plain(client),
        coach=plain(client.coach),
        sponsor=plain(client.sponsor),
        goals=plain(client.goals),
        engagement=plain(client.engagement),
        programme=plain(job.programme),
        edition=job.edition,
        lang=job.language,
        today=job.today,
        paper="letter" if job.settings.paper.lower() == "letter" else "A4",
        logo=logo,
        pack=pack,
    )


def _where(ctx: BuildContext, job: ClientJob, bodies: dict[str, str], url: str) -> Path:
    """The exercise whose HTML holds a refused URL, else the pack template."""
    for eid, html in bodies.items():
        if url and url in html:
            return job.exercises[eid].path
    return _template_path(ctx)


def render(ctx: BuildContext, job: ClientJob) -> tuple[dict[str, bytes], list[Problem]]:
    """Every pack of one client, or the problems that stop them (nothing when ``--no-pdf``)."""
    if not ctx.pdf:
        return {}, []
    views = [
        v
        for v in job.stages
        if v.released and (job.only_stage is None or v.stage.id == job.only_stage)
    ]
    if not views:
        return {}, []
    built = _Stages(ctx, job, views)
    if built.problems:
        return {}, built.problems
    assets, logo = pack_assets(ctx, job)
    plans: list[tuple[str, str]] = []
    template = _template_path(ctx)
    try:
        for view, stage in zip(views, built.stages, strict=True):
            html = pack_html(ctx, job, [stage], engagement=False, logo=logo)
            plans.append((f"packs/{view.slug}.pdf", html))
        if job.only_stage is None:
            series = record.rating_series(built.fields, job.answers)
            colour = job.settings.firm.colours.primary
            charts = [record.progress_chart(s, colour) for s in series]
            html = pack_html(ctx, job, built.stages, engagement=True, logo=logo, progress=charts)
            plans.append(("packs/engagement.pdf", html))
    except jinja2.TemplateError as exc:
        return {}, [templating.template_problem(exc, template)]
    problems = [
        Problem(SourceLocation(template), f"{what} (in the pack layout)", _FIX)
        for what in dict.fromkeys(w for _, html in plans for w in scan_html(html))
    ]
    if problems or ctx.dry:
        return {}, problems
    return _render_plans(ctx, job, plans, assets, built.bodies)


def _render_plans(
    ctx: BuildContext,
    job: ClientJob,
    plans: list[tuple[str, str]],
    assets: Assets,
    bodies: dict[str, str],
) -> tuple[dict[str, bytes], list[Problem]]:
    """Carry over unchanged packs, render the rest, and record what each was made from."""
    from workbook.outputs.pack_render import RENDER_OPTIONS, RenderTask

    cache = PackCache.load(ctx.out / job.client.id if ctx.out else None)
    if job.only_stage is not None:  # the other packs are carried over, so are their records
        cache.records.update(cache.previous)
    files: dict[str, bytes] = {}
    tasks = []
    keys = {}
    for name, html in plans:
        keys[name] = pack_key(html, RENDER_OPTIONS)
        previous = cache.lookup(name, keys[name], assets.digest)
        if previous is not None:
            files[name] = previous
        else:
            tasks.append(RenderTask(name, html, assets, job.client.id))
    problems = []
    for result in ctx.packs.run(tasks):
        if result.pdf is None:
            for why in result.refused:
                problems.append(
                    Problem(
                        SourceLocation(_where(ctx, job, bodies, result.url)),
                        f"{result.name} cannot be made: {why}",
                        _FIX,
                    )
                )
            continue
        files[result.name] = result.pdf
        cache.record(result.name, keys[result.name], result.fetched, result.pdf, result.pages)
    if problems:
        return {}, problems
    files[MANIFEST] = cache.dump()
    return files, []
