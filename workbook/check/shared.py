"""Checks of shared content that need no client: exercise templates and fields, page layouts.

They return what they find (a :class:`~workbook.errors.Findings`), keyed by
what each problem stops: a broken exercise stops the clients whose programme
uses it, a broken layout stops everyone. Nothing loaded is changed.
"""

from __future__ import annotations

import jinja2

from workbook.check.variants import variant_problems
from workbook.errors import Findings, Problem
from workbook.load.project import Project
from workbook.render import templating
from workbook.render.context import RenderContext

PAGE_TEMPLATES = (
    "home.html",
    "stage.html",
    "exercise.html",
    "earlier.html",
    "progress.html",
    "pack.html",
    "locked.html",
)


def check_shared(project: Project, ctx: RenderContext) -> Findings:
    """Every exercise checked on its own, every page layout compiled."""
    exercises: dict[str, tuple[Problem, ...]] = {}
    for eid, exercise in sorted(project.exercises.items()):
        found = ctx.personaliser.static_problems(exercise)
        for _, variant in sorted(exercise.variants.items()):  # each in its own file
            found += ctx.personaliser.static_problems(variant)
            found += variant_problems(exercise, variant)
        if found:
            exercises[eid] = tuple(found)
    layouts: list[Problem] = []
    for name in PAGE_TEMPLATES:
        try:
            ctx.template(name)
        except jinja2.TemplateError as exc:
            layouts.append(templating.template_problem(exc, ctx.template_path(name)))
    return Findings(everything=tuple(layouts), exercises=exercises)


def blockers(
    findings: Findings, cid: str, programme: str | None, exercises: list[str]
) -> list[Problem]:
    """Why a client cannot be built: its own problems, or those of content it uses."""
    found = list(findings.everything) + list(findings.clients.get(cid, ()))
    if programme is not None:
        found += findings.programmes.get(programme, ())
        # a release's problems, its exercises' included, are kept under "<programme>@<name>"
        for eid in exercises if "@" not in programme else ():
            found += findings.exercises.get(eid, ())
    return list(dict.fromkeys(found))
