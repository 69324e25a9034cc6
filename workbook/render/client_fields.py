"""The fields a client's workbook has: known only after personalising each exercise.

A field id may be made by Jinja (one prompt per goal), so the list of fields
is a property of one client, found by rendering their exercises exactly as
the site does. Import checks answers against it; export marks answers to
fields that no longer exist; the progress page reads ratings' scales from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbook.errors import Problem
from workbook.load.job import BuildContext, ClientJob
from workbook.models import Field
from workbook.render.personalise import client_context


@dataclass(frozen=True)
class KnownField:
    """A field as it stands in one client's workbook, with where it lives."""

    key: str  # "exercise-id/field-id"
    field: Field
    exercise: str
    stage: str
    order: int  # position in the programme: stages, exercises, fields


def client_fields(
    ctx: BuildContext, job: ClientJob, only: Iterable[str] | None = None
) -> tuple[dict[str, KnownField], list[Problem]]:
    """Every field of the client's programme (every stage, released or not), in order.

    ``only`` limits the work to some exercise ids. Problems are those of
    personalisation (an exercise that cannot be rendered for this client).
    """
    wanted = set(only) if only is not None else None
    context = client_context(job.client, job.settings.firm, job.programme, job.answers, job.today)
    found: dict[str, KnownField] = {}
    problems: list[Problem] = []
    order = 0
    for stage in job.programme.stages:
        for eid in stage.exercises:
            if wanted is not None and eid not in wanted:
                continue
            exercise = job.exercises[eid]
            page, trouble = ctx.personaliser.page(
                exercise,
                context,
                stage,
                edition=job.edition,
                values=job.answers.for_exercise(eid),
            )
            problems += trouble
            for field in page.fields if page is not None else ():
                key = f"{eid}/{field.id}"
                found[key] = KnownField(key, field, eid, stage.id, order)
                order += 1
    return found, problems
