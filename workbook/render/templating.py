"""The Jinja environments: sandboxed, strict, and escaping for where their output goes.

Two environments, both sandboxed with undefined names as errors:

* exercises: Jinja runs over Markdown, so every value printed is escaped as
  Markdown text (backslashes before punctuation, whitespace folded to single
  spaces): a profile value or an answer can never become a heading, a list,
  a field or a coach note;
* pages: HTML layouts, autoescaped.

Templates see plain data only (mappings, lists, text, numbers, dates) made by
:func:`plain`, never the models or paths behind them, and the sandbox only
allows attribute access on those plain types.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.ext import Extension
from jinja2.lexer import TokenStream
from jinja2.sandbox import SecurityError

from workbook.errors import Problem, SourceLocation
from workbook.render.sandbox import ContainedLoader, Sandbox, TooBig, render_capped

__all__ = ["render_capped"]

EXERCISE_NAMES = frozenset(
    {
        "client",
        "coach",
        "sponsor",
        "goals",
        "engagement",
        "firm",
        "programme",
        "stage",
        "answers",
        "today",
    }
)
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_ITEM_KEY = re.compile(r"\{#([a-z0-9]+(?:-[a-z0-9]+)*)\}")
_KEY_MARK = "\ue000"


def markdown_text(value: Any) -> str:
    """Print a value into Markdown as literal text: one line, punctuation escaped."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ", ".join("" if v is None else str(v) for v in value)
    text = " ".join(str(value).split())
    return _MD_PUNCT.sub(r"\\\1", text)


def plain(value: Any, skip: frozenset[str] = frozenset({"path", "line"})) -> Any:
    """Models → plain mappings/tuples/text for templates; file paths are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in skip
        }
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Path):
        return None
    return value


class AnswersView(dict[str, Any]):
    """``answers["exercise/field"]``: the current value, or None when not answered."""

    def __missing__(self, key: str) -> None:
        return None


class _ExerciseLoader(jinja2.BaseLoader):
    """Exercise bodies by name ``exercise:<id>``; includes from ``content/`` only."""

    def __init__(self, bodies: dict[str, tuple[str, Path]], content: Path) -> None:
        self.bodies = bodies
        self.files = ContainedLoader(str(content), followlinks=False)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template.startswith("exercise:"):
            if template.removeprefix("exercise:") not in self.bodies:
                raise jinja2.TemplateNotFound(template)
            body, path = self.bodies[template.removeprefix("exercise:")]
            return protect_keys(body), str(path), lambda: True
        return self.files.get_source(environment, template)


def protect_keys(body: str) -> str:
    """Hide item keys ``{#key}`` from Jinja, which would read them as comments."""
    return _ITEM_KEY.sub(lambda m: f"{_KEY_MARK}{m.group(1)}{_KEY_MARK}", body)


def restore_keys(text: str) -> str:
    return re.sub(f"{_KEY_MARK}([a-z0-9-]+){_KEY_MARK}", r"{#\1}", text)


def exercise_environment(
    bodies: dict[str, tuple[str, Path]],
    content: Path,
    cache: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    """The environment exercises are personalised in (Markdown output)."""
    env = Sandbox(
        bytecode_cache=cache,
        loader=_ExerciseLoader(bodies, content),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=markdown_text,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
    )
    return env


def page_environment(
    search: list[Path], cache: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """The environment of the HTML layouts: the project's templates/, then the defaults."""
    env = Sandbox(
        bytecode_cache=cache,
        loader=ContainedLoader([str(p) for p in search], followlinks=False),
        extensions=[ScriptValues],
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        auto_reload=False,
        cache_size=-1,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["longdate"] = long_date
    return env


class ScriptValues(Extension):
    """Inside ``<script>``, a value may be printed only through ``|tojson``.

    Autoescaping is for HTML, not JavaScript: ``var x = "{{ name }}"`` can be
    broken out of. ``|tojson`` makes a JavaScript value that cannot.
    """

    def filter_stream(self, stream: TokenStream) -> TokenStream | Any:
        state = "out"
        tokens = list(stream)
        for i, token in enumerate(tokens):
            if token.type == "data":
                state = _script_state(state, token.value.lower())
            elif token.type == "variable_begin" and state == "body":
                j = i + 1
                while tokens[j].type != "variable_end":
                    j += 1
                tail = tokens[j - 2 : j]
                if not (
                    len(tail) == 2
                    and tail[0].type == "pipe"
                    and tail[1].type == "name"
                    and tail[1].value == "tojson"
                ):
                    raise jinja2.TemplateSyntaxError(
                        "a value inside <script> must be printed with |tojson",
                        token.lineno,
                        stream.name,
                        stream.filename,
                    )
        return TokenStream(iter(tokens), stream.name, stream.filename)


def _script_state(state: str, text: str) -> str:
    """Follow ``out`` → ``tag`` (``<script …``) → ``body`` (after ``>``) → ``out`` through text."""
    marks = {"out": ("<script", "tag"), "tag": (">", "body"), "body": ("</script", "out")}
    at = 0
    while True:
        mark, following = marks[state]
        found = text.find(mark, at)
        if found < 0:
            return state
        state, at = following, found + len(mark)


def long_date(value: Any) -> str:
    """``2026-09-01`` → ``1 September 2026``; times keep their hour."""
    if isinstance(value, dt.datetime):
        return f"{value.day} {value:%B %Y, %H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return "" if value is None else str(value)


def undeclared(env: jinja2.Environment, source: str, path: Path) -> list[Problem]:
    """Names a template uses that its context will not have, each with its line."""
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [template_problem(exc, path)]
    problems = []
    for name in sorted(meta.find_undeclared_variables(ast) - EXERCISE_NAMES):
        line = next((n.lineno for n in ast.find_all(nodes.Name) if n.name == name), 0)
        known = ", ".join(sorted(EXERCISE_NAMES))
        problems.append(
            Problem(
                SourceLocation(path, line),
                f"undefined name '{name}'",
                f"exercises can use: {known}",
            )
        )
    return problems


def template_problem(exc: Exception, path: Path) -> Problem:
    """Turn a Jinja error into a located problem in the user's file."""
    line = getattr(exc, "lineno", None) or 0
    filename = getattr(exc, "filename", None)
    if not line or filename is None:
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename == str(path) or (filename and frame.filename == filename):
                line = frame.lineno or line
    where = Path(filename) if filename and filename != str(path) and "/" in filename else path
    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, TooBig):
        return Problem(
            SourceLocation(where, line),
            message,
            "make smaller values, or loops over the profile's own lists",
        )
    if isinstance(exc, SecurityError) or "unsafe" in message:
        return Problem(
            SourceLocation(where, line),
            f"the template reaches for Python internals ({message})",
            "use only the values workbook gives templates",
        )
    if isinstance(exc, jinja2.UndefinedError):
        return Problem(
            SourceLocation(where, line),
            message.replace("jinja2.", ""),
            "check the spelling, or guard optional values with {% if … %}",
        )
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(
            SourceLocation(where, line),
            f"template syntax error: {message}",
            "check the {{ }} and {% %} tags on this line",
        )
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem(
            SourceLocation(where, line),
            f"template not found: {message}",
            "includes must name a file inside content/ or templates/",
        )
    return Problem(
        SourceLocation(where, line), f"template error: {message}", "fix the expression on this line"
    )
