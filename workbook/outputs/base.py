"""Build tasks: one group of output files, keyed by a digest of everything it is made from.

Every output of a client is planned as :class:`Task` objects before anything is
rendered. A task's ``inputs`` is a digest of all it reads (the profile, the
programme, the exercise, templates, answers, the tool's own code, options such
as the edition or ``--today``), so the cache (``cache.py``) can skip a task
whose digest it has seen, and render only what changed. A page is a task; a
PDF pack is a task; an asset is a task.

An entry of ``build.OUTPUTS`` is either a plain ``render(ctx, job)`` function,
cached as one task keyed by a digest of the whole job (always correct, never
fine-grained), or an :class:`Output` whose ``plan(ctx, job)`` lists its own
tasks with their own digests.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbook import __version__
from workbook.errors import Problem

if TYPE_CHECKING:
    from workbook.load.job import BuildContext, ClientJob

Made = tuple[dict[str, bytes], list[Problem]]
_TEMPLATE_REF = re.compile(r"\{%-?\s*(?:extends|include|import|from)\b")


@dataclass(frozen=True)
class Task:
    """One group of output files: a key unique within the client, its input digest, its maker."""

    key: str
    inputs: str
    make: Callable[[], Made]


@dataclass(frozen=True)
class Output:
    """An output that plans its own tasks, so each file group is cached on its own inputs."""

    name: str
    plan: Callable[[BuildContext, ClientJob], list[Task]]


def digest(*parts: Any) -> str:
    """A stable digest of plain data (text, numbers, dates, dicts, lists, tuples).

    ``repr`` of plain data is deterministic across processes as long as no set is
    involved, and is several times faster than a canonical JSON dump.
    """
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def shared_file_digest(ctx: BuildContext, path: Path) -> str:
    """``file_digest`` once per process: shared files (assets, the logo) do not change mid-build."""
    memo: dict[Path, str] = ctx.memo.setdefault("file_digest", {})
    if path not in memo:
        memo[path] = file_digest(path)
    return memo[path]


def tree_digest(paths: Iterable[tuple[str, Path]]) -> str:
    """Names and bytes of many files, in the order given."""
    h = hashlib.blake2b(digest_size=16)
    for name, path in paths:
        h.update(name.encode("utf-8") + b"\0")
        try:  # a named pipe in place of a file must not stop the build waiting
            data = path.read_bytes() if path.is_file() else b"\0missing"
        except OSError:
            data = b"\0missing"
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


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


@functools.cache
def tool_digest() -> str:
    """The version and the code of the tool itself: new code may write different output."""
    package = Path(__file__).resolve().parent.parent
    sources = [(p.relative_to(package).as_posix(), p) for p in sorted(package.rglob("*.py"))]
    return digest(__version__, tree_digest(sources))


def template_files(ctx: BuildContext, name: str) -> list[tuple[str, Path]]:
    """The template ``name`` and every template it extends, includes or imports.

    A reference that is not a literal name (``{% include var %}``) makes every
    template a dependency, which is safe.
    """
    memo: dict[str, list[tuple[str, Path]]] = ctx.memo.setdefault("template_files", {})
    if name in memo:
        return memo[name]
    seen: dict[str, Path] = {}
    todo = [name]
    dynamic = False
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        path = next((d / current for d in ctx.template_dirs if (d / current).is_file()), None)
        if path is None:
            continue
        seen[current] = path
        source = path.read_text(encoding="utf-8", errors="replace")
        if not _TEMPLATE_REF.search(source):
            continue
        refs = _references(source)
        if None in refs:
            dynamic = True
            break
        todo += [r for r in refs if r]
    if dynamic:
        seen = {}
        for folder in reversed(ctx.template_dirs):
            for rel, path in files_under(folder):
                if not rel.startswith("assets/"):
                    seen[rel] = path
    memo[name] = sorted(seen.items())
    return memo[name]


_TAG = re.compile(r"\{%-?\s*(extends|include|import|from)\b(.*?)-?%\}", re.DOTALL)
_LITERAL = re.compile(
    r"""\s*(?:"([^"{}%]+)"|'([^'{}%]+)')\s*(?:ignore missing\s*)?"""
    r"""(?:(?:with|without) context\s*)?(?:import\b.*|as\s+\w+\s*)?$""",
    re.DOTALL,
)


def _references(source: str) -> list[str | None]:
    """The templates a template pulls in, by name; None for one named by an expression.

    A regex over the tags instead of a Jinja parse: the same answer for literal
    names, several times faster, and anything else (a variable, a list, a tag it
    cannot read) means "every template", which is safe.
    """
    refs: list[str | None] = []
    for match in _TAG.finditer(source):
        literal = _LITERAL.match(match.group(2))
        refs.append((literal.group(1) or literal.group(2)) if literal else None)
    return refs


def template_digest(ctx: BuildContext, name: str) -> str:
    """Digest of a page template and everything it pulls in, once per process."""
    memo: dict[str, str] = ctx.memo.setdefault("template_digest", {})
    if name not in memo:
        memo[name] = tree_digest(template_files(ctx, name))
    return memo[name]


def template_mentions(ctx: BuildContext, name: str, word: str) -> bool:
    """Whether a page template (with what it pulls in) mentions ``word`` at all.

    Used to leave ``today`` out of a page's digest when no template can print it:
    mentioning is a safe over-approximation of using.
    """
    memo: dict[tuple[str, str], bool] = ctx.memo.setdefault("template_mentions", {})
    key = (name, word)
    if key not in memo:
        memo[key] = any(
            word in p.read_text(encoding="utf-8", errors="replace")
            for _, p in template_files(ctx, name)
        )
    return memo[key]


def whole_job_task(
    render: Callable[[BuildContext, ClientJob], Made], ctx: BuildContext, job: ClientJob
) -> Task:
    """A plain ``render`` output as one task: its digest covers the whole job and project."""
    name = f"{render.__module__}.{render.__qualname__}"
    fields = [(f.name, getattr(job, f.name)) for f in dataclasses.fields(job)]  # new ones too
    inputs = digest(tool_digest(), ctx.shared, name, fields)
    return Task(f"output:{name}", inputs, lambda: render(ctx, job))


def run_tasks(tasks: Iterable[Task]) -> Made:
    """Make every task and merge their files (no cache): what a full render is."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for task in tasks:
        made, found = task.make()
        files.update(made)
        problems += found
    return files, problems
