"""The build cache: an edit to each kind of input rebuilds exactly what depends on it.

Each test builds a real project, edits one input, builds again, and checks the
build report's list of rendered tasks, which files on disk were replaced
(inode and time), and that the incremental output is byte for byte a clean
build of the edited project.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import clean_build as shared_clean_build
from tests.conftest import published_files
from workbook.build.options import BuildOptions, BuildReport
from workbook.build.run import run

TODAY = dt.date(2026, 11, 1)

SETTINGS = """\
firm: {name: Test Firm, colours: {primary: "#123456"}}
programme: mini
release: all
"""
OTHER_PROGRAMME = """\
title: Other
stages:
  - {id: only, title: Only stage, exercises: [goodbye]}
"""
ALL_PAGES = {
    "page:index.html",
    "page:01-start/index.html",
    "page:01-start/hello.html",
    "page:02-later/index.html",
    "page:02-later/goodbye.html",
}
REPO_ASSETS = Path(__file__).resolve().parent.parent / "templates" / "assets"
ASSETS = {f"asset:assets/{p.name}" for p in REPO_ASSETS.iterdir() if p.is_file()} | {
    "asset:assets/theme.css"
}
WHOLE = {"page:progress.html", "calendar:calendar.ics"}  # one task each per client


@pytest.fixture
def project(make_project) -> Path:
    """Two clients on the mini programme, one on another programme, every stage released."""
    return make_project(
        {
            "workbook.yml": SETTINGS,
            "clients/bea.yml": "name: Bea Second\ncoach: {name: Casey Coach}\nprogramme: mini\n",
            "clients/cy.yml": "name: Cy Third\ncoach: {name: Casey Coach}\nprogramme: other\n",
            "content/programmes/other.yml": OTHER_PROGRAMME,
        }
    )


def build(root: Path, **options) -> BuildReport:
    options.setdefault("pdf", False)  # packs have their own test below: they are slow
    return run(root, BuildOptions(today=TODAY, jobs=1, **options))


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its inode and modification time."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


contents = published_files


def clean_build(root: Path, tmp: Path) -> dict[str, bytes]:
    """What a build from nothing makes of the project as it is now."""
    return shared_clean_build(build, root, tmp)


def changed_files(before: dict, after: dict) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def rebuild_after(root: Path, tmp: Path, change) -> tuple[BuildReport, set[str]]:
    """Build, apply ``change``, build again: the report and the files replaced on disk."""
    first = build(root)
    assert not first.problems, first.problems
    before = snapshot(root / "site")
    change()
    report = build(root)
    assert not report.problems, report.problems
    after = snapshot(root / "site")
    assert contents(root / "site") == clean_build(root, tmp)
    return report, changed_files(before, after)


def rendered(report: BuildReport) -> set[tuple[str, str]]:
    return {(cid, key) for cid, keys in report.rendered.items() for key in keys}


def test_first_build_renders_everything_and_records_it(project: Path) -> None:
    report = build(project)
    assert report.built == ["alex", "bea", "cy"]
    assert set(report.rendered["alex"]) == ALL_PAGES | ASSETS | WHOLE
    assert not [p for p in (project / "site").iterdir() if p.name.startswith(".")]
    record = json.loads((project / ".workbook/cache/site/clients/alex.json").read_text())
    assert record["client"] == "alex" and record["folder"] == "alex"
    assert set(record["tasks"]) == ALL_PAGES | ASSETS | WHOLE
    home = record["tasks"]["page:index.html"]
    assert home["files"].keys() == {"index.html"}
    # what rendering home read, and nothing it did not: no date, no other layout
    assert {"tool", "client.name", "stages", "template:home.html", "exercise:hello"} <= set(
        home["reads"]
    )
    assert "today" not in home["reads"] and "template:exercise.html" not in home["reads"]
    calendar = record["tasks"]["calendar:calendar.ics"]["reads"]
    # the event texts are in the client's words
    assert set(calendar) == {
        "tool",
        "identity",
        "coach",
        "engagement",
        "goals",
        "firm",
        "today",
        "words",
    }


def test_no_op_rebuild_renders_and_rewrites_nothing(project: Path) -> None:
    build(project)
    before = snapshot(project / "site")
    folders = {p: p.stat().st_ino for p in (project / "site").iterdir()}
    report = build(project)
    assert report.built == [] and report.failed == []
    assert report.unchanged == ["alex", "bea", "cy"]
    assert snapshot(project / "site") == before  # not even the manifests
    assert {p: p.stat().st_ino for p in (project / "site").iterdir()} == folders


def test_profile_edit_rebuilds_that_client_only(project: Path, tmp_path: Path) -> None:
    report, replaced = rebuild_after(
        project,
        tmp_path,
        lambda: edit(project / "clients/alex.yml", "Alex Example", "Alex Renamed"),
    )
    assert report.built == ["alex"]
    assert report.unchanged == ["bea", "cy"]
    # assets do not read profiles; the progress page and the calendar do
    assert rendered(report) == {("alex", k) for k in ALL_PAGES | WHOLE}
    assert replaced == {f"alex/{k.split(':', 1)[1]}" for k in ALL_PAGES | WHOLE}


def test_exercise_body_edit_rebuilds_only_its_pages(project: Path, tmp_path: Path) -> None:
    report, replaced = rebuild_after(
        project,
        tmp_path,
        lambda: edit(project / "content/exercises/goodbye.md", "How ready", "How prepared"),
    )
    # its page, and the stage and home pages that count its fields
    mini = {"page:02-later/goodbye.html", "page:02-later/index.html", "page:index.html"}
    other = {"page:01-only/goodbye.html", "page:01-only/index.html", "page:index.html"}
    assert rendered(report) == {(c, k) for c in ("alex", "bea") for k in mini} | {
        ("cy", k) for k in other
    }
    assert replaced == {f"{c}/{k.removeprefix('page:')}" for c, k in rendered(report)}


def test_exercise_edit_leaves_clients_not_using_it_alone(project: Path, tmp_path: Path) -> None:
    report, replaced = rebuild_after(
        project,
        tmp_path,
        lambda: edit(project / "content/exercises/hello.md", "What brings", "What led"),
    )
    pages = {"page:01-start/hello.html", "page:01-start/index.html", "page:index.html"}
    assert rendered(report) == {(c, k) for c in ("alex", "bea") for k in pages}
    assert "cy" in report.unchanged
    assert replaced == {f"{c}/{k.removeprefix('page:')}" for c, k in rendered(report)}


def test_front_matter_edit_rebuilds_pages_that_list_it(project: Path, tmp_path: Path) -> None:
    """Titles show on the home and stage pages and in every page's context."""
    report, _ = rebuild_after(
        project,
        tmp_path,
        lambda: edit(project / "content/exercises/hello.md", "title: Hello", "title: Welcome"),
    )
    assert rendered(report) == {(c, k) for c in ("alex", "bea") for k in ALL_PAGES}
    assert "cy" in report.unchanged


def test_programme_edit_rebuilds_its_clients_pages(project: Path, tmp_path: Path) -> None:
    report, _ = rebuild_after(
        project,
        tmp_path,
        lambda: edit(project / "content/programmes/mini.yml", "Later on", "Further on"),
    )
    # the calendar reads the profile, the firm and the date, not the programme
    pages = ALL_PAGES | {"page:progress.html"}
    assert rendered(report) == {(c, k) for c in ("alex", "bea") for k in pages}
    assert "cy" in report.unchanged


def test_page_template_edit_rebuilds_pages_using_it(project: Path, tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent.parent / "templates/exercise.html"
    (project / "templates").mkdir()
    (project / "templates/exercise.html").write_text(source.read_text())
    build(project)  # the override alone changes nothing yet
    report, replaced = rebuild_after(
        project,
        tmp_path,
        lambda: edit(project / "templates/exercise.html", 'class="exercise"', 'class="exercise x"'),
    )
    exercise_pages = {
        ("alex", "page:01-start/hello.html"),
        ("alex", "page:02-later/goodbye.html"),
        ("bea", "page:01-start/hello.html"),
        ("bea", "page:02-later/goodbye.html"),
        ("cy", "page:01-only/goodbye.html"),
    }
    assert rendered(report) == exercise_pages
    assert len(replaced) == len(exercise_pages)


def test_base_template_edit_rebuilds_every_page_but_no_asset(project: Path, tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent.parent / "templates/base.html"
    (project / "templates").mkdir()
    (project / "templates/base.html").write_text(source.read_text())
    report, _ = rebuild_after(
        project,
        tmp_path,
        lambda: edit(project / "templates/base.html", "Skip to content", "Skip to the content"),
    )
    keys = {key for _, key in rendered(report)}
    assert keys == ALL_PAGES | {
        "page:01-only/index.html",
        "page:01-only/goodbye.html",
        "page:progress.html",  # it extends base.html too
    }
    assert len(rendered(report)) == 2 * len(ALL_PAGES) + 3 + 3


def test_asset_edit_rewrites_that_asset_only(project: Path, tmp_path: Path) -> None:
    css = Path(__file__).resolve().parent.parent / "templates/assets/workbook.css"
    (project / "templates/assets").mkdir(parents=True)
    (project / "templates/assets/workbook.css").write_text(css.read_text())
    report, replaced = rebuild_after(
        project,
        tmp_path,
        lambda: (project / "templates/assets/workbook.css").write_text(
            css.read_text() + "\n/**/\n"
        ),
    )
    assert rendered(report) == {(c, "asset:assets/workbook.css") for c in ("alex", "bea", "cy")}
    assert replaced == {f"{c}/assets/workbook.css" for c in ("alex", "bea", "cy")}


def test_answers_file_rebuilds_the_page_showing_them(project: Path, tmp_path: Path) -> None:
    answers = {
        "format": "workbook-answers/1",
        "client": "alex",
        "programme": "mini",
        "exported": "2026-11-02T10:00:00Z",
        "answers": {"goodbye/ready": {"value": 4, "updated": "2026-11-02T09:00:00Z"}},
    }

    def add() -> None:
        folder = project / "clients/alex.answers"
        folder.mkdir()
        (folder / "2026-11-02.json").write_text(json.dumps(answers))

    report, replaced = rebuild_after(project, tmp_path, add)
    # the page showing it, the pages counting it, and the progress page
    keys = {"page:02-later/goodbye.html", "page:02-later/index.html", "page:index.html"}
    assert rendered(report) == {("alex", k) for k in keys | {"page:progress.html"}}
    assert replaced == {f"alex/{k.split(':', 1)[1]}" for _, k in rendered(report)}
    page = (project / "site/alex/02-later/goodbye.html").read_text()
    assert 'value="4" aria-label="4" checked' in page


def test_firm_name_edit_rebuilds_pages_not_assets(project: Path, tmp_path: Path) -> None:
    report, _ = rebuild_after(
        project, tmp_path, lambda: edit(project / "workbook.yml", "Test Firm", "Other Firm")
    )
    assert {k for _, k in rendered(report)} == ALL_PAGES | WHOLE | {
        "page:01-only/index.html",
        "page:01-only/goodbye.html",
    }


def test_settings_that_pages_do_not_read_rebuild_nothing(project: Path, tmp_path: Path) -> None:
    report, replaced = rebuild_after(
        project,
        tmp_path,
        lambda: edit(project / "workbook.yml", "release: all", "release: all\npaper: Letter"),
    )
    assert report.rendered == {} and replaced == set()


def test_colours_rewrite_the_theme(project: Path, tmp_path: Path) -> None:
    report, _ = rebuild_after(
        project, tmp_path, lambda: edit(project / "workbook.yml", "#123456", "#654321")
    )
    assert ("alex", "asset:assets/theme.css") in rendered(report)
    assert ("alex", "asset:assets/workbook.css") not in rendered(report)
    assert "#654321" in (project / "site/alex/assets/theme.css").read_text()


def test_build_date_counts_only_where_it_is_used(project: Path, tmp_path: Path) -> None:
    build(project)
    report = run(project, BuildOptions(today=dt.date(2027, 1, 1), jobs=1, pdf=False))
    # no page mentions the date; overdue milestones and the calendar's stamp do
    assert {k for _, k in rendered(report)} == WHOLE
    edit(project / "content/exercises/goodbye.md", "How ready", "On {{ today }}, how ready")
    build(project)
    report = run(project, BuildOptions(today=dt.date(2027, 1, 2), jobs=1, pdf=False))
    assert {k for _, k in rendered(report)} == WHOLE | {
        "page:02-later/goodbye.html",
        "page:01-only/goodbye.html",
        "page:02-later/index.html",
        "page:01-only/index.html",
        "page:index.html",
    }


def test_a_deleted_page_is_rebuilt(project: Path) -> None:
    build(project)
    (project / "site/bea/01-start/hello.html").unlink()
    report = build(project)
    assert rendered(report) == {("bea", "page:01-start/hello.html")}
    assert (project / "site/bea/01-start/hello.html").is_file()


def test_a_corrupt_manifest_means_a_full_rebuild_of_that_client(
    project: Path, tmp_path: Path
) -> None:
    build(project)
    (project / ".workbook/cache/site/clients/bea.json").write_text("{not json")
    edit(project / "content/exercises/hello.md", "What brings", "What led")
    report = build(project)
    assert set(report.rendered["bea"]) == ALL_PAGES | ASSETS | WHOLE
    assert set(report.rendered["alex"]) == {
        "page:01-start/hello.html",
        "page:01-start/index.html",
        "page:index.html",
    }
    assert contents(project / "site") == clean_build(project, tmp_path)


def test_stage_build_keeps_the_rest_and_its_records(project: Path, tmp_path: Path) -> None:
    build(project)
    edit(project / "clients/alex.yml", "Alex Example", "Alex Renamed")
    report = build(project, stage="later", clients=("alex",))
    assert rendered(report) == {
        ("alex", "page:02-later/index.html"),
        ("alex", "page:02-later/goodbye.html"),
    }
    assert "Alex Example" in (project / "site/alex/index.html").read_text()
    report = build(project)
    assert rendered(report) == {
        ("alex", k)
        for k in ("page:index.html", "page:01-start/index.html", "page:01-start/hello.html")
    } | {("alex", k) for k in WHOLE}
    assert contents(project / "site") == clean_build(project, tmp_path)


def test_a_single_changed_page_is_replaced_in_place(project: Path) -> None:
    """One file changes: one atomic rename, the client's folder itself stays (no copy)."""
    css = Path(__file__).resolve().parent.parent / "templates/assets/workbook.css"
    (project / "templates/assets").mkdir(parents=True)
    (project / "templates/assets/workbook.css").write_text(css.read_text())
    build(project)
    folder = (project / "site/alex").stat().st_ino
    page = project / "site/alex/assets/workbook.css"
    before = page.stat().st_ino
    (project / "templates/assets/workbook.css").write_text(css.read_text() + "\n/* x */\n")
    build(project)
    assert (project / "site/alex").stat().st_ino == folder
    assert page.stat().st_ino != before and "/* x */" in page.read_text()
    edit(project / "clients/alex.yml", "Alex Example", "Alex Renamed")
    build(project)
    assert (project / "site/alex").stat().st_ino != folder  # many pages: a new folder, swapped


def test_a_new_output_is_keyed_on_exactly_what_it_reads(
    project: Path, tmp_path: Path, monkeypatch
) -> None:
    """An output added to the build needs no key of its own: its reads are its key."""
    from workbook.build import plan as plan_mod
    from workbook.outputs.base import Output, Task

    def note(reader):  # type: ignore[no-untyped-def]
        client, firm = reader.get("client"), reader.get("firm")
        return {"notes.txt": f"{client['name']} {firm['name']}".encode()}, []

    notes = Output("notes", lambda work: [Task("notes:notes.txt", note)])
    monkeypatch.setattr(plan_mod, "OUTPUTS", (*plan_mod.OUTPUTS, notes))
    assert "notes:notes.txt" in build(project).rendered["alex"]
    record = json.loads((project / ".workbook/cache/site/clients/alex.json").read_text())
    assert set(record["tasks"]["notes:notes.txt"]["reads"]) == {"tool", "client", "firm"}
    assert build(project).rendered == {}
    edit(project / "content/exercises/hello.md", "What brings", "What led")
    assert "notes:notes.txt" not in {k for _, k in rendered(build(project))}
    edit(project / "clients/alex.yml", "Alex Example", "Alex Renamed")
    report = build(project)
    assert ("alex", "notes:notes.txt") in rendered(report)
    assert ("bea", "notes:notes.txt") not in rendered(report)
    assert (project / "site/alex/notes.txt").read_text() == "Alex Renamed Test Firm"
    edit(project / "workbook.yml", "Test Firm", "Other Firm")
    report = build(project)
    assert {c for c, k in rendered(report) if k == "notes:notes.txt"} == {"alex", "bea", "cy"}


def test_packs_follow_their_own_inputs(project: Path) -> None:
    """Each pack is a task: rebuilt for an answer it prints, not for a site-only template."""
    build(project, pdf=True, clients=("alex",))
    home = Path(__file__).resolve().parent.parent / "templates/home.html"
    (project / "templates").mkdir()
    (project / "templates/home.html").write_text(home.read_text().replace("Welcome", "Hello"))
    report = build(project, pdf=True, clients=("alex",))
    assert rendered(report) == {("alex", "page:index.html")}
    folder = project / "clients/alex.answers"
    folder.mkdir()
    (folder / "a.json").write_text(
        json.dumps(
            {
                "format": "workbook-answers/1",
                "client": "alex",
                "exported": "2026-11-02T10:00:00Z",
                "answers": {"goodbye/ready": {"value": 4, "updated": "2026-11-02T09:00:00Z"}},
            }
        )
    )
    report = build(project, pdf=True, clients=("alex",))
    # the pack of the stage that prints the answer, and the engagement pack; not the other
    packs = {k for _, k in rendered(report) if k.startswith("pack:")}
    assert packs == {"pack:packs/02-later.pdf", "pack:packs/engagement.pdf"}
    assert (project / "site/alex/packs/02-later.pdf").is_file()


def test_tool_digest_reads_the_library_versions_importlib_metadata_gives() -> None:
    """The quick check reads versions from .dist-info folders itself (importing
    importlib.metadata costs more than the rest of a no-op build): the same versions."""
    import importlib.metadata

    from workbook.build import quick

    expected = []
    for name in quick.SHAPING:
        try:
            expected.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            expected.append((name, ""))
    assert quick.shaping_versions() == expected
    assert all(version for _, version in expected[:3])  # Jinja2 and markdown-it are installed


def test_a_profile_value_no_page_prints_rebuilds_only_what_reads_the_whole_profile(
    project: Path, tmp_path: Path
) -> None:
    """Templates read the profile key by key: a new role moves the pages that print it,
    or that see the whole profile (a loop over it), and no others."""
    edit(
        project / "content/exercises/goodbye.md",
        "---\n\n",
        "---\n\n{% for key in client %}{% if key == 'role' %}Has a role. {% endif %}"
        "{% endfor %}\n\n",
    )
    report, replaced = rebuild_after(
        project,
        tmp_path,
        lambda: edit(
            project / "clients/alex.yml", "programme: mini", "programme: mini\nrole: Analyst"
        ),
    )
    assert report.built == ["alex"]
    # the progress page reads the whole profile; goodbye loops over it (and its stage page
    # and home count its fields, so they read what personalising it read)
    assert rendered(report) == {
        ("alex", k)
        for k in (
            "page:progress.html",
            "page:02-later/goodbye.html",
            "page:02-later/index.html",
            "page:index.html",
        )
    }
    assert "alex/01-start/hello.html" not in replaced
    assert "Has a role." in (project / "site/alex/02-later/goodbye.html").read_text()
    record = json.loads((project / ".workbook/cache/site/clients/alex.json").read_text())
    hello = record["tasks"]["page:01-start/hello.html"]["reads"]
    assert "client.preferred_name" in hello and "client" not in hello
    assert "client" in record["tasks"]["page:02-later/goodbye.html"]["reads"]


def test_field_counts_follow_the_profile_values_that_make_the_fields(
    project: Path, tmp_path: Path
) -> None:
    """Home counts each exercise's fields from the last build while what personalising the
    exercise read holds; a goal added makes a field more, and home counts it."""
    edit(
        project / "content/exercises/goodbye.md",
        "---\n\n",
        "---\n\n{% for goal in goals %}\n::: {.prompt #on-{{ goal.id }} lines=2}\n"
        "How is {{ goal.title }} going?\n:::\n\n{% endfor %}\n",
    )
    profile = project / "clients/alex.yml"
    edit(profile, "programme: mini", "programme: mini\ngoals:\n  - {id: calm, title: Calm}")
    report, _ = rebuild_after(
        project,
        tmp_path,
        lambda: edit(
            profile,
            "{id: calm, title: Calm}",
            "{id: calm, title: Calm}\n  - {id: pace, title: Pace}",
        ),
    )
    assert ("alex", "page:index.html") in rendered(report)
    record = json.loads((project / ".workbook/cache/site/clients/alex.json").read_text())
    assert record["counted"]["goodbye"]["keys"] == [
        "goodbye/on-calm",
        "goodbye/on-pace",
        "goodbye/ready",
    ]
    assert "goals" in record["counted"]["goodbye"]["reads"]
    # an edit nothing of hello reads: its count is the recorded one, and the output is exact
    report, _ = rebuild_after(
        project, tmp_path / "again", lambda: edit(profile, "title: Pace", "title: Steady pace")
    )
    assert ("alex", "page:01-start/hello.html") not in rendered(report)
