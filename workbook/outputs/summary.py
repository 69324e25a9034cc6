"""One client at a glance: what the coach's desk, ``workbook status`` and session preparation show.

A summary is plain data (text, numbers, ISO dates), so the desk page, the
terminal table and ``status --json`` print the same values. It is made from
the client's own build inputs through a reader, so whatever it read becomes
the key of the desk's tasks.

Counting follows the client's home page: an exercise is *started* when one
of its fields has an answer and *answered* when every field is answered in
full (a rating needs every statement scored). The answers counted are the
ones that came back to the coach (the kept answers files), which is all the
coach can know.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from workbook.load.answers import Answer
from workbook.outputs.base import ClientWork
from workbook.outputs.page_data import answered, complete
from workbook.outputs.progress import goals_view
from workbook.render.i18n import ENGLISH, Words
from workbook.render.recording import Reader

QUIET_DAYS = 30  # no answers back for this long, during an engagement: worth a word


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def session_view(session: dict[str, Any]) -> dict[str, Any]:
    """A session as plain values: its day, its time and zone when given, and the rest."""
    when = session["date"]
    timed = isinstance(when, dt.datetime)
    zone = getattr(when.tzinfo, "key", None) if timed and when.tzinfo else None
    offset = when.strftime("%z") if timed and when.tzinfo and zone is None else None
    return {
        "date": _day(when).isoformat(),
        "time": f"{when:%H:%M}" if timed else None,
        "zone": zone or (f"UTC{offset[:3]}:{offset[3:]}" if offset else None),
        "minutes": session.get("minutes") or 60 if timed else None,
        "focus": session.get("focus"),
        "place": session.get("place"),
        "link": session.get("link"),
    }


def _exercises(work: ClientWork, reader: Reader) -> tuple[dict[str, int], dict[str, Any]]:
    """Counts over the released exercises, and each rating field's statement count."""
    current: dict[str, Answer] = reader.get("history").current
    total = started = done = 0
    ratings: dict[str, Any] = {}
    for view in work.job.stages:
        if not view.released:
            continue
        for eid in view.stage.exercises:
            personalised, _ = work.exercise(eid, reader)
            if personalised is None or not personalised.fields:
                continue
            items = personalised.rating_items()
            keys = personalised.keys()
            given = [current[k].value if k in current else None for k in keys]
            total += 1
            started += any(answered(v) for v in given)
            done += all(complete(v, items.get(k)) for k, v in zip(keys, given, strict=True))
            for f in personalised.fields:
                if f.kind == "rating":
                    ratings[f"{eid}/{f.id}"] = (personalised.exercise, f)
    return {"total": total, "started": started, "answered": done}, ratings


def _scores(work: ClientWork, reader: Reader, ratings: dict[str, Any]) -> list[dict[str, Any]]:
    """Each tracked score's first and latest total, from every kept answers file."""
    history: dict[str, list[Answer]] = reader.get("history").history
    series: dict[tuple[str, str], dict[str, Any]] = {}
    for key, (exercise, f) in sorted(ratings.items()):
        points = []
        keys = [i.key for i in f.items]
        for a in history.get(key, []):
            if isinstance(a.value, dict):
                scored = [a.value[k] for k in keys if isinstance(a.value.get(k), int)]
                if scored:
                    points.append((a.when, sum(scored)))
        if not points:
            continue
        name = (exercise.tracks or exercise.id, f.id)
        entry = series.setdefault(
            name,
            {"title": exercise.title, "maximum": int(f.attrs["scale"]) * len(keys), "points": []},
        )
        entry["points"] += points
    out = []
    for entry in series.values():
        points = sorted(set(entry.pop("points")))
        (first_when, first), (last_when, last) = points[0], points[-1]
        out.append(
            {
                **entry,
                "first": first,
                "first_date": first_when.date().isoformat(),
                "latest": last,
                "latest_date": last_when.date().isoformat(),
                "times": len(points),
                "movement": last - points[-2][1] if len(points) > 1 else None,
            }
        )
    return out


def summarise(work: ClientWork, reader: Reader) -> dict[str, Any]:
    """The client at a glance (every value plain, so the page and JSON agree)."""
    client = reader.get("client")
    today: dt.date = reader.get("today")
    programme = reader.get("programme")
    stages = reader.get("stages")
    current = next(s for s in stages if s["status"] == "current")
    exercises, ratings = _exercises(work, reader)
    answers = reader.get("history").current.values()
    last = max((a.when for a in answers), default=None)
    goals = goals_view(client["goals"], today)
    overdue, upcoming = [], []
    for goal in goals:
        for m in goal["milestones"]:
            shown = {"goal": goal["title"], "title": m["title"], "due": _iso(m["due"])}
            if m["status"] == "overdue":
                overdue.append(shown)
            elif m["status"] == "due":
                upcoming.append(shown)
    overdue.sort(key=lambda m: m["due"])
    upcoming.sort(key=lambda m: m["due"])
    sessions = sorted(client["engagement"]["sessions"], key=lambda s: _day(s["date"]))
    ahead = [s for s in sessions if _day(s["date"]) >= today]
    held = [s for s in sessions if _day(s["date"]) < today]
    summary = {
        "id": client["id"],
        "name": client["name"],
        "organisation": client["organisation"],
        "role": client["role"],
        "coach": client["coach"]["name"],
        "programme": {"id": programme["id"], "title": programme["title"]},
        "stage": {
            "id": current["id"],
            "title": current["title"],
            "number": current["number"],
            "of": len(stages),
        },
        "exercises": exercises,
        "last_answers": last.date().isoformat() if last else None,
        "overdue": overdue,
        "upcoming": upcoming,
        "next_session": session_view(ahead[0]) if ahead else None,
        "last_session": _day(held[-1]["date"]).isoformat() if held else None,
        "scores": _scores(work, reader, ratings),
    }
    summary["facts"] = attention_facts(summary, client, today)
    summary["attention"] = describe(summary["facts"])
    return summary


def attention_facts(
    summary: dict[str, Any], client: dict[str, Any], today: dt.date
) -> list[dict[str, Any]]:
    """Why a client may need the coach's attention, as facts a page words in its language."""
    facts: list[dict[str, Any]] = []
    if summary["overdue"]:
        facts.append({"fact": "overdue", "n": len(summary["overdue"])})
    if summary["next_session"] is None:
        facts.append({"fact": "no-session"})
    start = client["engagement"]["start"]
    since = dt.date.fromisoformat(summary["last_answers"]) if summary["last_answers"] else start
    if since is not None and since <= today and (today - since).days > QUIET_DAYS:
        fact = "no-answers" if summary["last_answers"] is None else "quiet"
        facts.append({"fact": fact, "n": (today - since).days})
    return facts


def describe(facts: list[dict[str, Any]], words: Words = ENGLISH) -> list[str]:
    """The facts in kind words (English for the terminal, the firm's language on the desk)."""
    texts = {
        "overdue": lambda n: words.ngettext(
            "%(num)s milestone past due", "%(num)s milestones past due", n
        ),
        "no-session": lambda n: words.gettext("no session planned"),
        "no-answers": lambda n: words.ngettext(
            "no answers back for %(num)s day", "no answers back for %(num)s days", n
        ),
        "quiet": lambda n: words.ngettext(
            "no new answers for %(num)s day", "no new answers for %(num)s days", n
        ),
    }
    return [texts[f["fact"]](f.get("n", 1)) % {"num": f.get("n", 1)} for f in facts]
