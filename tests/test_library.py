"""The shipped library: its numbers, its programmes' shape, and that it builds for every client."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from workbook.build.plan import render_tasks, work_for
from workbook.check.shared import check_shared
from workbook.load.project import Project, load_project
from workbook.render import markdown
from workbook.render.context import RenderContext
from workbook.render.fields import KINDS

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def library() -> Project:
    project = load_project(REPO)
    assert project.all_problems() == []
    return project


def exercise_words(body: str) -> int:
    """Words a reader reads: no front matter (blanked), Jinja, fence lines or item keys."""
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{#[a-z0-9-]+\}", " ", body, flags=re.S)
    text = re.sub(r"^:::.*$", " ", text, flags=re.M)
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text))


def test_library_numbers(library: Project) -> None:
    kinds: Counter[str] = Counter()
    words = 0
    for eid, exercise in library.exercises.items():
        _, report = markdown.parse(exercise.body, exercise.path, eid, static=True)
        assert report.problems == []
        assert report.fields, f"{eid} has no response field"
        kinds.update(f.kind for f in report.fields)
        words += exercise_words(exercise.body)
    assert len(library.exercises) >= 25
    assert sum(kinds.values()) >= 60
    assert set(kinds) == set(KINDS)
    assert words >= 9000


def test_programmes_follow_their_models(library: Project) -> None:
    shapes = {p.id: len(p.stages) for p in library.programmes.values()}
    assert shapes == {
        "executive-coaching": 9,
        "leadership-development": 5,
        "coaching-partnership": 6,
    }
    executive = [s.id for s in library.programmes["executive-coaching"].stages]
    assert executive[0] == "relationship" and executive[-1] == "closure-transition"
    for stage in library.programmes["coaching-partnership"].stages:
        assert stage.do and stage.avoid, f"stage '{stage.id}' needs both do and avoid"


def test_every_stage_names_existing_exercises_once(library: Project) -> None:
    used: Counter[str] = Counter()
    for programme in library.programmes.values():
        ids = [e for s in programme.stages for e in s.exercises]
        assert len(ids) == len(set(ids)), f"{programme.id} repeats an exercise"
        assert all(s.exercises for s in programme.stages)
        missing = set(ids) - set(library.exercises)
        assert not missing, f"{programme.id} names {missing}"
        used.update(set(ids))
    assert set(used) == set(library.exercises), "every exercise belongs to a programme"
    assert sum(1 for n in used.values() if n > 1) >= 10, "work that is the same is reused"


def test_self_assessment_is_repeated_with_the_same_items(library: Project) -> None:
    first = library.exercises["leadership-self-assessment"]
    again = library.exercises["leadership-self-assessment-review"]
    assert first.tracks == again.tracks == "leadership-self-assessment"

    def grid(exercise):  # type: ignore[no-untyped-def]
        _, report = markdown.parse(exercise.body, exercise.path, exercise.id, static=True)
        return next(f for f in report.fields if f.kind == "rating")

    a, b = grid(first), grid(again)
    assert a.id == b.id and [i.key for i in a.items] == [i.key for i in b.items]
    assert len(a.items) == 10


def test_every_programme_builds_for_every_example_client(library: Project) -> None:
    """Each example client, on each programme, with every stage released: no problem at all."""
    ctx = RenderContext(library.root, tuple(library.template_dirs), library.exercises)
    assert (library.findings + check_shared(library, ctx)).all() == []
    settings = dataclasses.replace(library.settings, release="all")
    assert len(library.clients) == 5
    for pid, programme in library.programmes.items():
        pages = {e for s in programme.stages for e in s.exercises}
        for cid, client in library.clients.items():
            moved = dataclasses.replace(
                client,
                programme=pid,
                engagement=dataclasses.replace(client.engagement, stage=programme.stages[-1].id),
            )
            project = dataclasses.replace(
                library, settings=settings, clients={**library.clients, cid: moved}
            )
            work = work_for(
                project, moved, library.answers[cid], ctx, dt.date(2026, 11, 23), pdf=False
            )
            files, problems = render_tasks(work)
            assert problems == [], (pid, cid, problems)
            built = {Path(name).stem for name in files if name.endswith(".html")}
            assert pages <= built, (pid, cid, pages - built)
            html = b"".join(f for f in files.values() if isinstance(f, bytes)).decode(
                "utf-8", "replace"
            )
            assert "{{" not in html and "{%" not in html
            assert client.name in html


def test_example_project_checks_and_builds_clean(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(["check"], example_project)
    assert result.exit_code == 0, result.output
    assert "No problems found (5 client(s) checked)" in result.output
    result = cli(["build", "--no-pdf", "--today", "2026-11-23"], example_project)
    assert result.exit_code == 0, result.output
    assert "5 built, 0 unchanged, 0 failed" in result.output
    site = example_project / "site"
    assert (site / "jordan-rivera" / "03-goal-setting" / "clear-goals.html").is_file()
