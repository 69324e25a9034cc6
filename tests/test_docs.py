"""The project's own reference stays complete and self-contained.

Three promises: every command and option of ``workbook`` is documented in
``docs/command-line.md`` under its own command (so a new option without docs
fails here); nothing in the repository points at design notes that live
outside it; and every relative link of the README and ``docs/`` leads to a file
(and heading) that exists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from workbook.cli import main

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
COMMAND_LINE = DOCS / "command-line.md"
MD = MarkdownIt("commonmark").enable("table")

# Split so that this file does not itself hold what it looks for.
OUTSIDE_REFERENCES = ("../" + "shared", "DESIGN" + ".md")
# Build output, caches and environments: not part of the repository's own files.
SKIP_DIRS = {
    ".git",
    ".hypothesis",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    ".venv",
    "__pycache__",
    "node_modules",
    "venv",
}
SKIP_TOP = {"site", "coach", ".workbook", "dist", "build"}
_WORD = re.compile(r"[a-z][a-z0-9-]*")


# ---- the command line ---------------------------------------------------------------------


def commands(command: click.Command, path: str = "workbook") -> Iterator[tuple[str, click.Command]]:
    """Every command of the click tree with its full name, the group itself first."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, f"{path} {name}")


def option_names(command: click.Command) -> list[str]:
    """The long names of a command's options (the short name when there is no long one)."""
    names = []
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        every = [*param.opts, *param.secondary_opts]
        names += [n for n in every if n.startswith("--")] or every
    return names


def heading_text(inline: Token) -> str:
    """A heading's text as GitHub shows it: code spans and emphasis reduced to their text."""
    return "".join(
        child.content for child in inline.children or [] if child.type in ("text", "code_inline")
    )


def command_sections(text: str) -> dict[str, str]:
    """``workbook build`` → the Markdown of the section whose heading is `` `workbook build …` ``.

    A section runs to the next heading of the same or a higher level, so a group's section
    holds its subcommands' sections too.
    """
    tokens = MD.parse(text)
    lines = text.splitlines()
    heads = [
        (int(tok.tag[1]), tok.map[0] if tok.map else 0, tokens[i + 1])
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]
    sections: dict[str, str] = {}
    for n, (level, start, inline) in enumerate(heads):
        code = next((c.content for c in inline.children or [] if c.type == "code_inline"), "")
        words = []
        for word in code.split():
            if not _WORD.fullmatch(word):
                break
            words.append(word)
        if not words or words[0] != "workbook":
            continue
        end = next((s for lv, s, _ in heads[n + 1 :] if lv <= level), len(lines))
        sections[" ".join(words)] = "\n".join(lines[start:end])
    return sections


def mentions(section: str, name: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", section) is not None


def test_every_command_and_option_is_documented_under_its_command() -> None:
    sections = command_sections(COMMAND_LINE.read_text(encoding="utf-8"))
    missing = []
    for path, command in commands(main):
        section = sections.get(path)
        if section is None:
            missing.append(f"no section headed `{path} …`")
            continue
        missing += [
            f"`{path}`: option {name}"
            for name in option_names(command)
            if not mentions(section, name)
        ]
    help_option = main.get_help_option(click.Context(main, **main.context_settings))
    assert help_option is not None
    missing += [
        f"`workbook`: option {name}"
        for name in help_option.opts
        if name.startswith("--") and not mentions(sections["workbook"], name)
    ]
    assert missing == [], "docs/command-line.md lacks:\n" + "\n".join(missing)


def test_every_documented_command_exists() -> None:
    known = {path for path, _ in commands(main)}
    documented = set(command_sections(COMMAND_LINE.read_text(encoding="utf-8")))
    assert documented - known == set()


def test_the_section_finder_sees_a_missing_option() -> None:
    """The check above can fail: an option absent from its own section is not found there."""
    sections = command_sections(COMMAND_LINE.read_text(encoding="utf-8"))
    assert mentions(sections["workbook build"], "--no-pdf")
    assert not mentions(sections["workbook check"], "--no-pdf")
    assert not mentions(sections["workbook build"], "--no-pd")


# ---- nothing points outside the repository -------------------------------------------------


def repository_files() -> Iterator[Path]:
    """Every file of the repository's own, skipping build output, caches and environments."""
    for folder, dirs, files in os.walk(REPO):
        here = Path(folder)
        top = here == REPO
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and not d.endswith(".egg-info")
            and not (top and d in SKIP_TOP)
            and not (here / d / "pyvenv.cfg").exists()  # a virtual environment, by any name
            and (here / d).relative_to(REPO).as_posix() != "bench/work"
        )
        for name in sorted(files):
            yield here / name


def test_no_file_refers_to_design_notes_outside_the_repository() -> None:
    found = []
    checked = 0
    for path in repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, PDFs: no text to point anywhere
        checked += 1
        for number, line in enumerate(text.splitlines(), 1):
            found += [
                f"{path.relative_to(REPO).as_posix()}:{number}: {needle}"
                for needle in OUTSIDE_REFERENCES
                if needle in line
            ]
    assert checked > 100  # the walk really read the repository
    assert found == []


# ---- relative links lead somewhere ----------------------------------------------------------


def slug(text: str) -> str:
    """GitHub's anchor for a heading: lowercased, punctuation dropped, spaces to hyphens."""
    kept = "".join(c for c in text.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    tokens = MD.parse(path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    out = set()
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            base = slug(heading_text(tokens[i + 1]))
            count = seen.get(base, 0)
            seen[base] = count + 1
            out.add(base if count == 0 else f"{base}-{count}")
    return out


def links(path: Path) -> Iterator[str]:
    """Every link and image target of a Markdown file (code blocks and spans are not links)."""
    for tok in MD.parse(path.read_text(encoding="utf-8")):
        for child in tok.children or []:
            if child.type == "link_open":
                yield str(child.attrGet("href") or "")
            elif child.type == "image":
                yield str(child.attrGet("src") or "")


def broken_links(path: Path, root: Path = REPO) -> list[str]:
    """The relative links of ``path`` that lead to no file, no heading, or out of ``root``."""
    problems = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # https:, mailto: and the like leave the repository on purpose
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(root).as_posix()}: ({target})"
        if not linked.is_relative_to(root.resolve()):
            problems.append(f"{where} leads outside the repository")
        elif not linked.exists():
            problems.append(f"{where} leads to no file")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            problems.append(f"{where} names no heading of {linked.name}")
    return problems


def markdown_pages() -> list[Path]:
    return [REPO / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_relative_links_lead_to_files_that_exist(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_is_reported(tmp_path: Path) -> None:
    """The link check can fail: a missing file, a missing heading and a way out are caught."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "profiles.md").write_text("# Profiles\n\n## The `custom` key\n")
    page = tmp_path / "docs" / "page.md"
    page.write_text(
        "# Title\n\n[ok](profiles.md#the-custom-key) [here](#title) `[code](nowhere.md)`\n\n"
        "[a](nowhere.md) [b](profiles.md#no-such-heading) [c](../../x.md) [d](#nothing)\n",
        encoding="utf-8",
    )
    assert broken_links(page, tmp_path) == [
        "docs/page.md: (nowhere.md) leads to no file",
        "docs/page.md: (profiles.md#no-such-heading) names no heading of profiles.md",
        "docs/page.md: (../../x.md) leads outside the repository",
        "docs/page.md: (#nothing) names no heading of page.md",
    ]


def test_every_reference_page_is_listed_in_the_index() -> None:
    index = {t.split("#")[0] for t in links(DOCS / "index.md")}
    pages = {p.name for p in DOCS.glob("*.md")} - {"index.md"}
    assert pages - index == set()
