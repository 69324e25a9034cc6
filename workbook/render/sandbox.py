"""The Jinja sandbox every template runs in: no Python internals, no bombs, no escapes.

Exercises and layouts are written by people, and copied between firms; a
template must not be able to reach Python objects, read files outside
``content/`` and ``templates/``, or stop the build with an output bomb
(``{{ 'x' * 10**9 }}``, nested loops, growing strings). So:

* attribute access is allowed on plain data only (mappings, lists, text…);
* every value the sandbox makes is bounded by its result, not its operands
  (:mod:`workbook.render.sizes`): the operators (``*``, ``**``, ``%``, ``+``,
  ``~``), the string methods (``join``, ``format``, ``center``, ``replace``…)
  and every filter are checked before they make a value when the result's size
  can be told from the inputs (deep sizes: a list of a thousand references to
  one long text is a thousand long texts once joined or printed), and the value
  made is checked again after; an iterator handed to a filter is read into a
  list that stops as soon as it grows too big;
* a value printed with ``{{ }}`` is measured before it is turned into text, a
  page's output stops at :data:`MAX_OUTPUT` characters and its rendering after a
  time limit (:mod:`workbook.render.capped`);
* loaders refuse files that resolve outside their folder (symlinks too).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import filters as jfilters
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Concat, Filter, Test
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.utils import _PassArg
from markupsafe import Markup

from workbook.render.explain import LinkedOutside, unknown_name
from workbook.render.recording import RecordingContext
from workbook.render.sizes import (
    MAX_OUTPUT,
    MAX_VALUE,
    Frozen,
    TooBig,
    bounded_list,
    check_inputs,
    check_join,
    check_made,
    check_percent,
    check_repeat,
    check_replace,
    check_widths,
    deep_size,
    size,
    too_big,
)

__all__ = ["MAX_OUTPUT", "MAX_VALUE", "TooBig"]

PLAIN_TYPES = (str, int, float, bool, dt.date, dict, list, tuple, type(None), Markup, LoopContext)
# Filters that hand back the values they were given, rearranged or picked out: they make no
# text of them. Every other filter may turn its input into text, so its input is measured.
_PICKING = frozenset(
    {
        "attr", "batch", "count", "d", "default", "dictsort", "first", "groupby", "items",
        "last", "length", "list", "map", "max", "min", "random", "reject", "rejectattr",
        "reverse", "select", "selectattr", "slice", "sort", "sum", "unique",
    }
)  # fmt: skip


def _check_power(left: Any, right: Any) -> None:
    if isinstance(left, int | float) and isinstance(right, int | float):
        base = abs(left)
        if base > 1 and right > 0 and right * math.log2(base) > 4096:
            raise TooBig("the number would be too large to print")


def _checked_call(obj: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Size checks for the string methods that make long text from short arguments.

    Returns the arguments to call with (an iterator handed to ``join`` is read first,
    within bounds).
    """
    owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
    if not isinstance(owner, str) or not args:
        return args
    first = args[0]
    if name in ("center", "ljust", "rjust", "zfill") and isinstance(first, int):
        if first > MAX_VALUE:
            raise too_big("the padded text")
    elif name == "expandtabs" and isinstance(first, int):
        if owner.count("\t") * first > MAX_VALUE:
            raise too_big("the text")
    elif name == "replace" and len(args) >= 2 and isinstance(args[1], str):
        check_replace(owner, str(first), args[1])
    elif name == "join":
        items = first if isinstance(first, list | tuple | dict | str) else bounded_list(first)
        check_join(owner, items)
        return (items, *args[1:])
    return args


def _capped_filters() -> dict[str, Callable[..., Any]]:
    """The built-in filters that can make big values, with their arguments checked first."""

    def center(value: str, width: int = 80) -> str:
        if isinstance(width, int) and width > MAX_VALUE:
            raise too_big("the centred text")
        return jfilters.do_center(value, width)

    def indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
        pad = width if isinstance(width, int) else len(str(width))
        if pad * (str(s).count("\n") + 1) + len(str(s)) > MAX_VALUE:
            raise too_big("the indented text")
        return jfilters.do_indent(s, width, first, blank)

    def format_(value: str, *args: Any, **kwargs: Any) -> str:
        check_percent(value, kwargs or args)
        return jfilters.do_format(value, *args, **kwargs)

    @jinja2.pass_eval_context
    def replace(ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
        check_replace(str(s), str(old), str(new))
        return jfilters.do_replace(ctx, s, old, new, count)

    @jinja2.pass_eval_context
    def join(ctx: Any, value: Any, d: str = "", attribute: str | int | None = None) -> str:
        check_join(d, value)
        joined: str = jfilters.do_join(ctx, value, d, attribute)
        return joined

    def batch(value: Any, linecount: int, fill_with: Any = None) -> Iterator[list[Any]]:
        if isinstance(linecount, int) and linecount > MAX_VALUE:
            raise too_big("the batch")
        return jfilters.do_batch(value, linecount, fill_with)

    def slice_(value: Any, slices: int, fill_with: Any = None) -> Iterator[list[Any]]:
        if isinstance(slices, int) and slices > MAX_VALUE:
            raise too_big("the slices")
        sliced: Iterator[list[Any]] = jfilters.do_slice(value, slices, fill_with)
        return sliced

    return {
        "center": center,
        "indent": indent,
        "format": format_,
        "replace": replace,
        "join": join,
        "batch": batch,
        "slice": slice_,
    }


# Filters that make new text by padding, repeating or joining: held to the value limit.
_MAKING = frozenset({"center", "indent", "format", "replace", "join", "wordwrap"})


def _guarded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` as a filter whose input is read within bounds and whose result is checked.

    An iterator given to the filter (``map``, ``select``…) is read into a list that
    stops as soon as it grows too big; a filter that may turn its input into text
    has the input measured first; and what the filter returns is checked.
    """
    lead = 0 if _PassArg.from_obj(function) is None else 1  # a context comes first
    what = f"the result of the '{name}' filter"
    limit = MAX_VALUE if name in _MAKING else MAX_OUTPUT

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if len(args) > lead and isinstance(args[lead], Iterator):
            args = (*args[:lead], bounded_list(args[lead], what, MAX_OUTPUT), *args[lead + 1 :])
        if name not in _PICKING:
            check_inputs([*args[lead:], *kwargs.values()], what, limit)
        result = function(*args, **kwargs)
        if isinstance(result, str | list | tuple | dict):
            check_made(result, what, MAX_OUTPUT)
        return result

    return guarded


def _tojson(plain: Callable[..., Any]) -> Callable[..., Any]:
    """Jinja's ``tojson``, made once for a :class:`Frozen` mapping printed on every page."""

    @jinja2.pass_eval_context
    def tojson(eval_ctx: Any, value: Any, indent: int | None = None) -> Any:
        if isinstance(value, Frozen) and indent is None:
            if value.json is None:
                value.json = plain(eval_ctx, value)
            return value.json
        return plain(eval_ctx, value, indent)

    return tojson


def _capped_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """Jinja's placeholder text, at most a hundred paragraphs of at most a thousand words."""
    from jinja2.utils import generate_lorem_ipsum

    if not all(isinstance(v, int) for v in (n, min, max)) or n > 100 or max > 1000:
        raise too_big("the placeholder text")
    return generate_lorem_ipsum(n, html, min, max)


class _CappedFormatter(SandboxedFormatter):
    """``str.format`` with each field's width checked, and the whole result as it grows."""

    made = 0  # characters of the text made so far by the current ``vformat``

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        self.made = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        check_widths(format_spec)
        width = max((int(w) for w in _digits(format_spec)), default=0)
        if self.made + width + deep_size(value, MAX_VALUE) > MAX_VALUE:
            raise too_big("the formatted text")
        text = super().format_field(value, format_spec)
        self.made += len(text)
        if self.made > MAX_VALUE:
            raise too_big("the formatted text")
        return text


def _digits(spec: str) -> list[str]:
    return [part for part in "".join(c if c.isdigit() else " " for c in spec).split() if part]


class _CappedEscapeFormatter(SandboxedEscapeFormatter, _CappedFormatter):
    pass


class _CheckedCode(CodeGenerator):
    """``a ~ b`` goes through the environment, which measures the parts before joining; and
    every filter and test must exist, even inside ``{% if %}`` (where Jinja would wait
    until the branch runs, so a misspelt name could pass ``check`` unseen)."""

    def visit_Filter(self, node: Filter, frame: Frame) -> None:
        if node.name not in self.environment.filters:
            self.fail(unknown_name("filter", node.name, self.environment.filters), node.lineno)
        super().visit_Filter(node, frame)

    def visit_Test(self, node: Test, frame: Frame) -> None:
        if node.name not in self.environment.tests:
            self.fail(unknown_name("test", node.name, self.environment.tests), node.lineno)
        super().visit_Test(node, frame)

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"environment.checked_concat({func_name}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class Sandbox(ImmutableSandboxedEnvironment):
    """Attribute access only on plain data, and every value-growing operation capped."""

    code_generator_class = _CheckedCode
    context_class = RecordingContext  # templates tell the task's reader what they resolve
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters.update(_capped_filters())
        self.filters["tojson"] = _tojson(self.filters["tojson"])
        self.filters.update({name: _guarded(name, f) for name, f in self.filters.items()})
        self.globals.pop("namespace", None)  # no state carried across loop iterations
        self.globals["lipsum"] = _capped_lipsum
        shown = self.finalize

        def finalize(value: Any) -> Any:
            """A printed value is measured before it becomes text (``str`` of a list…)."""
            if not isinstance(value, str) and deep_size(value, MAX_OUTPUT) > MAX_OUTPUT:
                raise TooBig(
                    f"the printed value would be longer than {MAX_OUTPUT:,} characters — "
                    "an output bomb, or a loop that never ends"
                )
            return shown(value) if shown is not None else value

        self.finalize = finalize

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not isinstance(obj, PLAIN_TYPES):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` / ``format_map`` through a formatter that checks every width."""
        owner, name = getattr(value, "__self__", None), getattr(value, "__name__", "")
        if not isinstance(owner, str) or name not in ("format", "format_map"):
            return None
        check_widths(owner)
        formatter: SandboxedFormatter = (
            _CappedEscapeFormatter(self, escape=owner.escape)
            if isinstance(owner, Markup)
            else _CappedFormatter(self)
        )

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if name == "format_map":
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                return type(owner)(formatter.vformat(owner, (), args[0]))
            return type(owner)(formatter.vformat(owner, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%":
            check_percent(left, right)
        elif operator == "+" and size(left) + size(right) > MAX_VALUE:
            raise too_big("the joined value")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(__obj, "workbook_words", False) is True:
            # the tool's own gettext and ngettext (render/i18n.py), said dozens of times a
            # page: called with the page's context, as Jinja calls a pass_context function
            # (they read nothing a loop or a block sets), and what they make is measured
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            return check_made(__obj(__context, *args, **kwargs), "the value made")
        args = _checked_call(__obj, args)
        result = super().call(__context, __obj, *args, **kwargs)
        if not isinstance(__obj, Macro) and isinstance(result, str | bytes | list | tuple):
            check_made(result, "the value made")
        return result

    def call_filter(self, name: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        """``map('uppr')``: a filter named by a string is checked when it is called."""
        if isinstance(name, str) and name not in self.filters:
            raise jinja2.TemplateRuntimeError(unknown_name("filter", name, self.filters))
        return super().call_filter(name, value, *args, **kwargs)

    def call_test(self, name: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        """``select('evn')``: a test named by a string is checked when it is called."""
        if isinstance(name, str) and name not in self.tests:
            raise jinja2.TemplateRuntimeError(unknown_name("test", name, self.tests))
        return super().call_test(name, value, *args, **kwargs)

    def checked_concat(self, join: Any, parts: tuple[Any, ...] | None = None) -> Any:
        """``a ~ b``: the parts measured, then joined with ``join`` (str_join, markup_join).

        Code compiled by an earlier version passes the joined text alone: it is checked
        after the fact, as it was then.
        """
        if parts is None:
            return check_made(join, "the joined text")
        check_inputs(parts, "the joined text")
        return join(parts)


class ContainedLoader(jinja2.FileSystemLoader):
    """A file loader that refuses what resolves outside its folders (``..``, symlinks)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(p).resolve()) for p in self.searchpath):
            raise LinkedOutside(template, filename)
        return source, filename, uptodate
