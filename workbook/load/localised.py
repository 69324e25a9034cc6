"""A programme's words in several languages: a text for every language, or one per language.

``title: Goal setting`` is every reader's title; ``title: {en: Goal setting, fr: Fixer ses
objectifs}`` gives each language its own. The same declaration checks both forms and states
both in the JSON Schema, so an editor underlines a language key that is no BCP 47 tag just
as ``workbook check`` refuses it.
"""

from __future__ import annotations

from typing import Any

from workbook.load.language import LANGUAGE_TAG, TAG_PATTERN, suggest_tag
from workbook.load.sources import YMap
from workbook.load.specs import Ctx, Spec


class Translated(dict[str, Any]):
    """The clean value of a key written as a mapping: language tag → that language's value."""


class Localised(Spec):
    """``inner`` for every language, or a mapping of language tags to ``inner``."""

    def __init__(self, inner: Spec, description: str = "") -> None:
        self.inner = inner
        self.required = inner.required
        self.description = description or inner.description

    def empty(self) -> Any:
        return self.inner.empty()

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if not isinstance(value, YMap):
            return self.inner.check(value, ctx, key)
        if not value:
            ctx.add(value, f"'{key}' is an empty mapping", "write the text, or 'en: …' lines")
            return self.inner.empty()
        out = Translated()
        for tag, text in value.items():
            line = value.marks[tag][0]
            if not LANGUAGE_TAG.fullmatch(tag):
                near = suggest_tag(tag)
                ctx.add(
                    value,
                    f"'{key}': '{tag}' is not a language tag",
                    f"did you mean '{near}'?"
                    if near
                    else "key each text by a BCP 47 tag such as en, fr or fr-CA",
                    line=line,
                )
                continue
            checked = self.inner.check(text, ctx, f"{key}.{tag}")
            if checked is not None:
                out[tag] = checked
        return out

    def schema(self) -> dict[str, Any]:
        return {
            "anyOf": [
                self.inner.schema(),
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": f"^{TAG_PATTERN}$"},
                    "additionalProperties": self.inner.schema(),
                },
            ]
        }

    def json(self, nullable: bool = False) -> dict[str, Any]:
        out = self.schema()
        if nullable:
            out["anyOf"].append({"type": "null"})
        if self.description:
            out = {"description": self.description, **out}
        return out
