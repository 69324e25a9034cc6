"""The client's workbook site: home, one page per released stage and per exercise, assets.

Every link is relative (``root`` is the way back to the client's folder from a
page), so the site works from ``file://``, from a zip and from any host.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from workbook import templating, urls
from workbook.errors import Problem, SourceLocation
from workbook.job import BuildContext, ClientJob, StageView
from workbook.outputs import page_data
from workbook.personalise import client_context
from workbook.templating import plain

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


def render(ctx: BuildContext, job: ClientJob) -> tuple[dict[str, bytes], list[Problem]]:
    """Every file of one client's site, or the problems that stop it."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
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
    context = client_context(client, job.settings.firm, job.programme, job.answers, job.today)

    def page(template: str, relative: str, root: str, **extra: Any) -> None:
        try:
            html = templating.render_capped(
                ctx.template(template), {**common, "root": root, **extra}
            )
        except jinja2.TemplateError as exc:
            problems.append(templating.template_problem(exc, _template_path(ctx, template)))
            return
        bad = urls.unsafe_urls(html)
        if bad:
            problems.append(
                Problem(
                    SourceLocation(_template_path(ctx, template)),
                    f"the page {relative} has an unsafe address: {bad[0]}",
                    "links may go to https:, mailto: or pages of the site; images and "
                    "scripts must come from inside the site",
                )
            )
            return
        files[relative] = html.encode("utf-8")

    fields: dict[str, list[str]] = {}
    items: dict[str, int] = {}
    released: dict[str, list[str]] = {}
    for view, stage in zip(job.stages, stages, strict=True):
        if not view.released or (job.only_stage and view.stage.id != job.only_stage):
            continue
        exercises = stage["exercises"]
        for i, ex_view in enumerate(exercises):
            exercise = job.exercises[ex_view["id"]]
            values = job.answers.for_exercise(exercise.id)
            result, found = ctx.personaliser.page(
                exercise, context, view.stage, edition=job.edition, values=values
            )
            if result is None:
                problems += found
                continue
            keys = [f"{exercise.id}/{f.id}" for f in result.fields]
            fields[exercise.id] = keys
            items.update(
                {f"{exercise.id}/{f.id}": len(f.items) for f in result.fields if f.kind == "rating"}
            )
            page(
                "exercise.html",
                f"{view.slug}/{exercise.id}.html",
                "../",
                stage=stage,
                exercise=ex_view,
                body=Markup(result.html),
                page_title=exercise.title,
                previous=exercises[i - 1] if i else None,
                next=exercises[i + 1] if i + 1 < len(exercises) else None,
                page_data=page_data.exercise_data(job, exercise.id, keys, items),
            )
        released[view.slug] = [e["id"] for e in exercises]
        page(
            "stage.html",
            f"{view.slug}/index.html",
            "../",
            stage=stage,
            page_title=stage["title"],
            page_data=page_data.summary_data(
                job, {view.slug: released[view.slug]}, _only(fields, released[view.slug]), items
            ),
        )
    if job.only_stage is None:
        page(
            "home.html",
            "index.html",
            "",
            page_title="Your workbook",
            page_data=page_data.summary_data(job, released, fields, items),
        )
    if job.only_stage is None:
        for name, path in ctx.assets().items():
            files[f"assets/{name}"] = path.read_bytes()
        files["assets/theme.css"] = theme_css(job)
        logo = _logo_name(job)
        if logo and job.settings.firm.logo:
            files[logo] = (ctx.root / job.settings.firm.logo).read_bytes()
    return files, problems


def _only(fields: dict[str, list[str]], exercises: list[str]) -> dict[str, list[str]]:
    return {e: fields[e] for e in exercises if e in fields}


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
