"""The kinds that hold other values: lists, mappings of declared keys, and ``custom``.

Like the single values of :mod:`workbook.load.specs`, each checks what was
loaded and states its JSON Schema from the same fields. An optional key may be
left empty (``role:``): the checks take it as absent, and the schema allows
``null`` for it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from workbook.errors import Problem, SourceLocation
from workbook.load.sources import YList, YMap
from workbook.load.specs import Ctx, Spec, kind_of


class ListOf(Spec):
    def __init__(
        self,
        item: Spec,
        description: str = "",
        limit: int = 500,
        required: bool = False,
        least: int = 0,
    ) -> None:
        self.item, self.description, self.limit = item, description, limit
        self.required, self.least = required, least

    def empty(self) -> Any:
        return ()

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if not isinstance(value, YList):
            ctx.add(
                value,
                f"'{key}' should be a list, not {kind_of(value)}",
                "write it as [a, b] or as lines starting with '- '",
            )
            return ()
        if len(value) > self.limit:
            ctx.add(value, f"'{key}' has more than {self.limit} items", "shorten the list")
            return ()
        if len(value) < self.least:
            more = "one" if self.least == 1 else str(self.least)
            ctx.add(value, f"'{key}' is empty", f"add at least {more}")
            return ()
        out = [self.item.check(v, ctx, f"{key}[{i}]") for i, v in enumerate(value)]
        return tuple(v for v in out if v is not None)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.json(), "maxItems": self.limit}
        if self.least:
            out["minItems"] = self.least
        return out


class FreeForm(Spec):
    """``custom``: any mapping of text, lists and mappings, passed on as plain values."""

    description = "free-form values for your own templates"

    def empty(self) -> Any:
        return {}

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if not isinstance(value, YMap):
            ctx.add(value, f"'{key}' should be a mapping", "write key: value lines under it")
            return {}
        return _plain(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "object"}


def _plain(value: Any) -> Any:
    if isinstance(value, YMap):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, YList):
        return [_plain(v) for v in value]
    return None if value is None else str(value)


class Obj(Spec):
    """A mapping of declared keys; ``build`` turns the clean values into a model."""

    def __init__(
        self,
        fields: dict[str, Spec],
        build: Callable[..., Any] | None = None,
        required: bool = False,
        description: str = "",
    ) -> None:
        self.fields, self.build, self.required, self.description = (
            fields,
            build,
            required,
            description,
        )

    def empty(self) -> Any:
        if self.required or any(s.required for s in self.fields.values()):
            return None
        return self.build(**{k: s.empty() for k, s in self.fields.items()}) if self.build else {}

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if not isinstance(value, YMap):
            ctx.add(
                value,
                f"'{key}' should be a mapping, not {kind_of(value)}"
                if key
                else f"the file should hold 'key: value' lines, not {kind_of(value)}",
                "write its keys on indented lines below it" if key else "one 'key: value' a line",
            )
            return None
        before = len(ctx.problems)
        self._unknown_keys(value, ctx)
        out = {name: self._value(value, name, spec, ctx, key) for name, spec in self.fields.items()}
        if self.build is None:
            return out  # what could be read, None for each broken key: later checks still run
        return self.build(**out) if len(ctx.problems) == before else None

    def _value(self, value: YMap, name: str, spec: Spec, ctx: Ctx, key: str) -> Any:
        """One key's clean value: checked if given, its default if not, None if broken."""
        full = f"{key}.{name}" if key else name
        if name in value and value[name] is not None:
            return spec.check(value[name], ctx, full)
        if spec.required:
            ctx.add(
                value,
                f"missing required key '{full}'",
                f"add '{name}:' here",
                line=value.marks[name][0] if name in value.marks else 0,
            )
            return None
        return spec.empty()

    def _unknown_keys(self, value: YMap, ctx: Ctx) -> None:
        for name in value:
            if name in self.fields:
                continue
            line, col = value.marks[name]
            near = difflib.get_close_matches(name, list(self.fields), n=1, cutoff=0.6)
            fix = (
                f"did you mean '{near[0]}'?" if near else ("known keys: " + ", ".join(self.fields))
            )
            if value.flow and not near:
                fix = "inside { }, a comma ends a value: put text that holds a comma in quotes"
            ctx.problems.append(
                Problem(SourceLocation(ctx.path, line, col), f"unknown key '{name}'", fix)
            )

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "object", "additionalProperties": False}
        required = [k for k, s in self.fields.items() if s.required]
        if required:
            out["required"] = required
        out["properties"] = {k: s.json(nullable=not s.required) for k, s in self.fields.items()}
        return out
