"""A new client's profile as YAML text: every key of the profile declaration, each commented
with its note, and the few that are given (name, coach, a pinned release) written live.

Generated from :data:`workbook.load.schema.PROFILE`, so the starter profile lists every key
the schema has and stays in step as the schema grows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from workbook.load.schema import PROFILE, Bool, Date, FreeForm, Id, ListOf, Obj, Spec

SCHEMA_FILE = Path(".workbook") / "profile.schema.json"

# Example values and notes for a profile's keys (dotted paths; "[]" marks a list's item).
EXAMPLES: dict[str, Any] = {
    "pronouns": "she/her",
    "role": "Director of Operations",
    "organisation": "Northwind Health",
    "coach.email": "coach@example.org",
    "sponsor.name": "Sam Okafor",
    "sponsor.role": "Chief Operating Officer",
    "engagement.sessions[].focus": "Coaching agreement",
    "engagement.sessions[].minutes": 60,
    "engagement.sessions[].place": "Northwind Health, meeting room 2",
    "engagement.sessions[].link": "https://meet.example.org/coaching",
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
    "coach_notes": "Private to you: never shown to the client.",
}
NOTES: dict[str, str] = {
    "name": "required",
    "pronouns": "e.g. she/her, he/him, they/them",
    "coach": "required",
    "coach.name": "required: the coach's full name",
    "sponsor": "the manager or HR partner sponsoring the coaching",
    "engagement.start": "the date the coaching began",
    "engagement.sessions": "sessions go into the client's calendar file",
    "engagement.sessions[].date": "a date, a date and time in your local time, or that and "
    "a zone: 2026-09-08T09:30 Europe/London",
    "engagement.sessions[].minutes": "how long it lasts (default 60)",
    "engagement.sessions[].link": "an https: meeting link",
    "about": "the intake: what the client tells you at the start",
    "about.learning_preferences": "e.g. reading, discussion, practice, observation, reflection",
    "goals": "one entry per goal; the id names it for good",
    "goals[].milestones[].due": "shown on the progress page and in the calendar",
    "goals[].milestones[].done": "true once reached",
    "encrypt": "true: this client's site opens with a passphrase",
    "coach_notes": "your notes for session preparation, in the coach edition only",
}


def _scalar(value: Any) -> str:
    """One YAML value, quoted only when YAML would misread it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
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
    pinned: bool = False,
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
    if pinned and programme:  # a release: written, not left as an example
        given["programme"] = programme
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
