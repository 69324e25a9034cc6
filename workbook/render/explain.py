"""Jinja's errors in the words of the people who write exercises and layouts.

Jinja reports what its parser and runtime saw: ``'dict object' has no attribute
'titel'``, ``Encountered unknown tag 'endfo'``. The person fixing the file needs
the key that exists, the tag they meant, the line where the unclosed loop began.
So the sandbox raises its own errors with an :class:`Explanation` (a message
that knows its fix), the undefined values of :class:`StrictData` name the keys
there are, and :func:`template_problem` turns any Jinja error into a located
:class:`~workbook.errors.Problem`.
"""

from __future__ import annotations

import difflib
import re
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.lexer import TOKEN_BLOCK_BEGIN, TOKEN_BLOCK_END, TOKEN_NAME
from jinja2.tests import TESTS as DEFAULT_TESTS
from jinja2.utils import missing

from workbook.errors import Problem, SourceLocation

SYNTAX_FIX = "check the {{ }} and {% %} tags on this line"
GUARD_FIX = "check the spelling, or guard optional values with {% if … is defined %}"
BLOCK_TAGS = ("for", "if", "block", "macro", "call", "filter", "set", "with", "autoescape")
TAGS: tuple[str, ...] = (
    *BLOCK_TAGS,
    "elif",
    "else",
    "extends",
    "include",
    "import",
    "from",
    "print",
    "raw",
)
TAGS += tuple(f"end{t}" for t in (*BLOCK_TAGS, "raw"))
_TOKENS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "begin of print statement": "{{",
    "begin of statement block": "{%",
    "name": "a name",
    "end of template": "the end of the template",
}


class Explanation(str):
    """A message that knows how to fix what it describes; Jinja keeps it as the error's text."""

    fix: str

    def __new__(cls, what: str, fix: str) -> Explanation:
        made = super().__new__(cls, what)
        made.fix = fix
        return made


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` was most likely meant to be, if one is close enough."""
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return near[0] if near else None


def unknown_name(kind: str, name: str, known: Iterable[str]) -> Explanation:
    """``unknown filter 'uppr'`` — did you mean 'upper'?"""
    names = sorted(known)
    near = closest(name, names)
    fix = f"did you mean '{near}'?" if near else f"the {kind}s you can use are: " + ", ".join(names)
    return Explanation(f"unknown {kind} '{name}'", fix)


class LinkedOutside(jinja2.TemplateNotFound):
    """A template or include that is a link out of its folder: reported at the link."""

    def __init__(self, name: str, link: str) -> None:
        super().__init__(
            name,
            Explanation(
                f"'{name}' links outside its folder",
                "copy the file into the folder instead of linking to it",
            ),
        )
        self.link = link


class Record(dict[str, Any]):
    """A model's values for templates, knowing what it is, so a missing key can be named."""

    __slots__ = ("_label",)

    def __init__(self, values: Mapping[str, Any], label: str) -> None:
        super().__init__(values)
        self._label = label

    def __reduce__(self) -> tuple[Any, ...]:
        return (Record, (dict(self), self._label))


class StrictData(jinja2.StrictUndefined):
    """Undefined values that fail loudly, naming the keys or items that do exist."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, cast(Any, self._undefined_name)  # an index, too
        if self._undefined_hint or obj is missing:
            return super()._undefined_message
        if isinstance(obj, Mapping) and isinstance(name, str):
            return _missing_key(obj, name)
        if isinstance(obj, list | tuple) and isinstance(name, int):
            count = len(obj)
            return Explanation(
                f"there is no item {name} in a list of {count}",
                "items count from 0; loop over the list with {% for … in … %} instead",
            )
        if kind := _KINDS.get(type(obj)):
            return Explanation(f"{kind} has no attribute '{name}'", GUARD_FIX)
        return super()._undefined_message


_KINDS = {str: "text", int: "a number", float: "a number", bool: "true or false"}


def _missing_key(obj: Mapping[Any, Any], name: str) -> Explanation:
    label = obj._label if isinstance(obj, Record) else ""
    what = f"'{label}' has no key '{name}'" if label else f"there is no key '{name}' here"
    keys = [str(k) for k in obj]
    near = closest(name, keys)
    if near:
        return Explanation(what, f"did you mean '{near}'?")
    if keys:
        return Explanation(what, f"its keys are: {', '.join(keys)}; {GUARD_FIX}")
    return Explanation(what, "it is empty here; guard optional values with {% if … is defined %}")


def template_problem(exc: Exception, path: Path) -> Problem:
    """Turn a Jinja error into a located problem in the user's file."""
    where = _location(exc, path)
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(message, Explanation):
        return Problem(where, str(message), message.fix)
    if isinstance(exc, SecurityError) or "unsafe" in message:
        return Problem(
            where,
            f"the template reaches for Python internals ({message})",
            "use only the values workbook gives templates",
        )
    if isinstance(exc, jinja2.UndefinedError):
        return Problem(where, message.replace("jinja2.", ""), GUARD_FIX)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return _syntax_problem(exc, where)
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem(
            where,
            f"template not found: {exc.name}",
            "includes must name a file inside content/ or templates/",
        )
    if found := re.fullmatch(r"No (filter|test) named '(.+)'(?: found)?\.", message):
        known = DEFAULT_FILTERS if found[1] == "filter" else DEFAULT_TESTS
        explained = unknown_name(found[1], found[2], known)
        return Problem(where, str(explained), explained.fix)
    return Problem(where, f"template error: {message}", "fix the expression on this line")


def _location(exc: Exception, path: Path) -> SourceLocation:
    """The file and line of the error: Jinja's own, else the innermost template frame.

    A layout's error may lie in a template it extends or includes (``base.html``),
    so the frame decides the file, not the page that was being rendered.
    """
    if isinstance(exc, LinkedOutside):
        return SourceLocation(Path(exc.link))
    line = getattr(exc, "lineno", None) or 0
    filename = getattr(exc, "filename", None)
    if not line:
        for frame in traceback.extract_tb(exc.__traceback__):
            name = frame.filename or ""
            if frame.lineno and not name.endswith(".py") and not name.startswith("<"):
                filename, line = name, frame.lineno
    where = Path(filename) if filename and "/" in filename else path
    return SourceLocation(where, line)


def _syntax_problem(exc: jinja2.TemplateSyntaxError, where: SourceLocation) -> Problem:
    """Jinja's parser messages, said plainly, with the fix they call for."""
    message = str(exc.message or "")
    if found := re.search(r"The innermost block that needs to be closed is '(\w+)'", message):
        block = found[1]
        if message.startswith("Unexpected end of template"):
            opened = _unclosed_line(getattr(exc, "source", None), block)
            at = SourceLocation(where.path, opened or where.line)
            return Problem(
                at,
                f"the {{% {block} %}} block is never closed",
                f"add {{% end{block} %}} where the {block} block should end",
            )
        tag = re.search(r"Encountered unknown tag '(\w+)'", message)
        if tag and "nesting mistake" in message:
            opened = _unclosed_line(getattr(exc, "source", None), block, until=where.line)
            inner = (
                f"the {{% {block} %}} of line {opened}"
                if opened
                else f"the inner {{% {block} %}} block"
            )
            return Problem(
                where,
                f"{{% {tag[1]} %}} comes before {inner} is closed",
                f"close the {{% {block} %}} with {{% end{block} %}} first",
            )
        if tag:
            wanted = re.search(r"looking for the following tags: (.*?)\. The innermost", message)
            expected = re.findall(r"'(\w+)'", wanted[1]) if wanted else []
            near = closest(tag[1], expected) or closest(tag[1], TAGS)
            fix = f"did you mean {{% {near} %}}?" if near else f"end it with {{% end{block} %}}"
            return Problem(
                where, f"unknown tag {{% {tag[1]} %}} inside the {{% {block} %}} block", fix
            )
    return _short_syntax_problem(message, where)


def _short_syntax_problem(message: str, where: SourceLocation) -> Problem:
    """The one-line parser messages: a stray tag, a missing bracket, an unclosed quote."""
    if tag := re.fullmatch(r"Encountered unknown tag '(\w+)'\.", message):
        name = tag[1]
        if name.startswith("end") or name in ("else", "elif"):
            return Problem(
                where,
                f"{{% {name} %}} has no block to close",
                "remove it, or open the block it belongs to",
            )
        near = closest(name, TAGS)
        fix = f"did you mean {{% {near} %}}?" if near else "Jinja's tags are: " + ", ".join(TAGS)
        return Problem(where, f"unknown tag {{% {name} %}}", fix)
    if found := re.fullmatch(r"unexpected end of template, expected '(.+)'\.", message):
        end = _TOKENS.get(found[1], f"'{found[1]}'")
        opened = {"}}": "{{ … }}", "%}": "{% … %}"}.get(end, "last tag")
        return Problem(where, f"the {opened} is never closed", f"end it with {end}")
    if message == "unexpected '}'":
        return Problem(
            where, "a '}' on its own does not close a tag", "end a value with }} and a tag with %}"
        )
    if found := re.fullmatch(r"unexpected char (['\"])(.)\1 at \d+", message):
        if found[2] in "'\"":
            return Problem(
                where, f"the text opened by {found[2]} is never closed", f"end it with {found[2]}"
            )
        return Problem(
            where, f"'{found[2]}' cannot be used inside {{{{ }}}} or {{% %}}", "remove it"
        )
    if found := re.fullmatch(r"expected token '(.+)', got '(.+)'", message):
        want = _TOKENS.get(found[1], f"'{found[1]}'")
        got = _TOKENS.get(found[2], f"'{found[2]}'")
        return Problem(where, f"Jinja expected {want} but found {got}", SYNTAX_FIX)
    if found := re.fullmatch(r"Expected an expression, got '(.+)'", message):
        got = _TOKENS.get(found[1], f"'{found[1]}'")
        return Problem(
            where, f"a value is missing before {got}", "write the name or value to use there"
        )
    if found := re.fullmatch(r"unexpected '(.+)', expected '(.+)'", message):
        return Problem(
            where, f"'{found[2]}' is missing before '{found[1]}'", f"add the missing '{found[2]}'"
        )
    if message == "Missing end of comment tag":
        return Problem(where, "a comment opened with {# is never closed", "end it with #}")
    if message == "Missing end of raw directive":
        return Problem(where, "the {% raw %} block is never closed", "end it with {% endraw %}")
    return Problem(where, f"template syntax error: {message}", SYNTAX_FIX)


def _unclosed_line(source: str | None, block: str, until: int = 0) -> int:
    """The line where the innermost unclosed ``{% block %}`` opened (0 if unknown),
    reading the tags up to line ``until`` (all of them if 0)."""
    if not source:
        return 0
    open_tags: list[tuple[str, int]] = []
    try:
        tokens = list(jinja2.Environment().lex(source))
    except jinja2.TemplateSyntaxError:
        return 0
    for i, (lineno, kind, _value) in enumerate(tokens[:-1]):
        if until and lineno > until:
            break
        if kind != TOKEN_BLOCK_BEGIN:
            continue
        following = [t for t in tokens[i + 1 :] if t[1] != "whitespace"]
        if not following or following[0][1] != TOKEN_NAME:
            continue
        tag = following[0][2]
        if tag == "set" and _assigns(following):
            continue
        if tag in BLOCK_TAGS:
            open_tags.append((tag, lineno))
        elif tag.startswith("end") and open_tags and open_tags[-1][0] == tag[3:]:
            open_tags.pop()
    return next((line for tag, line in reversed(open_tags) if tag == block), 0)


def _assigns(tokens: list[tuple[int, str, str]]) -> bool:
    """``{% set x = … %}`` (a value, no block) rather than ``{% set x %}…{% endset %}``."""
    for _, kind, _value in tokens:
        if kind == TOKEN_BLOCK_END:
            return False
        if kind == "assign":
            return True
    return False
