"""``progress.html``: goals and milestones, sessions held, and rating scores over time.

Scores come from the coach's kept answers files: a rating answered at more
than one time (its history across the kept files) is drawn as a line, and a
self-assessment repeated later in the programme (exercises with the same
``tracks:`` and a rating field of the same id) is drawn statement by
statement, so the client sees what changed. The drawing is in
:mod:`workbook.charts`, shared with the packs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from workbook.load.answers import Answer, Answers
from workbook.models import Field, Programme
from workbook.outputs.base import ClientWork, Made, Output, Task
from workbook.render import charts, i18n
from workbook.render.client_fields import KnownField, client_fields
from workbook.render.i18n import ENGLISH, Words
from workbook.render.recording import Reader


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def goals_view(goals: list[dict[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    """Each goal with its milestones marked done, overdue (due before today) or due."""
    out = []
    for goal in goals:
        milestones = []
        for m in goal["milestones"]:
            if m["done"]:
                status = "done"
            elif m["due"] is None:
                status = "open"
            elif m["due"] < today:
                status = "overdue"
            else:
                status = "due"
            milestones.append({**m, "status": status})
        out.append(
            {
                "id": goal["id"],
                "title": goal["title"],
                "measures": list(goal["measures"]),
                "milestones": milestones,
                "done": sum(1 for m in milestones if m["status"] == "done"),
                "overdue": sum(1 for m in milestones if m["status"] == "overdue"),
            }
        )
    return out


def sessions_view(sessions: list[dict[str, Any]], today: dt.date) -> dict[str, Any]:
    """Sessions before today are held; the rest are to come."""
    items = [{**s, "held": _day(s["date"]) < today} for s in sessions]
    return {
        "list": items,
        "held": sum(1 for s in items if s["held"]),
        "total": len(items),
        "next": next((s for s in items if not s["held"]), None),
    }


def _total(field: Field, value: Any) -> tuple[int, int] | None:
    """A rating's score: the sum over today's items, and how many of them were scored."""
    if not isinstance(value, dict):
        return None
    keys = [i.key for i in field.items]
    scored = [value[k] for k in keys if isinstance(value.get(k), int)]
    return (sum(scored), len(scored)) if scored else None


def history_charts(
    answers: Answers,
    fields: dict[str, KnownField],
    titles: dict[str, str],
    words: Words = ENGLISH,
    language: str = "en",
    rtl: bool = False,
) -> list[dict[str, Any]]:
    """A line per rating answered at more than one time (across the kept answers files)."""
    charts_out = []

    def _label(when: dt.datetime) -> str:
        return i18n.format_short_day(when, language)

    for key, known in sorted(fields.items(), key=lambda kv: kv[1].order):
        if known.field.kind != "rating":
            continue
        seen: dict[str, Answer] = {}
        for answer in answers.history.get(key, []):
            seen.setdefault(answer.updated, answer)
        points = []
        for answer in sorted(seen.values(), key=lambda a: a.when):
            total = _total(known.field, answer.value)
            if total is not None:
                points.append((_label(answer.when), total[0], total[1]))
        if len(points) < 2:
            continue
        maximum = int(known.field.attrs["scale"]) * len(known.field.items)
        title = words.gettext("%(exercise)s: total score over time") % {
            "exercise": titles[known.exercise]
        }
        charts_out.append(
            {
                "title": title,
                "svg": charts.line_chart(
                    f"history-{key.replace('/', '-')}",
                    title,
                    [(p[0], p[1]) for p in points],
                    maximum,
                    words=words,
                    rtl=rtl,
                ),
                "maximum": maximum,
                "statements": len(known.field.items),
                "points": [{"label": p[0], "total": p[1], "scored": p[2]} for p in points],
            }
        )
    return charts_out


def tracked_groups(programme: Programme, tracks_of: dict[str, str]) -> dict[str, list[str]]:
    """Exercises of the programme by their ``tracks:`` value, in programme order."""
    groups: dict[str, list[str]] = {}
    for stage in programme.stages:
        for eid in stage.exercises:
            tracks = tracks_of.get(eid)
            if tracks:
                groups.setdefault(tracks, []).append(eid)
    return {k: v for k, v in groups.items() if len(v) > 1}


def series_charts(
    answers: Answers,
    groups: dict[str, list[str]],
    fields: dict[str, KnownField],
    titles: dict[str, str],
    words: Words = ENGLISH,
    language: str = "en",
    rtl: bool = False,
) -> list[dict[str, Any]]:
    """Repeated self-assessments: each statement, scored in each exercise of the series."""
    out = []

    def _label(when: dt.datetime) -> str:
        return i18n.format_short_day(when, language)

    for tracks, eids in sorted(groups.items()):
        ratings: dict[str, list[KnownField]] = {}
        for eid in eids:
            for known in sorted(fields.values(), key=lambda k: k.order):
                if known.exercise == eid and known.field.kind == "rating":
                    ratings.setdefault(known.field.id, []).append(known)
        for field_id, members in ratings.items():
            if len(members) < 2:
                continue
            first = members[0].field
            items = {i.key: i.text for m in reversed(members) for i in m.field.items}
            order = list(dict.fromkeys([i.key for i in first.items] + list(items)))
            given = [answers.current.get(m.key) for m in members]
            values = [a.value if a and isinstance(a.value, dict) else {} for a in given]
            names = [titles[m.exercise] for m in members]
            rows = [
                charts.Bars(
                    items[k], tuple(v.get(k) if isinstance(v.get(k), int) else None for v in values)
                )
                for k in order
            ]
            totals = [
                {
                    "name": name,
                    "when": _label(a.when) if a else None,
                    "total": (_total(m.field, v) or (None, 0))[0],
                    "maximum": int(m.field.attrs["scale"]) * len(m.field.items),
                }
                for name, a, v, m in zip(names, given, values, members, strict=True)
            ]
            title = words.gettext("%(exercise)s: each statement, first and repeated") % {
                "exercise": titles[members[0].exercise]
            }
            answered = any(values)
            out.append(
                {
                    "tracks": tracks,
                    "field": field_id,
                    "title": title,
                    "names": names,
                    "rows": rows,
                    "totals": totals,
                    "answered": answered,
                    "svg": charts.compare_chart(
                        f"series-{tracks}-{field_id}",
                        title,
                        names,
                        rows,
                        max(int(m.field.attrs["scale"]) for m in members),
                        words=words,
                        rtl=rtl,
                    )
                    if answered
                    else None,
                }
            )
    return out


def render(work: ClientWork, reader: Reader) -> Made:
    """The client's progress page: goals, sessions and every charted score."""
    job = work.job
    answers: Answers = reader.get("history")
    groups = tracked_groups(job.programme, reader.get("tracks"))
    reader.note("programme")
    tracked = {e for eids in groups.values() for e in eids}
    repeated = {
        key.split("/", 1)[0]
        for key, items in answers.history.items()
        if len({a.updated for a in items}) > 1
    }
    wanted = (tracked | repeated) & set(job.exercises)
    fields, problems = client_fields(
        job.programme, lambda eid: work.exercise(eid, reader), only=wanted
    )
    if problems:
        return {}, problems
    titles = {eid: reader.get(f"exercise:{eid}").title for eid in sorted(wanted)}
    client = reader.get("client")
    today = reader.get("today")
    words, language = reader.get("words"), reader.get("lang")
    rtl = reader.get("dir") == "rtl"  # time runs from the right, as the page reads
    return work.render_page(
        reader,
        "progress.html",
        "progress.html",
        page_title=words.gettext("Your progress"),
        goals=goals_view(client["goals"], today),
        sessions=sessions_view(client["engagement"]["sessions"], today),
        history=history_charts(answers, fields, titles, words, language, rtl),
        series=series_charts(answers, groups, fields, titles, words, language, rtl),
    )


def plan(work: ClientWork) -> list[Task]:
    """The progress page (``--stage`` builds leave it as it was)."""
    if work.job.only_stage is not None:
        return []
    return [Task("page:progress.html", lambda reader: render(work, reader))]


PROGRESS = Output("progress", plan)
