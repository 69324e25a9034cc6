"""Parse once what does not depend on the client: Markdown split into blocks, each parsed once.

After Jinja, most of an exercise's Markdown is the same for every client:
only the paragraphs that print a name, a goal or an answer differ. So the
personalised text is cut into runs of top-level blocks at places where
CommonMark cannot carry anything across (a blank line followed by a line at
the margin that is neither a list item nor inside a fence or a ``:::``
block), and each run is parsed once per process and reused for every client
whose text has the same run at the same line. A text with link reference
definitions (which reach across the document) is parsed whole.

Parsing the runs gives the same tokens, fields, lines and problems as parsing
the whole text; ``tests/test_chunks.py`` checks that on generated Markdown and
on every page of the example project.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

from markdown_it.token import Token

from workbook.render import markdown

_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^ {0,3}:{3,}\s*\S")
_DIV_CLOSE = re.compile(r"^ {0,3}:{3,}\s*$")
_LIST_ITEM = re.compile(r"^(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
MAX_ENTRIES = 4096  # runs kept per process: client-specific runs are evicted, shared ones stay


def split(text: str) -> list[tuple[int, str]]:
    """``text`` as (first line, run of blocks) pairs; one pair when it cannot be cut safely."""
    if _REFERENCE.search(text):
        return [(0, text)]
    lines = text.split("\n")
    runs: list[tuple[int, str]] = []
    start = 0
    fence: str | None = None
    in_div = False
    for i, line in enumerate(lines):
        if (
            i > start
            and fence is None
            and not in_div
            and lines[i - 1].strip() == ""
            and line[:1] not in ("", " ", "\t")
            and not _LIST_ITEM.match(line)
        ):
            runs.append((start, "\n".join(lines[start:i])))
            start = i
        if in_div:
            in_div = not _DIV_CLOSE.match(line)
        elif fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
        elif m := _FENCE.match(line):
            fence = m.group(1)
        elif _DIV_OPEN.match(line):
            in_div = True
    runs.append((start, "\n".join(lines[start:])))
    return runs


class ChunkParser:
    """Parses personalised exercise Markdown run by run, remembering runs seen before."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.seen: OrderedDict[tuple[str, int, str], tuple[list[Token], markdown.ParseReport]]
        self.seen = OrderedDict()
        self.hits = 0
        self.misses = 0

    def parse(
        self, text: str, path: Path, exercise: str
    ) -> tuple[list[Token], markdown.ParseReport]:
        """The same result as ``markdown.parse(text, path, exercise)``, mostly from memory."""
        runs = split(text)
        if len(runs) == 1:
            return markdown.parse(text, path, exercise)
        tokens: list[Token] = []
        report = markdown.ParseReport(path)
        for start, run in runs:
            key = (exercise, start, run)
            found = self.seen.get(key)
            if found is None or found[1].path != path:
                self.misses += 1
                found = markdown.parse("\n" * start + run, path, exercise)
                self.seen[key] = found
                if len(self.seen) > self.max_entries:
                    self.seen.popitem(last=False)
            else:
                self.hits += 1
                self.seen.move_to_end(key)
            tokens += found[0]
            report.fields += found[1].fields
            report.problems += found[1].problems
        if report.problems or len({f.id for f in report.fields}) != len(report.fields):
            return markdown.parse(text, path, exercise)  # problems: exactly as a whole parse
        return tokens, report
