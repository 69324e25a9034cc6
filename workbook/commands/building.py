"""A build run from the command line: progress as ``-q``/``-v`` ask, and after it (or after
Ctrl+C) where the output is and what is left to tidy.

:mod:`workbook.cli` declares the options and prints; this module does the rest, so
that a no-op build imports no more than it needs (the build itself is imported
only when something has to be built).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from workbook.commands.terminal import Progress, Verbosity, pack_line, where_built

if TYPE_CHECKING:
    from workbook.build.options import BuildOptions, BuildReport


def client_count(root: Path) -> int:
    """How many profiles a build of every client will go through (for the progress bar)."""
    folder = root / "clients"
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.iterdir() if p.suffix in (".yml", ".yaml"))


def run_build(root: Path, options: BuildOptions, verbosity: Verbosity) -> BuildReport:
    """The build itself, its progress shown as ``-q``/``-v`` ask."""
    from workbook.build.run import run

    executor = None
    if options.scheduler:  # reached, and its workers checked, before anything is written
        from workbook.build.cluster import DaskExecutor

        executor = DaskExecutor(options.scheduler)
        executor.connect()
    lines = pack_line if verbosity == Verbosity.VERBOSE else None
    bar = Progress(len(options.clients) or client_count(root), verbosity=verbosity)
    try:
        return run(
            root,
            options,
            write=True,
            progress=bar,
            executor=executor,
            noop_checked=not options.prune,
            pack_progress=lines,
        )
    finally:
        bar.close()
        if executor is not None:
            executor.close()


def output_folder(root: Path, out: Path | None, edition: str) -> Path:
    """Where this build writes: ``--out``, else workbook.yml's output (coach_output)."""
    if out is not None:
        return out.resolve()
    from workbook.build.quick import light_settings

    output, coach, _ = light_settings(root.resolve()) or ("site", "coach", None)
    return (root / (coach if edition == "coach" else output)).resolve()


def where_line(root: Path, out: Path | None, edition: str, clients: list[str]) -> str | None:
    """The build's last line: where the output is (None when nothing was built)."""
    return where_built(root, output_folder(root, out, edition), clients)


def tidy(root: Path, out: Path | None, edition: str) -> None:
    """After Ctrl+C (the workers are stopped by then): no half-built folder is left behind."""
    from workbook.build import writer
    from workbook.build.cache import Cache

    folder = output_folder(root, out, edition)
    with contextlib.suppress(OSError):  # the next build cleans up what is left
        writer.clean_leftovers(folder)
        Cache(root, folder, edition).clean_temporary()
