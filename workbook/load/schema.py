"""One declaration of each user file's keys: it validates, fills defaults, and emits JSON Schema.

Modelled on MkDocs's typed config options: every key is declared once with its
kind (:mod:`workbook.load.specs`, :mod:`workbook.load.containers`); the loaders
validate with these declarations and ``workbook schema`` prints them as JSON
Schema, so the two cannot drift.
Validation returns every problem with its line, and unknown keys get a
did-you-mean. ``custom`` is the one free-form place in a profile.

What needs more than one value at a time (that a stage exists in the client's
programme, that two goals do not share an id, that the output folders do not
overlap) is checked by the loaders, not here, and is not in the JSON Schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbook import models
from workbook.load.containers import FreeForm, ListOf, Obj
from workbook.load.localised import Localised
from workbook.load.session_specs import Link, SessionDate
from workbook.load.specs import (
    Bool,
    Choice,
    Colour,
    Ctx,
    Date,
    Id,
    Int,
    Language,
    ProgrammeRef,
    Spec,
    Text,
)

__all__ = [
    "EXERCISE_META",
    "KINDS",
    "PROFILE",
    "PROGRAMME",
    "SETTINGS",
    "Bool",
    "Choice",
    "Colour",
    "Ctx",
    "Date",
    "FreeForm",
    "Id",
    "Int",
    "ListOf",
    "Localised",
    "Obj",
    "ProgrammeRef",
    "Spec",
    "Text",
    "json_schema",
]


def _tuple_build(cls: type) -> Callable[..., Any]:
    return lambda **kw: cls(**kw)


PROFILE = Obj(
    {
        "name": Text(required=True, description="the client's full name"),
        "preferred_name": Text(description="default: the first word of name"),
        "pronouns": Text(),
        "role": Text(),
        "organisation": Text(),
        "programme": ProgrammeRef(
            description="a programme id, or a release of one (grow@2026-12-01); "
            "default: workbook.yml's programme"
        ),
        "coach": Obj({"name": Text(required=True), "email": Text()}, required=True),
        "sponsor": Obj({"name": Text(required=True), "role": Text()}),
        "engagement": Obj(
            {
                "start": Date(),
                "stage": Id(description="id of the current stage; default: the first"),
                "sessions": ListOf(
                    Obj(
                        {
                            "date": SessionDate(
                                required=True,
                                description="YYYY-MM-DD, YYYY-MM-DDTHH:MM, or that and a "
                                "zone: 2026-09-08T09:30 Europe/London",
                            ),
                            "focus": Text(),
                            "minutes": Int(5, 600, description="how long it lasts; default 60"),
                            "place": Text(description="where it happens", limit=500),
                            "link": Link(description="the meeting's https: address"),
                        },
                        build=lambda **kw: models.Session(**{**kw, "minutes": kw["minutes"] or 60}),
                    )
                ),
            }
        ),
        "about": Obj(
            {
                "strengths": ListOf(Text()),
                "leadership_experience": Text(),
                "influences": ListOf(Text()),
                "learning_preferences": ListOf(Text()),
                "feedback_preference": Text(),
            },
            build=_tuple_build(models.About),
        ),
        "goals": ListOf(
            Obj(
                {
                    "id": Id(required=True),
                    "title": Text(required=True),
                    "measures": ListOf(Text()),
                    "milestones": ListOf(
                        Obj(
                            {"title": Text(required=True), "due": Date(), "done": Bool()},
                            build=lambda **kw: models.Milestone(
                                title=kw["title"], due=kw["due"], done=bool(kw["done"])
                            ),
                        )
                    ),
                },
                build=_tuple_build(models.Goal),
            )
        ),
        "custom": FreeForm(),
        "language": Language(description="BCP 47 language tag, overrides workbook.yml"),
        "encrypt": Bool(description="encrypt this client's site"),
        "coach_notes": Text(description="the coach's private notes: in the coach edition only"),
    },
    description="A workbook client profile (clients/<id>.yml)",
)

SETTINGS = Obj(
    {
        "firm": Obj(
            {
                "id": Id(description="stable; keeps each firm's answers apart in browsers"),
                "name": Text(description="the firm's name, on every page"),
                "logo": Text(description="an image inside the project, e.g. assets/logo.svg"),
                "colours": Obj({"primary": Colour(), "accent": Colour()}),
                "contact": Text(description="shown at the foot of every page"),
            }
        ),
        "coach": Obj(
            {"name": Text(required=True), "email": Text()},
            build=_tuple_build(models.Person),
            description="the coach `workbook new client` names in new profiles",
        ),
        "programme": Id(description="the programme of clients whose profile names none"),
        "release": Choice(
            ("current", "all"),
            description="current: stages up to the client's engagement.stage; all: every stage",
        ),
        "paper": Choice(("A4", "Letter"), description="the paper size of printable packs"),
        "language": Language(description="BCP 47 language tag of the workbook's own words"),
        "languages": ListOf(
            Language(),
            limit=20,
            description="the languages the curriculum is published in, the first at its root; "
            "default: [language]",
        ),
        "output": Text(description="where client sites and the curriculum are written"),
        "coach_output": Text(description="where coach editions are written"),
        "theme": Text(description="the MkDocs theme of the curriculum site"),
        "encrypt": Bool(description="encrypt client sites"),
    },
    description="A workbook project's settings (workbook.yml)",
)

# title, summary, do and avoid: a text (a list) for every language, or a mapping of language
# tags to one: {en: Goal setting, fr: Fixer ses objectifs} (load/localised.py)
PROGRAMME = Obj(
    {
        "title": Localised(Text(required=True)),
        "summary": Localised(Text()),
        "stages": ListOf(
            Obj(
                {
                    "id": Id(required=True),
                    "title": Localised(Text(required=True)),
                    "summary": Localised(Text()),
                    "exercises": ListOf(Id(), description="exercise ids, in order"),
                    "do": Localised(
                        ListOf(Text()), description="guidance: what helps at this stage"
                    ),
                    "avoid": Localised(ListOf(Text()), description="guidance: what to avoid"),
                }
            ),
            required=True,
            least=1,
            description="the stages, in order",
        ),
    },
    description="A workbook programme (content/programmes/<id>.yml)",
)

EXERCISE_META = Obj(
    {
        "title": Text(required=True),
        "kind": Choice(("exercise", "reflection", "assessment", "reading")),
        "minutes": Int(1, 600, description="how long it takes, in minutes"),
        "summary": Text(),
        "tracks": Id(description="exercises with the same value are charted as one series"),
        "language": Language(
            description="the language the file is written in (default: the firm's); "
            "a variant's, <id>.<lang>.md, is its name's"
        ),
    },
    description="The front matter of an exercise (content/exercises/**/<id>.md)",
)


# Each file kind: its declaration and the title of its JSON Schema (``workbook schema KIND``).
KINDS: dict[str, tuple[Obj, str]] = {
    "profile": (PROFILE, "workbook client profile"),
    "settings": (SETTINGS, "workbook settings (workbook.yml)"),
    "programme": (PROGRAMME, "workbook programme"),
    "exercise": (EXERCISE_META, "workbook exercise front matter"),
}


def json_schema(kind: str = "profile") -> dict[str, Any]:
    """The JSON Schema of one file kind, for editors: the same declaration the loaders use."""
    spec, title = KINDS[kind]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        **spec.json(),
    }
