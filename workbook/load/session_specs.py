"""The kinds of value only a session has: a time in a named zone, and an ``https:`` link.

A session's ``date`` may be a date, a local date-time, a date-time with an
offset, or a date-time followed by an IANA zone name (``2026-09-08T09:30
Europe/London``): the zone is what calendars need to keep the time right
across a change of summer time, which a bare offset cannot say. The zone is
looked up in the system's time zone database when the profile is read, so a
misspelt zone is a located problem, not a wrong time in someone's calendar.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from workbook.load.sources import YText
from workbook.load.specs import DATE_FORM, DATETIME_FORM, Ctx, Date, Text

_ZONE_NAME = r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}"
_ZONED = re.compile(f"({DATETIME_FORM}) +({_ZONE_NAME})")  # an offset too: said to be wrong
_LOCAL = f"{DATE_FORM}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"  # before a zone


def zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The named zone, or None when the time zone database does not know it."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class SessionDate(Date):
    """A date, a date-time, or a date-time and a zone name."""

    def __init__(self, required: bool = False, description: str = "") -> None:
        super().__init__(required=required, times=True, description=description)

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = str(value) if isinstance(value, str) else None
        found = _ZONED.fullmatch(text or "")
        if found is None:
            return super().check(value, ctx, key)
        local, name = found.group(1), found.group(2)
        if local.endswith("Z") or re.search(r"[+-][0-9]{2}:?[0-9]{2}$", local):
            ctx.add(
                value,
                f"'{key}' gives both an offset and a zone: '{text}'",
                "keep one: 2026-09-08T09:30 Europe/London, or 2026-09-08T09:30+01:00",
            )
            return None
        when = super().check(_same_place(value, local), ctx, key)
        if when is None:
            return None
        place = zone(name)
        if place is None:
            ctx.add(
                value,
                f"'{key}' names an unknown time zone: '{name}'",
                "use a zone name such as Europe/London, America/New_York or Asia/Singapore",
            )
            return None
        return when.replace(tzinfo=place)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": f"^(?:{self.form.pattern}|(?:{_LOCAL}) +{_ZONE_NAME})$(?!\\n)",
        }


class Link(Text):
    """An ``https:`` address, as a meeting link: nothing else is ever made a link."""

    _FORM = re.compile(r"https://[^\s<>\"'`\\]+")

    def check(self, value: Any, ctx: Ctx, key: str) -> Any:
        text = super().check(value, ctx, key)
        if text is None:
            return None
        if not self._FORM.fullmatch(text) or len(text) > 2000:
            ctx.add(
                value,
                f"'{key}' is not an https: address: '{text[:80]}'",
                "write the meeting's full address, starting with https://",
            )
            return None
        return text

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{self._FORM.pattern}$(?!\\n)", "maxLength": 2000}


def _same_place(value: Any, text: str) -> Any:
    """``text`` standing where ``value`` stood, so a problem with it names the same line."""
    if not isinstance(value, YText):
        return text
    out = YText(text)
    out.line, out.col, out.quoted = value.line, value.col, value.quoted
    return out


def minutes_of(when: dt.date | dt.datetime, minutes: int) -> dt.timedelta:
    """A session's length: a day for a date alone, else its minutes."""
    return dt.timedelta(minutes=minutes) if isinstance(when, dt.datetime) else dt.timedelta(days=1)
