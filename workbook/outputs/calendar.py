"""``calendar.ics``: the client's sessions and milestone due dates (RFC 5545).

Choices, since the output layout leaves them open:

* A session time without a zone is the coach's local time. ``workbook.yml``
  names no zone, so such times are written as *floating* times (RFC 5545
  §3.3.5: the same wall-clock time in whatever zone the calendar is in),
  which is right when coach and client share a zone. A time that names a
  zone (``2026-09-29T09:30+01:00``) is written in UTC, exact everywhere.
  A session with a date only is an all-day event.
* Sessions have no length in the profile: a timed session lasts one hour.
* UIDs are stable across builds: a session is named by its position in the
  profile, a milestone by its goal id and position, so moving a date updates
  the event instead of adding another.
* ``DTSTAMP`` is the build date (``--today`` / ``SOURCE_DATE_EPOCH``) at
  midnight UTC, never the clock: two builds of one day are byte-identical.
* Each session and open milestone has a reminder the day before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from workbook.outputs.base import ClientWork, Made, Output, Task
from workbook.render.recording import Reader

PRODID = "-//workbook//Coaching workbook//EN"


def escape_text(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space, never inside a character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def _date(value: dt.date) -> str:
    return f"{value:%Y%m%d}"


def _start_end(when: dt.date | dt.datetime) -> list[str]:
    if not isinstance(when, dt.datetime):
        return [
            f"DTSTART;VALUE=DATE:{_date(when)}",
            f"DTEND;VALUE=DATE:{_date(when + dt.timedelta(days=1))}",
        ]
    if when.tzinfo is None:  # floating: the coach's local time
        return [f"DTSTART:{when:%Y%m%dT%H%M%S}", "DURATION:PT1H"]
    utc = when.astimezone(dt.UTC)
    return [f"DTSTART:{utc:%Y%m%dT%H%M%SZ}", "DURATION:PT1H"]


def _alarm(text: str) -> list[str]:
    return [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P1D",
        f"DESCRIPTION:{escape_text(text)}",
        "END:VALARM",
    ]


def ics(client: dict[str, Any], firm: dict[str, Any], today: dt.date) -> str:
    """The whole calendar as text with CRLF line ends."""
    coach = client["coach"]["name"]
    stamp = f"DTSTAMP:{today:%Y%m%d}T000000Z"
    domain = f"{client['id']}.{firm['id']}@workbook"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + escape_text(f"Coaching with {coach} · {firm['name']}"),
    ]
    for n, session in enumerate(client["engagement"]["sessions"], start=1):
        summary = f"Coaching session with {coach}"
        if session["focus"]:
            summary += f": {session['focus']}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:session-{n}.{domain}",
            stamp,
            *_start_end(session["date"]),
            f"SUMMARY:{escape_text(summary)}",
        ]
        if session["focus"]:
            lines.append(f"DESCRIPTION:{escape_text('Focus: ' + session['focus'])}")
        lines += [*_alarm(f"Tomorrow: {summary}"), "END:VEVENT"]
    for goal in client["goals"]:
        for n, milestone in enumerate(goal["milestones"], start=1):
            if milestone["due"] is None:
                continue
            title = ("Done: " if milestone["done"] else "Milestone: ") + milestone["title"]
            lines += [
                "BEGIN:VEVENT",
                f"UID:milestone-{goal['id']}-{n}.{domain}",
                stamp,
                *_start_end(milestone["due"]),
                f"SUMMARY:{escape_text(title)}",
                f"DESCRIPTION:{escape_text('Goal: ' + goal['title'])}",
                "TRANSP:TRANSPARENT",
            ]
            if not milestone["done"]:
                lines += _alarm(f"Due tomorrow: {milestone['title']}")
            lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def render(reader: Reader) -> Made:
    """The client's calendar file."""
    text = ics(reader.get("client"), reader.get("firm"), reader.get("today"))
    return {"calendar.ics": text.encode("utf-8")}, []


def plan(work: ClientWork) -> list[Task]:
    """The calendar (``--stage`` builds leave it as it was)."""
    if work.job.only_stage is not None:
        return []
    return [Task("calendar:calendar.ics", render)]


CALENDAR = Output("calendar", plan)
