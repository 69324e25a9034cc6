"""``workbook status``: every client at a glance in the terminal, or as JSON for scripts.

The values are the desk's (:func:`workbook.outputs.summary.summarise`, the
same function over the same inputs), so the page and the terminal agree. The
table fits the terminal's width: long cells are shortened with an ellipsis,
and on a narrow terminal the columns that matter least are left out. Colour
is used only on a TTY, and never when ``NO_COLOR`` is set (no-color.org).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from workbook.build.plan import open_client
from workbook.check.shared import check_shared
from workbook.errors import Problem, UsageProblem
from workbook.load.environ import build_date
from workbook.load.project import load_project
from workbook.outputs.summary import summarise
from workbook.render.bytecode import bytecode_cache
from workbook.render.context import RenderContext
from workbook.render.templating import short_day

# the columns, in the order they are dropped when the terminal is too narrow (last first)
COLUMNS = ("client", "stage", "exercises", "next", "overdue", "answers", "coach")
HEADINGS = {
    "client": "Client",
    "stage": "Stage",
    "exercises": "Answered",
    "next": "Next session",
    "overdue": "Past due",
    "answers": "Answers back",
    "coach": "Coach",
}
# the cells that may be shortened, in this order, and how narrow each may get
SHRINKS = {"next": 16, "coach": 10, "client": 12}


@dataclass
class Status:
    """Every readable client's summary (sorted by name), and the problems of the others."""

    today: dt.date
    clients: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": "workbook-status/1",
            "today": self.today.isoformat(),
            "clients": self.clients,
            "unreadable": sorted({p.where.path.stem for p in self.problems if p.where.path}),
        }


def gather(root: Path, today: dt.date | None, coach: str | None) -> Status:
    """Each client's summary, as the coach's desk would show it."""
    project = load_project(root)
    ctx = RenderContext(
        project.root, tuple(project.template_dirs), project.exercises, bytecode_cache()
    )
    findings = project.findings + check_shared(project, ctx)
    status = Status(build_date(today))
    for cid in sorted(project.client_files):
        work, problems = open_client(project, findings, ctx, cid, status.today, edition="coach")
        if work is None:
            status.problems += problems
            continue
        status.clients.append(summarise(work, work.reader()))
    if coach is not None:
        known = sorted({c["coach"] for c in status.clients})
        status.clients = [c for c in status.clients if c["coach"].casefold() == coach.casefold()]
        if not status.clients:
            coaches = ", ".join(known) or "none"
            raise UsageProblem(f"--coach: no client has the coach '{coach}' — coaches: {coaches}")
    status.clients.sort(key=lambda c: (c["name"].casefold(), c["id"]))
    return status


def cells(summary: dict[str, Any]) -> dict[str, str]:
    """One client's row as text."""
    s = summary["next_session"]
    nxt = "none planned"
    if s:
        nxt = short_day(s["date"]) + (f" {s['time']}" if s["time"] else "")
        if s["focus"]:
            nxt += f" · {s['focus']}"
    ex = summary["exercises"]
    return {
        "client": summary["name"],
        "stage": f"{summary['stage']['number']}/{summary['stage']['of']}",
        "exercises": f"{ex['answered']}/{ex['total']} ({ex['started']} started)",
        "next": nxt,
        "overdue": str(len(summary["overdue"])) if summary["overdue"] else "–",
        "answers": short_day(summary["last_answers"]) if summary["last_answers"] else "none yet",
        "coach": summary["coach"],
    }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def layout(rows: list[dict[str, str]], width: int) -> tuple[list[str], dict[str, int]]:
    """The columns shown and their widths, so that every line fits in ``width``."""
    shown = list(COLUMNS)
    while True:
        widths = {c: max(len(HEADINGS[c]), *(len(r[c]) for r in rows)) for c in shown}
        spare = width - 2 - sum(widths.values()) - 2 * (len(shown) - 1)  # "! " and gaps
        for c, least in SHRINKS.items():
            if spare >= 0:
                break
            if c in widths:
                floor = max(len(HEADINGS[c]), least)
                take = min(widths[c] - floor, -spare)
                if take > 0:
                    widths[c] -= take
                    spare += take
        if spare >= 0 or len(shown) <= 2:
            return shown, widths
        shown.pop()


def coloured(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def table(status: Status, width: int, colour: bool) -> str:
    """The terminal table: a heading line, then a line per client; ``!`` marks attention."""
    rows = [cells(c) for c in status.clients]
    if not rows:
        return "No clients yet: add one with `workbook new client NAME`.\n"
    shown, widths = layout(rows, width)
    bold, warn, off = ("\x1b[1m", "\x1b[33m", "\x1b[0m") if colour else ("", "", "")
    out = [bold + "  " + "  ".join(HEADINGS[c].ljust(widths[c]) for c in shown).rstrip() + off]
    for summary, row in zip(status.clients, rows, strict=True):
        mark = "! " if summary["attention"] else "  "
        line = "  ".join(_cut(row[c], widths[c]).ljust(widths[c]) for c in shown).rstrip()
        out.append((warn + mark + off if summary["attention"] and colour else mark) + line)
    needing = [c for c in status.clients if c["attention"]]
    if needing:
        out.append("")
        for c in needing:
            out.append(_cut(f"! {c['name']}: {'; '.join(c['attention'])}", width))
    return "\n".join(out) + "\n"
