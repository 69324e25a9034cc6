"""The client's workbook site: home, one page per released stage and per exercise, assets.

Every link is relative (``root`` is the way back to the client's folder from a
page), so the site works from ``file://``, from a zip and from any host. Each
page is a task that reads its inputs through the reader: an exercise's body
edit rebuilds that exercise's page, its stage page and home (which count its
fields), and nothing else.
"""

from __future__ import annotations

import functools
from typing import Any

from workbook.errors import Problem
from workbook.load.job import StageView
from workbook.outputs import page_data
from workbook.outputs.base import ClientWork, Made, Output, Task
from workbook.outputs.earlier import gone_answers
from workbook.render.recording import Reader


def theme_css(colours: dict[str, str]) -> bytes:
    """The firm's colours as CSS custom properties (kept out of the HTML for a strict CSP)."""
    return (
        f":root {{\n  --primary: {colours['primary']};\n  --accent: {colours['accent']};\n}}\n"
    ).encode()


def _fields(
    work: ClientWork, reader: Reader, views: list[StageView]
) -> tuple[dict[str, list[str]], dict[str, int], dict[str, dict[str, Any]], list[Problem]]:
    """The field keys, rating sizes and imported answers of the exercises a summary counts."""
    fields: dict[str, list[str]] = {}
    items: dict[str, int] = {}
    dated: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for view in views:
        for eid in view.stage.exercises:
            counted, found = work.count(eid, reader)
            problems += found
            if counted is None:
                continue
            fields[eid] = counted[0]
            items.update(counted[1])
            dated.update(reader.get(f"dated:{eid}"))
    return fields, items, dated, problems


def summary_page(
    work: ClientWork,
    views: list[StageView],
    template: str,
    relative: str,
    reader: Reader,
    **extra: Any,
) -> Made:
    """Home or a stage page: what it lists, and the counts of what was answered."""
    fields, items, dated, problems = _fields(work, reader, views)
    if problems:
        return {}, problems
    released = {v.slug: list(v.stage.exercises) for v in views}
    data = page_data.summary_data(released, fields, items, dated)
    return work.render_page(reader, template, relative, page_data=data, **extra)


def past_their_date(reader: Reader) -> list[dict[str, Any]]:
    """Open milestones whose date has passed; the date is read only when one is open and
    dated, so a home page without such a milestone does not change with the day."""
    goals = reader.get("goals")
    dated = [m for g in goals for m in g["milestones"] if m["due"] is not None and not m["done"]]
    if not dated:
        return []
    today = reader.get("today")
    return [m for m in dated if m["due"] < today]


def home_page(work: ClientWork, views: list[StageView], reader: Reader) -> Made:
    return summary_page(
        work,
        views,
        "home.html",
        "index.html",
        reader,
        page_title=reader.get("words").gettext("Your workbook"),
        late=past_their_date(reader),
        language_note=reader.get("fallback"),
    )


def stage_page(work: ClientWork, view: StageView, reader: Reader) -> Made:
    stage = reader.get("stages")[view.number - 1]
    return summary_page(
        work,
        [view],
        "stage.html",
        f"{view.slug}/index.html",
        reader,
        stage=stage,
        page_title=stage["title"],
        language_note=reader.get("fallback"),
    )


def exercise_page(work: ClientWork, view: StageView, index: int, reader: Reader) -> Made:
    stage = reader.get("stages")[view.number - 1]
    exercises = stage["exercises"]
    shown = exercises[index]
    done, problems = work.exercise(shown["id"], reader)
    if done is None:
        return {}, problems
    dated = reader.get(f"dated:{shown['id']}")
    data = page_data.exercise_data(shown["id"], done.keys(), done.rating_items(), dated)
    return work.render_page(
        reader,
        "exercise.html",
        f"{view.slug}/{shown['id']}.html",
        stage=stage,
        exercise=shown,
        body=work.body(done, reader),
        written=done.exercise.fallback or "",  # its language, where not the page's
        page_title=shown["title"],
        previous=exercises[index - 1] if index else None,
        next=exercises[index + 1] if index + 1 < len(exercises) else None,
        page_data=data,
        language_note=reader.get(f"fallback:{shown['id']}"),
    )


def earlier_page(work: ClientWork, reader: Reader) -> Made:
    """Earlier work: each exercise drawn read-only with the client's answers in place."""
    shown = []
    problems: list[Problem] = []
    for entry in reader.get("earlier"):
        if entry["fields"] is not None:
            gone, found = gone_answers(work, entry, reader)
            problems += found
            if gone:
                shown.append({**entry, "answers": gone, "body": None})
            continue
        done, found = work.exercise(entry["id"], reader)
        problems += found
        if done is not None:
            shown.append({**entry, "answers": [], "body": work.body(done, reader, medium="print")})
    if problems:
        return {}, problems
    return work.render_page(
        reader,
        "earlier.html",
        "earlier-work.html",
        earlier_work=shown,
        page_title=reader.get("words").gettext("Earlier work"),
    )


def plan(work: ClientWork) -> list[Task]:
    """One task per page and per asset."""
    job = work.job
    views = list(job.released)
    tasks: list[Task] = []
    if job.only_stage is None:
        tasks.append(Task("page:index.html", functools.partial(home_page, work, views)))
    for view in views:
        tasks.append(
            Task(f"page:{view.slug}/index.html", functools.partial(stage_page, work, view))
        )
        for i, eid in enumerate(view.stage.exercises):
            tasks.append(
                Task(
                    f"page:{view.slug}/{eid}.html",
                    functools.partial(exercise_page, work, view, i),
                )
            )
    if job.only_stage is None and (job.earlier or job.earlier_fields):
        tasks.append(Task("page:earlier-work.html", functools.partial(earlier_page, work)))
    if job.only_stage is None:
        tasks += asset_tasks(work)
    return tasks


def _asset(work: ClientWork, name: str, relative: str, reader: Reader) -> Made:
    return {relative: work.ctx.file_bytes(reader.get(name))}, []


def _theme(reader: Reader) -> Made:
    return {"assets/theme.css": theme_css(reader.get("colours"))}, []


def asset_tasks(work: ClientWork) -> list[Task]:
    """The shared CSS, scripts and images, the firm's colours, and the logo: one task each."""
    tasks = [
        Task(
            f"asset:assets/{rel}",
            functools.partial(_asset, work, f"asset:{rel}", f"assets/{rel}"),
        )
        for rel in work.ctx.assets
    ]
    tasks.append(Task("asset:assets/theme.css", _theme))
    logo = work.inputs.value("logo")
    if logo and work.job.settings.firm.logo:
        tasks = [t for t in tasks if t.key != f"asset:{logo}"]  # the logo setting wins
        tasks.append(
            Task(
                f"asset:{logo}",
                functools.partial(_asset, work, f"file:{work.job.settings.firm.logo}", logo),
            )
        )
    return tasks


SITE = Output("site", plan)
