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
from workbook.render.explain import Record

__all__ = [
    "READER",
    "KeyedRecord",
    "Reader",
    "RecordingContext",
    "Source",
    "bytes_digest",
    "digest",
    "fresh",
]

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
        if the template resolves its variable; ``extra`` values are not inputs.

        An input the source lists in ``keyed`` (the profile) is offered key by key: a
        page that prints ``client.name`` depends on the name, not on the role."""
        keyed: frozenset[str] = getattr(self.source, "keyed", frozenset())
        values: dict[str, Any] = {}
        for variable, name in names.items():
            value = self.source.value(name)
            if name in keyed and isinstance(value, Record):
                values[variable] = KeyedRecord(value, self, name)
                self.offered.pop(variable, None)
                continue
            values[variable] = value
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


class KeyedRecord(Record):
    """A mapping input whose keys are recorded one by one, as ``<input>.<key>``.

    Reading a key (``client.role``, ``client["role"]``, ``.get``, ``in``) records that
    key alone; whatever sees the whole mapping (a loop, ``items()``, its length,
    printing it, comparing it, copying it) records the whole input, so nothing a
    template can learn of the mapping escapes its record. The source gives each
    ``<input>.<key>`` a digest of that key's value (and of whether it is there).
    """

    __slots__ = ("_input", "_reader")

    def __init__(self, values: Record, reader: Reader, name: str) -> None:
        super().__init__(values, values._label)
        self._reader = reader
        self._input = name

    def _key(self, key: object) -> None:
        self._reader.note(f"{self._input}.{key}" if isinstance(key, str) else self._input)

    def _whole(self) -> None:
        self._reader.note(self._input)

    def __getitem__(self, key: str) -> Any:
        self._key(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._key(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._key(key)
        return super().__contains__(key)

    # everything else sees the whole mapping
    def __iter__(self) -> Any:
        self._whole()
        return super().__iter__()

    def __reversed__(self) -> Any:
        self._whole()
        return super().__reversed__()

    def __len__(self) -> int:
        self._whole()
        return super().__len__()

    def keys(self) -> Any:
        self._whole()
        return super().keys()

    def values(self) -> Any:
        self._whole()
        return super().values()

    def items(self) -> Any:
        self._whole()
        return super().items()

    def copy(self) -> dict[str, Any]:
        self._whole()
        return dict(super().items())

    def __repr__(self) -> str:
        self._whole()
        return super().__repr__()

    def __str__(self) -> str:
        self._whole()
        return super().__repr__()

    def __eq__(self, other: object) -> bool:
        self._whole()
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        self._whole()
        return super().__ne__(other)

    __hash__ = None  # type: ignore[assignment]

    def __or__(self, other: Any) -> Any:
        self._whole()
        return super().__or__(other)

    def __ror__(self, other: Any) -> Any:
        self._whole()
        return super().__ror__(other)

    def __reduce__(self) -> tuple[Any, ...]:
        self._whole()
        return (Record, (dict(super().items()), self._label))

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return self.__reduce__()
