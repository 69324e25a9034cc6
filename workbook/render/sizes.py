"""How big a template's value is, and what making a new one from it would cost.

The sandbox refuses to make a value larger than :data:`MAX_VALUE` characters
or items. Measured on the operands alone, that bound is easy to get round: a
list of 3,000 references to one 999,999-character text is small to make, and
3 GB once joined or printed. So sizes here are *deep* (a list counts its items
and everything they hold, a part shared many times counts every time) and the
cost of an operation is judged on its result, before the result is made when
that can be done cheaply, and always after.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import jinja2

from workbook.render.explain import Explanation

MAX_VALUE = 1_000_000  # characters of one value made, items of one list made
# Text made from values that exist (a mapping printed, ``|tojson``, any filter's text)
# may be as long as a page can be, no longer.
MAX_OUTPUT = 5_000_000
_WIDTH = re.compile(r"\d{7,}")  # a width or precision of a million or more in a format
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])")


class TooBig(jinja2.TemplateRuntimeError):
    """A template tried to make a value, a page or a loop too big to be meant."""

    def __init__(self, message: str) -> None:
        super().__init__(
            Explanation(message, "make smaller values, or loops over the profile's own lists")
        )


def too_big(what: str, limit: int = MAX_VALUE) -> TooBig:
    return TooBig(
        f"{what} would be larger than {limit:,} characters or items — "
        "an output bomb, or a loop that never ends"
    )


def size(value: Any) -> int:
    """The shallow size: a text's characters, a list's or a mapping's items."""
    return len(value) if isinstance(value, str | bytes | list | tuple | dict) else 0


class Frozen(dict[str, Any]):
    """A mapping made once and printed on every page (a browser script's messages).

    Nothing changes it (layouts cannot: the sandbox is immutable; Python does not), so
    its size is measured once and its JSON (``|tojson``) is made once, not on every page
    that prints it. Make one with :func:`freeze`.
    """

    def __init__(self, items: dict[str, Any]) -> None:
        super().__init__(items)
        self.size = deep_size(items)
        self.json: Any = None  # the Markup ``|tojson`` made, once printed


def freeze(value: Any) -> Any:
    """``value`` made read-only all through (mappings become :class:`Frozen`, lists tuples)."""
    if isinstance(value, dict):
        return Frozen({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def deep_size(value: Any, limit: int = MAX_VALUE, memo: dict[int, int] | None = None) -> int:
    """Characters and items of ``value`` and all it holds, each shared part counted in full.

    Counting stops soon after ``limit`` is passed (the answer is then "more"); parts
    already measured are looked up, so the work is bounded by the distinct values.
    """
    if isinstance(value, str | bytes):
        return len(value)
    if not isinstance(value, list | tuple | dict):
        return 0
    if isinstance(value, Frozen):
        return value.size
    memo = {} if memo is None else memo
    key = id(value)
    if key in memo:
        return memo[key]
    memo[key] = limit + 1  # a value that holds itself is too big to print
    total = len(value)
    parts: Iterable[Any] = (
        (part for pair in value.items() for part in pair) if isinstance(value, dict) else value
    )
    try:
        for part in parts:
            total += deep_size(part, limit, memo)
            if total > limit:
                break
    except RecursionError:
        total = limit + 1
    memo[key] = total
    return total


def check_made(value: Any, what: str = "the value", limit: int = MAX_VALUE) -> Any:
    """Refuse a value just made that is too big (texts by length, lists by items)."""
    if size(value) > limit:
        raise too_big(what, limit)
    return value


def check_inputs(values: Iterable[Any], what: str, limit: int = MAX_VALUE) -> None:
    """Refuse to make text from values whose deep sizes add up to more than ``limit``."""
    memo: dict[int, int] = {}
    total = 0
    for value in values:
        total += deep_size(value, limit, memo)
        if total > limit:
            raise too_big(what, limit)


def bounded_list(
    items: Iterable[Any], what: str = "the values made", limit: int = MAX_VALUE
) -> list[Any]:
    """The items of an iterator as a list, refused as soon as their deep size is too big."""
    memo: dict[int, int] = {}
    out = []
    total = 0
    for item in items:
        total += 1 + deep_size(item, limit, memo)
        if total > limit:
            raise too_big(what, limit)
        out.append(item)
    return out


def check_join(separator: Any, items: Any) -> None:
    """``separator.join(items)``: the separators and every item, before joining."""
    count = len(items) if isinstance(items, list | tuple | dict) else 0
    separators = size(separator) * max(count - 1, 0)
    if separators > MAX_VALUE:
        raise too_big("the joined text")
    memo: dict[int, int] = {}
    parts = list(items) if isinstance(items, dict) else items  # a mapping joins its keys
    if sum(deep_size(part, MAX_VALUE, memo) for part in parts) + separators > MAX_VALUE:
        raise too_big("the joined text")


def check_widths(fmt: Any) -> None:
    """No single width or precision of a million or more in a format string."""
    if isinstance(fmt, str) and any(int(m) > MAX_VALUE for m in _WIDTH.findall(fmt)):
        raise too_big("the formatted text")


def check_percent(fmt: Any, args: Any) -> None:
    """``fmt % args``: the widths of every conversion and every argument it prints, added up."""
    if not isinstance(fmt, str):
        return
    check_widths(fmt)
    conversions = [m for m in _PERCENT.finditer(fmt) if m.group(3) != "%"]
    values = list(args) if isinstance(args, tuple) else [args]
    stars = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    widths = sum(int(w) for m in conversions for w in m.group(1, 2) if w and w != "*")
    if widths + sum(abs(v) for v in stars if v > MAX_VALUE) > MAX_VALUE:
        raise too_big("the formatted text")
    if isinstance(args, dict):  # one mapping, each of its values printed any number of times
        each = max((deep_size(v) for v in args.values()), default=0)
        printed = each * len(conversions)
    else:
        printed = sum(deep_size(v) for v in values)
    if len(fmt) + widths + printed > MAX_VALUE:
        raise too_big("the formatted text")


def check_repeat(left: Any, right: Any) -> None:
    """``seq * count``: the repeated text, or the items of the repeated list."""
    for seq, count in ((left, right), (right, left)):
        if isinstance(count, int) and size(seq) * max(count, 0) > MAX_VALUE:
            raise too_big("the repeated value")


def check_replace(text: str, old: str, new: str) -> None:
    count = text.count(old) if old else len(text) + 1
    if len(text) + count * (len(new) - len(old)) > MAX_VALUE:
        raise too_big("the text after replace")
