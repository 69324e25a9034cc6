"""One declaration of each user file's keys: it validates, fills defaults, and emits JSON Schema.

Modelled on MkDocs's typed config options: every key is declared once with its
type; validation returns every problem with its line, and unknown keys get a
did-you-mean. ``custom`` is the one free-form place in a profile.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbook import models
from workbook.errors import Problem, SourceLocation
from workbook.ids import ID_FIX, id_problem
from workbook.load.bounds import year_problem
from workbook.load.sources import YList, YMap, YText, line_of


class Ctx:
    """Where values come from, to locate problems; problems are appended here."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, value: Any, what: str, fix: str = "", line: int = 0) -> None:
        where = SourceLocation(self.path, line or line_of(value), getattr(value, "col", 0) or 0)
        self.problems.append(Problem(where, what, fix))


class Spec:
    """A declared value. ``check`` returns the clean value (or None) and reports problems."""

    required = False
    description = ""

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        raise NotImplementedError

    def empty(self) -> Any:
        return None

    def json(self) -> dict[str, Any]:
        raise NotImplementedError


def _kind(value: Any) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    return "empty" if value is None else "text"


class Text(Spec):
    def __init__(self, required: bool = False, description: str = "", limit: int = 10_000) -> None:
        self.required = required
        self.description = description
        self.limit = limit

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if not isinstance(value, str):
            ctx.add(value, f"'{key}' should be text, not {_kind(value)}", "write it on one line")
            return None
        if len(value) > self.limit:
            ctx.add(value, f"'{key}' is longer than {self.limit:,} characters", "shorten it")
            return None
        if control := _CONTROL.search(value):
            ctx.add(
                value,
                f"'{key}' holds a control character (U+{ord(control.group()):04X})",
                "remove it: text may hold any printable character, tabs and line breaks",
            )
            return None
        return str(value)

    def json(self) -> dict[str, Any]:
        return {"type": "string", "description": self.description}


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Id(Text):
    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = super().check(value, ctx, key)
        if text is not None and (why := id_problem(text)):
            ctx.add(value, f"'{key}': {why}", ID_FIX)
            return None
        return text

    def json(self) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
            "maxLength": 64,
            "description": self.description,
        }


class Choice(Text):
    def __init__(self, options: tuple[str, ...], description: str = "") -> None:
        super().__init__(description=description)
        self.options = options

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = super().check(value, ctx, key)
        if text is not None and text not in self.options:
            ctx.add(value, f"'{key}' is '{text}'", "use one of: " + ", ".join(self.options))
            return None
        return text

    def json(self) -> dict[str, Any]:
        return {"enum": list(self.options), "description": self.description}


class Colour(Text):
    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = super().check(value, ctx, key)
        if text is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}", text):
            ctx.add(value, f"'{key}' is not a colour: '{text}'", "write it as #rrggbb")
            return None
        return text

    def json(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"}


class Bool(Spec):
    def __init__(self, description: str = "") -> None:
        self.description = description

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if isinstance(value, YText) and not value.quoted and value in ("true", "false"):
            return value == "true"
        ctx.add(value, f"'{key}' should be true or false, not '{value}'", "write true or false")
        return None

    def json(self) -> dict[str, Any]:
        return {"type": "boolean", "description": self.description}


class Int(Spec):
    def __init__(self, low: int = 0, high: int = 10_000, description: str = "") -> None:
        self.low, self.high, self.description = low, high, description

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if isinstance(value, YText) and re.fullmatch(r"-?[0-9]{1,9}", value):
            number = int(value)
            if self.low <= number <= self.high:
                return number
        ctx.add(
            value,
            f"'{key}' should be a whole number from {self.low} to {self.high}, not '{value}'",
            "write a number such as 20",
        )
        return None

    def json(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?")


class Date(Spec):
    """A YAML date; with ``times`` a date-time too (local unless it names a zone)."""

    def __init__(self, required: bool = False, times: bool = False, description: str = "") -> None:
        self.required, self.times, self.description = required, times, description

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = str(value) if isinstance(value, str) else None
        fix = "write dates as YYYY-MM-DD" + (", times as YYYY-MM-DDTHH:MM" if self.times else "")
        try:
            if text and _DATE.fullmatch(text):
                return self.bounded(dt.date.fromisoformat(text), value, ctx, key)
            if text and self.times and _DATETIME.fullmatch(text):
                when = dt.datetime.fromisoformat(text.replace(" ", "T"))
                return self.bounded(when, value, ctx, key)
        except ValueError as exc:
            ctx.add(value, f"'{key}' is not a real date: '{text}' ({exc})", fix)
            return None
        ctx.add(value, f"'{key}' should be a date, not '{value}'", fix)
        return None

    @staticmethod
    def bounded(when: dt.date, value: Any, ctx: Ctx, key: str) -> dt.date | None:
        """The date, when its year is one a coaching engagement can have (else a problem)."""
        if why := year_problem(when):
            ctx.add(value, f"'{key}' is {value}, which {why}", "check the year")
            return None
        return when

    def json(self) -> dict[str, Any]:
        if self.times:
            return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$"}
        return {"type": "string", "format": "date"}


class ListOf(Spec):
    def __init__(self, item: Spec, description: str = "", limit: int = 500) -> None:
        self.item, self.description, self.limit = item, description, limit

    def empty(self) -> Any:
        return ()

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if not isinstance(value, YList):
            ctx.add(
                value,
                f"'{key}' should be a list, not {_kind(value)}",
                "write it as [a, b] or as lines starting with '- '",
            )
            return ()
        if len(value) > self.limit:
            ctx.add(value, f"'{key}' has more than {self.limit} items", "shorten the list")
            return ()
        out = [self.item.check(v, ctx, f"{key}[{i}]") for i, v in enumerate(value)]
        return tuple(v for v in out if v is not None)

    def json(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.json(), "description": self.description}


class FreeForm(Spec):
    """``custom``: any mapping of text, lists and mappings, passed on as plain values."""

    def empty(self) -> Any:
        return {}

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if not isinstance(value, YMap):
            ctx.add(value, f"'{key}' should be a mapping", "write key: value lines under it")
            return {}
        return _plain(value)

    def json(self) -> dict[str, Any]:
        return {"type": "object", "description": "free-form values for your own templates"}


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
                f"'{key}' should be a mapping, not {_kind(value)}"
                if key
                else f"the file should hold 'key: value' lines, not {_kind(value)}",
                "write its keys on indented lines below it" if key else "one 'key: value' a line",
            )
            return None
        before = len(ctx.problems)
        out: dict[str, Any] = {}
        for name in value:
            if name not in self.fields:
                line, col = value.marks[name]
                near = difflib.get_close_matches(name, list(self.fields), n=1, cutoff=0.6)
                fix = (
                    f"did you mean '{near[0]}'?"
                    if near
                    else ("known keys: " + ", ".join(self.fields))
                )
                if value.flow and not near:
                    fix = "inside { }, a comma ends a value: put text that holds a comma in quotes"
                ctx.problems.append(
                    Problem(SourceLocation(ctx.path, line, col), f"unknown key '{name}'", fix)
                )
        for name, spec in self.fields.items():
            full = f"{key}.{name}" if key else name
            if name in value and value[name] is not None:
                out[name] = spec.check(value[name], ctx, full)
                if out[name] is None and spec.required:
                    out[name] = None
            elif spec.required:
                ctx.add(
                    value,
                    f"missing required key '{full}'",
                    f"add '{name}:' here",
                    line=value.marks[name][0] if name in value.marks else 0,
                )
            else:
                out[name] = spec.empty()
        if len(ctx.problems) > before:
            return None
        return self.build(**out) if self.build else out

    def json(self) -> dict[str, Any]:
        return {
            "type": "object",
            "description": self.description,
            "additionalProperties": False,
            "required": [k for k, s in self.fields.items() if s.required],
            "properties": {k: s.json() for k, s in self.fields.items()},
        }


def _tuple_build(cls: type) -> Callable[..., Any]:
    return lambda **kw: cls(**kw)


PERSON = {"name": Text(required=True), "email": Text(), "role": Text()}

PROFILE = Obj(
    {
        "name": Text(required=True, description="the client's full name"),
        "preferred_name": Text(description="default: the first word of name"),
        "pronouns": Text(),
        "role": Text(),
        "organisation": Text(),
        "programme": Id(description="a programme id; default: workbook.yml's programme"),
        "coach": Obj({"name": Text(required=True), "email": Text()}, required=True),
        "sponsor": Obj({"name": Text(required=True), "role": Text()}),
        "engagement": Obj(
            {
                "start": Date(),
                "stage": Id(description="id of the current stage; default: the first"),
                "sessions": ListOf(
                    Obj(
                        {"date": Date(required=True, times=True), "focus": Text()},
                        build=_tuple_build(models.Session),
                    )
                ),
            }
        ),
        "about": Obj(
            {
                "strengths": ListOf(Text()),
                "leadership_experience": Text(),
                "influences": ListOf(Text()),
                "learning_preferences": ListOf(Text()),
                "feedback_preference": Text(),
            },
            build=_tuple_build(models.About),
        ),
        "goals": ListOf(
            Obj(
                {
                    "id": Id(required=True),
                    "title": Text(required=True),
                    "measures": ListOf(Text()),
                    "milestones": ListOf(
                        Obj(
                            {"title": Text(required=True), "due": Date(), "done": Bool()},
                            build=lambda **kw: models.Milestone(
                                title=kw["title"], due=kw["due"], done=bool(kw["done"])
                            ),
                        )
                    ),
                },
                build=_tuple_build(models.Goal),
            )
        ),
        "custom": FreeForm(),
        "language": Text(description="BCP 47 language tag, overrides workbook.yml"),
        "encrypt": Bool(description="encrypt this client's site"),
    },
    description="A workbook client profile (clients/<id>.yml)",
)

SETTINGS = Obj(
    {
        "firm": Obj(
            {
                "id": Id(),
                "name": Text(),
                "logo": Text(),
                "colours": Obj({"primary": Colour(), "accent": Colour()}),
                "contact": Text(),
            }
        ),
        "programme": Id(),
        "release": Choice(("current", "all")),
        "paper": Choice(("A4", "Letter")),
        "language": Text(),
        "output": Text(),
        "coach_output": Text(),
        "theme": Text(),
        "encrypt": Bool(),
    }
)

PROGRAMME = Obj(
    {
        "title": Text(required=True),
        "summary": Text(),
        "stages": ListOf(
            Obj(
                {
                    "id": Id(required=True),
                    "title": Text(required=True),
                    "summary": Text(),
                    "exercises": ListOf(Id()),
                    "do": ListOf(Text()),
                    "avoid": ListOf(Text()),
                }
            )
        ),
    }
)

EXERCISE_META = Obj(
    {
        "title": Text(required=True),
        "kind": Choice(("exercise", "reflection", "assessment", "reading")),
        "minutes": Int(1, 600),
        "summary": Text(),
        "tracks": Id(),
    }
)


def profile_json_schema() -> dict[str, Any]:
    """The JSON Schema of client profiles, for editors (``workbook schema``)."""
    schema = PROFILE.json()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "workbook client profile"
    return schema
