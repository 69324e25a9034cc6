"""What a client's build is planned from: the job, and every output's tasks.

Every output of a client, in order, behind the one interface of
:class:`~workbook.outputs.base.Output`: each plans its own tasks.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from workbook.check.shared import blockers
from workbook.digests import digest
from workbook.errors import Findings, Problem, SourceLocation, warning
from workbook.load import variants
from workbook.load.answers import Answers
from workbook.load.client_inputs import load_client_inputs
from workbook.load.job import ClientJob
from workbook.load.project import Project
from workbook.models import Client, Exercise
from workbook.outputs import calendar, pack, prep, progress, site
from workbook.outputs.base import ClientWork, Output, PdfJob, Task
from workbook.outputs.inputs import ClientInputs
from workbook.render.client_fields import KnownField, client_fields
from workbook.render.context import RenderContext
from workbook.render.recording import Reader

OUTPUTS: tuple[Output, ...] = (
    site.SITE,
    progress.PROGRESS,
    prep.PREP,
    calendar.CALENDAR,
    pack.PACKS,
)


def used_exercises(project: Project, programme: str) -> list[str]:
    """The exercise ids a programme (or a release, ``grow@2026-12-01``) names, sorted."""
    found = project.programme_named(programme)
    return sorted({e for s in found.stages for e in s.exercises}) if found else []


def context_for(
    project: Project, ctx: RenderContext, programme: str, language: str | None = None
) -> RenderContext:
    """The rendering context of a client's programme: the working copy's, or its release's,
    with the exercises in the client's ``language`` where any has a variant chosen."""
    release = project.releases.get(programme) if "@" in programme else None
    if release is not None:
        ctx = ctx.for_release(programme, release.exercises, release.content)
    if language is None:
        return ctx
    source = project.exercises_of(programme)
    chosen = variants.exercises_in(source, language, project.settings.language)
    taken = sorted((e, str(x.path)) for e, x in chosen.items() if x.path != source[e].path)
    if not taken:
        return ctx  # every exercise is its base file: the shared context, and its parses
    key = f"{programme}#" + digest(taken)
    return ctx.for_release(key, chosen, ctx.content_dir)


def make_job(
    project: Project,
    client: Client,
    answers: Answers,
    *,
    edition: str,
    today: dt.date,
    stage: str | None = None,
) -> ClientJob:
    """One client's job: the profile, its programme and exercises, answers, settings."""
    pid = project.programme_of(client)
    programme = project.programme_named(pid)
    assert programme is not None  # the profile was checked against it
    used = used_exercises(project, pid)
    source = project.exercises_of(pid)
    latest = project.latest_release(programme.id)
    fields, copies = earlier_fields(
        project, pid, answers, {e: source[e] for e in used if e in source}
    )
    language, firm = client.language or project.settings.language, project.settings.language
    current = {e: source[e] for e in used if e in source}
    return ClientJob(
        client=client,
        programme=variants.programme_in(programme, language, firm),
        exercises=variants.exercises_in(current, language, firm),
        answers=answers,
        settings=project.settings,
        edition=edition,
        today=today,
        only_stage=stage,
        earlier=variants.exercises_in(
            earlier_work(project, pid, answers, set(used)), language, firm
        ),
        earlier_fields=fields,
        earlier_copies=variants.exercises_in(copies, language, firm),
        latest_release=latest.name if latest is not None else None,
    )


def earlier_work(
    project: Project, pid: str, answers: Answers, used: set[str]
) -> dict[str, Exercise]:
    """Exercises holding answers that the client's programme no longer has, as they were.

    Each is taken from the newest release of the client's programme that has it
    (the words the client most likely answered), else from content/, else from
    any other release; an exercise found nowhere is left to the export.
    """
    answered = sorted({k.partition("/")[0] for k in answers.current} - used)
    if not answered:
        return {}
    base = pid.partition("@")[0]
    own = list(reversed(project.releases_of(base)))
    others = [r for r in project.releases.values() if r.programme_id != base]
    sources = [r.exercises for r in own] + [project.exercises] + [r.exercises for r in others]
    found: dict[str, Exercise] = {}
    for eid in answered:
        exercise = next((s[eid] for s in sources if eid in s), None)
        if exercise is not None:
            found[eid] = exercise
    return found


def _has_field(exercise: Exercise, field_id: str) -> bool:
    """Whether an exercise's Markdown names the field ``#field_id`` in a field's braces."""
    return re.search(r"\{[^}\n]*#" + re.escape(field_id) + r"[\s}]", exercise.body) is not None


def earlier_fields(
    project: Project, pid: str, answers: Answers, current: dict[str, Exercise]
) -> tuple[dict[str, tuple[str, ...]], dict[str, Exercise]]:
    """Answered fields whose id is gone from an exercise that stays, and where they were.

    Read from the Markdown, before personalising: a field whose id a current exercise's
    Jinja may build counts only when a release of the programme had it literally (pages
    drop any the exercise still shows). Each exercise is taken from the newest release of
    the client's programme whose copy has one of those fields; without one, the field id
    stands alone.
    """
    own = list(reversed(project.releases_of(pid.partition("@")[0])))
    fields: dict[str, list[str]] = {}
    copies: dict[str, Exercise] = {}
    for key in sorted(answers.current):
        eid, _, fid = key.partition("/")
        now = current.get(eid)
        if now is None or _has_field(now, fid):
            continue
        was = next(
            (
                r.exercises[eid]
                for r in own
                if eid in r.exercises and _has_field(r.exercises[eid], fid)
            ),
            None,
        )
        if was is None and now.has_jinja:
            continue
        fields.setdefault(eid, []).append(key)
        if was is not None:
            copies.setdefault(eid, was)
    return {e: tuple(k) for e, k in fields.items()}, copies


def plan_tasks(work: ClientWork) -> list[Task]:
    """Every output task of one client."""
    tasks = [task for output in OUTPUTS for task in output.plan(work)]
    keys = [t.key for t in tasks]
    if len(set(keys)) != len(keys):
        raise ValueError(f"two build tasks share a key in client '{work.job.client.id}'")
    return tasks


def open_client(
    project: Project,
    findings: Findings,
    ctx: RenderContext,
    cid: str,
    today: dt.date,
    *,
    edition: str = "client",
    pdf: bool = False,
) -> tuple[ClientWork | None, list[Problem]]:
    """One client's work in this process, for commands that read one workbook (answers,
    status); or the problems that stop it being known."""
    loaded = load_client_inputs(project, cid)
    if loaded.client is None:
        return None, list(loaded.problems)
    pid = project.programme_of(loaded.client)
    found = blockers(findings, cid, pid, used_exercises(project, pid)) + list(loaded.problems)
    if found:
        return None, found
    job = make_job(project, loaded.client, loaded.answers, edition=edition, today=today)
    ctx = context_for(project, ctx, pid, job.language)
    inputs = ClientInputs(job, ctx, pdf=pdf, tool="")
    return ClientWork(job, ctx, inputs), []


def known_fields(work: ClientWork) -> tuple[dict[str, KnownField], list[Problem]]:
    """Every field of the client's workbook, found by personalising each exercise."""
    reader = work.reader()
    return client_fields(work.job.programme, lambda eid: work.exercise(eid, reader))


def work_for(
    project: Project,
    client: Client,
    answers: Answers,
    ctx: RenderContext,
    today: dt.date,
    *,
    edition: str = "client",
    pdf: bool = True,
    dry: bool = False,
) -> ClientWork:
    """A client's work from a profile already in hand (no files read)."""
    job = make_job(project, client, answers, edition=edition, today=today)
    ctx = context_for(project, ctx, project.programme_of(client), job.language)
    return ClientWork(job, ctx, ClientInputs(job, ctx, pdf=pdf, tool=""), dry=dry)


def render_tasks(work: ClientWork) -> tuple[dict[str, bytes | PdfJob], list[Problem]]:
    """Every file of one client, made in memory and without the cache (PDFs left as jobs)."""
    files: dict[str, bytes | PdfJob] = {}
    problems: list[Problem] = []
    for task in plan_tasks(work):
        made, found = task.make(work.reader())
        files.update(made)
        problems += found
    return files, problems


def unshown_answers(root: Path, work: ClientWork, reader: Reader) -> list[Problem]:
    """A warning for every kept answer no page shows: its field is gone from its exercise."""
    job = work.job
    shown: set[str] = set()
    for eid in [*job.exercises, *job.earlier]:
        done, _ = work.exercise(eid, reader)
        shown.update(done.keys() if done is not None else ())
    shown.update(k for keys in job.earlier_fields.values() for k in keys)
    folder = root / "clients" / f"{job.client.id}.answers"
    return [
        warning(
            SourceLocation(folder / answer.source),
            f"client '{job.client.id}': the answer to '{key}' is on no page of the workbook "
            "(that field is no longer in the exercise)",
            "it is kept and listed by 'workbook answers export'; carry it onto a field with "
            "'workbook upgrade --map', or give the field its id back",
        )
        for key, answer in sorted(job.answers.current.items())
        if key not in shown
    ]
