"""Rendering a template within the caps: a page's length, its time, and located failures.

The sandbox (:mod:`workbook.render.sandbox`) bounds every value a template
makes; this module bounds the page as a whole — its output stops at
:data:`~workbook.render.sizes.MAX_OUTPUT` characters and its rendering at
:data:`MAX_SECONDS` (where the platform has timers) — and turns a Python error
raised inside a template into a ``TemplateError`` at the template's own line.
"""

from __future__ import annotations

import itertools
import signal
import threading
import traceback
from typing import Any

import jinja2

from workbook.render.sizes import MAX_OUTPUT, TooBig

MAX_SECONDS = 10.0  # to render one page
BATCH = 16  # chunks of output joined before the page's size is checked again


class _Clock:
    """The page's time limit: a POSIX interval timer, and one SIGALRM handler per process.

    The handler is installed at the first page and left in place (installing and restoring
    it around every page cost more than some pages); an alarm that arrives while no page
    is rendering goes to the handler that was there before, so other users of SIGALRM
    keep theirs.
    """

    def __init__(self) -> None:
        self.seconds = 0.0  # the limit of the page rendering now; 0 when none is
        self.before: Any = None
        self.handler = self._ring  # one bound method, so that it can be recognised

    def usable(self) -> bool:
        main = threading.current_thread() is threading.main_thread()
        return main and hasattr(signal, "setitimer")

    def start(self, seconds: float) -> bool:
        if seconds <= 0 or not self.usable():
            return False
        if signal.getsignal(signal.SIGALRM) is not self.handler:
            self.before = signal.signal(signal.SIGALRM, self.handler)
        self.seconds = seconds
        signal.setitimer(signal.ITIMER_REAL, seconds)
        return True

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.seconds = 0.0

    def _ring(self, signum: int, frame: Any) -> None:
        if self.seconds:
            raise TooBig(
                f"the page took longer than {self.seconds:g} s to render (a loop without end?)"
            )
        if callable(self.before):
            self.before(signum, frame)


_CLOCK = _Clock()


def render_capped(template: jinja2.Template, context: dict[str, Any]) -> str:
    """Render with the output and time caps; any failure is a located ``TemplateError``."""
    parts: list[str] = []
    total = 0
    timed = _CLOCK.start(MAX_SECONDS)
    try:
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
    finally:
        if timed:
            _CLOCK.stop()
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
