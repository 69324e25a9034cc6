"""The kinds of single value a user's file may hold: each checks a value and states its JSON Schema.

Each kind keeps its rule in one place (a length limit, a range, a pattern) and
both :meth:`Spec.check` and :meth:`Spec.json` read it, so what ``workbook
check`` refuses is what an editor underlines, and the other way round.

Scalars arrive as text (:class:`YText`). Where a kind wants a number or
true/false, the text is read as YAML 1.2 reads it, which is how editors' YAML
language servers read it too: ``minutes: 20`` is a number, ``minutes: "20"`` is
text. Where a kind wants text, an unquoted number or true/false is taken as the
text it was written as (``title: 1984``), so scalars stay text unless the
declaration says otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from workbook.errors import Problem, SourceLocation
from workbook.ids import ID_FIX, ID_RE, MAX_ID, id_problem
from workbook.load.bounds import year_problem
from workbook.load.language import LANGUAGE_TAG, TAG_PATTERN, suggest_tag
from workbook.load.sources import (
    CORE_BOOL,
    CORE_INT,
    YList,
    YMap,
    YText,
    core_scalar,
    line_of,
)


def whole_number(number: object) -> int | None:
    """A number with no fractional part as an int (JSON Schema's idea of an integer)."""
    if isinstance(number, bool) or not isinstance(number, int | float):
        return None
    if isinstance(number, float) and not number.is_integer():
        return None
    return int(number)


class Ctx:
    """Where values come from, to locate problems; problems are appended here."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, value: Any, what: str, fix: str = "", line: int = 0) -> None:
        where = SourceLocation(self.path, line or line_of(value), getattr(value, "col", 0) or 0)
        self.problems.append(Problem(where, what, fix))


def _anchored(form: str) -> str:
    """A JSON Schema pattern matching ``form`` whole, in ECMA and Python engines alike.

    JSON Schema patterns are searched, not matched; ``$`` in Python also matches
    before a final line break, which ``(?!\\n)`` refuses.
    """
    return f"^(?:{form})$(?!\\n)"


# ---- the kinds ---------------------------------------------------------------------------------


class Spec:
    """A declared value. ``check`` returns the clean value (or None) and reports problems."""

    required = False
    description = ""

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        raise NotImplementedError

    def empty(self) -> Any:
        return None

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of a value that is present (not empty)."""
        raise NotImplementedError

    def json(self, nullable: bool = False) -> dict[str, Any]:
        """The JSON Schema; ``nullable``: an optional key, which may be left empty."""
        out = self.schema()
        if nullable:
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
            else:
                kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
                out["type"] = [*kinds, "null"]
        if self.description:
            out = {"description": self.description, **out}
        return out


def kind_of(value: Any) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    return "empty" if value is None else "text"


_CONTROL_CHARS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f"
_CONTROL = re.compile(f"[{_CONTROL_CHARS}]")


class Text(Spec):
    def __init__(self, required: bool = False, description: str = "", limit: int = 10_000) -> None:
        self.required = required
        self.description = description
        self.limit = limit

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        if not isinstance(value, str):
            ctx.add(value, f"'{key}' should be text, not {kind_of(value)}", "write it on one line")
            return None
        if not isinstance(core_scalar(value), str):
            return str(value)  # an unquoted number or true/false: the text as written
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

    def schema(self) -> dict[str, Any]:
        # maxLength and pattern apply to strings only: numbers and true/false are text too
        return {
            "type": ["string", "number", "boolean"],
            "maxLength": self.limit,
            "pattern": f"^[^{_CONTROL_CHARS}]*$",
        }


_LARGEST_NUMBER_ID = 10**MAX_ID - 1


class Id(Text):
    """An id; an unquoted whole number is the id of its digits, as an editor reads it."""

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        read = core_scalar(value) if isinstance(value, YText) else None
        if isinstance(read, bool):
            ctx.add(
                value,
                f"'{key}': '{value}' is read as true or false, not as an id",
                "put it in quotes, in lowercase, if it is an id",
            )
            return None
        if isinstance(read, int | float):
            number = whole_number(read)
            if number is not None and 0 <= number <= _LARGEST_NUMBER_ID:
                return str(number)
            ctx.add(value, f"'{key}': '{value}' is not a valid id", ID_FIX)
            return None
        text = super().check(value, ctx, key)
        if text is not None and (why := id_problem(text)):
            ctx.add(value, f"'{key}': {why}", ID_FIX)
            return None
        return text

    def schema(self) -> dict[str, Any]:
        return {
            "type": ["string", "integer"],
            "pattern": _anchored(ID_RE.pattern),
            "maxLength": MAX_ID,
            "minimum": 0,
            "maximum": _LARGEST_NUMBER_ID,
            "patternErrorMessage": "an id: lowercase letters, digits and single hyphens",
        }


class ProgrammeRef(Id):
    """A programme id, or a release of one: ``grow`` or ``grow@2026-12-01``."""

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = value if isinstance(value, str) else None
        if text is None or "@" not in text:
            return super().check(value, ctx, key)
        pid, _, name = text.partition("@")
        for part in (pid, name):
            if why := id_problem(part):
                ctx.add(
                    value,
                    f"'{key}': {why}",
                    "write the programme and the release as ids, e.g. 'grow@2026-12-01'",
                )
                return None
        return str(text)

    def schema(self) -> dict[str, Any]:
        part = ID_RE.pattern
        first = f"(?=[^@]{{0,{MAX_ID}}}(?:@|$(?!\\n)))"  # each part an id of at most MAX_ID
        second = f"(?=.{{0,{MAX_ID}}}$(?!\\n))"
        return {
            **super().schema(),
            "pattern": _anchored(f"{first}{part}(?:@{second}{part})?"),
            "maxLength": 2 * MAX_ID + 1,
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

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.options)}


_COLOUR = re.compile(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}")


class Colour(Text):
    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = super().check(value, ctx, key)
        if text is not None and not _COLOUR.fullmatch(text):
            ctx.add(value, f"'{key}' is not a colour: '{text}'", "write it as #rrggbb")
            return None
        return text

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _anchored(_COLOUR.pattern)}


class Language(Text):
    """A BCP 47 language tag (RFC 5646): ``en``, ``en-GB``, ``zh-Hant-TW``, ``es-419``.

    Only the form is checked. The primary subtag is the two- or three-letter
    ISO 639 code: the longer forms the grammar allows are reserved or unused,
    and refusing them lets ``english`` be told to write ``en``.
    """

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = super().check(value, ctx, key)
        if text is None or LANGUAGE_TAG.fullmatch(text):
            return text
        near = suggest_tag(text)
        ctx.add(
            value,
            f"'{key}' is not a language tag: '{text}'",
            f"did you mean '{near}'?"
            if near
            else "write a BCP 47 tag such as en, en-GB, fr-CA or zh-Hant-TW",
        )
        return None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{TAG_PATTERN}$"}


class Bool(Spec):
    def __init__(self, description: str = "") -> None:
        self.description = description

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        read = core_scalar(value) if isinstance(value, YText) else None
        if isinstance(read, bool):
            return read
        quoted = isinstance(value, YText) and CORE_BOOL.fullmatch(value)
        fix = "write true or false without quotes" if quoted else "write true or false"
        ctx.add(value, f"'{key}' should be true or false, not '{value}'", fix)
        return None

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class Int(Spec):
    def __init__(self, low: int = 0, high: int = 10_000, description: str = "") -> None:
        self.low, self.high, self.description = low, high, description

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        number = whole_number(core_scalar(value)) if isinstance(value, YText) else None
        if number is not None and self.low <= number <= self.high:
            return number
        quoted = isinstance(value, YText) and value.quoted and CORE_INT.fullmatch(value)
        ctx.add(
            value,
            f"'{key}' should be a whole number from {self.low} to {self.high}, not '{value}'",
            "write the number without quotes" if quoted else "write a number such as 20",
        )
        return None

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


# Real dates only: months of 30 and 31 days, 29 February in leap years, no year 0.
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
# the years of load/bounds.py, 1900 to 2200; of their hundreds only 2000 is a leap year
_YEAR = "(?:19[0-9]{2}|20[0-9]{2}|21[0-9]{2}|2200)"
_LEAP_DAY = "(?:(?:19|20|21)(?:0[48]|[2468][048]|[13579][26])|2000)-02-29"
DATE_FORM = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})"
_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"
_ZONE = "(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?"
DATETIME_FORM = f"{DATE_FORM}[T ]{_TIME}{_ZONE}"
# the shapes of a date and a date-time, real or not: to say why one is not real
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_SHAPE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:?[0-9]{2})?"
)


class Date(Spec):
    """A YAML date; with ``times`` a date-time too (local unless it names a zone)."""

    def __init__(self, required: bool = False, times: bool = False, description: str = "") -> None:
        self.required, self.times, self.description = required, times, description
        self.form = re.compile(f"{DATE_FORM}|{DATETIME_FORM}" if times else DATE_FORM)

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = str(value) if isinstance(value, str) else None
        if text is not None and self.form.fullmatch(text):
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text.replace(" ", "T"))
        fix = "write dates as YYYY-MM-DD" + (", times as YYYY-MM-DDTHH:MM" if self.times else "")
        shape = _DATE_SHAPE.fullmatch(text or "") or (
            self.times and _DATETIME_SHAPE.fullmatch(text or "")
        )
        real = _real(text) if shape else None
        if real is not None and (why := year_problem(real)):
            ctx.add(value, f"'{key}' is {text}, which {why}", "check the year")
        elif shape:
            ctx.add(value, f"'{key}' is not a real date: '{text}' ({_why_unreal(text)})", fix)
        else:
            ctx.add(value, f"'{key}' should be a date, not '{value}'", fix)
        return None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": _anchored(self.form.pattern)}


def _real(text: Any) -> dt.datetime | None:
    """A date or date-time of the right shape, read, when it is a real one."""
    try:
        return dt.datetime.fromisoformat(str(text).replace(" ", "T"))
    except ValueError:
        return None


def _why_unreal(text: Any) -> str:
    """Why a date or date-time of the right shape is not a real one."""
    try:
        dt.datetime.fromisoformat(str(text).replace(" ", "T"))
    except ValueError as exc:
        return str(exc)
    return "the minutes of a time zone go from 00 to 59"
