"""The client's workbook site: home, one page per released stage and per exercise, assets.

Every link is relative (``root`` is the way back to the client's folder from a
page), so the site works from ``file://``, from a zip and from any host.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from workbook.errors import Problem, SourceLocation
from workbook.load.job import BuildContext, ClientJob, StageView
from workbook.models import Exercise
from workbook.outputs import page_data
from workbook.outputs.base import (
    Made,
    Output,
    Task,
    digest,
    files_under,
    run_tasks,
    shared_file_digest,
    template_digest,
    template_mentions,
    tool_digest,
    tree_digest,
)
from workbook.render import templating, urls
from workbook.render.personalise import Page, client_context
from workbook.render.templating import plain

_INCLUDES = re.compile(r"\{%-?\s*(?:include|import|from|extends)\b")
KIND_LABELS = {
    "exercise": "Exercise",
    "reflection": "Reflection",
    "assessment": "Assessment",
    "reading": "Reading",
}


def theme_css(job: ClientJob) -> bytes:
    """The firm's colours as CSS custom properties (kept out of the HTML for a strict CSP)."""
    c = job.settings.firm.colours
    return f":root {{\n  --primary: {c.primary};\n  --accent: {c.accent};\n}}\n".encode()


def _exercise_view(job: ClientJob, view: StageView, eid: str) -> dict[str, Any]:
    ex = job.exercises[eid]
    return {
        "id": ex.id,
        "title": ex.title,
        "kind": ex.kind,
        "kind_label": KIND_LABELS[ex.kind],
        "minutes": ex.minutes,
        "summary": ex.summary,
        "href": f"{view.slug}/{ex.id}.html",
        "file": f"{ex.id}.html",
    }


def _stage_view(job: ClientJob, view: StageView) -> dict[str, Any]:
    exercises = [_exercise_view(job, view, e) for e in view.stage.exercises]
    minutes = sum(e["minutes"] or 0 for e in exercises)
    return {
        **plain(view.stage),
        "number": view.number,
        "slug": view.slug,
        "status": view.status,
        "released": view.released,
        "href": f"{view.slug}/index.html",
        "exercises": exercises,
        "minutes": minutes,
    }


def plan(ctx: BuildContext, job: ClientJob) -> list[Task]:
    """One task per page and per asset, each keyed by a digest of what it reads.

    Every page sees ``common`` (the profile, the programme, every stage with its
    exercises' front matter, the firm, the edition); an exercise page also reads
    its exercise's Markdown and the answers it shows. So an exercise's body edit
    rebuilds that exercise's pages alone, and a profile edit that client alone.
    """
    client = job.client
    stages = [_stage_view(job, v) for v in job.stages]
    common = {
        "firm": plain(job.settings.firm),
        "client": plain(client),
        "coach": plain(client.coach),
        "sponsor": plain(client.sponsor),
        "goals": plain(client.goals),
        "engagement": plain(client.engagement),
        "programme": plain(job.programme),
        "stages": stages,
        "edition": job.edition,
        "lang": job.language,
        "today": job.today,
        "logo": _logo_name(job),
        "packs": ctx.pdf,  # link the printable packs (outputs/pack.py) unless --no-pdf
    }
    base = digest(tool_digest(), {k: v for k, v in common.items() if k != "today"})
    context_memo: list[dict[str, Any]] = []

    def context() -> dict[str, Any]:
        """The exercises' Jinja context, made once per client and only when needed."""
        if not context_memo:
            context_memo.append(
                client_context(client, job.settings.firm, job.programme, job.answers, job.today)
            )
        return context_memo[0]

    def page_inputs(template: str, *parts: Any) -> str:
        today = job.today if template_mentions(ctx, template, "today") else None
        return digest(base, template, template_digest(ctx, template), today, parts)

    def page(template: str, relative: str, root: str, **extra: Any) -> Made:
        try:
            html = templating.render_capped(
                ctx.template(template), {**common, "root": root, **extra}
            )
        except jinja2.TemplateError as exc:
            return {}, [templating.template_problem(exc, _template_path(ctx, template))]
        bad = urls.unsafe_urls(html)
        if bad:
            return {}, [
                Problem(
                    SourceLocation(_template_path(ctx, template)),
                    f"the page {relative} has an unsafe address: {bad[0]}",
                    "links may go to https:, mailto: or pages of the site; images and "
                    "scripts must come from inside the site",
                )
            ]
        return {relative: html.encode("utf-8")}, []

    personalised: dict[str, tuple[Page | None, list[Problem]]] = {}

    def personalise(eid: str, view: StageView) -> tuple[Page | None, list[Problem]]:
        """One exercise for this client, once: its page and the summary pages need it."""
        if eid not in personalised:
            values = job.answers.for_exercise(eid)
            personalised[eid] = ctx.personaliser.page(
                job.exercises[eid], context(), view.stage, edition=job.edition, values=values
            )
        return personalised[eid]

    def field_lists(slugs: list[StageView]) -> tuple[dict[str, list[str]], dict[str, int]]:
        """Each exercise's field keys and each rating's statement count, for the counts."""
        fields: dict[str, list[str]] = {}
        items: dict[str, int] = {}
        for view in slugs:
            for eid in view.stage.exercises:
                result, _ = personalise(eid, view)
                if result is None:
                    continue
                fields[eid] = [f"{eid}/{f.id}" for f in result.fields]
                items.update(
                    {f"{eid}/{f.id}": len(f.items) for f in result.fields if f.kind == "rating"}
                )
        return fields, items

    def summary_page(
        template: str, relative: str, root: str, shown: list[StageView], **extra: Any
    ) -> Made:
        fields, items = field_lists(shown)
        released = {v.slug: list(v.stage.exercises) for v in shown}
        data = page_data.summary_data(job, released, fields, items)
        return page(template, relative, root, page_data=data, **extra)

    def summary_inputs(shown: list[StageView]) -> str:
        """A summary page counts its exercises' fields and shows what was imported."""
        counted = [e for v in shown for e in v.stage.exercises]
        answers = sorted(
            (k, a.updated, repr(a.value))
            for k, a in job.answers.current.items()
            if k.split("/", 1)[0] in counted
        )
        return digest([exercise_inputs(ctx, job, job.exercises[e]) for e in counted], answers)

    released_views = [
        v
        for v in job.stages
        if v.released and not (job.only_stage and v.stage.id != job.only_stage)
    ]

    def exercise_page(view: StageView, stage: dict[str, Any], i: int, relative: str) -> Made:
        exercises = stage["exercises"]
        ex_view = exercises[i]
        exercise = job.exercises[ex_view["id"]]
        result, found = personalise(exercise.id, view)
        if result is None:
            return {}, found
        keys = [f"{exercise.id}/{f.id}" for f in result.fields]
        items = {f"{exercise.id}/{f.id}": len(f.items) for f in result.fields if f.kind == "rating"}
        return page(
            "exercise.html",
            relative,
            "../",
            stage=stage,
            exercise=ex_view,
            body=Markup(result.html),
            page_title=exercise.title,
            previous=exercises[i - 1] if i else None,
            next=exercises[i + 1] if i + 1 < len(exercises) else None,
            page_data=page_data.exercise_data(job, exercise.id, keys, items),
        )

    tasks: list[Task] = []
    if job.only_stage is None:
        tasks.append(
            Task(
                "page:index.html",
                page_inputs("home.html", summary_inputs(released_views)),
                lambda: summary_page(
                    "home.html", "index.html", "", released_views, page_title="Your workbook"
                ),
            )
        )
    for view, stage in zip(job.stages, stages, strict=True):
        if not view.released or (job.only_stage and view.stage.id != job.only_stage):
            continue
        relative = f"{view.slug}/index.html"
        tasks.append(
            Task(
                f"page:{relative}",
                page_inputs("stage.html", view.slug, summary_inputs([view])),
                functools.partial(
                    summary_page,
                    "stage.html",
                    relative,
                    "../",
                    [view],
                    stage=stage,
                    page_title=stage["title"],
                ),
            )
        )
        for i, ex_view in enumerate(stage["exercises"]):
            exercise = job.exercises[ex_view["id"]]
            relative = f"{view.slug}/{exercise.id}.html"
            inputs = page_inputs(
                "exercise.html",
                view.slug,
                exercise_inputs(ctx, job, exercise),
            )
            tasks.append(
                Task(
                    f"page:{relative}",
                    inputs,
                    functools.partial(exercise_page, view, stage, i, relative),
                )
            )
    if job.only_stage is None:
        tasks += _asset_tasks(ctx, job)
    return tasks


def exercise_inputs(ctx: BuildContext, job: ClientJob, exercise: Exercise) -> str:
    """What an exercise's personalised body reads: its Markdown, answers, maybe more.

    Mentioning a name is enough to depend on it (a safe over-approximation):
    ``answers`` means every answer, ``today`` the build date, and an include or
    import means every file under ``content/``.
    """
    body = exercise.body
    shown = job.answers.for_exercise(exercise.id)
    every = job.answers.values() if exercise.has_jinja and "answers" in body else None
    today = job.today if exercise.has_jinja and "today" in body else None
    included = None
    if exercise.has_jinja and _INCLUDES.search(body):
        included = ctx.memo.get("content")
        if included is None:
            included = ctx.memo["content"] = tree_digest(files_under(ctx.root / "content"))
    return digest(exercise, shown, every, today, included)


def _asset_tasks(ctx: BuildContext, job: ClientJob) -> list[Task]:
    """The shared CSS and images, the firm's colours, and the logo: one task each."""
    tasks = []
    for name, path in ctx.assets().items():
        relative = f"assets/{name}"
        tasks.append(
            Task(
                f"asset:{relative}",
                shared_file_digest(ctx, path),
                functools.partial(_read, ctx, path, relative),
            )
        )
    theme = theme_css(job)
    tasks.append(
        Task("asset:assets/theme.css", digest(theme), lambda: ({"assets/theme.css": theme}, []))
    )
    logo = _logo_name(job)
    if logo and job.settings.firm.logo:
        path = ctx.root / job.settings.firm.logo
        tasks = [t for t in tasks if t.key != f"asset:{logo}"]  # the logo setting wins
        tasks.append(
            Task(
                f"asset:{logo}",
                shared_file_digest(ctx, path),
                functools.partial(_read, ctx, path, logo),
            )
        )
    return tasks


def _read(ctx: BuildContext, path: Path, relative: str) -> Made:
    """A shared file's bytes, read once per process (every client's folder has a copy)."""
    memo: dict[Path, bytes] = ctx.memo.setdefault("bytes", {})
    if path not in memo:
        memo[path] = path.read_bytes()
    return {relative: memo[path]}, []


def render(ctx: BuildContext, job: ClientJob) -> Made:
    """Every file of one client's site, or the problems that stop it (no cache)."""
    return run_tasks(plan(ctx, job))


SITE = Output("site", plan)


def _logo_name(job: ClientJob) -> str | None:
    logo = job.settings.firm.logo
    if not logo:
        return None
    suffix = logo.rsplit(".", 1)[-1].lower() if "." in logo else "img"
    return f"assets/logo.{suffix}"


def _template_path(ctx: BuildContext, name: str) -> Any:
    for folder in ctx.template_dirs:
        if (folder / name).is_file():
            return folder / name
    return SourceLocation(ctx.template_dirs[0] / name).path
