"""``workbook release``: freeze a programme as it is now, and list the releases there are.

A release is a copy, not a reference: the programme file and every exercise it
uses (with whatever those exercises include from ``content/``) are copied into
``releases/<programme>/<name>/`` beside a manifest of their SHA-256 digests
(:mod:`workbook.load.releases`). It is written in a hidden folder and renamed
into place, so a release is whole or absent. An existing release is never
written over: a release never changes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from workbook.build.writer import remove
from workbook.check.variants import variant_problems
from workbook.errors import UsageProblem, WorkbookError
from workbook.ids import id_problem
from workbook.load.project import Project, load_project
from workbook.load.releases import (
    FOLDER,
    MANIFEST,
    PROGRAMME_FILE,
    manifest_text,
    release_files,
    sha256,
    split_ref,
)
from workbook.models import Exercise
from workbook.render.context import RenderContext


def _frozen_files(project: Project, pid: str) -> dict[str, Path]:
    """Release path → source file: the programme, its exercises (with their language
    variants, ``<id>.<lang>.md`` beside them), and what they include."""
    programme = project.programmes[pid]
    files = {PROGRAMME_FILE: programme.path}
    content = project.root / "content"
    ctx = RenderContext(project.root, tuple(project.template_dirs), project.exercises)
    for stage in programme.stages:
        for eid in stage.exercises:
            exercise = project.exercises[eid]
            for one in [exercise, *(v for _, v in sorted(exercise.variants.items()))]:
                files[f"content/{one.path.relative_to(content).as_posix()}"] = one.path
                own = ctx if one is exercise else _variant_context(project, one)
                for name in own.included(one):
                    if (content / name).is_file():
                        files[f"content/{name}"] = content / name
    return files


def _variant_context(project: Project, variant: Exercise) -> RenderContext:
    """Where a variant's includes are found: the project's exercises, with it in its base's
    place."""
    exercises = {**project.exercises, variant.id: variant}
    return RenderContext(project.root, tuple(project.template_dirs), exercises)


def make_release(root: Path, pid: str, name: str | None, today: dt.date) -> Path:
    """Freeze programme ``pid`` as release ``name`` (default: the build date); its folder."""
    project = load_project(root, clients=False)
    name = name or today.isoformat()
    if why := id_problem(name):
        raise UsageProblem(f"--name: {why} — release names are ids, e.g. 2026-12-01")
    if pid not in project.programmes:
        known = ", ".join(sorted(project.programmes)) or "none"
        if pid in project.programme_problems:
            raise WorkbookError(project.programme_problems[pid])
        raise UsageProblem(f"no programme '{pid}' — programmes: {known} (content/programmes/)")
    programme = project.programmes[pid]
    used = {e for s in programme.stages for e in s.exercises}
    problems = list(project.global_problems)
    for eid in sorted(used):
        problems += project.exercise_problems.get(eid, [])
    if not problems:  # checked as the build checks them: template syntax, names, fields
        ctx = RenderContext(project.root, tuple(project.template_dirs), project.exercises)
        for eid in sorted(used):
            exercise = project.exercises[eid]
            for one in [exercise, *(v for _, v in sorted(exercise.variants.items()))]:
                problems += ctx.personaliser.static_problems(one)
                if one is not exercise:
                    problems += variant_problems(exercise, one)
    if problems:
        raise WorkbookError(problems, root)  # a release is made of content that is sound
    target = project.root / FOLDER / pid / name
    if target.exists():
        raise UsageProblem(
            f"release '{pid}@{name}' already exists ({FOLDER}/{pid}/{name}/) and a release "
            "never changes — choose another name with --name"
        )
    files = _frozen_files(project, pid)
    work = target.parent / f".{name}.tmp"
    remove(work)
    try:
        for rel, source in files.items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, work / rel)
        digests = {rel: sha256(work / rel) for rel in release_files(work)}
        (work / MANIFEST).write_text(manifest_text(pid, name, today, digests), encoding="utf-8")
        work.rename(target)
    finally:
        remove(work)
    return target


@dataclass(frozen=True)
class Listed:
    programme: str
    name: str
    created: str
    clients: list[str]
    latest: bool


def list_releases(root: Path) -> tuple[list[Listed], dict[str, list[str]]]:
    """Every release with the clients pinned to it; and who follows each working copy."""
    project = load_project(root)
    pinned: dict[str, list[str]] = {}
    following: dict[str, list[str]] = {}
    for cid, client in sorted(project.clients.items()):
        ref = project.programme_of(client)
        pid, name = split_ref(ref)
        (pinned.setdefault(ref, []) if name else following.setdefault(pid, [])).append(cid)
    out = []
    for pid in sorted({r.programme_id for r in project.releases.values()}):
        releases = project.releases_of(pid)
        for release in releases:
            out.append(
                Listed(
                    pid,
                    release.name,
                    release.created.isoformat() if release.created else "?",
                    pinned.get(release.key, []),
                    release is releases[-1],
                )
            )
    return out, following


def list_lines(root: Path) -> list[str]:
    """``workbook release --list``, as the lines it prints."""
    listed, following = list_releases(root)
    if not listed:
        return ["No releases yet: make one with 'workbook release PROGRAMME'."]
    lines: list[str] = []
    for pid in dict.fromkeys(r.programme for r in listed):
        lines.append(f"{pid} (working copy: {_count(len(following.get(pid, [])))})")
        for r in (x for x in listed if x.programme == pid):
            latest = "  latest" if r.latest else ""
            lines.append(f"  {r.name:<20} made {r.created}  {_count(len(r.clients))}{latest}")
    return lines


def _count(n: int) -> str:
    return f"{n} client" + ("" if n == 1 else "s")
