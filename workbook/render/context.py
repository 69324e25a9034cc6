"""Per-process rendering state: the Jinja environments, the personaliser, and file digests.

A process pool makes one per worker, so templates are compiled and
client-independent exercises parsed once per process. Shared files do not
change during a build, so their digests (and a template's digest with
everything it pulls in) are computed here once per process too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2
from jinja2 import meta

from workbook.digests import bytes_digest, digest
from workbook.models import Exercise
from workbook.render import templating
from workbook.render.bytecode import AuthenticatedCache
from workbook.render.personalise import Personaliser


def files_under(folder: Path) -> list[tuple[str, Path]]:
    """Every regular file under ``folder`` (hidden names skipped), sorted, as (name, path)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        found.append((rel.as_posix(), path))
    return sorted(found)


@dataclass
class RenderContext:
    """Compiled templates, parsed exercises and file digests, reused across clients."""

    root: Path
    template_dirs: tuple[Path, ...]
    exercises: Mapping[str, Exercise]
    bytecode: AuthenticatedCache | None = None
    content: Path | None = None  # where includes come from: content/, or a release's copy
    _file_digests: dict[Path, str] = field(default_factory=dict)
    _template_digests: dict[str, str] = field(default_factory=dict)
    _exercise_digests: dict[str, str] = field(default_factory=dict)
    _bytes: dict[Path, bytes] = field(default_factory=dict)
    _releases: dict[str, RenderContext] = field(default_factory=dict)

    @property
    def content_dir(self) -> Path:
        return self.content if self.content is not None else self.root / "content"

    def for_release(
        self, key: str, exercises: Mapping[str, Exercise], content: Path
    ) -> RenderContext:
        """The context of a release's exercises: layouts and file digests shared with this one.

        An exercise's digest is made from its own content, so a page of a release
        and of the working copy with the same exercise has the same key.
        """
        if key not in self._releases:
            child = RenderContext(
                self.root,
                self.template_dirs,
                exercises,
                self.bytecode,
                content,
                _file_digests=self._file_digests,
                _template_digests=self._template_digests,
                _bytes=self._bytes,
            )
            child.__dict__["pages"] = self.pages
            self._releases[key] = child
        return self._releases[key]

    @cached_property
    def pages(self) -> jinja2.Environment:
        return templating.page_environment(list(self.template_dirs), self.bytecode)

    @cached_property
    def personaliser(self) -> Personaliser:
        return Personaliser(self.exercises, self.content_dir, self.bytecode)

    def template(self, name: str) -> jinja2.Template:
        return self.pages.get_template(name)

    def template_path(self, name: str) -> Path:
        """The file a layout name stands for: the project's own, else the shipped one."""
        for folder in self.template_dirs:
            if (folder / name).is_file():
                return folder / name
        return (self.template_dirs[0] if self.template_dirs else self.root / "templates") / name

    @cached_property
    def assets(self) -> dict[str, Path]:
        """Every file under templates/assets (the project's first, then the defaults)."""
        found: dict[str, Path] = {}
        for folder in reversed(self.template_dirs):
            for rel, path in files_under(folder / "assets"):
                if not path.is_symlink():
                    found[rel] = path
        return found

    def file_bytes(self, path: Path) -> bytes:
        """A shared file's bytes, read once per process (every client's site has a copy)."""
        if path not in self._bytes:
            self._bytes[path] = path.read_bytes()
        return self._bytes[path]

    def file_digest(self, path: Path) -> str:
        """The digest of a shared file's bytes, once per process ("" when it is gone)."""
        if path not in self._file_digests:
            try:  # a named pipe in place of a file must not stop the build waiting
                data = path.read_bytes() if path.is_file() else None
                self._file_digests[path] = bytes_digest(data) if data is not None else ""
            except OSError:
                self._file_digests[path] = ""
        return self._file_digests[path]

    def template_digest(self, name: str) -> str:
        """A layout and every layout it extends, includes or imports, by their bytes.

        A reference that is not a literal name (``{% include var %}``) makes every
        layout a dependency, which is safe.
        """
        if name not in self._template_digests:
            names = _closure(self.pages, name)
            if names is None:
                names = sorted(
                    {
                        rel
                        for folder in self.template_dirs
                        for rel, _ in files_under(folder)
                        if not rel.startswith("assets/")
                    }
                )
            parts = [(n, self.file_digest(self.template_path(n))) for n in names]
            self._template_digests[name] = digest(parts)
        return self._template_digests[name]

    def included(self, exercise: Exercise) -> list[str]:
        """The files under content/ an exercise's Jinja includes (all of them when not literal)."""
        if not exercise.has_jinja:
            return []
        names = _closure(self.personaliser.env, f"exercise:{exercise.id}")
        if names is None:
            names = [rel for rel, _ in files_under(self.content_dir)]
        return [n for n in names if not n.startswith("exercise:")]

    def exercise_digest(self, eid: str) -> str:
        """An exercise (front matter and body) and every content file it includes."""
        if eid not in self._exercise_digests:
            exercise = self.exercises.get(eid)
            if exercise is None:
                return ""
            content = self.content_dir
            included = [(n, self.file_digest(content / n)) for n in self.included(exercise)]
            model = (exercise.id, exercise.title, exercise.kind, exercise.minutes)
            self._exercise_digests[eid] = digest(
                model, exercise.summary, exercise.tracks, exercise.body, included
            )
        return self._exercise_digests[eid]


def _references(env: jinja2.Environment, source: str) -> list[str | None]:
    """The templates one source names. Most sources are read without parsing: an exercise
    that names no template, or a layout whose every such tag names one file in quotes in
    the plain forms (``{% extends "base.html" %}``, ``{% include "x.html" %}``,
    ``{% import "m.html" as m %}``, ``{% from "m.html" import a %}``); anything else is parsed
    (parsing is most of a small rebuild's time)."""
    if env.line_statement_prefix is None and env.block_start_string == "{%":
        tags = _ANY_REFERENCE.findall(source)
        if not tags:
            return []
        plain = _PLAIN_REFERENCE.findall(source)
        if len(plain) == len(tags):
            return [a or b for a, b in plain]
    return list(meta.find_referenced_templates(env.parse(source)))


# A tag that may name a template, and the plain forms of one naming a single file in quotes.
_ANY_REFERENCE = re.compile(r"\{%[-+]?\s*(?:extends|include|import|from)\b")
_PLAIN_REFERENCE = re.compile(
    r"""\{%[-+]?\s*(?:extends|include|import|from)\s+(?:"([^"'{}%]+)"|'([^"'{}%]+)')"""
    r"""(?:\s*[-+]?%\}|\s+(?:ignore\s+missing\s*)?(?:with|without)\s+context\s*[-+]?%\}"""
    r"""|\s+ignore\s+missing\s*[-+]?%\}|\s+as\s+\w+(?:\s+(?:with|without)\s+context)?\s*[-+]?%\}"""
    r"""|\s+import\s)"""
)


def _closure(env: jinja2.Environment, name: str) -> list[str] | None:
    """The template names ``name`` pulls in, itself included; None when one is not literal."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = env.loader.get_source(env, current)[0]  # type: ignore[union-attr]
            refs = _references(env, source)
        except jinja2.TemplateError:
            continue  # a missing or broken template: the render reports it
        if None in refs:
            return None
        todo += [r for r in refs if r is not None]
    return sorted(seen)
