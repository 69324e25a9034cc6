"""`workbook curriculum`: the firm's programmes on MkDocs, with no client's data in it."""

from __future__ import annotations

import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import markdown
import pytest
from mkdocs.utils import get_theme_names

from workbook.load.project import load_project
from workbook.outputs import curriculum_pages

REPO = Path(__file__).resolve().parent.parent
KNOWN_ANSWER = "Steadiness when the rota collapses at 2am"


def site_text(site: Path) -> str:
    """Every page, script and search index of a built site, as one text."""
    parts = []
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".json", ".js", ".xml", ".css"):
            parts.append(path.read_text("utf-8", "replace"))
    return "\n".join(parts)


def client_data(root: Path) -> list[str]:
    """What the example profiles hold that must never be published: names, goals, intake."""
    project = load_project(root)
    found: list[str] = []
    for client in project.clients.values():
        found += [client.name, client.coach.name]
        found += [client.sponsor.name] if client.sponsor else []
        found += [client.organisation] if client.organisation else []
        found += [g.title for g in client.goals]
        found += [m for g in client.goals for m in g.measures]
        found += list(client.about.strengths)
        if client.about.leadership_experience:
            found.append(client.about.leadership_experience[:40])
    return found


def plant_answer(root: Path) -> None:
    folder = root / "clients" / "jordan-rivera.answers"
    folder.mkdir(exist_ok=True)
    data = {
        "format": "workbook-answers/1",
        "client": "jordan-rivera",
        "programme": "executive-coaching",
        "exported": "2026-11-22T10:00:00Z",
        "answers": {
            "about-you/strengths": {"value": KNOWN_ANSWER, "updated": "2026-11-20T18:04:00Z"}
        },
    }
    (folder / "2026-11-22.json").write_text(json.dumps(data), encoding="utf-8")


def coach_notes(root: Path) -> list[str]:
    """The opening words of every coach note in the library."""
    notes = []
    for path in sorted((root / "content" / "exercises").rglob("*.md")):
        for block in re.findall(r"^::: coach\n(.*?)^:::", path.read_text("utf-8"), re.S | re.M):
            notes.append(re.sub(r"\{[{%].*?[}%]\}", "", block).strip()[:50])
    return notes


def test_curriculum_of_the_example_project(example_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    plant_answer(example_project)
    # the answer is real: the client's own workbook shows it
    result = cli(["build", "jordan-rivera", "--no-pdf"], example_project)
    assert result.exit_code == 0, result.output
    assert KNOWN_ANSWER in site_text(example_project / "site" / "jordan-rivera")

    result = cli(["curriculum", "--today", "2026-11-23"], example_project)
    assert result.exit_code == 0, result.output
    assert "Curriculum built in site/curriculum/" in result.output
    site = example_project / "site" / "curriculum"
    text = site_text(site)
    project = load_project(example_project)
    for programme in project.programmes.values():
        assert programme.title in text
        for number, stage in enumerate(programme.stages, 1):
            page = site / programme.id / f"{number:02d}-{stage.id}" / "index.html"
            assert stage.title in page.read_text("utf-8")
            for item in (*stage.do, *stage.avoid):
                assert html.escape(item, quote=False) in page.read_text("utf-8")
    for exercise in project.exercises.values():
        page = (site / "exercises" / exercise.id / "index.html").read_text("utf-8")
        assert f">{html.escape(exercise.title, quote=False)}</h1>" in page
        assert 'class="field ' in page, exercise.id
    for secret in [*client_data(example_project), KNOWN_ANSWER]:
        assert secret not in text, f"client data in the curriculum: {secret!r}"
    for note in coach_notes(example_project):
        assert note not in text, f"a coach note in the curriculum: {note!r}"
    # personalisation appears as marked placeholders, never as blanks or raw markers
    about = (site / "exercises" / "about-you" / "index.html").read_text("utf-8")
    assert '<span class="wb-sample"' in about and "[Coach]" in about
    assert "\ue010" not in text and "\ue011" not in text
    # the search index covers the exercises
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    assert any("Intent and impact" in doc["title"] for doc in index["docs"])
    # nothing is loaded from elsewhere
    for page in site.rglob("*.html"):
        markup = page.read_text("utf-8")
        assert not re.search(r'<(script|img)[^>]+src="(https?:)?//', markup), page
        assert not re.search(r'<link[^>]+href="(https?:)?//', markup), page
    # the firm's name and colours
    assert "Harbour Leadership Partners" in (site / "index.html").read_text("utf-8")
    firm_css = (site / "assets" / "firm.css").read_text("utf-8")
    assert "#1f4e79" in firm_css and "#f2a900" in firm_css
    assert ".wb-exercise .field-question" in (site / "assets" / "workbook-fields.css").read_text()


def test_generated_project_passes_mkdocs_strict(example_project: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli(["curriculum"], example_project).exit_code == 0
    config = example_project / ".workbook" / "curriculum" / "mkdocs.yml"
    assert "site_dir: ../../site/curriculum" in config.read_text("utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "exercises" / "practice-log" / "index.html").is_file()


def test_any_installed_theme_and_a_clear_error_for_an_unknown_one(
    example_project: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    settings = example_project / "workbook.yml"
    settings.write_text(settings.read_text().replace("theme: mkdocs", "theme: readthedocs"))
    result = cli(["curriculum"], example_project)
    assert result.exit_code == 0, result.output
    home = (example_project / "site" / "curriculum" / "index.html").read_text("utf-8")
    assert "wy-nav-side" in home  # the readthedocs theme's layout
    before = home

    settings.write_text(settings.read_text().replace("theme: readthedocs", "theme: materialish"))
    result = cli(["curriculum"], example_project)
    assert result.exit_code == 1
    themes = ", ".join(sorted(get_theme_names()))
    assert result.output.strip() == (
        f"workbook.yml:14:1: unknown MkDocs theme 'materialish' — installed themes: {themes}; "
        "install the theme's package or use theme: mkdocs"
    )
    # the previous curriculum is left as it was
    assert (example_project / "site" / "curriculum" / "index.html").read_text("utf-8") == before


def test_a_broken_exercise_stops_the_curriculum_and_keeps_the_old_one(
    example_project: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    assert cli(["curriculum"], example_project).exit_code == 0
    page = example_project / "site" / "curriculum" / "exercises" / "me-first" / "index.html"
    before = page.read_bytes()
    exercise = example_project / "content" / "exercises" / "goals" / "me-first.md"
    exercise.write_text(
        exercise.read_text().replace("{.scale #willingness", "{.scael #willingness")
    )
    result = cli(["curriculum"], example_project)
    assert result.exit_code == 1
    assert "content/exercises/goals/me-first.md:" in result.output
    assert "unknown field kind '.scael' — did you mean '.scale'?" in result.output
    assert page.read_bytes() == before


def test_a_broken_client_profile_does_not_matter_to_the_curriculum(
    example_project: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    (example_project / "clients" / "broken.yml").write_text("name: [unclosed\n")
    result = cli(["curriculum"], example_project)
    assert result.exit_code == 0, result.output


def test_field_css_is_scoped_to_exercises() -> None:
    css = """
    :root { --line: #ddd; }
    body { margin: 0; }
    h1 { color: red; }
    .field, .field fieldset { border: 1px solid var(--line); }
    .callout-tip { border-left: 4px solid green; }
    .site-header, .field { color: blue; }
    @media print { .field { display: none; } }
    """
    scoped = curriculum_pages.field_css(css)
    assert ".wb-exercise { --line: #ddd; }" in scoped
    assert ".wb-exercise .field, .wb-exercise .field fieldset {" in scoped
    assert ".wb-exercise .callout-tip {" in scoped
    assert "body" not in scoped and "h1" not in scoped and "site-header" not in scoped
    assert "display: none" not in scoped


def test_page_text_is_escaped_for_python_markdown() -> None:
    escaped = curriculum_pages.text("*Risk* & <reward> [1] #2")
    assert escaped == r"\*Risk\* &amp; &lt;reward&gt; \[1\] \#2"
    rendered = markdown.markdown(f"# {escaped}")
    assert rendered == "<h1>*Risk* &amp; &lt;reward&gt; [1] #2</h1>"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fetch(url: str, want: str, deadline: float) -> str:
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.read().decode("utf-8")
                if want in last:
                    return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed {want!r}; last page:\n{last[:500]}")


def test_serve_previews_and_follows_edits(example_project: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        [sys.executable, "-m", "workbook", "curriculum", "--serve", "--port", str(port)],
        cwd=example_project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        home = _fetch(base, "Harbour Leadership Partners", time.monotonic() + 60)
        assert "Executive Coaching" in home
        exercise = example_project / "content" / "exercises" / "goals" / "me-first.md"
        exercise.write_text(
            exercise.read_text().replace("title: Me first", "title: Me first, always")
        )
        _fetch(base + "exercises/me-first/", "Me first, always", time.monotonic() + 60)
    finally:
        server.terminate()
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
    assert not (example_project / "site" / "curriculum").exists()  # serving writes no site


@pytest.mark.parametrize("name", ["index.md", "exercises/index.md"])
def test_generated_pages_link_only_to_pages_that_exist(
    example_project: Path, cli, name: str
) -> None:  # type: ignore[no-untyped-def]
    assert cli(["curriculum"], example_project).exit_code == 0
    docs = example_project / ".workbook" / "curriculum" / "docs"
    page = docs / name
    for target in re.findall(r"\]\(([^)]+\.md)\)", page.read_text("utf-8")):
        assert (page.parent / target).is_file(), target


def test_mkdocs_warnings_stop_the_build_with_a_clear_error(tmp_path: Path) -> None:
    from workbook.build import curriculum
    from workbook.errors import WorkbookError

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n[gone](missing.md)\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Test\nvalidation: {links: {not_found: warn}}\n")
    said: list[str] = []
    with pytest.raises(WorkbookError) as caught:
        curriculum.run_mkdocs(config, tmp_path / "out", said.append)
    assert caught.value.format_message().startswith(
        ".workbook/curriculum/mkdocs.yml: MkDocs stopped the build (Aborted with 1 warnings"
    )
    assert any("missing.md" in line and line.startswith("MkDocs: ") for line in said)


def test_a_broken_page_template_of_client_sites_does_not_stop_it(
    example_project: Path, cli
) -> None:  # type: ignore[no-untyped-def]
    (example_project / "templates" / "home.html").write_text("{% if %}\n")
    assert cli(["check"], example_project).exit_code == 1
    result = cli(["curriculum"], example_project)
    assert result.exit_code == 0, result.output


def test_a_programme_cannot_take_the_name_of_a_site_folder(make_project, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project()
    (root / "content" / "programmes" / "mini.yml").rename(root / "content/programmes/exercises.yml")
    result = cli(["curriculum"], root)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "content/programmes/exercises.yml: the programme id 'exercises' is a folder of the "
        "curriculum site itself — rename the programme's file, e.g. to exercises-programme.yml"
    )
