"""The one Markdown engine: CommonMark with tables, raw HTML off, fenced divs for fields.

Fenced divs (``::: {.prompt #id lines=6}`` … ``:::``) are parsed by a small block
rule of our own, because no existing plugin reads Pandoc's attribute syntax;
divs do not nest. A core rule then folds each div's tokens into one ``field``,
``callout`` or ``coach`` token, so the renderer can draw a form control and the
coach-only blocks can be dropped from the client edition at render time (the
token stream itself is the same for both editions, so it can be parsed once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from workbook.errors import Problem, SourceLocation
from workbook.render import controls, fields, paper
from workbook.render.i18n import ENGLISH, N_

CALLOUTS = ("note", "tip", "warning")
MAX_TABLE_CELLS = 50_000  # a bigger table takes seconds to parse, and is no exercise
_CALLOUTS = {"note": N_("Note"), "tip": N_("Tip"), "warning": N_("Warning")}
_OPEN = re.compile(r"^(:{3,})\s*(.*?)\s*$")
_CLOSE = re.compile(r"^:{3,}\s*$")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def safe_url(url: str) -> bool:
    """Links may go to https:, mailto:, in-page anchors and relative paths, nothing else."""
    url = url.strip()
    scheme = _SCHEME.match(url)
    if scheme:
        return scheme.group(1).lower() in ("https", "mailto")
    return not url.startswith(("/", "\\"))


@dataclass
class ParseReport:
    """What one parse found: fields in order and problems, located in the exercise's file."""

    path: Path
    fields: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, what: str, fix: str = "") -> None:
        self.problems.append(Problem(SourceLocation(self.path, line), what, fix))


def _div_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    pos = state.bMarks[start] + state.tShift[start]
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    line = state.src[pos : state.eMarks[start]]
    match = _OPEN.match(line)
    if not match or not match.group(2):
        return False
    if silent:
        return True
    spec = match.group(2)
    close = start + 1
    while close < end:
        text = state.src[state.bMarks[close] + state.tShift[close] : state.eMarks[close]]
        if _CLOSE.match(text) and state.sCount[close] - state.blkIndent < 4:
            break
        close += 1
    opened = state.push("div_open", "div", 1)
    opened.info = spec
    opened.map = [start, close]
    opened.meta = {"closed": close < end}
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "blockquote"  # stop paragraphs at the fence
    state.lineMax = close
    state.md.block.tokenize(state, start + 1, close)
    state.parentType, state.lineMax = old_parent, old_max
    state.push("div_close", "div", -1)
    state.line = min(close + 1, end)
    return True


def _fold_divs(state: StateCore) -> None:
    """Replace each div's token run with one token the renderer understands."""
    report: ParseReport | None = state.env.get("report")
    exercise = state.env.get("exercise", "")
    out: list[Token] = []
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type != "div_open":
            out.append(tok)
            i += 1
            continue
        depth, j = 1, i + 1
        while j < len(tokens) and depth:
            depth += {"div_open": 1, "div_close": -1}.get(tokens[j].type, 0)
            j += 1
        inner = tokens[i + 1 : j - 1]
        line = (tok.map[0] + 1) if tok.map else 0
        if report is not None and not tok.meta.get("closed"):
            report.add(line, "this ':::' block is never closed", "end it with a line of ':::'")
        if any(t.type == "div_open" for t in inner) and report is not None:
            report.add(
                line,
                "':::' blocks cannot be nested",
                "close the first block before opening the next",
            )
        if state.env.get("static") and ("{{" in tok.info or "{%" in tok.info):
            skipped = Token("field", "div", 0)
            skipped.meta = {"parsed": None}
            out.append(skipped)
        else:
            out.append(_folded(tok.info, inner, line, exercise, report))
        i = j
    state.tokens = out


def _folded(
    spec: str, inner: list[Token], line: int, exercise: str, report: ParseReport | None
) -> Token:
    word = spec.strip().lower()
    if word in CALLOUTS or word == "coach":
        tok = Token("coach" if word == "coach" else "callout", "aside", 0)
        tok.info, tok.children, tok.map = word, inner, [line - 1, line]
        return tok
    parsed = fields.parse_field(spec, inner, line, exercise, report)
    tok = Token("field", "div", 0)
    tok.meta = {"parsed": parsed}
    tok.map = [line - 1, line]
    return tok


def _render_field(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    parsed = tokens[idx].meta["parsed"]
    if parsed is None:
        return ""
    draw = paper.render_field if env.get("medium") == "print" else controls.render_field
    return draw(self, parsed, options, env)


def _render_callout(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    tok = tokens[idx]
    body = self.render(tok.children or [], options, env)
    label = escapeHtml(env["words"].gettext(_CALLOUTS[tok.info]))
    return (
        f'<aside class="callout callout-{tok.info}" role="note" aria-label="{label}">'
        f'<p class="callout-label">{label}</p>{body}</aside>\n'
    )


def _render_coach(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    if env.get("edition") != "coach":
        return ""
    body = self.render(tokens[idx].children or [], options, env)
    label = escapeHtml(env["words"].gettext("Coach note"))
    return (
        f'<aside class="coach-note" aria-label="{label}">'
        f'<p class="callout-label">{label}</p>{body}</aside>\n'
    )


def _render_image(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Images only from inside the site: anything with a scheme shows its alt text instead."""
    tok = tokens[idx]
    src = str(tok.attrGet("src") or "")
    if _SCHEME.match(src) or src.startswith(("/", "\\")):
        return escapeHtml(self.renderInlineAsText(tok.children or [], options, env))
    return self.image(tokens, idx, options, env)


def _align_classes(state: StateCore) -> None:
    """Table alignment as classes: the CSP forbids inline ``style`` attributes."""
    for tok in state.tokens:
        style = tok.attrGet("style") if tok.type in ("th_open", "td_open") else None
        if isinstance(style, str) and style.startswith("text-align:"):
            del tok.attrs["style"]
            tok.attrSet("class", "align-" + style.removeprefix("text-align:"))


def create_markdown() -> MarkdownIt:
    """The one configured Markdown instance: CommonMark + tables, no raw HTML, fields."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.block.ruler.before(
        "fence", "fenced_div", _div_rule, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.core.ruler.push("fold_divs", _fold_divs)
    md.core.ruler.push("align_classes", _align_classes)
    md.add_render_rule("field", _render_field)
    md.add_render_rule("callout", _render_callout)
    md.add_render_rule("coach", _render_coach)
    md.add_render_rule("image", _render_image)
    md.validateLink = safe_url  # type: ignore[method-assign]
    return md


MD = create_markdown()


def static_report(text: str, path: Path, exercise: str) -> ParseReport:
    """The fields and problems of an exercise's source before any client's Jinja runs.

    Asked by several whole-project checks of the same file (its own problems, how its
    language variants match it): parsed once per process. The report is shared: read it,
    never change it."""
    return _static_report(text, path, exercise)


@lru_cache(maxsize=128)
def _static_report(text: str, path: Path, exercise: str) -> ParseReport:
    return parse(text, path, exercise, static=True)[1]


def parse(
    text: str, path: Path, exercise: str, *, static: bool = False
) -> tuple[list[Token], ParseReport]:
    """Parse an exercise's (personalised) Markdown; the report lists its fields and problems.

    ``static`` parses the source before Jinja runs: fields whose attributes are
    made by Jinja are skipped there and checked per client after rendering.
    """
    report = ParseReport(path)
    if text.count("|") > MAX_TABLE_CELLS:
        report.add(
            1,
            f"the exercise has more than {MAX_TABLE_CELLS:,} table cells",
            "split the tables up, or use a .table field for the client to fill in",
        )
        return [], report
    tokens = MD.parse(text, {"report": report, "exercise": exercise, "static": static})
    report.fields = [
        t.meta["parsed"].field for t in tokens if t.type == "field" and t.meta["parsed"] is not None
    ]
    seen: dict[str, int] = {}
    for f in report.fields:
        if f.id in seen:
            report.add(
                f.line,
                f"duplicate field id '#{f.id}' (first on line {seen[f.id]})",
                "give each field of an exercise its own id",
            )
        else:
            seen[f.id] = f.line
    return tokens, report


def render(
    tokens: list[Token],
    *,
    edition: str,
    exercise: str,
    values: dict[str, Any] | None = None,
    medium: str = "screen",
    words: Any = None,
) -> str:
    """Render tokens for one edition, pre-filling fields with ``values`` (field id → value).

    ``medium`` is ``screen`` (form controls, the site) or ``print`` (drawn for a pen, the packs);
    ``words``: the tool's own words in the client's language (English without).
    """
    env = {
        "edition": edition,
        "exercise": exercise,
        "values": values or {},
        "medium": medium,
        "words": words or ENGLISH,
    }
    return str(MD.renderer.render(tokens, MD.options, env))
