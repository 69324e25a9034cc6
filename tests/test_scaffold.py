"""`workbook init`, `workbook new client` and `workbook schema`."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from workbook import ids
from workbook.commands import scaffold
from workbook.load.project import load_settings
from workbook.load.schema import KINDS, PROFILE, SETTINGS, Ctx, ListOf, Obj, Spec, json_schema
from workbook.load.sources import load_yaml_file
from workbook.models import Person


def key_paths(spec: Spec, prefix: str = "") -> set[str]:
    """Every key of a schema, as dotted paths."""
    if isinstance(spec, ListOf):
        spec = spec.item
    if not isinstance(spec, Obj):
        return set()
    found = set()
    for key, child in spec.fields.items():
        path = f"{prefix}.{key}" if prefix else key
        found |= {path} | key_paths(child, path)
    return found


def data_paths(value: object, prefix: str = "") -> set[str]:
    """Every key of loaded YAML data, as dotted paths (list items share their list's path)."""
    if isinstance(value, list):
        return set().union(*(data_paths(v, prefix) for v in value)) if value else set()
    if not isinstance(value, dict):
        return set()
    found = set()
    for key, child in value.items():
        path = f"{prefix}.{key}" if prefix else key
        found |= {path} | (data_paths(child, path) if key != "custom" else set())
    return found


def test_the_profile_template_has_every_key_with_valid_examples(tmp_path: Path) -> None:
    args = {
        "programme": "executive-coaching",
        "stage": "relationship",
        "today": dt.date(2026, 9, 1),
    }
    live = scaffold.profile_text("Jo Smith", "Casey Coach", commented=False, **args)
    path = tmp_path / "jo-smith.yml"
    path.write_text(live, encoding="utf-8")
    data, problems = load_yaml_file(path)
    assert problems == []
    ctx = Ctx(path)
    client = PROFILE.check(data, ctx, "")
    assert ctx.problems == []
    assert client["about"].strengths and client["goals"][0].milestones
    assert data_paths(yaml.safe_load(live)) == key_paths(PROFILE)
    # the file users get is the same, commented: removing each line's first '# ' gives it back
    commented = scaffold.profile_text("Jo Smith", "Casey Coach", **args)
    assert yaml.safe_load(commented) == {"name": "Jo Smith", "coach": {"name": "Casey Coach"}}
    lines = [re.sub(r"^(\s*)# ", r"\1", line) for line in commented.splitlines()[6:]]
    assert yaml.safe_load("\n".join(lines)) == yaml.safe_load(live)


def test_new_client_writes_a_commented_profile_that_checks(make_project, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project({"workbook.yml": "programme: mini\n"})
    result = cli(["new", "client", "  José  Álvarez ", "--coach", "Casey Coach"], root)
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote clients/jose-alvarez.yml.\n"
    text = (root / "clients" / "jose-alvarez.yml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../.workbook/profile.schema.json\n")
    assert "\nname: José Álvarez" in text and "\n  name: Casey Coach" in text
    assert "\n# sponsor:" in text and "\n#   stage: start" in text  # the project's first stage
    schema = json.loads((root / ".workbook" / "profile.schema.json").read_text("utf-8"))
    assert schema["title"] == "workbook client profile"
    result = cli(["check"], root)
    assert result.exit_code == 0, result.output
    assert "2 client(s) checked" in result.output


def test_new_client_without_a_coach_is_refused_when_no_one_can_answer(make_project, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project()
    result = cli(["new", "client", "Li Lei"], root)
    assert result.exit_code == 2
    assert result.output == (
        "no coach for Li Lei — pass --coach NAME, "
        "or name the firm's coach in workbook.yml (coach: {name: NAME})\n"
    )
    assert not (root / "clients" / "li-lei.yml").exists()


FIRM_COACH = "programme: mini\ncoach: {name: Helen Ashworth, email: helen@example.org}\n"


def test_new_client_takes_the_firms_coach_from_workbook_yml(make_project, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project({"workbook.yml": FIRM_COACH})
    result = cli(["new", "client", "Li Lei"], root)
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote clients/li-lei.yml (coach: Helen Ashworth, from workbook.yml).\n"
    profile = yaml.safe_load((root / "clients" / "li-lei.yml").read_text("utf-8"))
    assert profile == {
        "name": "Li Lei",
        "coach": {"name": "Helen Ashworth", "email": "helen@example.org"},
    }
    result = cli(["new", "client", "Bo Berg", "--coach", "Ada  Quill"], root)
    assert result.output == "Wrote clients/bo-berg.yml.\n"
    profile = yaml.safe_load((root / "clients" / "bo-berg.yml").read_text("utf-8"))
    assert profile["coach"] == {"name": "Ada Quill"}
    result = cli(["build", "--no-pdf", "--today", "2026-11-01"], root)
    assert result.exit_code == 0, result.output
    assert "Helen Ashworth" in (root / "site" / "li-lei" / "index.html").read_text("utf-8")
    assert "Ada Quill" in (root / "site" / "bo-berg" / "index.html").read_text("utf-8")


def test_new_client_asks_for_the_coach_at_a_terminal(make_project) -> None:  # type: ignore[no-untyped-def]
    root = make_project()
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-m", "workbook", "new", "client", "Li Lei"],
        cwd=root,
        env=env,
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        os.close(follower)
        os.write(leader, b"  Ada   Quill \n")
        out, err = process.communicate(timeout=60)
    os.close(leader)
    assert process.returncode == 0, err
    assert out == "Coach for Li Lei: Wrote clients/li-lei.yml.\n"
    profile = yaml.safe_load((root / "clients" / "li-lei.yml").read_text("utf-8"))
    assert profile == {"name": "Li Lei", "coach": {"name": "Ada Quill"}}


def test_a_firms_coach_that_cannot_be_read_is_reported(make_project, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project({"workbook.yml": "programme: mini\ncoach:\n  email: helen@example.org\n"})
    result = cli(["new", "client", "Li Lei"], root)
    assert result.exit_code == 1
    assert result.output == (
        "workbook.yml:3:3: missing required key 'coach.name' — add 'name:' here\n"
    )
    assert not (root / "clients" / "li-lei.yml").exists()


@pytest.mark.parametrize("existing", ["alex.yml", "alex.yaml"])
def test_new_client_never_overwrites_a_profile(make_project, cli, existing: str) -> None:  # type: ignore[no-untyped-def]
    root = make_project({f"clients/{existing}": "name: Alex Kept\ncoach: {name: C}\n"})
    if existing == "alex.yaml":
        (root / "clients" / "alex.yml").unlink()
    before = (root / "clients" / existing).read_bytes()
    result = cli(["new", "client", "Alex"], root)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"clients/{existing}: a profile for 'alex' already exists; nothing was written — "
        "edit that profile, or choose another id with --id"
    )
    assert (root / "clients" / existing).read_bytes() == before


def test_new_client_refuses_empty_and_reserved_ids(make_project, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_project()
    result = cli(["new", "client", "🙂 —"], root)
    assert result.exit_code == 1
    assert result.output.startswith(
        "clients: cannot make a client id from '🙂 —': it has no letters or digits that "
        "spell one — give one with --id, e.g. --id li-wei"
    )
    assert "or write the name in Latin letters" in result.output
    result = cli(["new", "client", "Con"], root)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "clients/con.yml: the client id 'con' is a reserved name — "
        "choose another with --id, e.g. --id jo-smith"
    )
    result = cli(["new", "client", "🙂 —", "--id", "li-lei", "--coach", "C"], root)
    assert result.exit_code == 0
    assert (root / "clients" / "li-lei.yml").is_file()
    assert not (root / "clients" / "con.yml").exists()


@pytest.mark.parametrize(
    ("name", "cid"),
    [
        ("Ærling Øst", "aerling-ost"),
        ("José Núñez", "jose-nunez"),
        ("Zoë Ψ", "zoe-ps"),
        ("李雷", "li-lei"),
        ("Алексей Толстой", "aleksei-tolstoi"),
        ("Jürgen Groß", "jurgen-gross"),
    ],
)
def test_new_client_ids_transliterate_names_in_any_script(make_project, cli, name, cid) -> None:  # type: ignore[no-untyped-def]
    root = make_project()
    result = cli(["new", "client", name, "--coach", "C"], root)
    assert result.exit_code == 0, result.output
    assert (root / "clients" / f"{cid}.yml").is_file()
    assert yaml.safe_load((root / "clients" / f"{cid}.yml").read_text("utf-8"))["name"] == name


def test_new_client_ids_stop_at_a_word_boundary() -> None:
    long_name = "Maximiliane " * 8
    cid = ids.name_id(long_name)
    assert len(cid) <= ids.MAX_ID and not cid.endswith("-") and ids.id_problem(cid) is None
    assert set(cid.split("-")) == {"maximiliane"}


def test_init_makes_the_firm_id_from_a_name_in_any_script() -> None:
    settings = scaffold.init_files("Ærø Coaching Ψ")["workbook.yml"]
    assert isinstance(settings, str) and "id: aero-coaching-ps" in settings


def test_item_keys_keep_the_contracts_fold() -> None:
    # answer keys are made with fold: it still drops what it cannot decompose
    assert ids.fold("Ærling Øst") == "rling-st"
    assert ids.fold("José Núñez") == "jose-nunez"


def test_new_client_outside_a_project(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(["new", "client", "Jo Smith"], tmp_path)
    assert result.exit_code == 1
    assert "no workbook project here" in result.output
    assert not (tmp_path / "clients").exists()


def test_init_builds_at_once_and_refuses_to_overwrite(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(["init", "firm", "--firm", "Tide & Co: Coaching"], tmp_path)
    assert result.exit_code == 0, result.output
    root = tmp_path / "firm"
    settings = (root / "workbook.yml").read_text("utf-8")
    assert 'name: "Tide & Co: Coaching"' in settings and "id: tide-co-coaching" in settings
    for key in SETTINGS.fields:
        assert re.search(rf"^\s*#?\s*{key}:", settings, re.M), f"workbook.yml lacks {key}"
    for key in SETTINGS.fields["firm"].fields:  # type: ignore[attr-defined]
        assert re.search(rf"^\s+#?\s*{key}:", settings, re.M), f"workbook.yml lacks firm.{key}"
    ignore = (root / ".gitignore").read_text("utf-8").splitlines()
    assert {"/site/", "/coach/", "/.workbook/"} <= set(ignore)
    assert "# /clients/*.yml" in ignore
    assert len(list((root / "content" / "exercises").rglob("*.md"))) >= 25
    assert (root / "templates" / "exercise.html").is_file()
    assert [p.name for p in (root / "clients").iterdir()] == ["jordan-rivera.yml"]
    result = cli(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    assert (root / "site" / "jordan-rivera" / "index.html").is_file()

    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "workbook.yml").write_text("firm: {name: Mine}\n")
    (tmp_path / "other" / "notes.txt").write_text("keep")
    result = cli(["init", "other"], tmp_path)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "other: the folder already has workbook.yml; workbook init wrote nothing — "
        "start the firm in an empty folder, or move those away first"
    )
    assert sorted(p.name for p in (tmp_path / "other").iterdir()) == ["notes.txt", "workbook.yml"]
    # a folder with only other things in it (a fresh git repository, say) is fine
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert cli(["init", "repo"], tmp_path).exit_code == 0


def test_init_names_the_firms_coach_for_new_clients(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        ["init", "firm", "--firm", "Tide Coaching", "--coach", "Helen  Ashworth"], tmp_path
    )
    assert result.exit_code == 0, result.output
    root = tmp_path / "firm"
    text = (root / "workbook.yml").read_text("utf-8")
    assert '\ncoach:\n  name: "Helen Ashworth"\n  # email: coach@example.org\n' in text
    settings, problems = load_settings(root)
    assert problems == [] and settings.coach == Person(name="Helen Ashworth")
    result = cli(["new", "client", "Morgan Ellis"], root)
    assert result.output == (
        "Wrote clients/morgan-ellis.yml (coach: Helen Ashworth, from workbook.yml).\n"
    )


def test_init_without_a_coach_leaves_an_example_to_uncomment(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli(["init", "firm"], tmp_path).exit_code == 0
    root = tmp_path / "firm"
    text = (root / "workbook.yml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=.workbook/settings.schema.json\n")
    assert "\n# coach:\n#   name: Helen Ashworth\n#   email: helen@example.org\n" in text
    live = text.replace("# coach:\n#   name", "coach:\n  name").replace("#   email", "  email")
    (root / "workbook.yml").write_text(live, encoding="utf-8")
    settings, problems = load_settings(root)
    assert problems == []
    assert settings.coach == Person(name="Helen Ashworth", email="helen@example.org")


@pytest.mark.parametrize("kind", ["profile", "settings", "programme", "exercise"])
def test_schema_prints_each_file_kind(tmp_path: Path, cli, kind: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(["schema", kind], tmp_path)
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema == json_schema(kind)
    spec, title = KINDS[kind]
    assert schema["title"] == title
    assert set(schema["properties"]) == set(spec.fields)
    assert schema["additionalProperties"] is False


def test_schema_prints_the_profile_schema_by_default(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(["schema"], tmp_path)
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "workbook client profile"
    assert schema["required"] == ["name", "coach"]
    assert set(schema["properties"]) == set(PROFILE.fields)
    result = cli(["schema", "profiles"], tmp_path)
    assert result.exit_code == 2
    assert "'profiles' is not one of 'profile', 'settings', 'programme', 'exercise'" in (
        result.output
    )


def test_init_and_new_client_save_every_schema_for_editors(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli(["init", "firm", "--coach", "Helen Ashworth"], tmp_path).exit_code == 0
    folder = tmp_path / "firm" / ".workbook"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"{kind}.schema.json" for kind in sorted(KINDS)]
    for kind in KINDS:
        saved = json.loads((folder / f"{kind}.schema.json").read_text("utf-8"))
        assert saved == json_schema(kind)
    (folder / "programme.schema.json").write_text("{}", encoding="utf-8")  # from an older version
    assert cli(["new", "client", "Morgan Ellis"], tmp_path / "firm").exit_code == 0
    saved = json.loads((folder / "programme.schema.json").read_text("utf-8"))
    assert saved == json_schema("programme")
