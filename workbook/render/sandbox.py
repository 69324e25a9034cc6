"""The Jinja sandbox every template runs in: no Python internals, no bombs, no escapes.

Exercises and layouts are written by people, and copied between firms; a
template must not be able to reach Python objects, read files outside
``content/`` and ``templates/``, or stop the build with an output bomb
(``{{ 'x' * 10**9 }}``, nested loops, growing strings). So:

* attribute access is allowed on plain data only (mappings, lists, text…);
* the operators and methods that make big values (``*``, ``**``, ``%``, ``+``,
  ``~``, ``center``, ``replace``, ``format``…) check the size first, at most
  :data:`MAX_VALUE` characters or items;
* a page's output stops at :data:`MAX_OUTPUT` characters and its rendering at
  :data:`MAX_SECONDS` (where the platform has timers);
* loaders refuse files that resolve outside their folder (symlinks too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import math
import re
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import filters as jfilters
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Concat, Filter, Test
from jinja2.runtime import LoopContext
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from markupsafe import Markup

from workbook.render.explain import Explanation, LinkedOutside, unknown_name
from workbook.render.recording import RecordingContext

MAX_VALUE = 1_000_000  # characters of one value, items of one list
MAX_OUTPUT = 5_000_000  # characters of one rendered page
MAX_SECONDS = 10.0  # to render one page
BATCH = 64  # chunks of output joined before the size is checked again
PLAIN_TYPES = (str, int, float, bool, dt.date, dict, list, tuple, type(None), Markup, LoopContext)
_WIDTH = re.compile(r"\d{7,}")  # a width or precision of a million or more in a format


class TooBig(jinja2.TemplateRuntimeError):
    """A template tried to make a value, a page or a loop too big to be meant."""

    def __init__(self, message: str) -> None:
        super().__init__(
            Explanation(message, "make smaller values, or loops over the profile's own lists")
        )


def _too_big(what: str) -> TooBig:
    return TooBig(
        f"{what} would be larger than {MAX_VALUE:,} characters or items — "
        "an output bomb, or a loop that never ends"
    )


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple | dict) else 0


def _check_format(fmt: Any) -> None:
    if isinstance(fmt, str) and any(int(m) > MAX_VALUE for m in _WIDTH.findall(fmt)):
        raise _too_big("the formatted text")


def _check_repeat(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        if isinstance(count, int) and _size(seq) * max(count, 0) > MAX_VALUE:
            raise _too_big("the repeated value")


def _check_power(left: Any, right: Any) -> None:
    if isinstance(left, int | float) and isinstance(right, int | float):
        base = abs(left)
        if base > 1 and right > 0 and right * math.log2(base) > 4096:
            raise TooBig("the number would be too large to print")


def _checked_call(obj: Any, args: tuple[Any, ...]) -> None:
    """Size checks for the string methods that make long text from short arguments."""
    owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
    if not isinstance(owner, str) or not args:
        return
    first = args[0]
    if name in ("center", "ljust", "rjust", "zfill") and isinstance(first, int):
        if first > MAX_VALUE:
            raise _too_big("the padded text")
    elif name == "expandtabs" and isinstance(first, int):
        if owner.count("\t") * first > MAX_VALUE:
            raise _too_big("the text")
    elif name == "replace" and len(args) >= 2 and isinstance(args[1], str):
        _check_replace(owner, str(first), args[1])
    elif name == "join" and isinstance(first, list | tuple):
        joined = len(owner) * len(first) + sum(_size(x) for x in first)
        if joined > MAX_VALUE:
            raise _too_big("the joined text")


def _check_replace(text: str, old: str, new: str) -> None:
    count = text.count(old) if old else len(text) + 1
    if len(text) + count * (len(new) - len(old)) > MAX_VALUE:
        raise _too_big("the text after replace")


def _capped_filters() -> dict[str, Callable[..., Any]]:
    """The built-in filters that can make big values, with their arguments checked first."""

    def center(value: str, width: int = 80) -> str:
        if isinstance(width, int) and width > MAX_VALUE:
            raise _too_big("the centred text")
        return jfilters.do_center(value, width)

    def indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
        pad = width if isinstance(width, int) else len(str(width))
        if pad * (str(s).count("\n") + 1) + len(str(s)) > MAX_VALUE:
            raise _too_big("the indented text")
        return jfilters.do_indent(s, width, first, blank)

    def format_(value: str, *args: Any, **kwargs: Any) -> str:
        _check_format(value)
        if "*" in str(value) and any(isinstance(v, int) and v > MAX_VALUE for v in args):
            raise _too_big("the formatted text")
        return jfilters.do_format(value, *args, **kwargs)

    @jinja2.pass_eval_context
    def replace(ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
        _check_replace(str(s), str(old), str(new))
        return jfilters.do_replace(ctx, s, old, new, count)

    def batch(value: Any, linecount: int, fill_with: Any = None) -> Iterator[list[Any]]:
        if isinstance(linecount, int) and linecount > MAX_VALUE:
            raise _too_big("the batch")
        return jfilters.do_batch(value, linecount, fill_with)

    def slice_(value: Any, slices: int, fill_with: Any = None) -> Iterator[list[Any]]:
        if isinstance(slices, int) and slices > MAX_VALUE:
            raise _too_big("the slices")
        sliced: Iterator[list[Any]] = jfilters.do_slice(value, slices, fill_with)
        return sliced

    return {
        "center": center,
        "indent": indent,
        "format": format_,
        "replace": replace,
        "batch": batch,
        "slice": slice_,
    }


def _capped_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """Jinja's placeholder text, at most a hundred paragraphs of at most a thousand words."""
    from jinja2.utils import generate_lorem_ipsum

    if not all(isinstance(v, int) for v in (n, min, max)) or n > 100 or max > 1000:
        raise _too_big("the placeholder text")
    return generate_lorem_ipsum(n, html, min, max)


class _CappedFormatter(SandboxedFormatter):
    """``str.format`` with each field's width checked after nested ``{}`` are filled in."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_format(format_spec)
        return super().format_field(value, format_spec)


class _CappedEscapeFormatter(SandboxedEscapeFormatter, _CappedFormatter):
    pass


class _CheckedCode(CodeGenerator):
    """``a ~ b`` goes through the environment, so growing strings are capped too; and
    every filter and test must exist, even inside ``{% if %}`` (where Jinja would wait
    until the branch runs, so a misspelt name could pass ``check`` unseen)."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.checked_concat(")
        super().visit_Concat(node, frame)
        self.write(")")

    def visit_Filter(self, node: Filter, frame: Frame) -> None:
        if node.name not in self.environment.filters:
            self.fail(unknown_name("filter", node.name, self.environment.filters), node.lineno)
        super().visit_Filter(node, frame)

    def visit_Test(self, node: Test, frame: Frame) -> None:
        if node.name not in self.environment.tests:
            self.fail(unknown_name("test", node.name, self.environment.tests), node.lineno)
        super().visit_Test(node, frame)


class Sandbox(ImmutableSandboxedEnvironment):
    """Attribute access only on plain data, and every value-growing operation capped."""

    code_generator_class = _CheckedCode
    context_class = RecordingContext  # templates tell the task's reader what they resolve
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters.update(_capped_filters())
        self.globals.pop("namespace", None)  # no state carried across loop iterations
        self.globals["lipsum"] = _capped_lipsum

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not isinstance(obj, PLAIN_TYPES):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` / ``format_map`` through a formatter that checks every width."""
        owner, name = getattr(value, "__self__", None), getattr(value, "__name__", "")
        if not isinstance(owner, str) or name not in ("format", "format_map"):
            return None
        _check_format(owner)
        formatter: SandboxedFormatter = (
            _CappedEscapeFormatter(self, escape=owner.escape)
            if isinstance(owner, Markup)
            else _CappedFormatter(self)
        )

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if name == "format_map":
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                mapping: Any = args[0]
                args, kwargs = (), mapping
            return type(owner)(formatter.vformat(owner, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        elif operator == "%":
            _check_format(left)
            if isinstance(left, str) and "*" in left:
                values = right if isinstance(right, tuple) else (right,)
                if any(isinstance(v, int) and v > MAX_VALUE for v in values):
                    raise _too_big("the formatted text")
        elif operator == "+" and _size(left) + _size(right) > MAX_VALUE:
            raise _too_big("the joined value")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _checked_call(__obj, args)
        return super().call(__context, __obj, *args, **kwargs)

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

    def checked_concat(self, value: Any) -> Any:
        if _size(value) > MAX_VALUE:
            raise _too_big("the joined text")
        return value


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


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt a render that takes too long (main thread, POSIX timers; else no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise TooBig(f"the page took longer than {seconds:g} s to render (a loop without end?)")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_capped(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render with the output and time caps; any failure is a located ``TemplateError``."""
    parts: list[str] = []
    total = 0
    try:
        with _time_limit(MAX_SECONDS):
            chunks = template.generate(context)
            # joined a few dozen at a time: each chunk is capped at MAX_VALUE, so the
            # check comes soon enough, and far fewer steps run in Python
            while batch := list(itertools.islice(chunks, BATCH)):
                part = "".join(batch)
                total += len(part)
                if total > MAX_OUTPUT:
                    raise TooBig(
                        f"the page would be longer than {MAX_OUTPUT:,} characters — "
                        "an output bomb, or a loop that never ends"
                    )
                parts.append(part)
    except jinja2.TemplateError:
        raise
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as exc:
        raise _located(
            jinja2.TemplateRuntimeError(f"{type(exc).__name__}: {exc}"), exc, template
        ) from None
    return "".join(parts)


def _located(error: jinja2.TemplateError, cause: BaseException, template: Any) -> Any:
    """Give ``error`` the template file and line where ``cause`` happened."""
    filename, line = template.filename, 0
    for frame in traceback.extract_tb(cause.__traceback__):
        if frame.filename and not frame.filename.endswith(".py") and frame.lineno:
            filename, line = frame.filename, frame.lineno
    error.lineno = line  # type: ignore[attr-defined]
    error.filename = filename  # type: ignore[attr-defined]
    return error
