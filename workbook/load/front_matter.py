"""Exercise front matter: the ``---`` block split from the body, the body's lines kept.

The head goes to mdit-py-plugins' front-matter rule (the body is not its business) and
its YAML to :func:`workbook.load.sources.load_yaml_text`, with the line offset that
keeps every problem at its line in the file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbook.errors import Problem, SourceLocation
from workbook.load.sources import load_yaml_text


@dataclass(frozen=True)
class FrontMatterSplit:
    """An exercise's front matter (loaded) and its body with the front matter blanked out.

    The body keeps one empty line per front-matter line so that line numbers in
    the body are line numbers in the file, through Jinja and Markdown alike.
    """

    meta: Any
    body: str
    problems: list[Problem]


@functools.cache
def _front() -> Any:
    """The front-matter splitter, made on first use (profiles alone never need Markdown)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("zero").use(front_matter_plugin)


def split_front_matter(text: str, path: Path) -> FrontMatterSplit:
    """Split ``---`` front matter from a Markdown file with mdit-py-plugins."""
    if not text.startswith("---"):
        return FrontMatterSplit(
            None,
            text,
            [
                Problem(
                    SourceLocation(path, 1),
                    "no front matter",
                    "start the file with '---', a 'title:' line and a closing '---'",
                )
            ],
        )
    # Only the head goes to the parser: up to the first closing '---' line, which is
    # where mdit-py-plugins' front-matter rule can end (the body is not its business).
    closing = re.search(r"^---[ \t]*$", text[3:], re.MULTILINE)
    head = text if closing is None else text[: 3 + closing.end()] + "\n"
    tokens = _front().parse(head)
    if not tokens or tokens[0].type != "front_matter" or tokens[0].map is None:
        return FrontMatterSplit(
            None,
            text,
            [
                Problem(
                    SourceLocation(path, 1),
                    "the front matter is not closed",
                    "end it with a line of '---'",
                )
            ],
        )
    end = tokens[0].map[1]
    meta, problems = load_yaml_text(tokens[0].content, path, offset=1)
    lines = text.split("\n")
    body = "\n" * end + "\n".join(lines[end:])
    return FrontMatterSplit(meta, body, problems)
