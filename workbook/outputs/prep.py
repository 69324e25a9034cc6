"""``next-session.html``: what a coach reads five minutes before the call (coach edition only).

The page gathers the next session (when, where, how long, its focus), the
milestones past due and coming, the answers that came back since the last
session (by their ``updated``), each score's latest movement, and the coach's
own notes from the profile (``coach_notes``). Those notes exist in the coach
edition alone: this output plans nothing for the client edition, and the
client edition's ``client`` input has them removed
(:mod:`workbook.outputs.inputs`), so no layout or exercise can print them there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from workbook.load.answers import Answer, Answers
from workbook.outputs.base import ClientWork, Made, Output, Task
from workbook.outputs.summary import summarise
from workbook.render.recording import Reader

SHOWN_CHARS = 600  # of one answer's text: the page is a glance; the answers export has it all


def shown_value(value: Any) -> str:
    """An answer as short plain text: a prompt's words, a scale's number, ticks, scores, cells."""
    if isinstance(value, str):
        text = " ".join(value.split())
    elif isinstance(value, list):
        text = "; ".join(
            " | ".join(str(c) for c in v) if isinstance(v, list) else str(v) for v in value
        )
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {v}" for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def changed_since(
    answers: Answers, since: dt.date | None, titles: dict[str, str]
) -> list[dict[str, Any]]:
    """The current answers updated after ``since`` (every one when there is no last session)."""
    out = []
    for key, answer in sorted(answers.current.items(), key=lambda kv: kv[1].when, reverse=True):
        if since is not None and answer.when.date() < since:
            continue
        exercise, _, field = key.partition("/")
        out.append(_row(exercise, field, answer, titles))
    return out


def _row(exercise: str, field: str, answer: Answer, titles: dict[str, str]) -> dict[str, Any]:
    return {
        "exercise": titles.get(exercise, exercise),
        "field": field,
        "when": answer.when.date().isoformat(),
        "text": shown_value(answer.value),
    }


def render(work: ClientWork, reader: Reader) -> Made:
    """The preparation page, from the client's summary and answers."""
    glance = summarise(work, reader)
    answers: Answers = reader.get("history")
    titles = {eid: reader.get(f"exercise:{eid}").title for eid in sorted(work.job.exercises)}
    last = dt.date.fromisoformat(glance["last_session"]) if glance["last_session"] else None
    notes = reader.get("client")["coach_notes"]
    return work.render_page(
        reader,
        "next-session.html",
        "next-session.html",
        page_title=reader.get("words").gettext("Preparing the next session"),
        glance=glance,
        changed=changed_since(answers, last, titles),
        notes=[p.strip() for p in notes.split("\n\n") if p.strip()] if notes else [],
    )


def plan(work: ClientWork) -> list[Task]:
    """Only in the coach edition (and not for a ``--stage`` build)."""
    if work.job.edition != "coach" or work.job.only_stage is not None:
        return []
    return [Task("page:next-session.html", lambda reader: render(work, reader))]


PREP = Output("prep", plan)
