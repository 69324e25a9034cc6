"""Response fields: reading a div's attributes and items into a :class:`Parsed` field.

What is read here is drawn twice, from the same tokens: as form controls on
screen (:mod:`workbook.render.controls`) and as a pen's space on paper
(:mod:`workbook.render.paper`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from workbook.ids import ID_FIX, fold, id_problem
from workbook.models import Field, Item

KINDS = ("prompt", "scale", "checklist", "rating", "table", "choice")
ATTRS = {
    "prompt": ("lines",),
    "scale": ("min", "max", "low", "high"),
    "checklist": (),
    "rating": ("scale", "low", "high"),
    "table": ("columns", "rows"),
    "choice": (),
}
_ATTR = re.compile(
    r"""\s*(?:\.(?P<cls>[A-Za-z][\w-]*)|\#(?P<id>[^\s}]+)|(?P<key>[A-Za-z][\w-]*)="""
    r"""(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)'|(?P<bare>[^\s"'}]+)))"""
)
_KEY = re.compile(r"\s*\{#([^}\s]*)\}\s*$")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """Undo Markdown backslash escapes (profile values arrive escaped; ids must not)."""
    return _UNESCAPE.sub(r"\1", text)


@dataclass(frozen=True)
class Parsed:
    """A field with the tokens to draw it: its question and each item's inline tokens."""

    field: Field
    question: list[Token]
    item_tokens: tuple[list[Token], ...]


def parse_attrs(spec: str) -> tuple[list[str], str | None, dict[str, str], str]:
    """``{.prompt #id lines=6}`` → classes, id, attributes, and any text left unread."""
    body = spec.strip()
    if not (body.startswith("{") and body.endswith("}")):
        return [], None, {}, body
    body = body[1:-1]
    classes: list[str] = []
    ident: str | None = None
    attrs: dict[str, str] = {}
    pos = 0
    while pos < len(body):
        m = _ATTR.match(body, pos)
        if not m or m.end() == pos:
            rest = body[pos:].strip()
            return classes, ident, attrs, rest
        if m.group("cls"):
            classes.append(m.group("cls"))
        elif m.group("id"):
            ident = unescape(m.group("id"))
        else:
            raw = next(v for v in (m.group("dq"), m.group("sq"), m.group("bare")) if v is not None)
            attrs[m.group("key")] = unescape(raw)
        pos = m.end()
        while pos < len(body) and body[pos].isspace():
            pos += 1
    return classes, ident, attrs, ""


def _int(
    attrs: dict[str, str],
    name: str,
    default: int,
    low: int,
    high: int,
    problems: list[tuple[str, str]],
) -> int:
    raw = attrs.get(name)
    if raw is None:
        return default
    if re.fullmatch(r"-?\d{1,4}", raw) and low <= int(raw) <= high:
        return int(raw)
    problems.append(
        (
            f"'{name}={raw}' should be a whole number from {low} to {high}",
            f"write e.g. {name}={default}",
        )
    )
    return default


def parse_field(
    spec: str, inner: list[Token], line: int, exercise: str, report: Any
) -> Parsed | None:
    """Read one field div; problems go to ``report`` (a ParseReport) and give None."""
    problems: list[tuple[str, str]] = []
    classes, ident, attrs, rest = parse_attrs(spec)
    kinds = [c for c in classes if c in KINDS]
    if not spec.strip().startswith("{"):
        problems.append(
            (
                f"unknown block '::: {spec.strip()[:30]}'",
                "use ::: note, tip, warning or coach, or a field such as ::: {.prompt #my-answer}",
            )
        )
    elif rest:
        problems.append(
            (
                f"cannot read '{rest[:30]}' in the field's attributes",
                'write attributes as {.kind #id name=value name="two words"}',
            )
        )
    elif not kinds:
        near = difflib.get_close_matches(classes[0], KINDS, n=1) if classes else []
        problems.append(
            (
                f"unknown field kind '{'.' + classes[0] if classes else spec.strip()}'",
                f"did you mean '.{near[0]}'?" if near else "use one of ." + ", .".join(KINDS),
            )
        )
    elif ident is None or ident == "":
        problems.append(
            (
                f"this .{kinds[0]} field has no id",
                f"add one: {{.{kinds[0]} #my-answer}}; it names the answer for ever",
            )
        )
    elif why := id_problem(ident):
        problems.append((f"field id {why}", ID_FIX))
    if problems:
        for what, fix in problems:
            report.add(line, what, fix) if report is not None else None
        return None
    kind = kinds[0]
    assert ident is not None
    for name in attrs:
        if name not in ATTRS[kind]:
            near = difflib.get_close_matches(name, ATTRS[kind], n=1)
            problems.append(
                (
                    f"unknown attribute '{name}' for a .{kind} field",
                    f"did you mean '{near[0]}'?"
                    if near
                    else "known: " + (", ".join(ATTRS[kind]) or "none"),
                )
            )
    clean: dict[str, str] = {k: v for k, v in attrs.items() if k in ("low", "high")}
    if kind == "prompt":
        clean["lines"] = str(_int(attrs, "lines", 4, 1, 40, problems))
    elif kind == "scale":
        low = _int(attrs, "min", 1, 0, 100, problems)
        high = _int(attrs, "max", 10, 1, 100, problems)
        if not 0 < high - low <= 20:
            problems.append(
                (
                    f"a scale from {low} to {high}",
                    "use max above min, at most 20 steps apart, e.g. min=1 max=10",
                )
            )
        clean.update(min=str(low), max=str(high))
    elif kind == "rating":
        clean["scale"] = str(_int(attrs, "scale", 5, 2, 10, problems))
    elif kind == "table":
        columns = [c.strip() for c in attrs.get("columns", "").split("|") if c.strip()]
        if not 1 <= len(columns) <= 8:
            problems.append(
                ("a .table field needs 1 to 8 columns", 'write columns="Step|Owner|Due"')
            )
        clean["columns"] = "|".join(columns)
        clean["rows"] = str(_int(attrs, "rows", 3, 1, 30, problems))
    question, items, item_tokens = _split_items(inner, kind)
    if kind in ("checklist", "rating", "choice"):
        if not items:
            problems.append(
                (
                    f"this .{kind} field has no items",
                    "list them inside it as lines starting with '- '",
                )
            )
        seen: set[str] = set()
        for item in items:
            if why := id_problem(item.key):
                problems.append((f"item key {why}", "end the item with {#a-key}"))
            elif item.key in seen:
                problems.append(
                    (f"two items share the key '{item.key}'", "end one of them with {#another-key}")
                )
            seen.add(item.key)
    for what, fix in problems:
        if report is not None:
            report.add(line, what, fix)
    if problems:
        return None
    field = Field(kind=kind, id=ident, attrs=clean, items=tuple(items), line=line)
    return Parsed(field, question, tuple(item_tokens))


def _split_items(
    inner: list[Token], kind: str
) -> tuple[list[Token], list[Item], list[list[Token]]]:
    """Separate a field's question tokens from its first bullet list's items."""
    if kind not in ("checklist", "rating", "choice"):
        return inner, [], []
    start = next((i for i, t in enumerate(inner) if t.type == "bullet_list_open"), None)
    if start is None:
        return inner, [], []
    depth, end = 0, start
    for end in range(start, len(inner)):
        depth += (
            inner[end].nesting
            if inner[end].type.endswith("list_open") or inner[end].type.endswith("list_close")
            else 0
        )
        if depth == 0:
            break
    items: list[Item] = []
    tokens: list[list[Token]] = []
    level = inner[start].level + 3
    for tok in inner[start:end]:
        if tok.type == "inline" and tok.level == level:
            children = [c for c in (tok.children or [])]
            text = tok.content
            m = _KEY.search(text)
            if m:
                text = text[: m.start()]
                key = m.group(1)
                last = children[-1] if children else None
                if last is not None and last.type == "text":
                    stripped = _KEY.sub("", last.content)
                    last = last.copy(content=stripped.rstrip())
                    children = [*children[:-1], last]
            else:
                key = fold(text)
            items.append(Item(key=unescape(key), text=text.strip()))
            tokens.append(children)
    return inner[:start] + inner[end + 1 :], items, tokens
