"""Frozen, typed models: what the rest of the pipeline sees after loading and checking.

Optional values are ``None`` and optional lists are empty tuples, so templates
can write ``{% if sponsor %}`` without guarding against missing keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Colours:
    primary: str = "#1f4e79"
    accent: str = "#f2a900"


@dataclass(frozen=True)
class Firm:
    id: str
    name: str
    logo: str | None = None
    colours: Colours = field(default_factory=Colours)
    contact: str | None = None


@dataclass(frozen=True)
class Settings:
    """``workbook.yml``: every key has a default, so a project without one still builds."""

    firm: Firm
    programme: str = "executive-coaching"
    release: str = "current"
    paper: str = "A4"
    language: str = "en"
    languages: tuple[str, ...] = ()  # the curriculum's languages; empty: just ``language``
    output: str = "site"
    coach_output: str = "coach"
    theme: str = "mkdocs"
    encrypt: bool = False
    coach: Person | None = None  # the firm's coach, named in new clients' profiles

    @property
    def published_languages(self) -> tuple[str, ...]:
        """The curriculum's languages, first one first, each once: ``languages`` or ``language``."""
        return tuple(dict.fromkeys(self.languages)) or (self.language,)


@dataclass(frozen=True)
class Words:
    """What a programme or a stage says in one language, where its file gives a mapping of
    language to text (``title: {en: Goal setting, fr: Fixer ses objectifs}``); None: that
    key was a text for every language, or that language has none."""

    title: str | None = None
    summary: str | None = None
    do: tuple[str, ...] | None = None
    avoid: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    summary: str | None = None
    exercises: tuple[str, ...] = ()
    do: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    line: int = 0
    # every language's words, as loaded; ``load.variants.in_language`` picks one and empties it
    translations: dict[str, Words] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Programme:
    id: str
    path: Path
    title: str
    summary: str | None
    stages: tuple[Stage, ...]
    release: str | None = None  # the release's name, when frozen in releases/
    translations: dict[str, Words] = field(default_factory=dict, hash=False)
    # set by ``in_language``: the language shown where a mapped text has none in the one
    # asked for (the coach edition says so); None when every text is in that language
    fallback: str | None = None

    @property
    def key(self) -> str:
        """How a profile names it: ``grow``, or ``grow@2026-12-01`` for a release."""
        return f"{self.id}@{self.release}" if self.release else self.id

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


@dataclass(frozen=True)
class Item:
    """An item of a checklist, rating or choice: its stable key and its text (inline Markdown)."""

    key: str
    text: str


@dataclass(frozen=True)
class Field:
    """A response field as written in an exercise."""

    kind: str
    id: str
    attrs: dict[str, str]
    items: tuple[Item, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Exercise:
    id: str
    path: Path
    title: str
    kind: str
    minutes: int | None
    summary: str | None
    tracks: str | None
    body: str  # the Markdown body, front matter blanked so lines match the file
    has_jinja: bool
    # the language it is written in: a variant's tag (``me-first.fr.md``: fr), or a base
    # file's ``language:``; None: the firm's
    language: str | None = None
    # the variants beside the base file, by tag, as loaded; ``in_language`` picks one
    variants: dict[str, Exercise] = field(default_factory=dict, hash=False, compare=False)
    fallback: str | None = None  # set by ``in_language``, as Programme.fallback


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Milestone:
    title: str
    due: dt.date | None = None
    done: bool = False


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    measures: tuple[str, ...] = ()
    milestones: tuple[Milestone, ...] = ()


@dataclass(frozen=True)
class Session:
    """A session: a date, or a time (local, with an offset, or in a named zone)."""

    date: dt.date | dt.datetime
    focus: str | None = None
    minutes: int = 60
    place: str | None = None
    link: str | None = None  # an https: address, checked when the profile is read


@dataclass(frozen=True)
class Engagement:
    start: dt.date | None = None
    stage: str | None = None
    sessions: tuple[Session, ...] = ()


@dataclass(frozen=True)
class About:
    strengths: tuple[str, ...] = ()
    leadership_experience: str | None = None
    influences: tuple[str, ...] = ()
    learning_preferences: tuple[str, ...] = ()
    feedback_preference: str | None = None


@dataclass(frozen=True)
class Client:
    """A client profile, checked. ``id`` is the file name's stem."""

    id: str
    path: Path
    name: str
    preferred_name: str
    coach: Person
    pronouns: str | None = None
    role: str | None = None
    organisation: str | None = None
    programme: str | None = None
    sponsor: Person | None = None
    engagement: Engagement = field(default_factory=Engagement)
    about: About = field(default_factory=About)
    goals: tuple[Goal, ...] = ()
    custom: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    encrypt: bool | None = None
    coach_notes: str | None = None  # the coach's own: only ever in the coach edition
