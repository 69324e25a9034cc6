"""Response fields drawn for a pen and for a PDF form: the print medium of the parsed field.

The site (``controls.render_field``) draws a field as form controls; a pack draws
the very same :class:`fields.Parsed` (same question tokens, same items, same
keys) as ruled lines, circles, boxes and tables, so an exercise reads the same
on screen and on paper. Over each space lies a form control that WeasyPrint
writes as a PDF form field (``pdf_forms``), named by the answer's stable id —
``exercise/field``, plus ``/item`` for a rating statement or a checklist item,
plus ``/row/column`` (from 1) for a table cell — so a pack can be filled on a
screen and its values read back (:mod:`workbook.commands.answers_pdf`). The
client's current answers (``env["values"]``, shapes as docs/answers.md gives
them) are the fields' values; printed, the lines, circles and boxes stay for a pen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.utils import EnvType, OptionsDict

from workbook.render.controls import question
from workbook.render.direction import value_direction
from workbook.render.fields import Parsed
from workbook.render.i18n import words_of

CHARS_PER_LINE = 78  # about what one ruled line of a pack holds, in the pack's body type


def _int(value: Any) -> int | None:
    """An answer's integer, tolerating a number that arrived as text (``"4"``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def plain(html: str) -> str:
    """Inline HTML as the plain words of a form field's label."""
    text = re.sub(r"<[^>]+>", "", html)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'")):
        text = text.replace(entity, char)
    return " ".join(text.replace("&amp;", "&").split())


def _attrs(name: str, label: str) -> str:
    """A control's PDF field name, and its label (the field's alternate name, for PDF/UA)."""
    return f'name="{escapeHtml(name)}" title="{escapeHtml(label)}"'


def _direction(text: str) -> str:
    """`` dir="ltr"`` on a typed answer written left to right (or ``rtl``), so the page draws
    it where the PDF reader draws the field's value: an English answer in an Arabic pack."""
    way = value_direction(text)
    return f' dir="{way}"' if way else ""


def _radio(name: str, label: str, value: str, on: bool) -> str:
    """One button of a radio group; the group takes its label from its buttons (all the same:
    the question, or a rating's statement), and each button's value is its option."""
    checked = " checked" if on else ""
    return f'<input type="radio" {_attrs(name, label)} value="{escapeHtml(value)}"{checked}>'


def _check(name: str, label: str, on: bool) -> str:
    checked = " checked" if on else ""
    return f'<input type="checkbox" {_attrs(name, label)} value="on"{checked}>'


def written_lines(text: str) -> int:
    """How many ruled lines a typed answer fills, so the space can keep room for more."""
    rows = text.replace("\r\n", "\n").split("\n")
    return sum(max(1, -(-len(row) // CHARS_PER_LINE)) for row in rows)


def _prompt(name: str, label: str, parsed: Parsed, value: Any) -> str:
    lines = int(parsed.field.attrs["lines"])
    text = value if isinstance(value, str) else ""
    if text.strip():  # the answer, and room under it for a pen
        lines = max(lines, written_lines(text) + 2)
    rules = '<div class="pf-rule"></div>' * lines
    area = (
        f'<textarea class="pf-input" {_attrs(name, label)}{_direction(text)}>'
        f"{escapeHtml(text)}</textarea>"
    )
    return f'<div class="pf-lines" data-lines="{lines}">{rules}{area}</div>\n'


def _scale(name: str, label: str, parsed: Parsed, value: Any) -> str:
    attrs = parsed.field.attrs
    low, high = int(attrs["min"]), int(attrs["max"])
    chosen = _int(value)
    count = high - low + 1
    dots = "".join(
        # the button follows its circle (not inside it), so the number is read in order
        f'<td><span class="pf-dot">{n}</span>{_radio(name, label, str(n), chosen == n)}</td>'
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
    r: RendererHTML,
    parsed: Parsed,
    name: str,
    label: str,
    value: Any,
    options: OptionsDict,
    env: EnvType,
) -> str:
    field = parsed.field
    chosen = set(value) if isinstance(value, list) else {value}
    rows = []
    for item, toks in zip(field.items, parsed.item_tokens, strict=True):
        text = r.renderInline(toks, options, env)
        on = item.key in chosen
        if field.kind == "choice":
            control = _radio(name, label, item.key, on)
        else:
            control = _check(f"{name}/{item.key}", plain(text), on)
        rows.append(f'<li><span class="pf-box">{control}</span>{text}</li>')
    tick = escapeHtml(words_of(env).gettext("Tick one."))
    hint = f'<p class="pf-hint">{tick}</p>\n' if field.kind == "choice" else ""
    return f'{hint}<ul class="pf-options">\n' + "\n".join(rows) + "\n</ul>\n"


def _rating(
    r: RendererHTML,
    parsed: Parsed,
    name: str,
    label: str,
    value: Any,
    options: OptionsDict,
    env: EnvType,
) -> str:
    attrs = parsed.field.attrs
    scale = int(attrs["scale"])
    given = value if isinstance(value, dict) else {}
    heads = []
    for n in range(1, scale + 1):
        end_label = attrs.get("low") if n == 1 else attrs.get("high") if n == scale else None
        end = f'<span class="pf-end">{escapeHtml(end_label)}</span>' if end_label else ""
        heads.append(f'<th scope="col">{n}{end}</th>')
    rows = []
    total = 0
    for item, toks in zip(parsed.field.items, parsed.item_tokens, strict=True):
        score = _int(given.get(item.key))
        total += score or 0
        text = r.renderInline(toks, options, env)
        key = f"{name}/{item.key}"
        cells = "".join(
            f'<td><span class="pf-dot">{_radio(key, plain(text), str(n), score == n)}</span></td>'
            for n in range(1, scale + 1)
        )
        rows.append(f'<tr><th scope="row">{text}</th>{cells}</tr>')
    words = words_of(env)
    if any(_int(v) is not None for v in given.values()):
        sent = escapeHtml(words.gettext("Total sent"))
        of = {"score": total, "maximum": scale * len(parsed.field.items)}
        rows.append(
            f'<tr class="pf-total-row"><th scope="row">{sent}</th><td colspan="{scale}" '
            f'class="pf-total">{escapeHtml(words.gettext("%(score)s of %(maximum)s") % of)}'
            "</td></tr>"
        )
    statement = escapeHtml(words.gettext("Statement"))
    return (
        f'<table class="pf-grid"><thead><tr><th scope="col" class="pf-statement">{statement}</th>'
        + "".join(heads)
        + "</tr></thead>"
        + _row_groups(rows, total=any(_int(v) is not None for v in given.values()))
        + "</table>\n"
    )


def _row_groups(rows: list[str], total: bool, keep: int = 3) -> str:
    """A long table's rows as its first ``keep``, the middle, and its last ``keep`` (and the
    total), the first and last kept whole: a page break leaves no one or two rows alone."""
    last = keep + 1 if total else keep
    if len(rows) <= keep + last:
        return '<tbody class="pf-keep">' + "".join(rows) + "</tbody>"
    head, middle, tail = rows[:keep], rows[keep:-last], rows[-last:]
    groups = [f'<tbody class="pf-keep">{"".join(head)}</tbody>']
    if middle:
        groups.append(f"<tbody>{''.join(middle)}</tbody>")
    groups.append(f'<tbody class="pf-keep">{"".join(tail)}</tbody>')
    return "".join(groups)


def _table(name: str, label: str, parsed: Parsed, value: Any, env: EnvType) -> str:
    attrs = parsed.field.attrs
    columns = attrs["columns"].split("|")
    given = [row for row in value if isinstance(row, list)] if isinstance(value, list) else []
    body = []
    for i in range(max(int(attrs["rows"]), len(given))):
        row = given[i] if i < len(given) else []
        cells = []
        for j, column in enumerate(columns):
            text = str(row[j]) if j < len(row) and row[j] is not None else ""
            where = {"label": label, "column": column, "row": i + 1}
            title = words_of(env).gettext("%(label)s: %(column)s, row %(row)s") % where
            cell = _attrs(f"{name}/{i + 1}/{j + 1}", title)
            cells.append(
                f'<td><input type="text" class="pf-input" {cell}{_direction(text)} '
                f'value="{escapeHtml(text)}"></td>'
            )
        body.append(f"<tr>{''.join(cells)}</tr>")
    head = "".join(f'<th scope="col">{escapeHtml(c)}</th>' for c in columns)
    return (
        f'<table class="pf-table"><thead><tr>{head}</tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table>\n"
    )


Space = Callable[[RendererHTML, Parsed, str, str, Any, OptionsDict, EnvType], str]
# A field's kind → how its space (and its form controls) are drawn.
SPACE: dict[str, Space] = {
    "prompt": lambda r, parsed, name, label, value, options, env: _prompt(
        name, label, parsed, value
    ),
    "scale": lambda r, parsed, name, label, value, options, env: _scale(name, label, parsed, value),
    "checklist": _options,
    "choice": _options,
    "rating": _rating,
    "table": lambda r, parsed, name, label, value, options, env: _table(
        name, label, parsed, value, env
    ),
}


def render_field(r: RendererHTML, parsed: Parsed, options: OptionsDict, env: EnvType) -> str:
    """Draw one field for paper: its question, then its space with the client's answer."""
    field = parsed.field
    value = (env.get("values") or {}).get(field.id)
    asked, more = question(r, parsed, options, env)
    name = f"{env.get('exercise', '')}/{field.id}"
    label = plain(asked) or name
    space = SPACE[field.kind](r, parsed, name, label, value, options, env)
    answered = " pf-answered" if value not in (None, "", [], {}) else ""
    return (
        f'<div class="pf pf-{field.kind}{answered}" data-field="{escapeHtml(name)}">\n'
        f'<p class="pf-question">{asked}</p>\n{more}{space}</div>\n'
    )
