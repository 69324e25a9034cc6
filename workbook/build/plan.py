"""What a client's build is planned from: the job, and every output's tasks.

Every output of a client, in order, behind the one interface of
:class:`~workbook.outputs.base.Output`: each plans its own tasks.
"""

from __future__ import annotations

import datetime as dt

from workbook.check.shared import blockers
from workbook.errors import Findings, Problem
from workbook.load.answers import Answers
from workbook.load.job import ClientJob
from workbook.load.project import Project, load_client_inputs
from workbook.models import Client
from workbook.outputs import calendar, pack, progress, site
from workbook.outputs.base import ClientWork, Output, PdfJob, Task
from workbook.outputs.inputs import ClientInputs
from workbook.render.client_fields import KnownField, client_fields
from workbook.render.context import RenderContext

OUTPUTS: tuple[Output, ...] = (site.SITE, progress.PROGRESS, calendar.CALENDAR, pack.PACKS)


def used_exercises(project: Project, programme: str) -> list[str]:
    """The exercise ids a programme names, sorted."""
    found = project.programmes.get(programme)
    return sorted({e for s in found.stages for e in s.exercises}) if found else []


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
    programme = project.programmes[pid]
    used = used_exercises(project, pid)
    return ClientJob(
        client=client,
        programme=programme,
        exercises={e: project.exercises[e] for e in used if e in project.exercises},
        answers=answers,
        settings=project.settings,
        edition=edition,
        today=today,
        only_stage=stage,
    )


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
