"""``calendar.ics``: the client's sessions and milestone due dates (RFC 5545), by ``icalendar``.

Choices, since the output layout leaves them open:

* A session time without a zone is the coach's local time, written as a
  *floating* time (RFC 5545 §3.3.5: the same wall-clock time in whatever zone
  the calendar is in). A time with an offset (``2026-09-29T09:30+01:00``) is
  written in UTC, exact everywhere. A time in a named zone (``2026-09-08T09:30
  Europe/London``) keeps its zone (``TZID``), and the calendar carries that
  zone's rules (``VTIMEZONE``) for the years its events span, so a session
  after a change of summer time stays at its hour.
* A timed session lasts its ``minutes`` (60 unless the profile says); a
  session with a date only is an all-day event.
* ``place`` is the ``LOCATION``; a meeting ``link`` is the event's ``URL``,
  and the ``LOCATION`` when no place is given.
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
from workbook.render.i18n import ENGLISH, Words
from workbook.render.recording import Reader

PRODID = "-//workbook//Coaching workbook//EN"


def _when(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    """A time as the calendar writes it: floating, in its named zone, or in UTC."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        return value
    if getattr(value.tzinfo, "key", None) is None:  # a bare offset: exact, in UTC
        return value.astimezone(dt.UTC)
    return value


def _alarm(text: str) -> Any:
    import icalendar

    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", dt.timedelta(days=-1))
    alarm.add("description", text)
    return alarm


def session_event(
    session: dict[str, Any],
    uid: str,
    stamp: dt.datetime,
    summary: str,
    extra: str = "",
    words: Words = ENGLISH,
) -> Any:
    """One session as a VEVENT: its start, length, place and link."""
    import icalendar

    _ = words.gettext

    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    start = _when(session["date"])
    event.add("dtstart", start)
    if isinstance(start, dt.datetime):
        event.add("duration", dt.timedelta(minutes=session.get("minutes") or 60))
    else:
        event.add("dtend", start + dt.timedelta(days=1))
    event.add("summary", summary)
    lines = [_("Focus: %(focus)s") % {"focus": session["focus"]}] if session.get("focus") else []
    if session.get("link"):
        lines.append(_("Join: %(link)s") % {"link": session["link"]})
    if extra:
        lines.append(extra)
    if lines:
        event.add("description", "\n".join(lines))
    if session.get("place") or session.get("link"):
        event.add("location", session.get("place") or session["link"])
    if session.get("link"):
        event.add("url", session["link"])
    event.add_component(_alarm(_("Tomorrow: %(event)s") % {"event": summary}))
    return event


def milestone_event(
    milestone: dict[str, Any],
    goal: dict[str, Any],
    uid: str,
    stamp: dt.datetime,
    prefix: str = "",
    words: Words = ENGLISH,
) -> Any:
    """One milestone with a due date, as an all-day, transparent VEVENT."""
    import icalendar

    _ = words.gettext
    event = icalendar.Event()
    which = _("Done: %(title)s") if milestone["done"] else _("Milestone: %(title)s")
    title = which % {"title": prefix + milestone["title"]}
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", milestone["due"])
    event.add("dtend", milestone["due"] + dt.timedelta(days=1))
    event.add("summary", title)
    event.add("description", _("Goal: %(title)s") % {"title": goal["title"]})
    event.add("transp", "TRANSPARENT")
    if not milestone["done"]:
        due = _("Due tomorrow: %(title)s") % {"title": prefix + milestone["title"]}
        event.add_component(_alarm(due))
    return event


def client_events(
    client: dict[str, Any],
    firm: dict[str, Any],
    today: dt.date,
    *,
    for_coach: bool = False,
    words: Words = ENGLISH,
) -> list[Any]:
    """A client's sessions and dated milestones; for the coach, named by the client."""
    _ = words.gettext
    coach = client["coach"]["name"]
    stamp = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
    domain = f"{client['id']}.{firm['id']}@workbook"
    events = []
    for n, session in enumerate(client["engagement"]["sessions"], start=1):
        summary = (
            _("Coaching session: %(name)s") % {"name": client["name"]}
            if for_coach
            else _("Coaching session with %(coach)s") % {"coach": coach}
        )
        if session["focus"]:
            summary += f": {session['focus']}"
        uid = f"session-{n}.{domain}"
        events.append(session_event(session, uid, stamp, summary, words=words))
    prefix = f"{client['name']}: " if for_coach else ""
    for goal in client["goals"]:
        for n, milestone in enumerate(goal["milestones"], start=1):
            if milestone["due"] is not None:
                uid = f"milestone-{goal['id']}-{n}.{domain}"
                events.append(milestone_event(milestone, goal, uid, stamp, prefix, words))
    return events


def calendar_bytes(name: str, events: list[Any]) -> bytes:
    """A whole calendar: its events, and the rules of every named zone they use."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    years = [
        e.decoded("dtstart").year for e in events if isinstance(e.decoded("dtstart"), dt.datetime)
    ]
    if years:
        cal.add_missing_timezones(dt.date(min(years), 1, 1), dt.date(max(years) + 1, 12, 31))
    data: bytes = cal.to_ical()
    return data


def ics(
    client: dict[str, Any], firm: dict[str, Any], today: dt.date, words: Words = ENGLISH
) -> bytes:
    """The client's calendar, CRLF line ends, lines folded at 75 octets."""
    name = words.gettext("Coaching with %(coach)s") % {"coach": client["coach"]["name"]}
    events = client_events(client, firm, today, words=words)
    return calendar_bytes(f"{name} · {firm['name']}", events)


def render(reader: Reader) -> Made:
    """The client's calendar file: from who they are, their coach, sessions and milestones
    alone (an edit elsewhere in the profile leaves it as it is)."""
    client = {
        **reader.get("identity"),
        **{part: reader.get(part) for part in ("coach", "engagement", "goals")},
    }
    words = reader.get("words")
    return {"calendar.ics": ics(client, reader.get("firm"), reader.get("today"), words)}, []


def plan(work: ClientWork) -> list[Task]:
    """The calendar (``--stage`` builds leave it as it was)."""
    if work.job.only_stage is not None:
        return []
    return [Task("calendar:calendar.ics", render)]


CALENDAR = Output("calendar", plan)
