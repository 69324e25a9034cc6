"""Rendering a template within the caps: a page's length, its time, and located failures.

The sandbox (:mod:`workbook.render.sandbox`) bounds every value a template
makes; this module bounds the page as a whole — its output stops at
:data:`~workbook.render.sizes.MAX_OUTPUT` characters and its rendering at
:data:`MAX_SECONDS` (where the platform has timers) — and turns a Python error
raised inside a template into a ``TemplateError`` at the template's own line.
"""

from __future__ import annotations

import contextlib
import itertools
import signal
import threading
import traceback
from collections.abc import Iterator
from typing import Any

import jinja2

from workbook.render.sizes import MAX_OUTPUT, TooBig

MAX_SECONDS = 10.0  # to render one page
BATCH = 16  # chunks of output joined before the page's size is checked again


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
            # joined a few at a time: each printed value is bounded, so the check comes
            # soon enough, and far fewer steps run in Python
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
