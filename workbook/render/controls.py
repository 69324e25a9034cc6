"""Response fields drawn on screen: labelled form controls, one drawing function per kind.

Every control carries the stable name ``exercise-id/field-id`` (items add
``/key``), which is what the browser script saves under and what the answers
file names. Values given in ``env["values"]`` (imported answers) are drawn
in, so a page reads and prints with the client's answers even without script.
As markdown-it's renderer looks up ``rules[token.type]``, :data:`DRAW` maps a
field's kind to the function that draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it.common.utils import escapeHtml as e
from markdown_it.renderer import RendererHTML
from markdown_it.utils import EnvType, OptionsDict

from workbook.render.fields import Parsed
from workbook.render.i18n import words_of


@dataclass(frozen=True)
class Drawing:
    """What every field's drawing shares: its name, answer, question and options."""

    r: RendererHTML
    parsed: Parsed
    options: OptionsDict
    env: EnvType
    name: str
    value: Any
    question: str  # inline HTML of the first paragraph
    more: str  # any further paragraphs of the question

    @property
    def attrs(self) -> dict[str, str]:
        return self.parsed.field.attrs

    def inline(self, tokens: list[Any]) -> str:
        return self.r.renderInline(tokens, self.options, self.env)

    def fieldset(self, body: str) -> str:
        legend = (
            f'<fieldset>\n<legend class="field-question" id="{e(self.name)}/q">'
            f"{self.question}</legend>\n{self.more}"
        )
        return f"{legend}{body}</fieldset>\n"


def question(
    r: RendererHTML, parsed: Parsed, options: OptionsDict, env: EnvType
) -> tuple[str, str]:
    """The question as inline HTML for a label or legend, and any further paragraphs."""
    tokens = parsed.question
    inlines = [t for t in tokens if t.type == "inline"]
    if not inlines:
        return "", ""
    first = r.renderInline(inlines[0].children or [], options, env)
    first_end = tokens.index(inlines[0]) + 2  # skip its paragraph_close
    more = r.render(tokens[first_end:], options, env) if first_end < len(tokens) else ""
    return first, more


def scale_label(value: int, low: int, high: int, attrs: dict[str, str]) -> str:
    if value == low and attrs.get("low"):
        return f"{value} — {attrs['low']}"
    if value == high and attrs.get("high"):
        return f"{value} — {attrs['high']}"
    return str(value)


def _prompt(d: Drawing) -> str:
    text = d.value if isinstance(d.value, str) else ""
    lines = d.attrs["lines"]
    return (
        f'<label class="field-question" for="{e(d.name)}" id="{e(d.name)}/q">{d.question}</label>\n'
        f'{d.more}<textarea id="{e(d.name)}" name="{e(d.name)}" rows="{lines}" '
        f'data-lines="{lines}">{e(text)}</textarea>\n'
        f'<div class="print-copy" data-print-for="{e(d.name)}">{e(text)}</div>\n'
    )


def _scale(d: Drawing) -> str:
    low, high = int(d.attrs["min"]), int(d.attrs["max"])
    cells = "".join(
        f'<label class="scale-point"><input type="radio" name="{e(d.name)}" '
        f'value="{n}" aria-label="{e(scale_label(n, low, high, d.attrs))}"'
        f'{" checked" if d.value == n else ""}><span aria-hidden="true">{n}</span></label>'
        for n in range(low, high + 1)
    )
    ends = [
        f'<span class="scale-end scale-{side}" aria-hidden="true">{e(d.attrs.get(side, ""))}</span>'
        for side in ("low", "high")
    ]
    points = f'<span class="scale-points">{cells}</span>'
    return d.fieldset(f'<div class="scale-row">{ends[0]}{points}{ends[1]}</div>\n')


def _options(d: Drawing) -> str:
    field = d.parsed.field
    kind = "checkbox" if field.kind == "checklist" else "radio"
    chosen = set(d.value) if isinstance(d.value, list) else {d.value}
    rows = [
        f'<li><label><input type="{kind}" name="{e(d.name)}" value="{item.key}"'
        f"{' checked' if item.key in chosen else ''}> <span>{d.inline(toks)}</span></label></li>"
        for item, toks in zip(field.items, d.parsed.item_tokens, strict=True)
    ]
    return d.fieldset(
        f'<ul class="options options-{field.kind}">\n' + "\n".join(rows) + "\n</ul>\n"
    )


def _rating_head(n: int, scale: int, attrs: dict[str, str]) -> str:
    end = attrs.get("low") if n == 1 else attrs.get("high") if n == scale else None
    label = f'<span class="rating-end">{e(end)}</span>' if end else ""
    return f'<th scope="col">{n}{label}</th>'


def _rating(d: Drawing) -> str:
    scale = int(d.attrs["scale"])
    given = d.value if isinstance(d.value, dict) else {}
    words = words_of(d.env)
    of = words.gettext("%(score)s of %(maximum)s")
    heads = "".join(_rating_head(n, scale, d.attrs) for n in range(1, scale + 1))
    rows = []
    for item, toks in zip(d.parsed.field.items, d.parsed.item_tokens, strict=True):
        rid = f"{d.name}/{item.key}"
        cells = "".join(
            f'<td><input type="radio" name="{e(rid)}" value="{n}" '
            f'aria-label="{e(of % {"score": n, "maximum": scale})}" '
            f'aria-describedby="{e(rid)}/label"'
            f"{' checked' if given.get(item.key) == n else ''}></td>"
            for n in range(1, scale + 1)
        )
        rows.append(
            f'<tr data-item="{item.key}"><th scope="row" id="{e(rid)}/label">'
            f"{d.inline(toks)}</th>{cells}</tr>"
        )
    table = (
        '<div class="table-wrap"><table class="rating-grid">\n'
        f'<thead><tr><th scope="col"><span class="sr-only">{e(words.gettext("Statement"))}</span>'
        f"</th>{heads}"
        "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n"
    )
    return d.fieldset(table)


def _table(d: Drawing) -> str:
    columns = d.attrs["columns"].split("|")
    given = d.value if isinstance(d.value, list) else []
    where = words_of(d.env).gettext("%(column)s, row %(row)s")
    body = []
    for i in range(max(int(d.attrs["rows"]), len(given))):
        row = given[i] if i < len(given) and isinstance(given[i], list) else []
        cells = "".join(
            f'<td><input type="text" name="{e(d.name)}" data-row="{i}" data-col="{j}" '
            f'aria-label="{e(where % {"column": col, "row": i + 1})}" '
            f'value="{e(str(row[j]) if j < len(row) else "")}">'
            "</td>"
            for j, col in enumerate(columns)
        )
        body.append(f"<tr>{cells}</tr>")
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in columns)
    table = (
        f'<div class="table-wrap"><table class="table-field">\n<thead><tr>{head}</tr></thead>\n'
        "<tbody>\n" + "\n".join(body) + "\n</tbody></table></div>\n"
    )
    return d.fieldset(table)


DRAW: dict[str, Callable[[Drawing], str]] = {
    "prompt": _prompt,
    "scale": _scale,
    "checklist": _options,
    "choice": _options,
    "rating": _rating,
    "table": _table,
}


def render_field(r: RendererHTML, parsed: Parsed, options: OptionsDict, env: EnvType) -> str:
    """Draw one field as labelled form controls named ``exercise/field``."""
    field = parsed.field
    name = f"{env.get('exercise', '')}/{field.id}"
    q, more = question(r, parsed, options, env)
    if not q:  # every control needs a name a screen reader can announce
        q = f'<span class="sr-only">{e(field.id.replace("-", " ").capitalize())}</span>'
    value = (env.get("values") or {}).get(field.id)
    drawing = Drawing(r, parsed, options, env, name, value, q, more)
    return (
        f'<div class="field field-{field.kind}" data-field="{e(name)}" data-kind="{field.kind}">\n'
        + DRAW[field.kind](drawing)
        + '<p class="field-status" aria-live="polite"></p>\n</div>\n'
    )
