"""The curriculum's Markdown pages and its stylesheet, as MkDocs will read them.

Page chrome (headings, lists, links between pages) is written as Markdown so
MkDocs builds the navigation, the table of contents and the search index from
it and checks every link in ``--strict`` mode. Exercise bodies arrive already
rendered by the workbook's own Markdown pipeline and go in as one raw HTML
block, so an exercise looks the same here as in a client's workbook.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from workbook.models import Exercise, Programme, Stage
from workbook.outputs.inputs import KIND_LABELS

# Characters Python-Markdown treats as syntax and lets a backslash escape.
_PYMD_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!>|])")

# Selectors of workbook.css that draw exercise bodies, fields and callouts.
FIELD_SELECTORS = (
    ".field",
    ".scale-",
    ".options",
    ".rating-",
    ".table-field",
    ".table-wrap",
    ".callout",
    ".sr-only",
    ".exercise-body",
)
WRAPPER = ".wb-exercise"


def text(value: str | None) -> str:
    """Plain text as Python-Markdown inline text: HTML escaped, syntax backslashed."""
    return _PYMD_SYNTAX.sub(r"\\\1", html.escape(value or "", quote=False))


def minutes(value: int | None) -> str:
    return f"about {value} minutes" if value else ""


@dataclass(frozen=True)
class Use:
    """Where an exercise appears: a programme and one of its stages."""

    programme: Programme
    stage: Stage
    number: int


def stage_name(number: int, stage: Stage) -> str:
    """A stage page's file name inside its programme's folder: ``<nn>-<stage>.md``."""
    return f"{number:02d}-{stage.id}.md"


def stage_file(programme: Programme, number: int, stage: Stage) -> str:
    return f"{programme.id}/{stage_name(number, stage)}"


def home_page(firm_name: str, programmes: list[Programme], library: int) -> str:
    lines = [
        f"# {text(firm_name)}",
        "",
        "Our coaching programmes, stage by stage, with every exercise a client works "
        "through. Each client receives a private, personalised edition of their programme; "
        "the exercises here show how they look, with the personal details left as "
        "highlighted placeholders.",
        "",
        "## Programmes",
        "",
    ]
    for p in programmes:
        stages = f"{len(p.stages)} stage{'s' if len(p.stages) != 1 else ''}"
        summary = f": {text(p.summary)}" if p.summary else ""
        lines.append(f"- [{text(p.title)}]({p.id}/index.md) ({stages}){summary}")
    lines += [
        "",
        "## Exercise library",
        "",
        f"All {library} exercises of the programmes are in the "
        "[exercise library](exercises/index.md).",
        "",
    ]
    return "\n".join(lines)


def programme_page(programme: Programme, exercises: dict[str, Exercise]) -> str:
    lines = [f"# {text(programme.title)}", ""]
    if programme.summary:
        lines += [text(programme.summary), ""]
    lines += ["## Stages", ""]
    for number, stage in enumerate(programme.stages, 1):
        total = sum(exercises[e].minutes or 0 for e in stage.exercises)
        count = len(stage.exercises)
        meta = f"{count} exercise{'s' if count != 1 else ''}"
        if total:
            meta += f", {minutes(total)} in all"
        lines.append(f"{number}. [{text(stage.title)}]({stage_name(number, stage)}) ({meta})")
        if stage.summary:
            lines += ["", f"    {text(stage.summary)}", ""]
    lines.append("")
    return "\n".join(lines)


def stage_page(programme: Programme, number: int, exercises: dict[str, Exercise]) -> str:
    stage = programme.stages[number - 1]
    lines = [
        f"# {text(stage.title)}",
        "",
        f"*[{text(programme.title)}](index.md), stage {number} of {len(programme.stages)}*",
        "",
    ]
    if stage.summary:
        lines += [text(stage.summary), ""]
    for heading, items in (("What helps", stage.do), ("What to avoid", stage.avoid)):
        if items:
            lines += [f"## {heading}", ""] + [f"- {text(i)}" for i in items] + [""]
    lines += ["## Exercises", ""]
    for eid in stage.exercises:
        ex = exercises[eid]
        meta = ", ".join(m for m in (KIND_LABELS[ex.kind], minutes(ex.minutes)) if m)
        lines.append(f"1. [{text(ex.title)}](../exercises/{eid}.md) ({meta})")
        if ex.summary:
            lines += ["", f"    {text(ex.summary)}", ""]
    lines.append("")
    neighbours = []
    for label, n in (("Previous stage", number - 1), ("Next stage", number + 1)):
        if 1 <= n <= len(programme.stages):
            other = programme.stages[n - 1]
            neighbours.append(f"{label}: [{text(other.title)}]({stage_name(n, other)})")
    if neighbours:
        lines += [" · ".join(neighbours), ""]
    return "\n".join(lines)


def library_page(exercises: list[Exercise], uses: dict[str, list[Use]]) -> str:
    lines = [
        "# Exercise library",
        "",
        "Every exercise used in our programmes, in alphabetical order. Several appear "
        "in more than one programme, where the work is the same.",
        "",
    ]
    for ex in sorted(exercises, key=lambda e: e.title.casefold()):
        meta = ", ".join(m for m in (KIND_LABELS[ex.kind], minutes(ex.minutes)) if m)
        where = "; ".join(sorted({u.programme.title for u in uses[ex.id]}))
        lines.append(f"- [{text(ex.title)}]({ex.id}.md) ({meta}). Used in: {text(where)}.")
    lines.append("")
    return "\n".join(lines)


def exercise_page(exercise: Exercise, uses: list[Use], body_html: str) -> str:
    meta = ", ".join(m for m in (KIND_LABELS[exercise.kind], minutes(exercise.minutes)) if m)
    lines = [f"# {text(exercise.title)}", "", f"*{meta}*", ""]
    if exercise.summary:
        lines += [text(exercise.summary), ""]
    lines += ["Used in:", ""]
    for use in uses:
        target = stage_file(use.programme, use.number, use.stage)
        lines.append(
            f"- {text(use.programme.title)}, stage {use.number}: "
            f"[{text(use.stage.title)}](../{target})"
        )
    lines += [
        "",
        f'<div class="{WRAPPER[1:]}">',
        '<p class="wb-sample-note">This is how the exercise looks in a client\'s workbook. '
        'Words shown like <span class="wb-sample">[this]</span> are filled in from each '
        "client's profile; clients type their answers into the boxes.</p>",
        '<div class="exercise-body">',
        body_html.strip(),
        "</div>",
        "</div>",
        "",
    ]
    return "\n".join(lines)


# ---- the stylesheet ---------------------------------------------------------------------------


def _blocks(css: str) -> list[tuple[str, str]]:
    """Top-level ``prelude { body }`` blocks of a stylesheet, comments removed."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    blocks: list[tuple[str, str]] = []
    depth, start, prelude_start = 0, 0, 0
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                start = i
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                blocks.append((css[prelude_start:start].strip(), css[start + 1 : i].strip()))
                prelude_start = i + 1
    return blocks


def field_css(workbook_css: str) -> str:
    """The rules of the site's stylesheet that draw exercises and fields, scoped to exercises.

    Taken from the project's own ``workbook.css`` at build time, so a firm's
    restyled fields look the same in its curriculum, and the theme's own pages
    are left alone.
    """
    out = []
    for prelude, body in _blocks(workbook_css):
        if prelude.startswith("@"):
            continue
        if prelude == ":root":
            out.append(f"{WRAPPER} {{ {body} }}")
            continue
        selectors = [s.strip() for s in prelude.split(",")]
        if selectors and all(any(k in s for k in FIELD_SELECTORS) for s in selectors):
            scoped = ", ".join(f"{WRAPPER} {s}" for s in selectors)
            out.append(f"{scoped} {{ {body} }}")
    return "\n".join(out) + "\n"


def _rgb(colour: str) -> str:
    """``#1f4e79`` (or ``#abc``) → ``31, 78, 121``, for Bootstrap's ``--bs-*-rgb`` variables."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return ", ".join(str(int(digits[i : i + 2], 16)) for i in (0, 2, 4))


def theme_css(primary: str, accent: str) -> str:
    """The firm's colours on the built-in themes, and the look of sample placeholders."""
    rgb = _rgb(primary)
    return f"""\
:root {{ --wb-primary: {primary}; --wb-accent: {accent}; }}
{WRAPPER} {{ --primary: {primary}; --accent: {accent}; }}
/* mkdocs theme (Bootstrap) */
:root {{ --bs-primary-rgb: {rgb}; --bs-link-color-rgb: {rgb}; --bs-link-hover-color-rgb: {rgb}; }}
.navbar.bg-primary {{ background-color: {primary} !important; background-image: none !important; }}
/* readthedocs theme */
.wy-side-nav-search, .wy-nav-top {{ background-color: {primary}; }}
.wb-sample {{
  background: color-mix(in srgb, {accent} 22%, transparent);
  border-bottom: 1px dotted {primary}; padding: 0 0.15em; border-radius: 3px;
}}
.wb-sample-note {{ font-size: 0.9em; opacity: 0.85; border-left: 4px solid {accent};
  padding: 0.3rem 0.8rem; margin: 1rem 0 1.5rem; }}
{WRAPPER} table {{ width: 100%; }}
{WRAPPER} .field textarea, {WRAPPER} .field input[type="text"] {{ max-width: 100%; }}
"""
