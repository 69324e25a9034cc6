"""End-to-end: build real projects into temp dirs and inspect what was written."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import MINI_CLIENT, run_workbook

TODAY = "2026-11-23"


def pages(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))


def test_example_project_builds_every_client(example_project: Path, cli) -> None:
    result = cli(["build", "--today", TODAY], example_project)
    assert result.exit_code == 0, result.output
    site = example_project / "site"
    clients = sorted(p.stem for p in (example_project / "clients").glob("*.yml"))
    assert sorted(p.name for p in site.iterdir() if p.is_dir() and p.name[0] != ".") == clients
    jordan = site / "jordan-rivera"
    # Jordan is at goal-setting (stage 3): stages 1-3 released, 4-9 not.
    assert pages(jordan)[:3] == [
        "01-relationship/about-you.html",
        "01-relationship/coaching-agreement.html",
        "01-relationship/index.html",
    ]
    assert (jordan / "03-goal-setting" / "clear-goals.html").is_file()
    assert not (jordan / "04-action-plan").exists()
    home = (jordan / "index.html").read_text()
    assert "Welcome, <bdi>Jordan</bdi>" in home
    assert "Helen Ashworth" in home  # the coach
    assert "Priya Raman" in home  # the sponsor
    assert 'aria-current="step"' in home and "You are here" in home
    assert home.count("Coming up") == 6
    assert (jordan / "assets" / "workbook.css").is_file()
    assert "#1f4e79" in (jordan / "assets" / "theme.css").read_text()


def test_exercise_page_is_personalised_with_real_form_controls(example_project: Path, cli) -> None:
    assert cli(["build", "--no-pdf", "--today", TODAY], example_project).exit_code == 0
    page = (example_project / "site/jordan-rivera/01-relationship/about-you.html").read_text()
    assert "Strategic thinking" in page  # from the profile's intake
    assert '<textarea id="about-you/' in page
    assert 'type="checkbox" name="about-you/learning"' in page
    assert 'type="radio"' in page
    assert re.search(r'<label class="field-question" for="about-you/[a-z-]+"', page)


def test_release_all_shows_every_stage(example_project: Path, cli) -> None:
    yml = example_project / "workbook.yml"
    yml.write_text(yml.read_text().replace("release: current", "release: all"))
    assert cli(["build", "--no-pdf", "--today", TODAY], example_project).exit_code == 0
    stages = [p.name for p in (example_project / "site/li-wei-chen").iterdir() if p.is_dir()]
    assert len([s for s in stages if re.match(r"\d\d-", s)]) == 9


def test_coach_notes_only_in_coach_edition(make_project, cli) -> None:
    root = make_project()
    assert cli(["build", "--no-pdf", "--today", TODAY], root).exit_code == 0
    client_page = (root / "site/alex/01-start/hello.html").read_text()
    assert "SECRET COACH NOTE" not in client_page
    assert cli(["build", "--no-pdf", "--edition", "coach", "--today", TODAY], root).exit_code == 0
    coach_page = (root / "coach/alex/01-start/hello.html").read_text()
    assert "SECRET COACH NOTE" in coach_page
    assert "SECRET COACH NOTE" not in (root / "site/alex/01-start/hello.html").read_text()
    assert not any("SECRET" in p.read_text() for p in (root / "site").rglob("*.html"))


def test_two_builds_with_the_same_date_are_byte_identical(example_project: Path, cli) -> None:
    # one client, packs included: PDFs must be reproducible too
    args = ["build", "jordan-rivera", "--today", TODAY]
    assert cli([*args, "--out", "a"], example_project).exit_code == 0
    assert cli([*args, "--out", "b"], example_project).exit_code == 0
    a, b = example_project / "a", example_project / "b"

    def published(folder: Path) -> list[Path]:  # the build's own records (inodes) aside
        return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())

    files_a = published(a)
    assert files_a == published(b)
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


def test_source_date_epoch_fixes_today(make_project, cli) -> None:
    root = make_project({"content/exercises/hello.md": "---\ntitle: Hello\n---\n\n{{ today }}\n"})
    env = {"SOURCE_DATE_EPOCH": "1700000000"}  # 2023-11-14
    assert cli(["build", "--no-pdf"], root, env=env).exit_code == 0
    assert "2023\\-11\\-14" not in (root / "site/alex/01-start/hello.html").read_text()
    assert "2023-11-14" in (root / "site/alex/01-start/hello.html").read_text()


def test_nothing_loads_from_the_network_and_links_are_relative(example_project: Path, cli) -> None:
    assert cli(["build", "--no-pdf", "--today", TODAY], example_project).exit_code == 0
    for page in (example_project / "site").rglob("*.html"):
        html = page.read_text()
        for attr, url in re.findall(r'\b(src|href)="([^"]*)"', html):
            if attr == "href" and url.startswith(("https:", "mailto:")):
                continue
            assert not re.match(r"^[a-z]+:|^//|^/", url), f"{page}: {attr}={url}"
            assert (page.parent / url.split("#")[0]).exists() or url.startswith("#"), url
        assert "@import" not in html and "url(http" not in html
    for css in (example_project / "site").rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text())


def test_failed_client_keeps_previous_output_others_built(make_project, cli) -> None:
    root = make_project(
        {"clients/bea.yml": "name: Bea Second\ncoach: {name: C}\nprogramme: mini\n"}
    )
    assert cli(["build", "--no-pdf", "--today", TODAY], root).exit_code == 0
    before = {p: p.read_bytes() for p in (root / "site/alex").rglob("*") if p.is_file()}
    (root / "clients/alex.yml").write_text(MINI_CLIENT + "engagement: {start: 2026-13-45}\n")
    (root / "clients/bea.yml").write_text("name: Bea Renamed\ncoach: {name: C}\nprogramme: mini\n")
    result = cli(["build", "--no-pdf", "--today", TODAY], root)
    assert result.exit_code == 1
    assert "clients/alex.yml:4:21: 'engagement.start' is not a real date" in result.output
    after = {p: p.read_bytes() for p in (root / "site/alex").rglob("*") if p.is_file()}
    assert after == before
    assert "Bea Renamed" in (root / "site/bea/index.html").read_text()
    assert [p.name for p in (root / "site").iterdir() if p.name.startswith(".")] == []


def test_error_in_shared_exercise_stops_clients_using_it(make_project, cli) -> None:
    root = make_project(
        {
            "content/programmes/other.yml": "title: Other\nstages:\n  - {id: one, title: One, "
            "exercises: [goodbye]}\n",
            "clients/bea.yml": "name: Bea\ncoach: {name: C}\nprogramme: other\n",
            "content/exercises/hello.md": "---\ntitle: Hello\n---\n\n{{ clinet.name }}\n",
        }
    )
    result = cli(["build", "--no-pdf", "--today", TODAY], root)
    assert result.exit_code == 1
    assert "content/exercises/hello.md:5: undefined name 'clinet'" in result.output
    assert not (root / "site/alex").exists()
    assert (root / "site/bea/01-one/goodbye.html").is_file()


def test_prune_removes_only_when_asked(make_project, cli) -> None:
    root = make_project({"clients/bea.yml": "name: Bea\ncoach: {name: C}\nprogramme: mini\n"})
    assert cli(["build", "--no-pdf", "--today", TODAY], root).exit_code == 0
    (root / "clients/bea.yml").unlink()
    assert cli(["build", "--no-pdf", "--today", TODAY], root).exit_code == 0
    assert (root / "site/bea").is_dir()
    result = cli(["build", "--no-pdf", "--today", TODAY, "--prune"], root)
    assert result.exit_code == 0 and "removed bea/" in result.output
    assert not (root / "site/bea").exists() and (root / "site/alex").is_dir()


def test_stage_option_builds_one_stage_and_keeps_the_rest(make_project, cli) -> None:
    root = make_project({"clients/alex.yml": MINI_CLIENT + "engagement: {stage: later}\n"})
    assert cli(["build", "--no-pdf", "--today", TODAY], root).exit_code == 0
    (root / "content/exercises/goodbye.md").write_text(
        "---\ntitle: Goodbye again\n---\n\nChanged.\n"
    )
    (root / "content/exercises/hello.md").write_text("---\ntitle: Hello changed\n---\n\nNew\n")
    assert cli(["build", "--no-pdf", "--today", TODAY, "--stage", "later"], root).exit_code == 0
    assert "Changed." in (root / "site/alex/02-later/goodbye.html").read_text()
    assert "Hello changed" not in (root / "site/alex/01-start/hello.html").read_text()


def test_unknown_client_is_a_usage_error(make_project) -> None:
    root = make_project()
    result = run_workbook(["build", "nobody"], root)
    assert result.returncode == 2
    assert "no client named 'nobody'" in result.stderr
    assert "Traceback" not in result.stderr


def test_project_without_workbook_yml_builds(make_project, cli) -> None:
    root = make_project()
    assert not (root / "workbook.yml").exists()
    assert cli(["build", "--no-pdf", "--today", TODAY], root).exit_code == 0
    assert "Coaching Workbook" in (root / "site/alex/index.html").read_text()
