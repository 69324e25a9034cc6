"""Per-process rendering state: the Jinja environments, the personaliser, and file digests.

A process pool makes one per worker, so templates are compiled and
client-independent exercises parsed once per process. Shared files do not
change during a build, so their digests (and a template's digest with
everything it pulls in) are computed here once per process too.
"""

from __future__ import annotations

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
    _file_digests: dict[Path, str] = field(default_factory=dict)
    _template_digests: dict[str, str] = field(default_factory=dict)
    _exercise_digests: dict[str, str] = field(default_factory=dict)
    _bytes: dict[Path, bytes] = field(default_factory=dict)

    @cached_property
    def pages(self) -> jinja2.Environment:
        return templating.page_environment(list(self.template_dirs), self.bytecode)

    @cached_property
    def personaliser(self) -> Personaliser:
        return Personaliser(self.exercises, self.root / "content", self.bytecode)

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

    def exercise_digest(self, eid: str) -> str:
        """An exercise (front matter and body) and every content file it includes."""
        if eid not in self._exercise_digests:
            exercise = self.exercises.get(eid)
            if exercise is None:
                return ""
            included: list[tuple[str, str]] = []
            if exercise.has_jinja:
                env = self.personaliser.env
                names = _closure(env, f"exercise:{eid}")
                content = self.root / "content"
                if names is None:
                    names = [rel for rel, _ in files_under(content)]
                included = [
                    (n, self.file_digest(content / n))
                    for n in names
                    if not n.startswith("exercise:")
                ]
            model = (exercise.id, exercise.title, exercise.kind, exercise.minutes)
            self._exercise_digests[eid] = digest(
                model, exercise.summary, exercise.tracks, exercise.body, included
            )
        return self._exercise_digests[eid]


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
            refs = list(meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateError:
            continue  # a missing or broken template: the render reports it
        if None in refs:
            return None
        todo += [r for r in refs if r is not None]
    return sorted(seen)
