"""Exercise + a client's context → the exercise's tokens and fields, once per client.

Jinja runs over the exercise's Markdown with the names of docs/exercises.md, then
the one Markdown instance parses it. The result is kept as tokens, so the
exercise's page, its stage page and home (which count its fields), the
progress page and the packs all share one personalisation and one parse, and
each draws it for its medium (form controls on screen, a pen's space on
paper). An exercise with no Jinja in it reads the same for every client, so
it is parsed once per process.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markdown_it.token import Token

from workbook.errors import Problem
from workbook.models import Exercise, Field
from workbook.render import markdown, templating
from workbook.render.bytecode import AuthenticatedCache
from workbook.render.chunks import ChunkParser
from workbook.render.lines import LineMap
from workbook.render.recording import READER, Reader


@dataclass(frozen=True)
class Personalised:
    """One exercise personalised for one client: tokens to draw, its fields, what it read."""

    exercise: Exercise
    tokens: list[Token]
    fields: tuple[Field, ...]
    text: str  # the personalised Markdown (packs scan its URLs)
    reads: Mapping[str, str] = field(default_factory=dict)
    # an exercise without Jinja draws the same for every client who has not answered it:
    # those drawings are shared by the process (edition, medium → HTML)
    shared: dict[tuple[str, str, str], str] | None = field(default=None, compare=False, repr=False)

    def html(
        self, *, edition: str, values: dict[str, Any], medium: str = "screen", words: Any = None
    ) -> str:
        """The exercise drawn for ``medium``, with the client's answers (field id → value);
        the tool's own words on it (a callout's label, a hint) in ``words``' language."""
        if self.shared is not None and not values:
            key = (edition, medium, str(getattr(words, "workbook_key", "en")))
            if key not in self.shared:
                self.shared[key] = self._draw(edition, values, medium, words)
            return self.shared[key]
        return self._draw(edition, values, medium, words)

    def _draw(self, edition: str, values: dict[str, Any], medium: str, words: Any) -> str:
        return markdown.render(
            self.tokens,
            edition=edition,
            exercise=self.exercise.id,
            values=values,
            medium=medium,
            words=words,
        )

    def keys(self) -> list[str]:
        """The answer names of its fields, ``exercise/field``."""
        return [f"{self.exercise.id}/{f.id}" for f in self.fields]

    def labels(self) -> dict[str, tuple[str, dict[str, str]]]:
        """Each field's question and its items' texts, as plain words (for readable exports)."""
        found = {}
        for token in self.tokens:
            parsed = token.meta.get("parsed") if token.type == "field" else None
            if parsed is None:
                continue
            inline = next((t for t in parsed.question if t.type == "inline"), None)
            asked = _plain(inline.children or []) if inline is not None else ""
            items = {
                item.key: _plain(toks)
                for item, toks in zip(parsed.field.items, parsed.item_tokens, strict=True)
            }
            found[parsed.field.id] = (asked, items)
        return found

    def rating_items(self) -> dict[str, int]:
        """The statement count of each rating field (a rating is complete when all are scored)."""
        return {
            f"{self.exercise.id}/{f.id}": len(f.items) for f in self.fields if f.kind == "rating"
        }


def _plain(tokens: list[Token]) -> str:
    """Inline tokens as their words alone: emphasis, links and code marks left out."""
    words = "".join(
        " " if t.type in ("softbreak", "hardbreak") else t.content
        for t in tokens
        if t.type in ("text", "code_inline", "softbreak", "hardbreak")
    )
    return " ".join(words.split())


class RecordingAnswers(Mapping[str, Any]):
    """``answers["exercise/field"]`` in exercises: the current value, or None; each key read
    is recorded on its own, and reading them all (a loop) records every answer."""

    def __init__(self, values: Mapping[str, Any], reader: Reader | None) -> None:
        self._values = values
        self._reader = reader

    def __getitem__(self, key: str) -> Any:
        if self._reader is not None:
            self._reader.note(f"answer:{key}")
        return self._values.get(key)

    def __contains__(self, key: object) -> bool:
        if self._reader is not None and isinstance(key, str):
            self._reader.note(f"answer:{key}")
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        if self._reader is not None:
            self._reader.note("answers")
        return iter(self._values)

    def __len__(self) -> int:
        if self._reader is not None:
            self._reader.note("answers")
        return len(self._values)


@dataclass
class Personaliser:
    """The compiled exercise templates and the parse of client-independent exercises."""

    exercises: Mapping[str, Exercise]
    content_dir: Any
    bytecode: AuthenticatedCache | None = None
    chunks: ChunkParser = field(default_factory=ChunkParser)
    _env: jinja2.Environment | None = None
    _fast: jinja2.Environment | None = None
    _static: dict[str, tuple[list[Token], markdown.ParseReport]] = field(default_factory=dict)
    _drawings: dict[str, dict[tuple[str, str, str], str]] = field(default_factory=dict)

    @property
    def env(self) -> jinja2.Environment:
        if self._env is None:
            bodies = {e.id: (e.body, e.path) for e in self.exercises.values()}
            self._env = templating.exercise_environment(bodies, self.content_dir, self.bytecode)
        return self._env

    @property
    def fast(self) -> jinja2.Environment:
        """The same templates without line marks: what personalising runs, problems aside."""
        if self._fast is None:
            bodies = {e.id: (e.body, e.path) for e in self.exercises.values()}
            cache = self.bytecode.with_salt("unmarked") if self.bytecode is not None else None
            self._fast = templating.exercise_environment(
                bodies, self.content_dir, cache, marks=False
            )
        return self._fast

    def static_problems(self, exercise: Exercise) -> list[Problem]:
        """What can be checked without a client: template syntax, names, field structure."""
        source = templating.protect_keys(exercise.body)
        problems = templating.undeclared(self.env, source, exercise.path)
        return problems + markdown.static_report(exercise.body, exercise.path, exercise.id).problems

    def personalise(
        self, exercise: Exercise, context: dict[str, Any]
    ) -> tuple[Personalised | None, list[Problem]]:
        """Run the exercise's Jinja with ``context`` and parse the result.

        ``context`` is made by a :class:`Reader` (which then records what the exercise
        read) or is a plain mapping (the curriculum's placeholders).
        """
        reader = context.get(READER)
        reads = reader.read if isinstance(reader, Reader) else {}
        lines = LineMap()
        if exercise.has_jinja:
            name = f"exercise:{exercise.id}"
            try:
                text = templating.render_capped(self.fast.get_template(name), context)
            except jinja2.TemplateError as exc:
                return None, [templating.template_problem(exc, exercise.path)]
            tokens, report = self.chunks.parse(
                templating.restore_keys(text), exercise.path, exercise.id
            )
            if report.problems:  # again with line marks, to say where each was written
                marked, lines = templating.render_marked(self.env.get_template(name), context)
                tokens, report = self.chunks.parse(
                    templating.restore_keys(marked), exercise.path, exercise.id
                )
        else:
            if exercise.id not in self._static:
                self._static[exercise.id] = markdown.parse(
                    exercise.body, exercise.path, exercise.id
                )
            tokens, report = self._static[exercise.id]
            text = exercise.body
        if report.problems:
            return None, lines.relocate(report.problems)
        shared = None if exercise.has_jinja else self._drawings.setdefault(exercise.id, {})
        return Personalised(exercise, tokens, tuple(report.fields), text, dict(reads), shared), []
