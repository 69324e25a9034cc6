"""What the whole-client outputs read, as the build cache's task digests.

The site plans a task per page (``outputs/site.py``). The progress page, the
calendar and the packs are each one task, keyed here on exactly what they
read, so an edit rebuilds them only when it touches one of their inputs: an
exercise edit leaves the calendar alone, a home-page template edit leaves the
packs alone. Under the packs' task, ``pack_cache.py`` still decides which PDFs
must be rendered again (by each pack's HTML), and renders those in parallel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbook.load.job import BuildContext, ClientJob
from workbook.outputs import calendar, pack, progress
from workbook.outputs.base import (
    Made,
    Output,
    Task,
    digest,
    template_digest,
    tool_digest,
    tree_digest,
)
from workbook.outputs.site import exercise_inputs
from workbook.render.templating import plain


def _profile(job: ClientJob) -> Any:
    """The profile, programme, firm and options every one of these reads."""
    return (
        tool_digest(),
        plain(job.client),
        plain(job.programme),
        plain(job.settings.firm),
        job.edition,
        job.language,
        job.only_stage,
    )


def _answers(job: ClientJob, history: bool) -> Any:
    current = sorted((k, a.updated, repr(a.value)) for k, a in job.answers.current.items())
    if not history:
        return current
    return current, sorted(
        (k, [(a.updated, repr(a.value)) for a in items]) for k, items in job.answers.history.items()
    )


def _task(
    key: str,
    inputs: str,
    render: Callable[[BuildContext, ClientJob], Made],
    ctx: BuildContext,
    job: ClientJob,
) -> list[Task]:
    return [Task(key, inputs, lambda: render(ctx, job))]


def plan_calendar(ctx: BuildContext, job: ClientJob) -> list[Task]:
    """The calendar reads the profile (sessions, milestones), the firm and the date."""
    if job.only_stage is not None:  # --stage builds carry it over, with its record
        return []
    inputs = digest("calendar", _profile(job), job.today)
    return _task("calendar:calendar.ics", inputs, calendar.render, ctx, job)


def plan_progress(ctx: BuildContext, job: ClientJob) -> list[Task]:
    """The progress page reads the profile, every answer with its history, its template,
    and the exercises whose ratings it charts (for their fields)."""
    if job.only_stage is not None:
        return []
    charted = sorted(e for e, ex in job.exercises.items() if ex.tracks or "rating" in ex.body)
    inputs = digest(
        "progress",
        _profile(job),
        job.today,
        template_digest(ctx, "progress.html"),
        _answers(job, history=True),
        [exercise_inputs(ctx, job, job.exercises[e]) for e in charted],
    )
    return _task("progress:progress.html", inputs, progress.render, ctx, job)


def plan_packs(ctx: BuildContext, job: ClientJob) -> list[Task]:
    """The packs read everything released: profile, exercises, answers (with history, for
    the engagement pack's charts), the pack layout and its assets, the paper size, the date."""
    if not ctx.pdf:
        return []
    assets, logo = pack.pack_assets(ctx, job)
    loaded = [("pack.css", assets.resolve("assets/pack.css")), ("logo", assets.resolve(logo or ""))]
    released = [e for v in job.stages if v.released for e in v.stage.exercises]
    inputs = digest(
        "packs",
        _profile(job),
        job.today,
        job.settings.paper,
        template_digest(ctx, "pack.html"),
        tree_digest([(name, path) for name, path in loaded if path is not None]),
        _answers(job, history=True),
        [exercise_inputs(ctx, job, job.exercises[e]) for e in released],
    )
    return _task("packs:all", inputs, pack.render, ctx, job)


CALENDAR = Output("calendar", plan_calendar)
PROGRESS = Output("progress", plan_progress)
PACKS = Output("packs", plan_packs)
