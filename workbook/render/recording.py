"""Reading inputs through one object that records what was read: the key of every output.

A renderer never reaches for a profile value, an answer, an exercise or a
template on its own: it asks a :class:`Reader`, which hands the input out and
notes its name and digest. What a task's rendering read is then exactly its
cache key — the idea of Lektor's ``track_record_dependency`` — so no list of
dependencies is kept by hand beside the code that renders.

Jinja templates read their context through :class:`RecordingContext`: a name
is recorded when the compiled template resolves it, so a page that never
prints ``today`` does not depend on the date.

Names are plain strings such as ``client``, ``today``, ``answers:me-first``
(one exercise's answers), ``exercise:me-first`` (its file) or
``template:home.html`` (a layout and everything it pulls in). A
:class:`Source` knows, for each name, the current value and its digest; the
cache asks it again at the next build to see whether any recorded input moved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from jinja2.runtime import Context
from jinja2.utils import missing

from workbook.digests import bytes_digest, digest

__all__ = ["READER", "Reader", "RecordingContext", "Source", "bytes_digest", "digest", "fresh"]

READER = "workbook reader"  # not an identifier: no template can name it


class Source(Protocol):
    """What a reader draws from: a value and a digest for every input name it knows."""

    def value(self, name: str) -> Any:
        """The input ``name`` (raises ``KeyError`` for a name it does not know)."""

    def digest(self, name: str) -> str:
        """The digest of ``name`` as it is now; ``""`` when there is no such input."""


class Reader:
    """Hands one task its inputs and records the digest of each, as it hands it out."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.read: dict[str, str] = {}
        self.offered: dict[str, str] = {}  # template variable → the input it was given

    def get(self, name: str) -> Any:
        """The input ``name``, recorded."""
        value = self.source.value(name)
        self.note(name)
        return value

    def note(self, name: str) -> None:
        """Record ``name`` as read (its value was handed out some other way)."""
        if name not in self.read:
            self.read[name] = self.source.digest(name)

    def include(self, reads: Mapping[str, str]) -> None:
        """Record what a shared piece of work read (a personalised exercise, say)."""
        for name, value in reads.items():
            self.read.setdefault(name, value)

    def context(self, names: Mapping[str, str], **extra: Any) -> dict[str, Any]:
        """A template context offering inputs (variable → input name), each recorded only
        if the template resolves its variable; ``extra`` values are not inputs."""
        values: dict[str, Any] = {}
        for variable, name in names.items():
            values[variable] = self.source.value(name)
            self.offered[variable] = name
        for variable in extra:
            self.offered.pop(variable, None)
        values.update(extra)
        values[READER] = self
        return values


def fresh(source: Source, reads: Mapping[str, str]) -> bool:
    """Whether every recorded input still has the digest it had when it was read."""
    return all(source.digest(name) == value for name, value in reads.items())


class RecordingContext(Context):
    """A Jinja context that tells the task's reader which inputs the template resolves.

    Compiled templates look every name up through ``resolve_or_missing``
    (includes and parent templates too, through their own contexts made from
    this one), so recording there records exactly the names a template can
    print — a safe over-approximation of what it prints.
    """

    def resolve_or_missing(self, key: str) -> Any:
        value = super().resolve_or_missing(key)
        if value is not missing:
            reader = self.parent.get(READER) or self.vars.get(READER)
            if isinstance(reader, Reader) and key in reader.offered:
                reader.note(reader.offered[key])
        return value
