"""The firm's public curriculum: an MkDocs project written from the programmes, then built.

Two folders, so that the published one holds the built site alone:

* ``.workbook/curriculum/`` — the generated MkDocs project (``mkdocs.yml`` and
  ``docs/``). It is rewritten on every run, so edit the programmes and
  exercises, not this. MkDocs's own commands work on it, e.g.
  ``mkdocs gh-deploy -f .workbook/curriculum/mkdocs.yml``.
* ``<output>/curriculum/`` — the site MkDocs builds from it (``site_dir``).

As in the client build, everything is gathered and checked before anything
is written; the built site is made beside the old one and swapped in whole,
so a failed build leaves the previous curriculum as it was. Exercises are
personalised with the placeholders of :mod:`workbook.sample`: the curriculum
never reads a client profile or an answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from workbook.build import writer
from workbook.errors import Problem, SourceLocation, WorkbookError
from workbook.load.environ import build_date
from workbook.load.job import BuildContext
from workbook.load.project import Project, load_project
from workbook.load.sources import load_yaml_file
from workbook.outputs import curriculum_pages as pages
from workbook.render import sample

SOURCE = Path(".workbook") / "curriculum"
HOOK = Path(__file__).with_name("curriculum_hook.py")
# Folders of the curriculum site that are not programmes: ours, and the built-in themes'.
TAKEN = frozenset({"exercises", "assets", "search", "css", "js", "img", "fonts", "webfonts"})


def source_dir(project: Project) -> Path:
    """Where the generated MkDocs project goes: hidden, beside the firm's own files."""
    return project.root / SOURCE


def site_dir(project: Project) -> Path:
    """Where the built curriculum goes: ``<output>/curriculum`` (docs/output.md)."""
    return project.output / "curriculum"


def theme_problem(project: Project) -> Problem | None:
    """An unknown MkDocs theme, located at its line in workbook.yml."""
    from mkdocs.utils import get_theme_names

    names = sorted(get_theme_names())
    theme = project.settings.theme
    if theme in names:
        return None
    path = project.root / "workbook.yml"
    data, _ = load_yaml_file(path) if path.is_file() else (None, [])
    line, col = getattr(data, "marks", {}).get("theme", (0, 0))
    return Problem(
        SourceLocation(path, line, col),
        f"unknown MkDocs theme '{theme}'",
        f"installed themes: {', '.join(names)}; install the theme's package or use theme: mkdocs",
    )


def _problems(project: Project, ctx: BuildContext) -> list[Problem]:
    """What stops the curriculum: settings, programmes and the exercises they use.

    Client profiles and the client site's page templates play no part in it, so
    their problems do not stop it.
    """
    found = list(project.global_problems)
    for pid in sorted(project.programme_problems):
        found += project.programme_problems[pid]
    used = {e for p in project.programmes.values() for s in p.stages for e in s.exercises}
    for eid in sorted(used):
        found += project.exercise_problems.get(eid, [])
        if eid in project.exercises:
            found += ctx.personaliser.static_problems(project.exercises[eid])
    for pid in sorted(set(project.programmes) & TAKEN):
        found.append(
            Problem(
                SourceLocation(project.programmes[pid].path),
                f"the programme id '{pid}' is a folder of the curriculum site itself",
                "rename the programme's file, e.g. to " + f"{pid}-programme.yml",
            )
        )
    if (bad_theme := theme_problem(project)) is not None:
        found.append(bad_theme)
    if not project.programmes and not found:
        found.append(
            Problem(
                SourceLocation(project.root / "content" / "programmes"),
                "there are no programmes to publish",
                "add content/programmes/<id>.yml, or start from the defaults with workbook init",
            )
        )
    return found


def plan(project: Project, today: dt.date) -> tuple[dict[str, bytes], list[Problem]]:
    """Every file of the MkDocs project (relative to its folder), or the problems that stop it."""
    ctx = BuildContext(project.root, project.template_dirs, project.exercises)
    problems = _problems(project, ctx)
    if problems:
        return {}, problems
    programmes = [project.programmes[p] for p in sorted(project.programmes)]
    uses: dict[str, list[pages.Use]] = {}
    for programme in programmes:
        for number, stage in enumerate(programme.stages, 1):
            for eid in stage.exercises:
                uses.setdefault(eid, []).append(pages.Use(programme, stage, number))
    docs: dict[str, str] = {}
    for eid in sorted(uses):
        first = uses[eid][0]
        context = sample.sample_context(project.settings.firm, first.programme, today)
        page, found = ctx.personaliser.page(
            project.exercises[eid], context, first.stage, edition="client", values={}
        )
        if page is None:
            problems += found
            continue
        body = sample.mark_placeholders(page.html)
        docs[f"exercises/{eid}.md"] = pages.exercise_page(project.exercises[eid], uses[eid], body)
    if problems:
        return {}, problems
    library = [project.exercises[e] for e in uses]
    firm = project.settings.firm
    docs["index.md"] = pages.home_page(firm.name, programmes, len(library))
    docs["exercises/index.md"] = pages.library_page(library, uses)
    for programme in programmes:
        docs[f"{programme.id}/index.md"] = pages.programme_page(programme, project.exercises)
        for number, stage in enumerate(programme.stages, 1):
            docs[pages.stage_file(programme, number, stage)] = pages.stage_page(
                programme, number, project.exercises
            )
    css = ctx.asset("workbook.css")
    docs["assets/workbook-fields.css"] = pages.field_css(css.read_text("utf-8") if css else "")
    docs["assets/firm.css"] = pages.theme_css(firm.colours.primary, firm.colours.accent)
    files = {f"docs/{name}": text.encode("utf-8") for name, text in docs.items()}
    files["mkdocs.yml"] = mkdocs_yml(project, programmes, library).encode("utf-8")
    return files, []


def _nav(programmes: list[Any], library: list[Any]) -> list[Any]:
    nav: list[Any] = [{"Home": "index.md"}]
    for p in programmes:
        stages: list[Any] = [{"Overview": f"{p.id}/index.md"}]
        stages += [
            {f"{n}. {s.title}": pages.stage_file(p, n, s)} for n, s in enumerate(p.stages, 1)
        ]
        nav.append({p.title: stages})
    exercises: list[Any] = [{"All exercises": "exercises/index.md"}]
    exercises += [
        {e.title: f"exercises/{e.id}.md"} for e in sorted(library, key=lambda e: e.title.casefold())
    ]
    nav.append({"Exercise library": exercises})
    return nav


def mkdocs_yml(project: Project, programmes: list[Any], library: list[Any]) -> str:
    """The generated ``mkdocs.yml``: strict link checks, search on, the firm's name and colours."""
    firm = project.settings.firm
    site = os.path.relpath(site_dir(project), source_dir(project))
    footer = firm.name + (f" · {firm.contact}" if firm.contact else "")
    config = {
        "site_name": firm.name,
        "site_description": f"The coaching programmes of {firm.name}",
        "copyright": footer.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "docs_dir": "docs",
        "site_dir": site,
        # highlight.js would come from a CDN: the curriculum loads nothing from elsewhere.
        "theme": {"name": project.settings.theme, "highlightjs": False},
        "plugins": ["search"],
        "extra_css": ["assets/workbook-fields.css", "assets/firm.css"],
        "validation": {
            "nav": {"omitted_files": "warn", "not_found": "warn", "absolute_links": "warn"},
            "links": {
                "not_found": "warn",
                "absolute_links": "warn",
                "unrecognized_links": "warn",
                "anchors": "warn",
            },
        },
        "nav": _nav(programmes, library),
    }
    head = (
        "# Generated by `workbook curriculum` from content/programmes and content/exercises.\n"
        "# Edit those, not this file: it is rewritten on every run.\n"
    )
    return head + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)


def write_source(folder: Path, files: dict[str, bytes]) -> None:
    """Bring the MkDocs project folder to exactly ``files``, touching only what changed.

    Unchanged files keep their times, so ``mkdocs serve`` sees no change and does
    not rebuild in a loop when the project is regenerated before each build.
    """
    for relative, data in sorted(files.items()):
        target = writer.safe_join(folder, relative)
        if not (target.is_file() and target.read_bytes() == data):
            writer.write_file(target, data)
    if (folder / "docs").is_dir():
        for path in sorted((folder / "docs").rglob("*"), reverse=True):
            relative = path.relative_to(folder).as_posix()
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


def generate(root: Path, today: dt.date | None = None) -> tuple[Project, Path]:
    """Load the project and write its MkDocs project; returns the project and mkdocs.yml."""
    project = load_project(root)
    files, problems = plan(project, build_date(today))
    if problems:
        raise WorkbookError(problems, project.root)
    folder = source_dir(project)
    write_source(folder, files)
    return project, folder / "mkdocs.yml"


def build(root: Path, today: dt.date | None = None, echo: Callable[[str], None] = print) -> Path:
    """Generate the MkDocs project and build it into ``<output>/curriculum``; returns that."""
    project, config_file = generate(root, today)
    dest = site_dir(project)
    dest.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="build-", dir=config_file.parent))
    try:
        run_mkdocs(config_file, scratch, echo)
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
