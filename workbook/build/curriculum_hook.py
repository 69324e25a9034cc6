"""An MkDocs hook for ``workbook curriculum --serve``: regenerate the pages before each build.

MkDocs's dev server watches the firm's ``content/``, ``templates/`` and
``workbook.yml`` and rebuilds when one changes; this hook first rewrites the
generated MkDocs project from them, so the preview follows the edits. It is
passed to MkDocs only when serving, so the generated ``mkdocs.yml`` needs
nothing but MkDocs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from workbook.build import curriculum
from workbook.load.environ import build_date
from workbook.load.project import load_project

log = logging.getLogger("mkdocs.hooks.workbook")


def on_pre_build(config: Any) -> None:
    """Rewrite ``docs/`` from the project; on problems keep the last good pages and say why."""
    folder = Path(config.config_file_path).parent
    root = folder.parent.parent  # <root>/.workbook/curriculum
    project = load_project(root)
    files, problems, _notes = curriculum.plan_all(project, build_date(None))
    if problems:
        for problem in problems:
            log.error(problem.format(project.root))
        return
    # A changed mkdocs.yml (a new page in the nav) makes MkDocs reload it and build again;
    # unchanged files are left alone, so that second build writes nothing and the loop ends.
    curriculum.write_source(folder, files)
