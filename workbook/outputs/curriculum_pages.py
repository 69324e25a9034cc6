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
from gettext import NullTranslations
from typing import Protocol

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


class Words(Protocol):
    """A gettext-style catalog (``gettext.NullTranslations`` and its kin): the pages' own words."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


# Words in the curriculum's own language when no catalog is given: English, as written here.
ENGLISH: Words = NullTranslations()


def minutes(value: int | None, words: Words = ENGLISH) -> str:
    if not value:
        return ""
    return words.ngettext("about {n} minute", "about {n} minutes", value).format(n=value)


def _meta(ex: Exercise, words: Words) -> str:
    """``Exercise, about 20 minutes``: the kind and length of an exercise."""
    kind = words.gettext(KIND_LABELS[ex.kind])
    return ", ".join(m for m in (kind, minutes(ex.minutes, words)) if m)


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


def home_page(
    firm_name: str, programmes: list[Programme], library: int, words: Words = ENGLISH
) -> str:
    _ = words.gettext
    lines = [
        f"# {text(firm_name)}",
        "",
        text(
            _(
                "Our coaching programmes, stage by stage, with every exercise a client works "
                "through. Each client receives a private, personalised edition of their "
                "programme; the exercises here show how they look, with the personal details "
                "left as highlighted placeholders."
            )
        ),
        "",
        "## " + text(_("Programmes")),
        "",
    ]
    for p in programmes:
        n = len(p.stages)
        stages = words.ngettext("{n} stage", "{n} stages", n).format(n=n)
        link = f"[{text(p.title)}]({p.id}/index.md)"
        if p.summary:  # the colon as the language sets it ("… (6 étapes) : …" in French)
            line = _("{programme} ({stages}): {summary}").format(
                programme=link, stages=text(stages), summary=text(p.summary)
            )
        else:
            line = f"{link} ({text(stages)})"
        lines.append(f"- {line}")
    before, link, after = _split(
        words.ngettext(
            "All {n} exercise of the programmes is in the [exercise library].",
            "All {n} exercises of the programmes are in the [exercise library].",
            library,
        ).format(n=library)
    )
    lines += [
        "",
        "## " + text(_("Exercise library")),
        "",
        f"{text(before)}[{text(link)}](exercises/index.md){text(after)}",
        "",
    ]
    return "\n".join(lines)


def _split(sentence: str) -> tuple[str, str, str]:
    """``All 3 … in the [exercise library].`` → the text before, inside and after the brackets.

    A translation keeps the brackets around the words that link; one that lost
    them links the whole sentence rather than none of it.
    """
    match = re.fullmatch(r"(.*)\[(.+)\](.*)", sentence, re.S)
    return (match.group(1), match.group(2), match.group(3)) if match else ("", sentence, "")


def programme_page(
    programme: Programme, exercises: dict[str, Exercise], words: Words = ENGLISH
) -> str:
    lines = [f"# {text(programme.title)}", ""]
    if programme.summary:
        lines += [text(programme.summary), ""]
    lines += ["## " + text(words.gettext("Stages")), ""]
    for number, stage in enumerate(programme.stages, 1):
        total = sum(exercises[e].minutes or 0 for e in stage.exercises)
        count = len(stage.exercises)
        meta = words.ngettext("{n} exercise", "{n} exercises", count).format(n=count)
        if total:
            meta = words.gettext("{exercises}, {minutes} in all").format(
                exercises=meta, minutes=minutes(total, words)
            )
        lines.append(f"{number}. [{text(stage.title)}]({stage_name(number, stage)}) ({text(meta)})")
        if stage.summary:
            lines += ["", f"    {text(stage.summary)}", ""]
    lines.append("")
    return "\n".join(lines)


def stage_page(
    programme: Programme, number: int, exercises: dict[str, Exercise], words: Words = ENGLISH
) -> str:
    _ = words.gettext
    stage = programme.stages[number - 1]
    of = _("stage {number} of {total}").format(number=number, total=len(programme.stages))
    lines = [
        f"# {text(stage.title)}",
        "",
        f"*[{text(programme.title)}](index.md), {text(of)}*",
        "",
    ]
    if stage.summary:
        lines += [text(stage.summary), ""]
    for heading, items in ((_("What helps"), stage.do), (_("What to avoid"), stage.avoid)):
        if items:
            lines += [f"## {text(heading)}", ""] + [f"- {text(i)}" for i in items] + [""]
    lines += ["## " + text(_("Exercises")), ""]
    for eid in stage.exercises:
        ex = exercises[eid]
        lines.append(f"1. [{text(ex.title)}](../exercises/{eid}.md) ({text(_meta(ex, words))})")
        if ex.summary:
            lines += ["", f"    {text(ex.summary)}", ""]
    lines.append("")
    neighbours = []
    for label, n in ((_("Previous stage"), number - 1), (_("Next stage"), number + 1)):
        if 1 <= n <= len(programme.stages):
            other = programme.stages[n - 1]
            neighbours.append(f"{text(label)}: [{text(other.title)}]({stage_name(n, other)})")
    if neighbours:
        lines += [" · ".join(neighbours), ""]
    return "\n".join(lines)


def library_page(
    exercises: list[Exercise], uses: dict[str, list[Use]], words: Words = ENGLISH
) -> str:
    _ = words.gettext
    lines = [
        "# " + text(_("Exercise library")),
        "",
        text(
            _(
                "Every exercise used in our programmes, in alphabetical order. Several appear "
                "in more than one programme, where the work is the same."
            )
        ),
        "",
    ]
    for ex in sorted(exercises, key=lambda e: e.title.casefold()):
        where = "; ".join(sorted({u.programme.title for u in uses[ex.id]}))
        used = _("Used in: {programmes}.").format(programmes=where)
        lines.append(f"- [{text(ex.title)}]({ex.id}.md) ({text(_meta(ex, words))}). {text(used)}")
    lines.append("")
    return "\n".join(lines)


def exercise_page(
    exercise: Exercise, uses: list[Use], body_html: str, words: Words = ENGLISH
) -> str:
    _ = words.gettext
    lines = [f"# {text(exercise.title)}", "", f"*{text(_meta(exercise, words))}*", ""]
    if exercise.summary:
        lines += [text(exercise.summary), ""]
    lines += [text(_("Used in:")), ""]
    for use in uses:
        target = stage_file(use.programme, use.number, use.stage)
        where = _("{programme}, stage {number}:").format(
            programme=use.programme.title, number=use.number
        )
        lines.append(f"- {text(where)} [{text(use.stage.title)}](../{target})")
    note = (
        html.escape(
            _(
                "This is how the exercise looks in a client's workbook. Words shown like "
                "[this] are filled in from each client's profile; clients type their answers "
                "into the boxes."
            ),
            quote=False,
        )
        .replace("[", '<span class="wb-sample">[', 1)
        .replace("]", "]</span>", 1)
    )
    lines += [
        "",
        f'<div class="{WRAPPER[1:]}">',
        f'<p class="wb-sample-note">{note}</p>',
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
