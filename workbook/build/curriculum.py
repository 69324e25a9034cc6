"""Building the curriculum: write the generated MkDocs project, then run MkDocs into the output.

The published folder (``<output>/curriculum/``) is built beside the old one
and swapped in whole, so a failed build leaves the previous curriculum as it
was. ``--serve`` runs MkDocs's dev server with a hook that regenerates the
pages from the project before each rebuild.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from workbook.build import writer
from workbook.errors import WorkbookError
from workbook.load.environ import build_date
from workbook.load.project import Project, load_project
from workbook.outputs.curriculum import SOURCE, plan, site_dir, source_dir

HOOK = Path(__file__).with_name("curriculum_hook.py")


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
