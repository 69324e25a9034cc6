"""Client profiles: ``clients/<id>.yml`` checked against the declaration and the programmes.

A profile's problems are reported all at once: a bad date does not hide a bad
stage. Each check runs unless it needs a value that is itself broken, so one
mistake is never reported twice under two names.
"""

from __future__ import annotations

from pathlib import Path

from workbook.errors import Problem, SourceLocation
from workbook.load.catalogs import language_problem
from workbook.load.releases import split_ref
from workbook.load.schema import PROFILE, Ctx
from workbook.load.sources import YList, YMap, load_yaml_file
from workbook.models import Client, Engagement, Person, Programme, Settings


def load_client(
    cid: str,
    path: Path,
    settings: Settings,
    programmes: dict[str, Programme],
    broken: set[str],
    root: Path,
) -> tuple[Client | None, list[Problem]]:
    """One profile, with every problem it has: each check runs unless it needs a broken value."""
    data, problems = load_yaml_file(path)
    if data is None:
        return None, problems or [
            Problem(
                SourceLocation(path, 1),
                "the profile is empty",
                "add at least 'name:' and 'coach: {name: …}'",
            )
        ]
    ctx = Ctx(path)
    clean = PROFILE.check(data, ctx, "")
    problems += ctx.problems
    if clean is None:
        return None, problems
    problems += _duplicate_goals(data, path)
    if clean["language"] and (
        unserved := language_problem(clean["language"], root, path, data["language"])
    ):
        problems.append(unserved)
    pid = clean["programme"] or settings.programme
    engagement = clean["engagement"] or {"start": None, "stage": None, "sessions": ()}
    stage = engagement["stage"]
    if "programme" not in data or clean["programme"] is not None:
        found, stage = _programme_stage(cid, path, data, pid, stage, programmes, broken, root)
        problems += found
    if problems or stage is None:
        return None, sorted(problems, key=lambda p: (p.where.line, p.where.col))
    name = clean["name"]
    return Client(
        id=cid,
        path=path,
        name=name,
        preferred_name=clean["preferred_name"] or (name.split() or [name])[0],
        coach=Person(**clean["coach"]),
        pronouns=clean["pronouns"],
        role=clean["role"],
        organisation=clean["organisation"],
        programme=pid,
        sponsor=Person(**clean["sponsor"]) if clean["sponsor"] else None,
        engagement=Engagement(
            start=engagement["start"], stage=stage, sessions=tuple(engagement["sessions"])
        ),
        about=clean["about"],
        goals=clean["goals"],
        custom=clean["custom"],
        language=clean["language"],
        encrypt=clean["encrypt"],
        coach_notes=clean["coach_notes"],
    ), []


def _duplicate_goals(data: YMap, path: Path) -> list[Problem]:
    """Goals sharing an id, read from the file itself so a goal with other problems counts."""
    problems: list[Problem] = []
    seen: set[str] = set()
    goals = data.get("goals")
    for raw in goals if isinstance(goals, YList) else []:
        gid = raw.get("id") if isinstance(raw, YMap) else None
        if not isinstance(gid, str):
            continue
        if gid in seen:
            problems.append(
                Problem(
                    SourceLocation(path, getattr(raw, "line", 0)),
                    f"two goals have the id '{gid}'",
                    "give each goal its own id",
                )
            )
        seen.add(gid)
    return problems


def _programme_stage(
    cid: str,
    path: Path,
    data: YMap,
    pid: str,
    stage: str | None,
    programmes: dict[str, Programme],
    broken: set[str],
    root: Path,
) -> tuple[list[Problem], str | None]:
    """The client's programme exists and has the stage the profile names (or a first one).

    Returns the stage id, or None when it cannot be known; a stage that is itself
    misspelt as an id (already reported) is not looked up again.
    """
    programme = programmes.get(pid)
    marks = data.marks
    base, release = split_ref(pid)
    if programme is None and pid in broken:
        where = SourceLocation(path, *marks.get("programme", (1, 0)))
        fix = (
            f"releases/{base}/{release}/ must stay as it was released (see the problems there)"
            if release
            else f"fix content/programmes/{pid}.yml"
        )
        return [
            Problem(where, f"client '{cid}' uses programme '{pid}', which has errors", fix)
        ], None
    if programme is None and release is not None:
        where = SourceLocation(path, *marks.get("programme", (1, 0)))
        there = sorted(k.partition("@")[2] for k in programmes if k.startswith(base + "@"))
        fix = (
            f"releases of '{base}' are: {', '.join(there)} (releases/{base}/)"
            if there
            else f"'{base}' has no releases yet: make one with 'workbook release {base}'"
        )
        return [Problem(where, f"programme '{base}' has no release '{release}'", fix)], None
    if programme is None:
        where = (
            SourceLocation(path, *marks["programme"])
            if "programme" in marks
            else SourceLocation(root / "workbook.yml")
        )
        known = ", ".join(sorted(k for k in programmes if "@" not in k)) or "none yet"
        return [
            Problem(
                where,
                f"unknown programme '{pid}' for client '{cid}'",
                f"use one of the programmes in content/programmes/: {known}",
            )
        ], None
    raw = data.get("engagement")
    raw_stage = raw.get("stage") if isinstance(raw, YMap) else None
    if stage is None and raw_stage is not None:
        return [], None  # written but not a valid id: that problem is already reported
    stage = stage or programme.stages[0].id
    if programme.stage(stage) is None:
        known = ", ".join(s.id for s in programme.stages)
        return [
            Problem(
                SourceLocation(path, getattr(raw_stage, "line", 0), getattr(raw_stage, "col", 0)),
                f"programme '{pid}' has no stage '{stage}'",
                f"use one of: {known}",
            )
        ], None
    return [], stage
