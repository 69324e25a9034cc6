"""The firm's public curriculum: the MkDocs project written from the programmes.

This module plans the files of the generated MkDocs project (pages, nav,
``mkdocs.yml``) and checks what could stop it; ``build/curriculum.py`` writes
them and runs MkDocs. Two folders, so that the published one holds the built
site alone:

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
import os
from pathlib import Path
from typing import Any

import yaml

from workbook.errors import Problem, SourceLocation
from workbook.load.project import Project
from workbook.load.sources import load_yaml_file
from workbook.outputs import curriculum_pages as pages
from workbook.outputs import curriculum_theme as chrome
from workbook.outputs.curriculum_pages import ENGLISH, Words
from workbook.outputs.curriculum_theme import Edition
from workbook.render import sample
from workbook.render.bytecode import bytecode_cache
from workbook.render.context import RenderContext
from workbook.render.templating import plain

SOURCE = Path(".workbook") / "curriculum"
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


def _problems(project: Project, ctx: RenderContext, folders: frozenset[str]) -> list[Problem]:
    """What stops the curriculum: settings, programmes and the exercises they use.

    Client profiles and the client site's page templates play no part in it, so
    their problems do not stop it.
    """
    found = list(project.global_problems)
    for pid in sorted(p for p in project.programme_problems if "@" not in p):  # releases aside
        found += project.programme_problems[pid]
    used = {e for p in project.programmes.values() for s in p.stages for e in s.exercises}
    for eid in sorted(used):
        found += project.exercise_problems.get(eid, [])
        if eid in project.exercises:
            found += ctx.personaliser.static_problems(project.exercises[eid])
    for pid in sorted(set(project.programmes) & (TAKEN | folders)):
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


def plan(
    project: Project,
    today: dt.date,
    edition: Edition | None = None,
    words: Words = ENGLISH,
) -> tuple[dict[str, bytes], list[Problem]]:
    """Every file of one edition's MkDocs project (relative to its folder), or the problems
    that stop it. ``project`` is already in the edition's language; ``words`` are the
    curriculum's own words in it. Without an edition: the first language's."""
    every = chrome.editions(project.settings.published_languages)
    edition = edition or every[0]
    ctx = RenderContext(
        project.root, tuple(project.template_dirs), project.exercises, bytecode_cache()
    )
    problems = _problems(project, ctx, frozenset(e.folder for e in every if e.folder))
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
        context["stage"] = plain(first.stage)
        page, found = ctx.personaliser.personalise(project.exercises[eid], context)
        if page is None:
            problems += found
            continue
        body = sample.mark_placeholders(page.html(edition="client", values={}))
        docs[f"exercises/{eid}.md"] = pages.exercise_page(
            project.exercises[eid], uses[eid], body, words
        )
    if problems:
        return {}, problems
    library = [project.exercises[e] for e in uses]
    firm = project.settings.firm
    docs["index.md"] = pages.home_page(firm.name, programmes, len(library), words)
    docs["exercises/index.md"] = pages.library_page(library, uses, words)
    for programme in programmes:
        docs[f"{programme.id}/index.md"] = pages.programme_page(programme, project.exercises, words)
        for number, stage in enumerate(programme.stages, 1):
            docs[pages.stage_file(programme, number, stage)] = pages.stage_page(
                programme, number, project.exercises, words
            )
    css = ctx.assets.get("workbook.css")
    docs["assets/workbook-fields.css"] = pages.field_css(css.read_text("utf-8") if css else "")
    docs["assets/firm.css"] = chrome.theme_css(firm.colours.primary, firm.colours.accent)
    files = {f"docs/{name}": text.encode("utf-8") for name, text in docs.items()}
    logo = _logo(project)
    if logo is not None:
        files[f"docs/{logo[0]}"] = logo[1]
    theme = {f"overrides/{k}": v for k, v in _theme_files(project.settings.theme, edition).items()}
    files.update(theme)
    files["mkdocs.yml"] = mkdocs_yml(
        project,
        programmes,
        library,
        edition=edition,
        every=every,
        words=words,
        logo=logo[0] if logo else None,
        overrides=bool(theme),
    ).encode("utf-8")
    return files, []


def _logo(project: Project) -> tuple[str, bytes] | None:
    """The firm's logo as a file of the site (``assets/logo.svg``), when it has one."""
    logo = project.settings.firm.logo
    if not logo:
        return None
    path = project.root / logo
    return (f"assets/logo{path.suffix.lower()}", path.read_bytes()) if path.is_file() else None


def _theme_files(theme: str, edition: Edition) -> dict[str, bytes]:
    """The theme overrides, and an empty catalog for a language the theme has no words in."""
    files = chrome.override_files(theme)
    if theme in chrome.OVERRIDDEN and not chrome.has_chrome(theme, edition.language):
        files.update(chrome.empty_catalog(edition.language))
    return files


def _nav(programmes: list[Any], library: list[Any], words: Words = ENGLISH) -> list[Any]:
    _ = words.gettext
    nav: list[Any] = [{_("Home"): "index.md"}]
    for p in programmes:
        stages: list[Any] = [{_("Overview"): f"{p.id}/index.md"}]
        stages += [
            {f"{n}. {s.title}": pages.stage_file(p, n, s)} for n, s in enumerate(p.stages, 1)
        ]
        nav.append({p.title: stages})
    exercises: list[Any] = [{_("All exercises"): "exercises/index.md"}]
    exercises += [
        {e.title: f"exercises/{e.id}.md"} for e in sorted(library, key=lambda e: e.title.casefold())
    ]
    nav.append({_("Exercise library"): exercises})
    return nav


def mkdocs_yml(
    project: Project,
    programmes: list[Any],
    library: list[Any],
    *,
    edition: Edition | None = None,
    every: tuple[Edition, ...] = (),
    words: Words = ENGLISH,
    logo: str | None = None,
    overrides: bool = False,
) -> str:
    """The generated ``mkdocs.yml``: strict link checks, search on, the firm's name, colours,
    logo and language, and the words and switcher of the theme overrides."""
    firm = project.settings.firm
    edition = edition or Edition(project.settings.language, "")
    source = source_dir(project) / edition.folder
    site = os.path.relpath(site_dir(project) / edition.folder, source)
    footer = firm.name + (f" · {firm.contact}" if firm.contact else "")
    theme: dict[str, Any] = {
        "name": project.settings.theme,
        # highlight.js would come from a CDN: the curriculum loads nothing from elsewhere.
        "highlightjs": False,
        "locale": chrome.mkdocs_locale(edition.language),
    }
    if overrides:
        theme["custom_dir"] = "overrides"
    if logo:
        theme.update(logo=logo, favicon=logo)
    config = {
        "site_name": firm.name,
        "site_description": words.gettext("The coaching programmes of {firm}").format(
            firm=firm.name
        ),
        "copyright": footer.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "docs_dir": "docs",
        "site_dir": site,
        "theme": theme,
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
        "nav": _nav(programmes, library, words),
        "extra": {
            "workbook": {
                "words": chrome.chrome_words(words),
                "language": chrome.endonym(edition.language),
                "switcher": chrome.switcher(edition, every or (edition,)),
            }
        },
    }
    head = (
        "# Generated by `workbook curriculum` from content/programmes and content/exercises.\n"
        "# Edit those, not this file: it is rewritten on every run.\n"
    )
    return head + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
