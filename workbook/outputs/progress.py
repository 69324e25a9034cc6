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

import jinja2

from workbook.errors import Problem
from workbook.load.answers import Answer
from workbook.load.job import BuildContext, ClientJob
from workbook.models import Field
from workbook.outputs.site import _logo_name, _template_path
from workbook.render import charts, templating
from workbook.render.client_fields import KnownField, client_fields
from workbook.render.templating import plain


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def goals_view(job: ClientJob) -> list[dict[str, Any]]:
    """Each goal with its milestones marked done, overdue (due before today) or due."""
    out = []
    for goal in job.client.goals:
        milestones = []
        for m in goal.milestones:
            if m.done:
                status = "done"
            elif m.due is None:
                status = "open"
            elif m.due < job.today:
                status = "overdue"
            else:
                status = "due"
            milestones.append({"title": m.title, "due": m.due, "done": m.done, "status": status})
        out.append(
            {
                "id": goal.id,
                "title": goal.title,
                "measures": list(goal.measures),
                "milestones": milestones,
                "done": sum(1 for m in milestones if m["status"] == "done"),
                "overdue": sum(1 for m in milestones if m["status"] == "overdue"),
            }
        )
    return out


def sessions_view(job: ClientJob) -> dict[str, Any]:
    """Sessions before today are held; the rest are to come."""
    items = [
        {"date": s.date, "focus": s.focus, "held": _day(s.date) < job.today}
        for s in job.client.engagement.sessions
    ]
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


def _label(when: dt.datetime) -> str:
    return f"{when.day} {when:%b %Y}"


def history_charts(
    job: ClientJob, fields: dict[str, KnownField], titles: dict[str, str]
) -> list[dict[str, Any]]:
    """A line per rating answered at more than one time (across the kept answers files)."""
    charts_out = []
    for key, known in sorted(fields.items(), key=lambda kv: kv[1].order):
        if known.field.kind != "rating":
            continue
        seen: dict[str, Answer] = {}
        for answer in job.answers.history.get(key, []):
            seen.setdefault(answer.updated, answer)
        points = []
        for answer in sorted(seen.values(), key=lambda a: a.when):
            total = _total(known.field, answer.value)
            if total is not None:
                points.append((_label(answer.when), total[0], total[1]))
        if len(points) < 2:
            continue
        maximum = int(known.field.attrs["scale"]) * len(known.field.items)
        title = f"{titles[known.exercise]}: total score over time"
        charts_out.append(
            {
                "title": title,
                "svg": charts.line_chart(
                    f"history-{key.replace('/', '-')}",
                    title,
                    [(p[0], p[1]) for p in points],
                    maximum,
                ),
                "maximum": maximum,
                "statements": len(known.field.items),
                "points": [{"label": p[0], "total": p[1], "scored": p[2]} for p in points],
            }
        )
    return charts_out


def tracked_groups(job: ClientJob) -> dict[str, list[str]]:
    """Exercises of the programme by their ``tracks:`` value, in programme order."""
    groups: dict[str, list[str]] = {}
    for stage in job.programme.stages:
        for eid in stage.exercises:
            tracks = job.exercises[eid].tracks
            if tracks:
                groups.setdefault(tracks, []).append(eid)
    return {k: v for k, v in groups.items() if len(v) > 1}


def series_charts(
    job: ClientJob, fields: dict[str, KnownField], titles: dict[str, str]
) -> list[dict[str, Any]]:
    """Repeated self-assessments: each statement, scored in each exercise of the series."""
    out = []
    for tracks, eids in sorted(tracked_groups(job).items()):
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
            answers = [job.answers.current.get(m.key) for m in members]
            values = [a.value if a and isinstance(a.value, dict) else {} for a in answers]
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
                for name, a, v, m in zip(names, answers, values, members, strict=True)
            ]
            title = f"{titles[members[0].exercise]}: each statement, first and repeated"
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
                    )
                    if answered
                    else None,
                }
            )
    return out


def render(ctx: BuildContext, job: ClientJob) -> tuple[dict[str, bytes], list[Problem]]:
    """The client's progress page (skipped by ``--stage`` builds, which carry it over)."""
    if job.only_stage is not None:
        return {}, []
    tracked = {e for eids in tracked_groups(job).values() for e in eids}
    repeated = {
        key.split("/", 1)[0]
        for key, items in job.answers.history.items()
        if len({a.updated for a in items}) > 1
    }
    wanted = (tracked | repeated) & set(job.exercises)
    fields, problems = client_fields(ctx, job, only=wanted) if wanted else ({}, [])
    if problems:
        return {}, problems
    titles = {eid: ex.title for eid, ex in job.exercises.items()}
    client = job.client
    context = {
        "firm": plain(job.settings.firm),
        "client": plain(client),
        "coach": plain(client.coach),
        "programme": plain(job.programme),
        "edition": job.edition,
        "lang": job.language,
        "today": job.today,
        "logo": _logo_name(job),
        "root": "",
        "page_title": "Your progress",
        "goals": goals_view(job),
        "sessions": sessions_view(job),
        "history": history_charts(job, fields, titles),
        "series": series_charts(job, fields, titles),
    }
    try:
        html = ctx.template("progress.html").render(context)
    except jinja2.TemplateError as exc:
        return {}, [templating.template_problem(exc, _template_path(ctx, "progress.html"))]
    return {"progress.html": html.encode("utf-8")}, []
