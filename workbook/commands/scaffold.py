"""Starting a firm and adding clients: ``workbook init`` and ``workbook new client``.

Both only ever create files: they refuse, before writing anything, when a
file they would write is already there, so nobody's work is overwritten.
The defaults come from :mod:`workbook.load.defaults` (bundled in the wheel, or
beside the package in a checkout). A new client's profile is generated from
the profile declaration in :mod:`workbook.load.schema`, so it lists every key
the schema has, each commented, and stays in step as the schema grows.

A profile needs its coach's name before it builds, so ``new client`` always
writes one: ``--coach``, else the firm's coach from ``workbook.yml``, else the
answer to a question when someone is at the terminal; otherwise it refuses.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbook.commands.profile_text import profile_text
from workbook.errors import Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.ids import ID_FIX, id_problem, name_id
from workbook.load import defaults
from workbook.load.language import LANGUAGE_TAG, suggest_tag
from workbook.load.project import load_programme, load_settings
from workbook.load.releases import PROGRAMME_FILE, latest_release
from workbook.load.schema import (
    KINDS,
    json_schema,
)
from workbook.models import Person

STARTER = Path(__file__).resolve().parent.parent / "starter"
SCHEMA_DIR = Path(".workbook")
DEFAULT_FIRM = "Your Coaching Firm"


# ---- workbook init ----------------------------------------------------------------------------


def _starter_text(name: str) -> str:
    return (STARTER / name).read_text(encoding="utf-8")


def _coach_lines(coach: str | None) -> str:
    """The ``coach:`` of a new workbook.yml: the one given, or a commented example."""
    if coach is None:
        return "# coach:\n#   name: Helen Ashworth\n#   email: helen@example.org"
    name = json.dumps(" ".join(coach.split()), ensure_ascii=False)
    return f"coach:\n  name: {name}\n  # email: coach@example.org"


# The example clients written in a language of their own (by primary subtag); a firm in
# any other language starts with the English one.
EXAMPLES = {"fr": ("example-client.fr.yml", "elodie-marchand.yml")}


def language_of(given: str) -> str:
    """``--language``: a BCP 47 tag (``fr``, ``fr-CA``), or a problem saying what was meant."""
    if LANGUAGE_TAG.fullmatch(given):
        return given
    near = suggest_tag(given)
    raise UsageProblem(
        f"--language: '{given}' is not a language tag — "
        + (f"did you mean '{near}'?" if near else "write a BCP 47 tag such as en, fr or fr-CA")
    )


def init_files(
    firm_name: str, coach: str | None = None, language: str = "en"
) -> dict[str, Path | str]:
    """What ``workbook init`` writes: relative path → a file to copy, or text to write."""
    firm_id = name_id(firm_name, limit=48) or "my-firm"
    settings = (
        _starter_text("workbook.yml")
        .replace("{firm_id}", firm_id)
        .replace("{firm_name}", json.dumps(firm_name, ensure_ascii=False))
        .replace("{coach}", _coach_lines(coach))
        .replace("{language}", language_of(language))
    )
    files: dict[str, Path | str] = {
        "workbook.yml": settings,
        ".gitignore": _starter_text("gitignore"),
    }
    for folder, base in (("content", defaults.content()), ("templates", defaults.templates())):
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[f"{folder}/{path.relative_to(base).as_posix()}"] = path
    own = EXAMPLES.get(language.split("-")[0].lower())
    if own is not None:
        files[f"clients/{own[1]}"] = STARTER / own[0]
    else:
        example = defaults.example_client()
        files[f"clients/{example.name}"] = example
    files.update(schema_files())
    return files


def init(
    folder: Path, firm_name: str = DEFAULT_FIRM, coach: str | None = None, language: str = "en"
) -> list[str]:
    """Scaffold a firm project in ``folder``; refuses if any file it would write exists."""
    files = init_files(firm_name, coach, language)
    taken = sorted(
        {
            rel.split("/")[0]
            for rel in files
            if (folder / rel).exists() or (folder / rel).is_symlink()
        }
    )
    if taken:
        raise WorkbookError(
            [
                Problem(
                    SourceLocation(folder),
                    f"the folder already has {', '.join(taken)}; workbook init wrote nothing",
                    "start the firm in an empty folder, or move those away first",
                )
            ]
        )
    for relative, source in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copyfile(source, target)
        else:
            target.write_text(source, encoding="utf-8")
    return sorted(files)


def schema_text(kind: str = "profile") -> str:
    return json.dumps(json_schema(kind), indent=2) + "\n"


def schema_files() -> dict[str, str]:
    """Every file kind's JSON Schema, for editors: ``.workbook/<kind>.schema.json``."""
    return {(SCHEMA_DIR / f"{kind}.schema.json").as_posix(): schema_text(kind) for kind in KINDS}


# ---- workbook new client ----------------------------------------------------------------------


@dataclass(frozen=True)
class NewClient:
    """A profile ``new client`` wrote, and where its coach came from."""

    path: Path
    coach: Person
    coach_from: str  # "option", "workbook.yml" or "asked"


def new_client(
    root: Path,
    name: str,
    coach: str | None = None,
    cid: str | None = None,
    ask: Callable[[], str] | None = None,
) -> NewClient:
    """Write ``clients/<id>.yml`` for a new client; never overwrites a profile.

    The coach is ``coach``, else workbook.yml's ``coach:``, else ``ask()`` (given
    when someone is at the terminal); with none of them, nothing is written.
    """
    if not ((root / "workbook.yml").is_file() or (root / "content").is_dir()):
        raise WorkbookError(
            f"{root}: no workbook project here (no workbook.yml or content/) — "
            "run this in your project folder, or start one with workbook init"
        )
    name = " ".join(name.split())
    cid = cid or name_id(name)
    target = _free_profile(root, name, cid)
    settings, problems = load_settings(root)
    person, source = _coach_for(name, coach, settings.coach, problems, root, ask)
    pid = settings.programme
    path = root / "content" / "programmes" / f"{pid}.yml"
    ref = pid
    latest = latest_release(root, pid)
    if latest is not None:  # a new engagement starts on the programme as last released
        ref, path = f"{pid}@{latest.name}", latest / PROGRAMME_FILE
    programme = load_programme(pid, path)[0] if path.is_file() else None
    text = profile_text(
        name,
        person.name,
        coach_email=person.email,
        programme=ref,
        stage=programme.stages[0].id if programme else None,
        pinned=latest is not None,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as handle:  # "x": never replace a file
        handle.write(text)
    for relative, schema in schema_files().items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(schema, encoding="utf-8")
    return NewClient(target, person, source)


def _free_profile(root: Path, name: str, cid: str) -> Path:
    """``clients/<cid>.yml``, once it is sure to be a new, valid client id."""
    target = root / "clients" / f"{cid}.yml"
    if not cid:
        raise WorkbookError(
            [
                Problem(
                    SourceLocation(root / "clients"),
                    f"cannot make a client id from '{name}': it has no letters or digits "
                    "that spell one",
                    "give one with --id, e.g. --id li-wei (" + ID_FIX + "), "
                    "or write the name in Latin letters",
                )
            ],
            root,
        )
    if why := id_problem(cid, reserved=True):
        raise WorkbookError(
            [
                Problem(
                    SourceLocation(target),
                    f"the client id {why}",
                    "choose another with --id, e.g. --id jo-smith",
                )
            ],
            root,
        )
    for existing in (root / "clients" / f"{cid}.yml", root / "clients" / f"{cid}.yaml"):
        if existing.exists():
            raise WorkbookError(
                [
                    Problem(
                        SourceLocation(existing),
                        f"a profile for '{cid}' already exists; nothing was written",
                        "edit that profile, or choose another id with --id",
                    )
                ],
                root,
            )
    return target


def _coach_for(
    name: str,
    given: str | None,
    firm_coach: Person | None,
    problems: list[Problem],
    root: Path,
    ask: Callable[[], str] | None,
) -> tuple[Person, str]:
    """The new profile's coach, and where it came from."""
    if given and given.strip():
        return Person(name=" ".join(given.split())), "option"
    if problems:  # workbook.yml may name the coach, but cannot be read
        raise WorkbookError(problems, root)
    if firm_coach is not None:
        return firm_coach, "workbook.yml"
    answer = " ".join(ask().split()) if ask is not None else ""
    if answer:
        return Person(name=answer), "asked"
    raise UsageProblem(
        f"no coach for {name} — pass --coach NAME, "
        "or name the firm's coach in workbook.yml (coach: {name: NAME})"
    )
