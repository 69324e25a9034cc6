"""Building the curriculum: write the generated MkDocs projects, then run MkDocs into the output.

One MkDocs project per published language (``languages:`` in workbook.yml):
the first in ``.workbook/curriculum/``, each other in ``.workbook/curriculum/<tag>/``,
built into ``<output>/curriculum/`` and ``<output>/curriculum/<tag>/``. The
published folder is built beside the old one and swapped in whole, so a failed
build leaves the previous curriculum as it was. ``--serve`` runs MkDocs's dev
server on the first language with a hook that regenerates the pages from the
project before each rebuild.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from workbook.build import writer
from workbook.errors import Problem, UsageProblem, WorkbookError
from workbook.load import catalogs
from workbook.load.environ import build_date
from workbook.load.project import Project, load_project
from workbook.load.variants import in_language
from workbook.outputs import curriculum_theme as chrome
from workbook.outputs.curriculum import SOURCE, plan, site_dir, source_dir
from workbook.outputs.curriculum_pages import Words

HOOK = Path(__file__).with_name("curriculum_hook.py")


def translations(language: str, root: Path) -> Words:
    """The curriculum's own words in ``language``: the project's catalog over the shipped one
    (English where neither has the language)."""
    return catalogs.translations(language, root)


def plan_all(project: Project, today: dt.date) -> tuple[dict[str, bytes], list[Problem], list[str]]:
    """Every edition's MkDocs project (the first at the top, each other under ``<tag>/``),
    the problems that stop any of them, and notes (a theme with no words in a language)."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    notes: list[str] = []
    for edition in chrome.editions(project.settings.published_languages):
        variant = in_language(project, edition.language)
        words = translations(edition.language, project.root)
        found, wrong = plan(variant, today, edition, words)
        problems += [p for p in wrong if p not in problems]
        files.update({edition.prefix + name: data for name, data in found.items()})
        note = chrome.chrome_note(project.settings.theme, edition.language)
        if note is not None:
            notes.append(note)
    return files, problems, notes


def write_source(folder: Path, files: dict[str, bytes]) -> None:
    """Bring the MkDocs projects' folder to exactly ``files``, touching only what changed.

    Unchanged files keep their times, so ``mkdocs serve`` sees no change and does
    not rebuild in a loop when the project is regenerated before each build. The
    build's scratch folders (``build-*``) are left to the build that made them.
    """
    for relative, data in sorted(files.items()):
        target = writer.safe_join(folder, relative)
        if not (target.is_file() and target.read_bytes() == data):
            writer.write_file(target, data)
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith("build-"):
            continue
        if path.is_file() and relative not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


class _Echo(logging.Handler):
    """MkDocs's warnings and errors, passed on to the user as they happen."""

    def __init__(self, echo: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self.echo = echo

    def emit(self, record: logging.LogRecord) -> None:
        self.echo(f"MkDocs: {record.getMessage()}")


def run_mkdocs(config_file: Path, out: Path, echo: Callable[[str], None]) -> None:
    """``mkdocs build --strict`` through MkDocs's Python API, into ``out``."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = _Echo(echo)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(str(config_file), site_dir=str(out), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as exc:
        raise WorkbookError(
            f"{SOURCE.as_posix()}/mkdocs.yml: MkDocs stopped the build "
            f"({exc.format_message().strip()}) — see its messages above"
        ) from None
    finally:
        logger.removeHandler(handler)


def as_released(project: Project, name: str) -> Project:
    """The project with the programmes of release ``name`` (``grow@v1``, or every programme's
    release of that name) in place of the working copy; the others are left out."""
    chosen = [r for key, r in sorted(project.releases.items()) if name in (key, r.name)]
    if not chosen:
        there = ", ".join(sorted(project.releases)) or "none yet"
        raise UsageProblem(f"--release: no release '{name}' — releases: {there}")
    problems = {r.programme_id: project.programme_problems.get(r.key, []) for r in chosen}
    exercises = {e: x for r in chosen for e, x in r.exercises.items()}
    return dataclasses.replace(
        project,
        programmes={r.programme_id: r.programme for r in chosen if r.programme is not None},
        exercises=exercises,
        programme_problems={k: v for k, v in problems.items() if v},
        exercise_problems={},
    )


def generate(
    root: Path,
    today: dt.date | None = None,
    release: str | None = None,
    echo: Callable[[str], None] = print,
) -> tuple[Project, Path]:
    """Load the project and write its MkDocs projects; returns the project and the first
    language's mkdocs.yml (each other's is in ``<tag>/`` beside it)."""
    project = load_project(root)
    if release is not None:
        project = as_released(project, release)
    files, problems, notes = plan_all(project, build_date(today))
    if problems:
        raise WorkbookError(problems, project.root)
    for note in notes:
        echo(f"Note: {note}")
    folder = source_dir(project)
    write_source(folder, files)
    return project, folder / "mkdocs.yml"


def _mark_language(folder: Path, tag: str, skip: set[str]) -> None:
    """``<html lang dir>`` of every page MkDocs built in ``folder`` (other editions aside)."""
    for path in folder.rglob("*.html"):
        if path.relative_to(folder).parts[0] in skip:
            continue
        page = path.read_text("utf-8")
        marked = chrome.set_html_lang(page, tag)
        if marked != page:
            path.write_text(marked, encoding="utf-8")


def build(
    root: Path,
    today: dt.date | None = None,
    echo: Callable[[str], None] = print,
    dest: Path | None = None,
    release: str | None = None,
) -> Path:
    """Generate the MkDocs project (of ``release``, else the working copy) and build it into
    ``<output>/curriculum`` (or into ``<dest>/curriculum``: the preview's folder); returns
    that folder."""
    project, config_file = generate(root, today, release, echo)
    dest = site_dir(project) if dest is None else dest / "curriculum"
    dest.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="build-", dir=config_file.parent))
    every = chrome.editions(project.settings.published_languages)
    others = {e.folder for e in every if e.folder}
    try:
        for edition in every:  # the first first: MkDocs empties its site folder as it starts
            out = scratch / edition.folder
            run_mkdocs(config_file.parent / edition.folder / "mkdocs.yml", out, echo)
            _mark_language(out, edition.language, others if not edition.folder else set())
        built = {p.relative_to(scratch).as_posix(): p for p in scratch.rglob("*") if p.is_file()}
        writer.replace_folder(dest, {}, carry=built)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return dest


def serve(root: Path, port: int = 8000) -> None:
    """Preview with MkDocs's dev server on 127.0.0.1; edits to the content rebuild it."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import MkDocsException

    project, config_file = generate(root)
    watch = [
        str(p)
        for p in (
            project.root / "content",
            project.root / "templates",
            project.root / "workbook.yml",
        )
        if p.exists()
    ]
    try:
        mkdocs_serve(
            config_file=str(config_file),
            dev_addr=f"127.0.0.1:{port}",
            livereload=True,
            hooks=[str(HOOK)],
            watch=watch,
        )
    except MkDocsException as exc:
        raise WorkbookError(
            f"{SOURCE.as_posix()}/mkdocs.yml: {exc.format_message().strip()}"
        ) from None
