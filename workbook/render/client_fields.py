"""The fields a client's workbook has: known only after personalising each exercise.

A field id may be made by Jinja (one prompt per goal), so the list of fields
is a property of one client, found by personalising their exercises exactly
as the site does. Import checks answers against it; export marks answers to
fields that no longer exist; the progress page reads ratings' scales from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from workbook.errors import Problem
from workbook.models import Field, Programme
from workbook.render.personalise import Personalised


@dataclass(frozen=True)
class KnownField:
    """A field as it stands in one client's workbook, with where it lives."""

    key: str  # "exercise-id/field-id"
    field: Field
    exercise: str
    stage: str
    order: int  # position in the programme: stages, exercises, fields
    question: str = ""  # the question, as plain words
    items: tuple[tuple[str, str], ...] = ()  # each item's key and plain words

    def item_text(self, key: str) -> str:
        return dict(self.items).get(key, key)


def client_fields(
    programme: Programme,
    personalise: Callable[[str], tuple[Personalised | None, list[Problem]]],
    only: Iterable[str] | None = None,
) -> tuple[dict[str, KnownField], list[Problem]]:
    """Every field of the client's programme (every stage, released or not), in order.

    ``personalise`` gives an exercise as this client sees it; ``only`` limits the
    work to some exercise ids. Problems are those of personalisation.
    """
    wanted = set(only) if only is not None else None
    found: dict[str, KnownField] = {}
    problems: list[Problem] = []
    order = 0
    for stage in programme.stages:
        for eid in stage.exercises:
            if wanted is not None and eid not in wanted:
                continue
            done, trouble = personalise(eid)
            problems += trouble
            labels = done.labels() if done is not None else {}
            for field in done.fields if done is not None else ():
                key = f"{eid}/{field.id}"
                asked, items = labels.get(field.id, ("", {}))
                found[key] = KnownField(
                    key, field, eid, stage.id, order, asked, tuple(items.items())
                )
                order += 1
    return found, problems
