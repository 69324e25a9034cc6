"""``clients/<id>.answers/upgrades.yml``: what ``workbook upgrade --apply`` decided for answers.

The answers files a client sent are kept unchanged; when a new release renames
a field, the coach's choice is written here instead, beside them, and read
back every time the answers are loaded:

    format: workbook-upgrades/1
    upgrades:
      - from: grow@2026-12-01
        to: grow@2027-01-15
        date: "2027-01-15"
        map: {"about-you/strengths": "about-you/at-your-best"}
        keep: ["values/old-question"]

``map`` carries an answer onto the new field (its whole history, the newest
value current); ``keep`` records that an answer stays where it was, shown
as earlier work or in the export. Nothing is ever removed from the answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbook.errors import Problem, SourceLocation
from workbook.load.answers import Answers
from workbook.load.sources import YList, YMap, load_yaml_file

NAME = "upgrades.yml"
FORMAT = "workbook-upgrades/1"


def read(folder: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The recorded upgrades, oldest first; a file that is not one is a located problem."""
    path = folder / NAME
    if not path.is_file():
        return [], []
    data, problems = load_yaml_file(path)
    if problems:
        return [], problems
    entries = data.get("upgrades") if isinstance(data, YMap) else None
    if not isinstance(data, YMap) or data.get("format") != FORMAT or not isinstance(entries, YList):
        return [], [
            Problem(
                SourceLocation(path, 1),
                f"not a {FORMAT} file",
                "this file is written by 'workbook upgrade --apply'; restore it from a backup",
            )
        ]
    out = []
    for entry in entries:
        maps = entry.get("map") if isinstance(entry, YMap) else None
        if not isinstance(entry, YMap) or not isinstance(maps, YMap | type(None)):
            return [], [
                Problem(
                    SourceLocation(path, getattr(entry, "line", 1)),
                    "an upgrade should be a mapping with from, to, map and keep",
                    "restore the file as 'workbook upgrade --apply' wrote it",
                )
            ]
        keep = entry.get("keep")
        out.append(
            {
                "from": str(entry.get("from", "")),
                "to": str(entry.get("to", "")),
                "date": str(entry.get("date", "")),
                "map": {str(k): str(v) for k, v in (maps or {}).items()},
                "keep": [str(k) for k in keep] if isinstance(keep, YList) else [],
            }
        )
    return out, []


def carry(answers: Answers, upgrades: list[dict[str, Any]]) -> Answers:
    """The answers with each mapping applied in turn: old field's answers become the new's."""
    for upgrade in upgrades:
        for old, new in upgrade["map"].items():
            moved = answers.history.get(old, [])
            if not moved:
                continue
            merged = sorted(
                [*answers.history.get(new, []), *moved], key=lambda a: (a.when, a.source)
            )
            answers.history[new] = merged
            answers.current[new] = merged[-1]
            answers.current.pop(old, None)
    return answers


def entry_text(upgrade: dict[str, Any]) -> str:
    """One upgrade as the YAML lines appended to the file (quoted: keys hold slashes)."""
    lines = [
        f'  - from: "{upgrade["from"]}"',
        f'    to: "{upgrade["to"]}"',
        f'    date: "{upgrade["date"]}"',
    ]
    maps = ", ".join(f'"{k}": "{v}"' for k, v in sorted(upgrade["map"].items()))
    keeps = ", ".join(f'"{k}"' for k in sorted(upgrade["keep"]))
    lines += [f"    map: {{{maps}}}", f"    keep: [{keeps}]"]
    return "\n".join(lines) + "\n"


def header() -> str:
    return (
        "# Written by 'workbook upgrade --apply': how answers were carried between releases.\n"
        "# The answers files beside this one are never changed.\n"
        f"format: {FORMAT}\n"
        "upgrades:\n"
    )
