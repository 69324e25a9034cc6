"""Reading users' files: strict, safe YAML that keeps line marks, and front matter.

YAML is composed to nodes with PyYAML's safe loader and converted here, so that:
every scalar stays text (the schema, not YAML 1.1, decides what is a date, a
number or a boolean: ``country: NO`` is "NO"); duplicate keys are errors, not
last-wins; explicit tags (``!!python/object``) are refused; alias bombs, deep
nesting and huge files stop quickly with a located error.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workbook.errors import Problem, SourceLocation

# libyaml's composer when PyYAML has it (several times faster, the same marks)
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_YAML_BYTES = 1_000_000
MAX_MARKDOWN_BYTES = 2_000_000
MAX_DEPTH = 32
MAX_NODES = 50_000

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


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


def whole_number(number: object) -> int | None:
    """A number with no fractional part as an int (JSON Schema's idea of an integer)."""
    if isinstance(number, bool) or not isinstance(number, int | float):
        return None
    if isinstance(number, float) and not number.is_integer():
        return None
    return int(number)


class _Converter:
    """Turns a composed node graph into YMap/YList/YText, counting work to stop bombs."""

    def __init__(self, path: Path, offset: int) -> None:
        self.path = path
        self.offset = offset
        self.problems: list[Problem] = []
        self.nodes = 0

    def at(self, node: yaml.Node) -> SourceLocation:
        mark = node.start_mark
        return SourceLocation(self.path, mark.line + 1 + self.offset, mark.column + 1)

    def convert(self, node: yaml.Node, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig(self.at(node), "the file expands to too many values (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise _TooBig(self.at(node), f"values are nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return self.sequence(node, depth)
        assert isinstance(node, yaml.MappingNode)
        return self.mapping(node, depth)

    def check_tag(self, node: yaml.Node, allowed: set[str]) -> None:
        if node.tag not in allowed:
            self.problems.append(
                Problem(
                    self.at(node),
                    f"the YAML tag '{node.tag.replace(_TAG, '!!')}' is not allowed",
                    "remove the tag; values here are plain text, lists and mappings",
                )
            )

    def scalar(self, node: yaml.ScalarNode) -> Any:
        self.check_tag(node, _PLAIN_TAGS)
        if node.tag == f"{_TAG}null" and not node.style:
            return None
        text = YText(node.value)
        text.line = node.start_mark.line + 1 + self.offset
        text.col = node.start_mark.column + 1
        text.quoted = node.style in ("'", '"', "|", ">")
        return text

    def sequence(self, node: yaml.SequenceNode, depth: int) -> YList:
        self.check_tag(node, {f"{_TAG}seq"})
        out = YList()
        out.line, out.col = node.start_mark.line + 1 + self.offset, node.start_mark.column + 1
        out.marks = []
        for item in node.value:
            out.marks.append((item.start_mark.line + 1 + self.offset, item.start_mark.column + 1))
            out.append(self.convert(item, depth + 1))
        return out

    def mapping(self, node: yaml.MappingNode, depth: int) -> YMap:
        self.check_tag(node, {f"{_TAG}map"})
        out = YMap()
        out.line, out.col = node.start_mark.line + 1 + self.offset, node.start_mark.column + 1
        out.flow = bool(node.flow_style)
        out.marks = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == f"{_TAG}merge":
                self.problems.append(
                    Problem(self.at(key_node), "this key is not plain text", "write a plain key")
                )
                continue
            key = key_node.value
            where = (key_node.start_mark.line + 1 + self.offset, key_node.start_mark.column + 1)
            if key in out.marks:
                first = out.marks[key][0]
                self.problems.append(
                    Problem(
                        SourceLocation(self.path, *where),
                        f"duplicate key '{key}' (first given on line {first})",
                        "keep one of them",
                    )
                )
                continue
            out.marks[key] = where
            out[key] = self.convert(value_node, depth + 1)
        return out


class _TooBig(Exception):
    def __init__(self, where: SourceLocation, what: str) -> None:
        super().__init__(what)
        self.where = where
        self.what = what


def load_yaml_text(text: str, path: Path, offset: int = 0) -> tuple[Any, list[Problem]]:
    """Load one YAML document from text; ``offset`` is added to every line (front matter)."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a control character: found before parsing starts
        line = text[: exc.position].count("\n") + 1 + offset
        return None, [
            Problem(
                SourceLocation(path, line),
                f"the file holds a control character (#x{exc.character:04x})",
                "remove it; YAML files hold printable text only",
            )
        ]
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else 0
        col = (mark.column + 1) if mark else 0
        what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        if "expected a single document" in str(exc.context or ""):
            what = "the file holds more than one YAML document"
        return None, [
            Problem(SourceLocation(path, line, col), f"YAML syntax error: {what}", _yaml_fix(what))
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(SourceLocation(path, 1 + offset), f"YAML error: {exc}")]
    except RecursionError:
        return None, [
            Problem(SourceLocation(path, 1 + offset), "values are nested too deeply", "flatten")
        ]
    finally:
        loader.dispose()
    if node is None:
        return None, []
    converter = _Converter(path, offset)
    try:
        value = converter.convert(node)
    except _TooBig as exc:
        return None, [Problem(exc.where, exc.what, "write the values out plainly, without anchors")]
    return value, converter.problems


def _yaml_fix(what: str) -> str:
    if "tab" in what:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in what:
        return "put text containing ': ' in quotes"
    if "more than one YAML document" in what:
        return "keep one document in the file: remove the second '---' line"
    return "check the indentation and quoting near this line"


def read_text(path: Path, limit: int) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 file (a BOM allowed, CRLF folded), refusing huge or undecodable files."""
    try:
        size = path.stat().st_size
        if size > limit:
            return None, [
                Problem(
                    SourceLocation(path),
                    f"the file is {size:,} bytes, more than the {limit:,} allowed",
                    "split it up or remove what does not belong",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(SourceLocation(path), f"cannot read the file: {exc.strerror}")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                SourceLocation(path, line),
                f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                "save it as UTF-8 in your editor",
            )
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def load_yaml_file(path: Path) -> tuple[Any, list[Problem]]:
    """Read and load one YAML file, every problem located."""
    text, problems = read_text(path, MAX_YAML_BYTES)
    if text is None:
        return None, problems
    return load_yaml_text(text, path)


@dataclass(frozen=True)
class FrontMatterSplit:
    """An exercise's front matter (loaded) and its body with the front matter blanked out.

    The body keeps one empty line per front-matter line so that line numbers in
    the body are line numbers in the file, through Jinja and Markdown alike.
    """

    meta: Any
    body: str
    problems: list[Problem]


@functools.cache
def _front() -> Any:
    """The front-matter splitter, made on first use (profiles alone never need Markdown)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("zero").use(front_matter_plugin)


def split_front_matter(text: str, path: Path) -> FrontMatterSplit:
    """Split ``---`` front matter from a Markdown file with mdit-py-plugins."""
    if not text.startswith("---"):
        return FrontMatterSplit(
            None,
            text,
            [
                Problem(
                    SourceLocation(path, 1),
                    "no front matter",
                    "start the file with '---', a 'title:' line and a closing '---'",
                )
            ],
        )
    # Only the head goes to the parser: up to the first closing '---' line, which is
    # where mdit-py-plugins' front-matter rule can end (the body is not its business).
    closing = re.search(r"^---[ \t]*$", text[3:], re.MULTILINE)
    head = text if closing is None else text[: 3 + closing.end()] + "\n"
    tokens = _front().parse(head)
    if not tokens or tokens[0].type != "front_matter" or tokens[0].map is None:
        return FrontMatterSplit(
            None,
            text,
            [
                Problem(
                    SourceLocation(path, 1),
                    "the front matter is not closed",
                    "end it with a line of '---'",
                )
            ],
        )
    end = tokens[0].map[1]
    meta, problems = load_yaml_text(tokens[0].content, path, offset=1)
    lines = text.split("\n")
    body = "\n" * end + "\n".join(lines[end:])
    return FrontMatterSplit(meta, body, problems)
