"""Exercise + client → the page's HTML body.

Jinja runs over the exercise's Markdown with the context of DESIGN.md, then
the one Markdown instance parses it. An exercise with no Jinja in it reads
the same for every client, so it is parsed once and only drawn per client
(with that client's answers pre-filled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markdown_it.token import Token

from workbook.errors import Problem
from workbook.load.answers import Answers
from workbook.models import Client, Exercise, Field, Firm, Programme, Stage
from workbook.render import markdown, templating
from workbook.render.chunks import ChunkParser
from workbook.render.templating import AnswersView, plain


@dataclass(frozen=True)
class Page:
    """One personalised exercise: its HTML body and the fields it ended up with."""

    html: str
    fields: tuple[Field, ...]
    text: str = ""  # the personalised Markdown it was drawn from (packs scan its URLs)


def client_context(
    client: Client, firm: Firm, programme: Programme, answers: Answers, today: dt.date
) -> dict[str, Any]:
    """The names exercises see, as plain data (``stage`` is added per page)."""
    view = plain(client)
    return {
        "client": view,
        "coach": view["coach"],
        "sponsor": view["sponsor"],
        "goals": view["goals"],
        "engagement": view["engagement"],
        "firm": plain(firm),
        "programme": plain(programme),
        "answers": AnswersView(answers.values()),
        "today": today,
    }


@dataclass
class Personaliser:
    """Holds the compiled exercise templates and the parse of client-independent exercises."""

    exercises: dict[str, Exercise]
    content_dir: Any
    _env: jinja2.Environment | None = None
    _static: dict[str, tuple[list[Token], markdown.ParseReport]] = field(default_factory=dict)
    chunks: ChunkParser = field(default_factory=ChunkParser)
    cache: Path | None = None  # compiled templates kept between runs (.workbook/jinja)

    @property
    def env(self) -> jinja2.Environment:
        if self._env is None:
            bodies = {e.id: (e.body, e.path) for e in self.exercises.values()}
            self._env = templating.exercise_environment(bodies, self.content_dir, self.cache)
        return self._env

    def static_problems(self, exercise: Exercise) -> list[Problem]:
        """What can be checked without a client: template syntax, names, field structure."""
        source = templating.protect_keys(exercise.body)
        problems = templating.undeclared(self.env, source, exercise.path)
        _, report = markdown.parse(exercise.body, exercise.path, exercise.id, static=True)
        return problems + report.problems

    def page(
        self,
        exercise: Exercise,
        context: dict[str, Any],
        stage: Stage,
        *,
        edition: str,
        values: dict[str, Any],
        medium: str = "screen",
    ) -> tuple[Page | None, list[Problem]]:
        """Personalise and draw one exercise for one client, on screen or for print."""
        if exercise.has_jinja:
            try:
                template = self.env.get_template(f"exercise:{exercise.id}")
                text, lines = templating.render_marked(template, {**context, "stage": plain(stage)})
            except jinja2.TemplateError as exc:
                return None, [templating.template_problem(exc, exercise.path)]
            tokens, report = self.chunks.parse(
                templating.restore_keys(text), exercise.path, exercise.id
            )
        else:
            if exercise.id not in self._static:
                self._static[exercise.id] = markdown.parse(
                    exercise.body, exercise.path, exercise.id
                )
            tokens, report = self._static[exercise.id]
            text, lines = exercise.body, templating.LineMap()
        if report.problems:
            return None, lines.relocate(report.problems)
        html = markdown.render(
            tokens, edition=edition, exercise=exercise.id, values=values, medium=medium
        )
        return Page(html, tuple(report.fields), text), []
