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

import datetime as dt
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workbook.errors import Problem, SourceLocation, UsageProblem, WorkbookError
from workbook.ids import ID_FIX, fold, id_problem
from workbook.load import defaults
from workbook.load.project import load_programme, load_settings
from workbook.load.schema import (
    KINDS,
    PROFILE,
    Bool,
    Date,
    FreeForm,
    Id,
    ListOf,
    Obj,
    Spec,
    json_schema,
)
from workbook.models import Person

STARTER = Path(__file__).resolve().parent.parent / "starter"
SCHEMA_DIR = Path(".workbook")
SCHEMA_FILE = SCHEMA_DIR / "profile.schema.json"
DEFAULT_FIRM = "Your Coaching Firm"

# Example values and notes for a profile's keys (dotted paths; "[]" marks a list's item).
EXAMPLES: dict[str, Any] = {
    "pronouns": "she/her",
    "role": "Director of Operations",
    "organisation": "Northwind Health",
    "coach.email": "coach@example.org",
    "sponsor.name": "Sam Okafor",
    "sponsor.role": "Chief Operating Officer",
    "engagement.sessions[].focus": "Coaching agreement",
    "about.strengths": ["Strategic thinking", "Calm under pressure"],
    "about.leadership_experience": "Led a 40-person team for three years",
    "about.influences": ["My first manager"],
    "about.learning_preferences": ["discussion", "practice"],
    "about.feedback_preference": "Direct, in writing, soon after the event",
    "goals[].id": "delegate",
    "goals[].title": "Delegate operational decisions to team leads",
    "goals[].measures": ["Team leads run the weekly review by March"],
    "goals[].milestones[].title": "Hand over the weekly review",
    "custom": {"cohort": "Autumn 2026"},
    "language": "en-GB",
}
NOTES: dict[str, str] = {
    "name": "required",
    "pronouns": "e.g. she/her, he/him, they/them",
    "coach": "required",
    "coach.name": "required: the coach's full name",
    "sponsor": "the manager or HR partner sponsoring the coaching",
    "engagement.start": "the date the coaching began",
    "engagement.sessions": "sessions go into the client's calendar file",
    "engagement.sessions[].date": "a date, or a date and time in your local time",
    "about": "the intake: what the client tells you at the start",
    "about.learning_preferences": "e.g. reading, discussion, practice, observation, reflection",
    "goals": "one entry per goal; the id names it for good",
    "goals[].milestones[].due": "shown on the progress page and in the calendar",
    "goals[].milestones[].done": "true once reached",
    "encrypt": "true: this client's site opens with a passphrase",
}


# ---- workbook init ----------------------------------------------------------------------------


def _starter_text(name: str) -> str:
    return (STARTER / name).read_text(encoding="utf-8")


def _coach_lines(coach: str | None) -> str:
    """The ``coach:`` of a new workbook.yml: the one given, or a commented example."""
    if coach is None:
        return "# coach:\n#   name: Helen Ashworth\n#   email: helen@example.org"
    name = json.dumps(" ".join(coach.split()), ensure_ascii=False)
    return f"coach:\n  name: {name}\n  # email: coach@example.org"


def init_files(firm_name: str, coach: str | None = None) -> dict[str, Path | str]:
    """What ``workbook init`` writes: relative path → a file to copy, or text to write."""
    firm_id = fold(firm_name) or "my-firm"
    settings = (
        _starter_text("workbook.yml")
        .replace("{firm_id}", firm_id)
        .replace("{firm_name}", json.dumps(firm_name, ensure_ascii=False))
        .replace("{coach}", _coach_lines(coach))
    )
    files: dict[str, Path | str] = {
        "workbook.yml": settings,
        ".gitignore": _starter_text("gitignore"),
    }
    for folder, base in (("content", defaults.content()), ("templates", defaults.templates())):
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[f"{folder}/{path.relative_to(base).as_posix()}"] = path
    example = defaults.example_client()
    files[f"clients/{example.name}"] = example
    files.update(schema_files())
    return files


def init(folder: Path, firm_name: str = DEFAULT_FIRM, coach: str | None = None) -> list[str]:
    """Scaffold a firm project in ``folder``; refuses if any file it would write exists."""
    files = init_files(firm_name, coach)
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


def _scalar(value: Any) -> str:
    """One YAML value, quoted only when YAML would misread it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        flow = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000)
        return flow.strip()
    text = str(value)
    dumped = yaml.safe_dump(text, allow_unicode=True, width=1000).strip()
    return dumped.removesuffix("...").strip()


def _example(path: str, spec: Spec, today: dt.date, examples: dict[str, Any]) -> Any:
    """The example value of a key: a written one, else one of the right type."""
    if path in examples:
        return examples[path]
    if isinstance(spec, Date):
        if spec.times:  # a session: a week on, at half past nine
            return dt.datetime.combine(today + dt.timedelta(days=7), dt.time(9, 30))
        return today + dt.timedelta(days=91) if "milestones" in path else today
    if isinstance(spec, Bool):
        return False
    if isinstance(spec, ListOf):
        return []
    if isinstance(spec, Id):
        return "an-id"
    return "…"


class _Writer:
    """Emits the profile's lines; a line is commented unless its key is given a value."""

    def __init__(
        self, given: dict[str, Any], examples: dict[str, Any], today: dt.date, commented: bool
    ) -> None:
        self.given, self.examples, self.today, self.commented = given, examples, today, commented
        self.lines: list[str] = []

    def live(self, path: str) -> bool:
        """A key is written live when it, or a key inside it, is given."""
        return any(g == path or g.startswith(path + ".") for g in self.given)

    def emit(self, indent: str, text: str, note: str, cut: int | None) -> None:
        line = indent + text
        if cut is not None and self.commented:
            line = line[:cut] + "# " + line[cut:]
        if note:
            line = f"{line.rstrip():<44}# {note}" if len(line) < 44 else f"{line}  # {note}"
        self.lines.append(line)

    def obj(self, spec: Obj, path: str, indent: str, cut: int | None, first: str = "") -> None:
        for i, (key, child) in enumerate(spec.fields.items()):
            full = f"{path}.{key}" if path else key
            lead = first if i == 0 and first else indent
            here = cut if cut is not None or self.live(full) else len(lead)
            self.value(key, child, full, lead, indent, here)

    def value(
        self, key: str, spec: Spec, full: str, lead: str, indent: str, cut: int | None
    ) -> None:
        note = NOTES.get(full) or spec.description
        inner = indent + "  "
        if isinstance(spec, Obj):
            self.emit(lead, f"{key}:", note, cut)
            self.obj(spec, full, inner, cut)
        elif isinstance(spec, ListOf) and isinstance(spec.item, Obj):
            self.emit(lead, f"{key}:", note, cut)
            self.obj(spec.item, full + "[]", inner + "  ", cut, first=inner + "- ")
        elif isinstance(spec, FreeForm):
            self.emit(lead, f"{key}:", note, cut)
            for name, value in self.examples.get(full, {}).items():
                self.emit(inner, f"{name}: {_scalar(value)}", "", cut)
        else:
            if full in self.given:
                value = self.given[full]
            else:
                value = _example(full, spec, self.today, self.examples)
            self.emit(
                lead, f"{key}: {_scalar(value)}" if value is not None else f"{key}:", note, cut
            )


def profile_text(
    name: str,
    coach: str | None,
    *,
    coach_email: str | None = None,
    programme: str | None = None,
    stage: str | None = None,
    today: dt.date | None = None,
    commented: bool = True,
) -> str:
    """A new client's profile: name and coach given, every other key there but commented.

    With ``commented=False`` every example is live: tests use that to check
    that the examples are a valid profile and that no schema key is missing.
    """
    today = today or dt.date.today()
    first = (name.split() or [name])[0]
    given: dict[str, Any] = {"name": name, "coach.name": coach}
    if coach_email:
        given["coach.email"] = coach_email
    extra = {"preferred_name": first, "programme": programme, "engagement.stage": stage}
    examples = {**EXAMPLES, **{k: v for k, v in extra.items() if v}}
    out = _Writer(given, examples, today, commented)
    out.obj(PROFILE, "", "", None)
    header = [
        f"# yaml-language-server: $schema=../{SCHEMA_FILE.as_posix()}",
        f"# Client profile: {name}. Confidential: only {first}'s own workbook",
        "# (and its coach edition) is built from it.",
        "# Only name and coach are required. To use any other key, remove the '# ' in front of",
        "# it and of the lines indented below it. `workbook check` points out any mistake.",
        "",
    ]
    return "\n".join(header + out.lines) + "\n"


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
    cid = cid or fold(name, limit=64)
    target = _free_profile(root, name, cid)
    settings, problems = load_settings(root)
    person, source = _coach_for(name, coach, settings.coach, problems, root, ask)
    pid = settings.programme
    path = root / "content" / "programmes" / f"{pid}.yml"
    programme = load_programme(pid, path)[0] if path.is_file() else None
    text = profile_text(
        name,
        person.name,
        coach_email=person.email,
        programme=pid,
        stage=programme.stages[0].id if programme else None,
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
                    f"cannot make a client id from '{name}'",
                    "give one with --id, e.g. --id li-wei (" + ID_FIX + ")",
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
