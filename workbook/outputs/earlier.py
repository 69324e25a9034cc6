"""Answers to fields gone from an exercise that stays in the programme, as Earlier work.

When a field's id changes, the exercise stays on its page but the old answer has no
field to show it. It is shown read-only under Earlier work instead: each answer with the
question it had in the newest release whose copy of the exercise has the field (the words
the client most likely answered), else under its field id alone. Only answers that no
current page shows are listed, so nothing appears twice.
"""

from __future__ import annotations

from typing import Any

from workbook.errors import Problem
from workbook.outputs.base import ClientWork
from workbook.outputs.export import value_text
from workbook.render.client_fields import KnownField
from workbook.render.recording import Reader


def gone_answers(
    work: ClientWork, entry: dict[str, Any], reader: Reader
) -> tuple[list[dict[str, str]], list[Problem]]:
    """Each answer of ``entry["fields"]`` no page shows: its key, question and answer."""
    eid = entry["id"]
    now, _ = work.exercise(eid, reader)  # its own page reports its problems
    problems: list[Problem] = []
    shown = set(now.keys()) if now is not None else set()
    labels: dict[str, tuple[str, dict[str, str]]] = {}
    if entry["copy"]:
        was, found = work.exercise(eid, reader, was=True)
        problems += found
        labels = was.labels() if was is not None else {}
    values = reader.get(f"answers:{eid}")
    out = []
    for key in entry["fields"]:
        fid = key.partition("/")[2]
        if key in shown or fid not in values:
            continue
        question, items = labels.get(fid, (fid, {}))
        out.append({"key": key, "question": question or fid, "answer": _answer(values[fid], items)})
    return out, problems


def _answer(value: Any, items: dict[str, str]) -> str:
    """An answer as plain text, its items (ratings, checklists) by their words."""
    if isinstance(value, dict):
        value = {items.get(str(k), k): v for k, v in value.items()}
    elif isinstance(value, list) and not any(isinstance(v, list) for v in value):
        value = [items.get(str(v), v) for v in value]
    return value_text(value)


def earlier_known(work: ClientWork) -> dict[str, KnownField]:
    """Each answered field of earlier work as its kept copy has it, for the export's words.

    An exercise gone from the programme is read as Earlier work shows it; a field gone from
    an exercise that stays, from the copy it was answered in. A field no copy has stays
    unknown (the export names it by its id). ``order`` runs over exercises by id, then
    fields as the copy has them, so earlier work reads in the order the pages show it.
    """
    job = work.job
    reader = work.reader()
    wanted = {eid: (None, False) for eid in job.earlier} | {
        eid: (set(keys), True)
        for eid, keys in job.earlier_fields.items()
        if eid in job.earlier_copies
    }
    found: dict[str, KnownField] = {}
    for eid in sorted(wanted):
        keys, was = wanted[eid]
        done, _ = work.exercise(eid, reader, was=was)  # its page reports its problems
        if done is None:
            continue
        labels = done.labels()
        stage = job.stage_of(eid).stage.id
        for field in done.fields:
            key = f"{eid}/{field.id}"
            if keys is not None and key not in keys:
                continue
            asked, items = labels.get(field.id, ("", {}))
            found[key] = KnownField(key, field, eid, stage, len(found), asked, tuple(items.items()))
    return found
