"""Reading users' YAML: strict and safe, with line marks, bounded whatever the input.

YAML is read event by event from PyYAML's parser and composed here, so that:
every scalar stays text (the schema, not YAML 1.1, decides what is a date, a
number or a boolean: ``country: NO`` is "NO"); duplicate keys are errors, not
last-wins; explicit tags (``!!python/object``) are refused; and the work is
bounded as it goes: at most :data:`MAX_DEPTH` levels of nesting, at most
:data:`MAX_NODES` values and :data:`MAX_EXPANDED_CHARS` characters, counting
an alias at the full size of what it repeats (a small file of aliases must not
expand to gigabytes).

libyaml, when PyYAML has it, parses several times faster; its error messages
are worded differently and it stops deep nesting at a limit of its own. So a
file libyaml refuses is read again with the pure-Python parser, and every
message is the project's own, whichever parser is installed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml import events

from workbook.errors import Problem, SourceLocation
from workbook.load.files import read_text

__all__ = ["read_text"]

# The parsers this module can use: libyaml's first when PyYAML was built with it.
LOADERS: tuple[type, ...] = tuple(
    dict.fromkeys([getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.SafeLoader])
)
LOADER: type = LOADERS[0]
MAX_YAML_BYTES = 1_000_000
MAX_MARKDOWN_BYTES = 2_000_000
MAX_DEPTH = 32
MAX_NODES = 50_000
MAX_EXPANDED_CHARS = 2_000_000

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
# What YAML allows in a stream (the pure-Python reader's rule, checked here for both parsers)
_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


class YText(str):
    """A YAML scalar as text, with where it stood and whether it was quoted."""

    line: int
    col: int
    quoted: bool


class YMap(dict[str, Any]):
    """A YAML mapping; ``marks`` keeps each key's (line, col)."""

    line: int = 0
    col: int = 0
    flow: bool = False  # written inline as {a: 1, b: 2}
    marks: dict[str, tuple[int, int]]


class YList(list[Any]):
    """A YAML sequence; ``marks`` keeps each item's (line, col)."""

    line: int = 0
    col: int = 0
    marks: list[tuple[int, int]]


def line_of(value: Any, default: int = 0) -> int:
    """The line a loaded value came from, when it knows."""
    return int(getattr(value, "line", default) or default)


# How YAML 1.2's core schema reads a plain scalar; editors' YAML language servers read it so.
CORE_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
CORE_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_LONGEST_NUMBER = 4000  # digits; longer is read as infinite (Python refuses to convert more)


def core_scalar(value: Any) -> str | int | float | bool:
    """What YAML 1.2's core schema, and so an editor, reads a loaded scalar as."""
    text = str(value)
    if not isinstance(value, YText) or value.quoted:
        return text
    if CORE_BOOL.fullmatch(text):
        return text.lower() == "true"
    if CORE_INT.fullmatch(text):
        sign = -1 if text.startswith("-") else 1
        base = {"0o": 8, "0x": 16}.get(text[:2], 10)
        digits = (text[2:] if base != 10 else text.lstrip("+-")).lstrip("0") or "0"
        if len(digits) > _LONGEST_NUMBER:
            return sign * math.inf
        return sign * int(digits, base)
    if CORE_FLOAT.fullmatch(text):
        lower = text.lower()
        return float(lower.replace(".", "") if lower.lstrip("+-") in (".inf", ".nan") else lower)
    return text


# What a composed value costs when an alias repeats it: (values, characters, levels).
_Size = tuple[int, int, int]
# How plain scalars resolve where it matters here (PyYAML's implicit resolvers; every
# other plain scalar is text, a number, a boolean or a time: all read as text)
_NULL, _STR, _MERGE = f"{_TAG}null", f"{_TAG}str", f"{_TAG}merge"
_SPECIAL = {v: _NULL for v in ("", "~", "null", "Null", "NULL")} | {
    "<<": _MERGE,
    "=": f"{_TAG}value",
}
_SCALAR, _ALIAS = events.ScalarEvent, events.AliasEvent
_SEQUENCE, _SEQUENCE_END = events.SequenceStartEvent, events.SequenceEndEvent
_MAPPING_END = events.MappingEndEvent


class _Stop(Exception):
    """A file too big, too deep or too odd to go on reading: one located problem."""

    def __init__(self, where: SourceLocation, what: str, fix: str) -> None:
        super().__init__(what)
        self.problem = Problem(where, what, fix)


_PLAINLY = "write the values out plainly, without anchors"
_SHALLOW = f"nest lists and mappings at most {MAX_DEPTH} levels deep"
_DEEP = f"values are nested more than {MAX_DEPTH} levels deep"


class _Composer:
    """Builds YMap/YList/YText from parser events, counting the work to stop bombs early."""

    def __init__(self, loader: Any, path: Path, offset: int) -> None:
        self.loader = loader
        self.next = loader.get_event
        self.peek = loader.peek_event
        self.path = path
        self.offset = offset
        self.problems: list[Problem] = []
        self.nodes = 0
        self.chars = 0
        self.anchors: dict[str, tuple[Any, _Size]] = {}
        self.open: set[str] = set()

    def at(self, event: Any) -> SourceLocation:
        mark = event.start_mark
        return SourceLocation(self.path, mark.line + 1 + self.offset, mark.column + 1)

    def document(self) -> Any:
        """The one document of the stream (None when the stream is empty)."""
        self.next()  # stream start
        if type(self.peek()) is events.StreamEndEvent:
            return None
        self.next()  # document start
        value, _ = self.value(0)
        self.next()  # document end
        if type(self.peek()) is not events.StreamEndEvent:
            what = "YAML syntax error: the file holds more than one YAML document"
            fix = "keep one document: remove the '---' line and what follows, or split the file"
            raise _Stop(self.at(self.peek()), what, fix)
        return value

    def count(self, event: Any, nodes: int, chars: int) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > MAX_NODES:
            raise _Stop(
                self.at(event), "the file expands to too many values (an alias bomb?)", _PLAINLY
            )
        if self.chars > MAX_EXPANDED_CHARS:
            what = (
                f"the file expands to more than {MAX_EXPANDED_CHARS:,} characters "
                "(an alias counts at the full size of what it repeats)"
            )
            raise _Stop(self.at(event), what, _PLAINLY)

    def value(self, depth: int) -> tuple[Any, _Size]:
        event = self.next()
        kind = type(event)
        if kind is _ALIAS:
            return self.alias(event, depth)
        if depth > MAX_DEPTH:
            raise _Stop(self.at(event), _DEEP, _SHALLOW)
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors or anchor in self.open:
                raise _Stop(
                    self.at(event),
                    f"the anchor '&{anchor}' is given twice",
                    "give each anchor a name of its own",
                )
            self.open.add(anchor)
        if kind is _SCALAR:
            result = self.scalar(event)
        elif kind is _SEQUENCE:
            result = self.sequence(event, depth)
        else:
            result = self.mapping(event, depth)
        if anchor is not None:
            self.open.discard(anchor)
            self.anchors[anchor] = result
        return result

    def alias(self, event: Any, depth: int) -> tuple[Any, _Size]:
        name = event.anchor
        if name in self.open:
            raise _Stop(
                self.at(event),
                f"the alias '*{name}' is inside its own anchor (a value that holds itself)",
                _PLAINLY,
            )
        if name not in self.anchors:
            raise _Stop(
                self.at(event),
                f"the alias '*{name}' names no anchor given before it",
                f"add '&{name}' to a value above, or write the value out",
            )
        value, size = self.anchors[name]
        if depth + size[2] > MAX_DEPTH:
            raise _Stop(self.at(event), _DEEP, _SHALLOW)
        self.count(event, size[0], size[1])
        return value, size

    def refuse_tag(self, event: Any, tag: str) -> None:
        self.problems.append(
            Problem(
                self.at(event),
                f"the YAML tag '{tag.replace(_TAG, '!!')}' is not allowed",
                "remove the tag; values here are plain text, lists and mappings",
            )
        )

    def scalar_tag(self, event: Any) -> str:
        """The scalar's tag; a tag written in the file that is not plain data is a problem."""
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return _STR
            tag = _SPECIAL.get(event.value, _STR)
        if tag not in _PLAIN_TAGS and tag != _MERGE:
            self.refuse_tag(event, tag)
        return str(tag)

    def collection_tag(self, event: Any, plain: str) -> None:
        if event.tag is not None and event.tag != "!" and event.tag != f"{_TAG}{plain}":
            self.refuse_tag(event, event.tag)

    def scalar(self, event: Any) -> tuple[Any, _Size]:
        tag = self.scalar_tag(event)
        if tag == _MERGE:
            self.refuse_tag(event, tag)
        value = event.value
        self.count(event, 1, len(value))
        size = (1, len(value), 0)
        if tag == _NULL and not event.style:
            return None, size
        text = YText(value)
        mark = event.start_mark
        text.line, text.col = mark.line + 1 + self.offset, mark.column + 1
        text.quoted = event.style in ("'", '"', "|", ">")
        return text, size

    def sequence(self, event: Any, depth: int) -> tuple[YList, _Size]:
        self.collection_tag(event, "seq")
        self.count(event, 1, 0)
        out = YList()
        mark = event.start_mark
        out.line, out.col = mark.line + 1 + self.offset, mark.column + 1
        marks: list[tuple[int, int]] = []
        out.marks = marks
        nodes, chars, height = 1, 0, 0
        while type(following := self.peek()) is not _SEQUENCE_END:
            mark = following.start_mark
            marks.append((mark.line + 1 + self.offset, mark.column + 1))
            item, size = self.value(depth + 1)
            out.append(item)
            nodes, chars, height = nodes + size[0], chars + size[1], max(height, size[2])
        self.next()
        return out, (nodes, chars, height + 1)

    def mapping(self, event: Any, depth: int) -> tuple[YMap, _Size]:
        self.collection_tag(event, "map")
        self.count(event, 1, 0)
        out = YMap()
        mark = event.start_mark
        out.line, out.col = mark.line + 1 + self.offset, mark.column + 1
        out.flow = bool(event.flow_style)
        marks: dict[str, tuple[int, int]] = {}
        out.marks = marks
        nodes, chars, height = 1, 0, 0
        while type(key_event := self.peek()) is not _MAPPING_END:
            key = self.key(key_event, depth)
            value, size = self.value(depth + 1)
            nodes, chars, height = nodes + size[0], chars + size[1], max(height, size[2])
            if key is None:
                continue
            mark = key_event.start_mark
            where = (mark.line + 1 + self.offset, mark.column + 1)
            if key in marks:
                self.problems.append(
                    Problem(
                        SourceLocation(self.path, *where),
                        f"duplicate key '{key}' (first given on line {marks[key][0]})",
                        "keep one of them",
                    )
                )
                continue
            marks[key] = where
            out[key] = value
            chars += len(key)
        self.next()
        return out, (nodes, chars, height + 1)

    def key(self, event: Any, depth: int) -> str | None:
        """A mapping's key as text, or None (with a problem) when it is not plain text."""
        if type(event) is _SCALAR:
            self.next()
            if self.scalar_tag(event) != _MERGE:
                self.count(event, 1, len(event.value))
                return str(event.value)
        else:
            self.value(depth + 1)  # read past it: a list, a mapping or an alias
        self.problems.append(
            Problem(self.at(event), "this key is not plain text", "write a plain key")
        )
        return None


def load_yaml_text(text: str, path: Path, offset: int = 0) -> tuple[Any, list[Problem]]:
    """Load one YAML document from text; ``offset`` is added to every line (front matter)."""
    if bad := _UNPRINTABLE.search(text):
        line = text.count("\n", 0, bad.start()) + 1 + offset
        return None, [
            Problem(
                SourceLocation(path, line),
                f"the file holds a control character (#x{ord(bad.group()):04x})",
                "remove it; YAML files hold printable text only",
            )
        ]
    for loader in dict.fromkeys((LOADER, yaml.SafeLoader)):
        try:
            return _compose(loader, text, path, offset)
        except yaml.YAMLError as exc:
            error = exc  # libyaml's wording: read again with the pure-Python parser
    return None, [_syntax_problem(error, path, offset)]


def _compose(loader_class: type, text: str, path: Path, offset: int) -> tuple[Any, list[Problem]]:
    loader = loader_class(text)
    composer = _Composer(loader, path, offset)
    try:
        value = composer.document()
    except _Stop as stop:
        return None, [stop.problem]
    finally:
        loader.dispose()
    return value, composer.problems


def _syntax_problem(exc: yaml.YAMLError, path: Path, offset: int) -> Problem:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(SourceLocation(path, 1 + offset), f"YAML error: {exc}")
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + 1 + offset) if mark else 0
    col = (mark.column + 1) if mark else 0
    what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
    return Problem(SourceLocation(path, line, col), f"YAML syntax error: {what}", _yaml_fix(what))


def _yaml_fix(what: str) -> str:
    if "tab" in what or "\\t" in what:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in what:
        return "put text containing ': ' in quotes"
    return "check the indentation and quoting near this line"


def load_yaml_file(path: Path) -> tuple[Any, list[Problem]]:
    """Read and load one YAML file, every problem located."""
    text, problems = read_text(path, MAX_YAML_BYTES)
    if text is None:
        return None, problems
    return load_yaml_text(text, path)
