"""Response fields drawn for a pen: the print medium of the same parsed field the site draws.

The site (``controls.render_field``) draws a field as form controls; a pack draws
the very same :class:`fields.Parsed` (same question tokens, same items, same
keys) as ruled lines, circles, boxes and empty tables, so an exercise reads
the same on screen and on paper. Where the client has answered, the answer
is printed in place of the blank space, from ``env["values"]`` (values per
field kind as docs/answers.md gives them). Nothing here is interactive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.utils import EnvType, OptionsDict

from workbook.render.controls import question
from workbook.render.fields import Parsed

TICK = "\u2714"  # ✔ heavy check mark, from DejaVu Sans (embedded like every font)


def _int(value: Any) -> int | None:
    """An answer's integer, tolerating a number that arrived as text (``"4"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _paragraphs(text: str) -> str:
    """A typed answer as paragraphs: blank lines split them, single newlines stay breaks."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(
        "<p>" + "<br>".join(escapeHtml(line) for line in b.split("\n")) + "</p>"
        for b in blocks
        if b
    )


def _prompt(parsed: Parsed, value: Any) -> str:
    lines = int(parsed.field.attrs["lines"])
    if isinstance(value, str) and value.strip():
        return f'<div class="pf-answer">{_paragraphs(value)}</div>\n'
    rules = '<div class="pf-rule"></div>' * lines
    return f'<div class="pf-lines" data-lines="{lines}">{rules}</div>\n'


def _scale(parsed: Parsed, value: Any) -> str:
    attrs = parsed.field.attrs
    low, high = int(attrs["min"]), int(attrs["max"])
    chosen = _int(value)
    count = high - low + 1
    dots = "".join(
        f'<td><span class="pf-dot{" pf-on" if chosen == n else ""}">{n}</span></td>'
        for n in range(low, high + 1)
    )
    half = count // 2
    ends = ""
    if attrs.get("low") or attrs.get("high"):
        ends = (
            f'<tr class="pf-ends"><td class="pf-end-low" colspan="{half}">'
            f"{escapeHtml(attrs.get('low', ''))}</td>"
            f'<td class="pf-end-high" colspan="{count - half}">'
            f"{escapeHtml(attrs.get('high', ''))}</td></tr>"
        )
    return f'<table class="pf-scale"><tr class="pf-dots">{dots}</tr>{ends}</table>\n'


def _options(
    r: RendererHTML, parsed: Parsed, value: Any, options: OptionsDict, env: EnvType
) -> str:
    field = parsed.field
    chosen = set(value) if isinstance(value, list) else {value}
    rows = []
    for item, toks in zip(field.items, parsed.item_tokens, strict=True):
        on = item.key in chosen
        box = f'<span class="pf-box{" pf-on" if on else ""}">{TICK if on else ""}</span>'
        rows.append(f"<li>{box}{r.renderInline(toks, options, env)}</li>")
    hint = '<p class="pf-hint">Tick one.</p>\n' if field.kind == "choice" else ""
    return f'{hint}<ul class="pf-options">\n' + "\n".join(rows) + "\n</ul>\n"


def _rating(r: RendererHTML, parsed: Parsed, value: Any, options: OptionsDict, env: EnvType) -> str:
    attrs = parsed.field.attrs
    scale = int(attrs["scale"])
    given = value if isinstance(value, dict) else {}
    heads = []
    for n in range(1, scale + 1):
        label = attrs.get("low") if n == 1 else attrs.get("high") if n == scale else None
        end = f'<span class="pf-end">{escapeHtml(label)}</span>' if label else ""
        heads.append(f'<th scope="col">{n}{end}</th>')
    rows = []
    total = 0
    for item, toks in zip(parsed.field.items, parsed.item_tokens, strict=True):
        score = _int(given.get(item.key))
        total += score or 0
        cells = "".join(
            f'<td><span class="pf-dot{" pf-on" if score == n else ""}"></span></td>'
            for n in range(1, scale + 1)
        )
        rows.append(f'<tr><th scope="row">{r.renderInline(toks, options, env)}</th>{cells}</tr>')
    if any(_int(v) is not None for v in given.values()):
        rows.append(
            f'<tr class="pf-total-row"><th scope="row">Total</th><td colspan="{scale}" '
            f'class="pf-total">{total} of {scale * len(parsed.field.items)}</td></tr>'
        )
    return (
        '<table class="pf-grid"><thead><tr><th scope="col" class="pf-statement">Statement</th>'
        + "".join(heads)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>\n"
    )


def _table(parsed: Parsed, value: Any) -> str:
    attrs = parsed.field.attrs
    columns = attrs["columns"].split("|")
    given = [row for row in value if isinstance(row, list)] if isinstance(value, list) else []
    body = []
    for i in range(max(int(attrs["rows"]), len(given))):
        row = given[i] if i < len(given) else []
        cells = "".join(
            f"<td>{escapeHtml(str(row[j])) if j < len(row) and row[j] is not None else ''}</td>"
            for j in range(len(columns))
        )
        body.append(f"<tr>{cells}</tr>")
    head = "".join(f'<th scope="col">{escapeHtml(c)}</th>' for c in columns)
    return (
        f'<table class="pf-table"><thead><tr>{head}</tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table>\n"
    )


Space = Callable[[RendererHTML, Parsed, Any, OptionsDict, EnvType], str]
# A field's kind → how its space (or its answer) is drawn for a pen.
SPACE: dict[str, Space] = {
    "prompt": lambda r, parsed, value, options, env: _prompt(parsed, value),
    "scale": lambda r, parsed, value, options, env: _scale(parsed, value),
    "checklist": _options,
    "choice": _options,
    "rating": _rating,
    "table": lambda r, parsed, value, options, env: _table(parsed, value),
}


def render_field(r: RendererHTML, parsed: Parsed, options: OptionsDict, env: EnvType) -> str:
    """Draw one field for paper: its question, then writing space or the client's answer."""
    field = parsed.field
    value = (env.get("values") or {}).get(field.id)
    asked, more = question(r, parsed, options, env)
    name = escapeHtml(f"{env.get('exercise', '')}/{field.id}")
    space = SPACE[field.kind](r, parsed, value, options, env)
    answered = " pf-answered" if value not in (None, "", [], {}) else ""
    return (
        f'<div class="pf pf-{field.kind}{answered}" data-field="{name}">\n'
        f'<p class="pf-question">{asked}</p>\n{more}{space}</div>\n'
    )
