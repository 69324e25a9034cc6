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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.ext import Extension
from jinja2.lexer import TokenStream

from workbook.errors import Problem, SourceLocation
from workbook.render import i18n
from workbook.render.capped import render_capped
from workbook.render.explain import (
    Explanation,
    Record,
    StrictData,
    closest,
    template_problem,
    unknown_name,
)
from workbook.render.lines import LineMap, LineMarks, unmark
from workbook.render.sandbox import ContainedLoader, Sandbox

__all__ = ["render_capped", "template_problem"]

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
_OUR_MARKS = re.compile("[\ue000-\ue003]")  # item-key and line marks: never from a value
# Compiled code depends on our extensions and code generator: a new name when they change.


def markdown_text(value: Any) -> str:
    """Print a value into Markdown as literal text: one line, punctuation escaped.

    The private characters this module marks item keys and lines with are dropped,
    so a value cannot make an item key.
    """
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ", ".join("" if v is None else str(v) for v in value)
    text = " ".join(_OUR_MARKS.sub("", str(value)).split())
    return _MD_PUNCT.sub(r"\\\1", text)


def plain(
    value: Any,
    skip: frozenset[str] = frozenset({"path", "line", "translations", "fallback"}),
    label: str = "",
) -> Any:
    """Models → plain mappings/lists/text for templates; file paths are left out.

    Mappings remember what they are (``goal``, ``coach``…), so a misspelt key can be
    reported as "'goal' has no key 'titel'" rather than in Jinja's words.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        values = {
            f.name: plain(getattr(value, f.name), label=f.name)
            for f in dataclasses.fields(value)
            if f.name not in skip
        }
        return Record(values, label or type(value).__name__.lower())
    if isinstance(value, Mapping):
        return Record({str(k): plain(v, label=str(k)) for k, v in value.items()}, label)
    if isinstance(value, list | tuple):
        item = label[:-1] if label.endswith("s") else label
        return [plain(v, label=item) for v in value]
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
        self.content = content
        self.files = ContainedLoader(str(content), followlinks=False)

    def path_of(self, template: str) -> Path | None:
        """The file a template name stands for, to report problems in it."""
        if template.startswith("exercise:"):
            found = self.bodies.get(template.removeprefix("exercise:"))
            return found[1] if found else None
        return self.content / template

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
    *,
    marks: bool = True,
) -> jinja2.Environment:
    """The environment exercises are personalised in (Markdown output).

    ``marks``: each line of text carries its source line through Jinja, so a
    problem found in the Markdown is told at the line it was written on. Without
    them the same text comes out faster; the build renders with marks only to
    place the problems of an exercise that has some.
    """
    env = Sandbox(
        bytecode_cache=cache,
        loader=_ExerciseLoader(bodies, content),
        extensions=[LineMarks] if marks else [],
        undefined=StrictData,
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
        extensions=[ScriptValues, "jinja2.ext.i18n"],
        undefined=StrictData,
        autoescape=True,
        auto_reload=False,
        cache_size=-1,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # every word a layout writes goes through gettext (_(), ngettext()): English unless the
    # page's reader offers its language's callables; dates and numbers by the page's ``lang``
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    i18n.install_filters(env)
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
                        Explanation(
                            "a value inside <script> must be printed with |tojson",
                            "write it as {{ value|tojson }}",
                        ),
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


def render_marked(template: jinja2.Template, context: dict[str, Any]) -> tuple[str, LineMap]:
    """Render an exercise; the text comes with the source line of each of its lines."""
    loader = template.environment.loader
    path_of = loader.path_of if isinstance(loader, _ExerciseLoader) else None
    return unmark(render_capped(template, context), path_of)


def short_day(value: Any) -> str:
    """``2026-09-08`` (a date, or its ISO text) → ``8 Sep 2026``, for tables."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return "" if value is None else str(value)


def undeclared(env: jinja2.Environment, source: str, path: Path) -> list[Problem]:
    """What a template gets wrong before it runs: syntax, unknown filters and tests, and
    names its context will not have, each with its line (all of them, not the first)."""
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [template_problem(exc, path)]
    problems = unknown_filters_and_tests(env, ast, path)
    probe = env.overlay()  # stand-ins for the unknown names, so the rest can be traced
    probe.filters = {**env.filters, **{n.name: _stand_in for n in ast.find_all(nodes.Filter)}}
    probe.tests = {**env.tests, **{n.name: _stand_in for n in ast.find_all(nodes.Test)}}
    tracker = meta.TrackingCodeGenerator(probe)
    try:
        tracker.visit(ast)
    except jinja2.TemplateError as exc:
        return [*problems, template_problem(exc, path)]
    known = ", ".join(sorted(EXERCISE_NAMES))
    for name in sorted(tracker.undeclared_identifiers - EXERCISE_NAMES):
        line = next((n.lineno for n in ast.find_all(nodes.Name) if n.name == name), 0)
        near = closest(name, EXERCISE_NAMES)
        problems.append(
            Problem(
                SourceLocation(path, line),
                f"undefined name '{name}'",
                (f"did you mean '{near}'? " if near else "") + f"exercises can use: {known}",
            )
        )
    return sorted(problems, key=lambda p: p.where.line)


def _stand_in(value: Any, *args: Any, **kwargs: Any) -> Any:
    """A filter or test that does nothing, standing in for an unknown one while tracing."""
    return value


def unknown_filters_and_tests(
    env: jinja2.Environment, ast: nodes.Template, path: Path
) -> list[Problem]:
    """Every ``|filter`` and ``is test`` the environment does not have, with its line."""
    problems = []
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        is_filter = isinstance(node, nodes.Filter)
        known = env.filters if is_filter else env.tests
        if node.name not in known:
            explained = unknown_name("filter" if is_filter else "test", node.name, known)
            where = SourceLocation(path, node.lineno)
            problems.append(Problem(where, str(explained), explained.fix))
    return problems
