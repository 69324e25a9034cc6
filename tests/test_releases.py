"""Programme releases end to end: a pinned client keeps every byte while the working copy moves
on, an unpinned client keeps what they answered as earlier work, and upgrades are guided."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.answers_helpers import answers_doc, entry, snapshot, write_json
from tests.conftest import published_files
from tests.pdf_tools import text as pdf_text

GROW = """\
title: Grow
summary: Two stages to grow with.
stages:
  - id: start
    title: Getting started
    exercises: [hello, values]
  - id: later
    title: Later on
    exercises: [goodbye]
"""

HELLO = """\
---
title: Hello
kind: reflection
---

{{ client.preferred_name }}, welcome.

::: {.prompt #first lines=3}
What brings you to coaching?
:::
"""

VALUES = """\
---
title: Your values
kind: exercise
---

::: {.prompt #strengths lines=4}
What are you known for at your best?
:::
"""

GOODBYE = """\
---
title: Goodbye
kind: exercise
---

::: {.scale #ready min=1 max=5 low="Not yet" high="Ready"}
How ready are you?
:::
"""

NEXT = """\
---
title: Next steps
kind: exercise
---

::: {.prompt #plan lines=4}
What will you do in the month after coaching?
:::
"""

PIA_ANSWER = "Keeping the team calm when plans change."
UMA_ANSWER = "Asking the question nobody else asks."


@pytest.fixture
def project(make_project):
    root = make_project(
        {
            "workbook.yml": "firm: {name: Grow Partners}\nprogramme: grow\nrelease: all\n",
            "content/programmes/grow.yml": GROW,
            "content/exercises/hello.md": HELLO,
            "content/exercises/values.md": VALUES,
            "content/exercises/goodbye.md": GOODBYE,
            "clients/pia.yml": "name: Pia Park\ncoach: {name: Casey Coach}\nprogramme: grow\n",
            "clients/uma.yml": "name: Uma Ulm\n# the working copy\ncoach: {name: Casey}\n",
        },
        mini=False,
    )
    return root


def _import(cli, root: Path, cid: str, answer: str, tmp: Path) -> None:
    doc = answers_doc(
        {"values/strengths": entry(answer), "hello/first": entry("To lead with less effort.")},
        client=cid,
        programme="grow",
    )
    result = cli(["answers", "import", str(write_json(tmp / f"{cid}.json", doc))], root)
    assert result.exit_code == 0, result.output


def _build(cli, root: Path, *extra: str):
    result = cli(["build", "--today", "2026-12-01", *extra], root)
    assert result.exit_code == 0, result.output
    return result


def _revise_working_copy(root: Path) -> None:
    """Drop an exercise, reword a prompt, add an exercise and a stage."""
    programme = root / "content/programmes/grow.yml"
    text = programme.read_text().replace("[hello, values]", "[hello]")
    text += "  - id: wrap\n    title: Wrapping up\n    exercises: [next-steps]\n"
    programme.write_text(text)
    hello = root / "content/exercises/hello.md"
    hello.write_text(
        hello.read_text().replace("What brings you to coaching?", "What do you hope for?")
    )
    (root / "content/exercises/next-steps.md").write_text(NEXT)


@pytest.fixture
def released(project, cli, tmp_path):
    """Released as v1, Pia pinned to it, Uma not; both answered; built once."""
    result = cli(["release", "grow", "--name", "v1", "--today", "2026-12-01"], project)
    assert result.exit_code == 0, result.output
    profile = project / "clients/pia.yml"
    profile.write_text(profile.read_text().replace("programme: grow", "programme: grow@v1"))
    _import(cli, project, "pia", PIA_ANSWER, tmp_path)
    _import(cli, project, "uma", UMA_ANSWER, tmp_path)
    _build(cli, project)
    return project


def test_release_is_plain_files_with_a_manifest(released):
    folder = released / "releases/grow/v1"
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert names == [
        "content/exercises/goodbye.md",
        "content/exercises/hello.md",
        "content/exercises/values.md",
        "programme.yml",
        "release.yml",
    ]
    manifest = (folder / "release.yml").read_text()
    assert "format: workbook-release/1" in manifest and 'created: "2026-12-01"' in manifest
    assert '"content/exercises/values.md": "sha256:' in manifest
    assert (folder / "programme.yml").read_text() == GROW


def test_pinned_client_keeps_every_byte_and_unpinned_keeps_earlier_work(released, cli, tmp_path):
    before = published_files(released / "site/pia")
    assert any(n.endswith(".pdf") for n in before)
    _revise_working_copy(released)
    _build(cli, released)
    assert published_files(released / "site/pia") == before
    # not the cache's doing: the release alone, built from nothing, gives the same pages
    fresh = tmp_path / "fresh"
    _build(cli, released, "pia", "--out", str(fresh))
    assert published_files(fresh / "pia") == before

    uma = released / "site/uma"
    assert (uma / "03-wrap/next-steps.html").is_file()
    assert "What do you hope for?" in (uma / "01-start/hello.html").read_text()
    assert not (uma / "01-start/values.html").exists()
    home = (uma / "index.html").read_text()
    assert 'href="earlier-work.html"' in home
    earlier = (uma / "earlier-work.html").read_text()
    assert "Your values" in earlier and "What are you known for at your best?" in earlier
    assert UMA_ANSWER in earlier and PIA_ANSWER not in earlier
    text = " ".join(pdf_text(uma / "packs/engagement.pdf").split())
    assert "Earlier work" in text and UMA_ANSWER in text

    exported = cli(["answers", "export", "uma"], released)
    assert exported.exit_code == 0, exported.output
    rows = {a["key"]: a for a in json.loads(exported.output)["answers"]}
    assert rows["values/strengths"]["earlier_work"] is True
    assert rows["values/strengths"]["value"] == UMA_ANSWER
    csv = cli(["answers", "export", "uma", "--format", "csv"], released).output
    assert ",Your values,What are you known for at your best?,," in csv
    assert ",earlier work,values/strengths" in csv


def test_exports_label_earlier_work_by_the_question_it_had(project, cli, tmp_path):
    """An exercise answered, then dropped from the working copy: the md and csv exports
    show its question, statement and scale as they were, never the bare field id."""
    doc = answers_doc(
        {
            "values/strengths": entry(UMA_ANSWER),
            "goodbye/ready": entry(4),
            "hello/first": entry("To lead with less effort."),
        },
        client="uma",
        programme="grow",
    )
    imported = cli(["answers", "import", str(write_json(tmp_path / "uma.json", doc))], project)
    assert imported.exit_code == 0, imported.output
    programme = project / "content/programmes/grow.yml"
    programme.write_text(
        programme.read_text().replace("[hello, values]", "[hello]").replace("[goodbye]", "[]")
    )

    md = cli(["answers", "export", "uma", "--format", "md"], project)
    assert md.exit_code == 0, md.output
    earlier = md.output.split("## Earlier work", 1)[1]
    assert "### Goodbye" in earlier and "### Your values" in earlier
    assert "**How ready are you?** · scale 1 (Not yet) to 5 (Ready) — earlier work" in earlier
    assert "**What are you known for at your best?** — earlier work" in earlier
    assert f"> {UMA_ANSWER}" in earlier
    assert "**strengths**" not in md.output and "**ready**" not in md.output

    csv = cli(["answers", "export", "uma", "--format", "csv"], project)
    assert csv.exit_code == 0, csv.output
    lines = {line.rsplit(",", 1)[-1]: line for line in csv.output.splitlines()}
    assert lines["values/strengths"] == (
        f",Your values,What are you known for at your best?,,{UMA_ANSWER},,"
        "2026-11-20T18:04:00Z,earlier work,values/strengths"
    )
    assert lines["goodbye/ready"] == (
        ",Goodbye,How ready are you?,,4,1 (Not yet) to 5 (Ready),"
        "2026-11-20T18:04:00Z,earlier work,goodbye/ready"
    )
    # the machine format keeps the ids
    rows = {
        a["key"]: a
        for a in json.loads(cli(["answers", "export", "uma"], project).output)["answers"]
    }
    assert rows["goodbye/ready"]["field"] == "ready" and rows["goodbye/ready"]["earlier_work"]


def test_upgrade_lists_changes_refuses_to_hide_and_maps(released, cli):
    _revise_working_copy(released)
    assert (
        cli(["release", "grow", "--name", "v2", "--today", "2026-12-02"], released).exit_code == 0
    )
    listed = cli(["release", "--list"], released).output
    assert "v1" in listed and "1 client" in listed and "v2" in listed and "latest" in listed

    files_before = published_files(released / "clients")
    dry = cli(["upgrade", "pia", "--to", "v2"], released)
    assert dry.exit_code == 0, dry.output
    out = dry.output
    assert "- values: removed" in out
    assert "~ hello/first: reworded" in out
    assert "+ next-steps: added" in out
    assert "stage 'wrap' (Wrapping up)" in out and "a new stage" in out
    assert "answered field values/strengths has no place in grow@v2: needs a choice" in out
    assert "Nothing changed" in out
    assert published_files(released / "clients") == files_before

    refused = cli(["upgrade", "pia", "--to", "v2", "--apply"], released)
    assert refused.exit_code == 1
    assert "values/strengths holds an answer" in refused.output
    assert published_files(released / "clients") == files_before

    profile = (released / "clients/pia.yml").read_bytes()
    mapped = cli(
        ["upgrade", "pia", "--to", "v2", "--apply", "--map", "values/strengths=next-steps/plan"],
        released,
    )
    assert mapped.exit_code == 0, mapped.output
    after = (released / "clients/pia.yml").read_bytes()
    assert after == profile.replace(b"programme: grow@v1", b"programme: grow@v2")
    record = (released / "clients/pia.answers/upgrades.yml").read_text()
    assert '"values/strengths": "next-steps/plan"' in record
    kept = snapshot(released / "clients/pia.answers")
    assert kept is not None and len([n for n in kept if n.endswith(".json")]) == 1
    _build(cli, released)
    page = (released / "site/pia/03-wrap/next-steps.html").read_text()
    assert PIA_ANSWER in page
    assert not (released / "site/pia/earlier-work.html").exists()


def test_keep_as_earlier_work_is_an_explicit_choice(released, cli):
    _revise_working_copy(released)
    cli(["release", "grow", "--name", "v2"], released)
    kept = cli(["upgrade", "pia", "--to", "v2", "--apply", "--keep", "values/strengths"], released)
    assert kept.exit_code == 0, kept.output
    assert "kept as earlier work" in kept.output
    _build(cli, released)
    assert PIA_ANSWER in (released / "site/pia/earlier-work.html").read_text()


def test_hand_edit_of_a_release_is_a_located_error(released, cli):
    path = released / "releases/grow/v1/content/exercises/values.md"
    path.write_text(path.read_text().replace("at your best", "at your very best"))
    result = cli(["check"], released)
    assert result.exit_code == 1
    assert "releases/grow/v1/content/exercises/values.md:1: this file was edited" in result.output
    assert "clients/pia.yml:3" in result.output  # the pinned client is stopped, and says why


def test_unknown_release_is_a_located_error_naming_the_releases(released, cli):
    profile = released / "clients/pia.yml"
    profile.write_text(profile.read_text().replace("grow@v1", "grow@v9"))
    result = cli(["check"], released)
    assert result.exit_code == 1
    assert "clients/pia.yml:3:" in result.output
    assert "programme 'grow' has no release 'v9'" in result.output
    assert "releases of 'grow' are: v1" in result.output


def test_a_release_is_never_written_over(released, cli):
    again = cli(["release", "grow", "--name", "v1"], released)
    assert again.exit_code == 2
    assert "already exists" in again.output


def test_release_name_defaults_to_the_build_date(project, cli):
    result = cli(["release", "grow"], project, env={"SOURCE_DATE_EPOCH": "1796083200"})
    assert result.exit_code == 0, result.output
    assert (project / "releases/grow/2026-12-01/release.yml").is_file()


def test_coach_edition_and_build_say_when_a_newer_release_exists(released, cli):
    _revise_working_copy(released)
    cli(["release", "grow", "--name", "v2", "--today", "2026-12-02"], released)
    built = _build(cli, released)
    assert "1 pinned client(s) behind the latest release: pia (grow@v1, latest v2)" in built.output
    again = _build(cli, released)  # nothing to do: the notice is still said
    assert "pia (grow@v1, latest v2)" in again.output
    _build(cli, released, "--edition", "coach", "--no-pdf")
    home = (released / "coach/pia/index.html").read_text()
    assert "On release grow@v1; a newer release, v2, exists" in home
    assert (
        "Follows the working copy of grow; its latest release is v2"
        in (released / "coach/uma/index.html").read_text()
    )
    assert "newer release" not in (released / "site/pia/index.html").read_text()


def test_new_client_is_pinned_to_the_latest_release(released, cli):
    result = cli(["new", "client", "Nia Novak", "--coach", "Casey Coach"], released)
    assert result.exit_code == 0, result.output
    lines = (released / "clients/nia-novak.yml").read_text().splitlines()
    assert any(line.startswith("programme: grow@v1 ") for line in lines)
    assert cli(["check"], released).exit_code == 0


def test_curriculum_publishes_a_named_release(released, cli):
    _revise_working_copy(released)
    working = cli(["curriculum", "--today", "2026-12-01"], released)
    assert working.exit_code == 0, working.output
    assert (released / "site/curriculum/exercises/next-steps/index.html").is_file()
    frozen = cli(["curriculum", "--release", "grow@v1", "--today", "2026-12-01"], released)
    assert frozen.exit_code == 0, frozen.output
    site = released / "site/curriculum"
    assert (site / "exercises/values/index.html").is_file()
    assert not (site / "exercises/next-steps/index.html").exists()
    unknown = cli(["curriculum", "--release", "v9"], released)
    assert unknown.exit_code == 2 and "releases: grow@v1" in unknown.output


def test_a_renamed_field_keeps_its_answer_as_earlier_work(released, cli):
    values = released / "content/exercises/values.md"
    values.write_text(
        values.read_text()
        .replace("#strengths", "#at-your-best")
        .replace("What are you known for at your best?", "When are you at your best?")
    )
    result = cli(["check"], released)
    assert result.exit_code == 0, result.output
    assert "values/strengths" not in result.output  # shown: no warning
    assert "1 built, 1 unchanged" in _build(cli, released).output  # Pia's release is as it was
    assert "0 built, 2 unchanged" in _build(cli, released).output  # and the cache keeps it

    uma = released / "site/uma"
    page = (uma / "01-start/values.html").read_text()
    assert "When are you at your best?" in page and "What are you known for" not in page
    assert 'href="earlier-work.html"' in (uma / "index.html").read_text()
    earlier = (uma / "earlier-work.html").read_text()
    assert "Your values" in earlier and "What are you known for at your best?" in earlier
    assert UMA_ANSWER in earlier and PIA_ANSWER not in earlier
    assert "To lead with less effort." not in earlier  # hello/first is still on its page
    text = " ".join(pdf_text(uma / "packs/engagement.pdf").split())
    assert "Earlier work" in text and "What are you known for at your best?" in text
    assert UMA_ANSWER in text

    exported = cli(["answers", "export", "uma", "--format", "json"], released)
    assert exported.exit_code == 0, exported.output
    row = {a["key"]: a for a in json.loads(exported.output)["answers"]}["values/strengths"]
    assert row["earlier_work"] is True and row["in_workbook"] is False
    assert row["value"] == UMA_ANSWER
    # Pia is pinned to the release, which still has the field: no earlier work for her
    assert not (released / "site/pia/earlier-work.html").exists()


def test_check_warns_for_an_answer_no_page_shows(project, cli, tmp_path):
    """A field whose id the exercise's Jinja might build, and that no release had: the
    answer is kept in the export, and check says so."""
    _import(cli, project, "uma", UMA_ANSWER, tmp_path)
    hello = project / "content/exercises/hello.md"
    hello.write_text(hello.read_text().replace("#first", "#hopes"))
    result = cli(["check"], project)
    assert result.exit_code == 0, result.output
    kept = sorted((project / "clients/uma.answers").glob("*.json"))[0].name
    assert (
        f"clients/uma.answers/{kept}: warning: client 'uma': the answer to 'hello/first' "
        "is on no page"
    ) in result.output


def test_a_release_rebuilds_only_the_clients_that_move_to_it(released, cli):
    _revise_working_copy(released)
    _build(cli, released, "--no-pdf")
    cli(["release", "grow", "--name", "v2", "--today", "2026-12-02"], released)
    after_release = _build(cli, released, "--no-pdf")
    assert "0 built, 2 unchanged" in after_release.output
    moved = cli(["upgrade", "pia", "--to", "v2", "--apply", "--keep", "all"], released)
    assert moved.exit_code == 0, moved.output
    after_move = _build(cli, released, "--no-pdf")
    assert "1 built, 1 unchanged" in after_move.output


def test_a_broken_exercise_is_not_released(project, cli):
    hello = project / "content/exercises/hello.md"
    hello.write_text(hello.read_text().replace("{{ client.preferred_name }}", "{% if client %}"))
    result = cli(["release", "grow", "--name", "v1"], project)
    assert result.exit_code == 1
    assert "content/exercises/hello.md:" in result.output
    assert not (project / "releases").exists()


def test_export_names_the_release_and_a_badly_named_release_folder_is_a_warning(released, cli):
    doc = json.loads(cli(["answers", "export", "pia"], released).output)
    assert (doc["programme"], doc["release"]) == ("grow", "v1")
    (released / "releases/grow/Draft Copy").mkdir()
    result = cli(["check"], released)
    assert result.exit_code == 0, result.output
    assert "releases/grow/Draft Copy: warning: release folder name" in result.output


def test_upgrade_when_the_clients_stage_is_gone(released, cli):
    profile = released / "clients/pia.yml"
    profile.write_text(profile.read_text() + "engagement:\n  stage: later   # since May\n")
    programme = released / "content/programmes/grow.yml"
    programme.write_text(programme.read_text().replace("id: later", "id: closing"))
    cli(["release", "grow", "--name", "v2"], released)
    before = profile.read_bytes()
    dry = cli(["upgrade", "pia", "--to", "v2"], released)
    assert "the client's stage 'later' does not exist in grow@v2" in dry.output
    assert "stage 'later' (Later on)" in dry.output and "this stage is gone" in dry.output
    refused = cli(["upgrade", "pia", "--to", "v2", "--apply", "--keep", "all"], released)
    assert refused.exit_code == 1 and "--stage, one of start, closing" in refused.output
    assert profile.read_bytes() == before
    moved = cli(
        ["upgrade", "pia", "--to", "v2", "--apply", "--keep", "all", "--stage", "closing"],
        released,
    )
    assert moved.exit_code == 0, moved.output
    expected = before.replace(b"grow@v1", b"grow@v2").replace(b"stage: later ", b"stage: closing ")
    assert profile.read_bytes() == expected
    assert cli(["check"], released).exit_code == 0
