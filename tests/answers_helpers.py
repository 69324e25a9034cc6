"""A small project with every field kind, goals, sessions and a repeated self-assessment.

Shared by the answers, progress, calendar and browser tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import MINI_EXERCISE, MINI_GOODBYE

PROGRAMME = """\
title: Answers Programme
summary: Two stages with every field kind.
stages:
  - id: start
    title: Getting started
    exercises: [hello, shapes, self-check]
  - id: later
    title: Later on
    exercises: [goodbye, self-check-again]
"""

SHAPES = """\
---
title: Shapes
kind: exercise
---

::: {.checklist #habits}
- Reading {#reading}
- Writing {#writing}
:::

::: {.choice #focus}
- Delegation {#delegation}
- Feedback {#feedback}
:::

::: {.table #plan columns="Step|Owner" rows=2}
What will you do?
:::
"""


def rating(title: str, tracks: str) -> str:
    return f"""\
---
title: {title}
kind: assessment
tracks: {tracks}
---

::: {{.rating #self scale=5 low="Rarely" high="Always"}}
How often?

- I listen. {{#listens}}
- I delegate. {{#delegates}}
:::
"""


CLIENT = """\
name: Alex Example
coach: {name: Casey Coach}
programme: answers
engagement:
  start: 2026-09-01
  stage: start
  sessions:
    - {date: 2026-09-08, focus: "Agreement, and first steps"}
    - {date: 2026-10-06T09:30, focus: Second session}
    - {date: 2026-12-01T14:00+01:00, focus: Third session}
goals:
  - id: delegate
    title: Delegate more
    milestones:
      - {title: Map decisions, due: 2026-10-01, done: true}
      - {title: Hand over the review, due: 2026-11-01, done: false}
      - {title: Review with sponsor, due: 2027-02-01, done: false}
"""

OTHER = """\
name: Blair Other
coach: {name: Casey Coach}
programme: answers
"""

FILES: dict[str, str | bytes] = {
    "workbook.yml": "firm: {id: testfirm, name: Test Firm}\nprogramme: answers\nrelease: all\n",
    "content/programmes/answers.yml": PROGRAMME,
    "content/exercises/hello.md": MINI_EXERCISE,
    "content/exercises/goodbye.md": MINI_GOODBYE,
    "content/exercises/shapes.md": SHAPES,
    "content/exercises/self-check.md": rating("Self check", "self-check"),
    "content/exercises/self-check-again.md": rating("Self check again", "self-check"),
    "clients/alex.yml": CLIENT,
    "clients/blair.yml": OTHER,
}


def answers_doc(answers: dict[str, Any], client: str = "alex", **extra: Any) -> dict[str, Any]:
    return {
        "format": "workbook-answers/1",
        "client": client,
        "programme": "answers",
        "exported": "2026-11-22T10:00:00Z",
        "answers": answers,
        **extra,
    }


def entry(value: Any, updated: str = "2026-11-20T18:04:00Z") -> dict[str, Any]:
    return {"value": value, "updated": updated}


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes] | None:
    """Every file under ``folder`` with its bytes, or None when the folder does not exist."""
    if not folder.exists():
        return None
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))}
