"""The ``workbook`` group and what every command shares: the project's root, dates, ports,
problems printed as ``path:line: message``, news left out with ``-q``, Ctrl+C as status 130.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workbook import __version__
from workbook.commands.terminal import Verbosity
from workbook.errors import WorkbookError, visible

if TYPE_CHECKING:  # the build imports Jinja and Markdown: a no-op build does without them
    from workbook.build.options import BuildReport


def project_root() -> Path:
    return Path.cwd()


def print_problems(report: BuildReport, root: Path) -> None:
    for problem in report.problems:
        click.echo(problem.format(root), err=True)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from workbook.load.bounds import year_problem

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD") from None
    if why := year_problem(day):
        raise click.BadParameter(f"'{value}' {why}")
    return day


def today_option(help_text: str) -> Callable[[Any], Any]:
    """``--today DATE``: every command that dates its output takes it the same way."""
    return click.option("--today", callback=_date, metavar="DATE", help=help_text)


def port_option(lowest: int, help_text: str) -> Callable[[Any], Any]:
    """``--port N`` on 127.0.0.1 for the preview servers."""
    return click.option(
        "--port",
        type=click.IntRange(lowest, 65535),
        default=8000,
        show_default=True,
        help=help_text,
    )


class Interrupted(WorkbookError):
    """Ctrl+C: stopped at the user's request (exit 130, as shells report SIGINT)."""

    exit_code = 130


class _Group(click.Group):
    """The ``workbook`` group: Ctrl+C in any command is a short message and status 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted("Interrupted.") from None


def verbosity() -> Verbosity:
    """``-q``/``-v`` given to the ``workbook`` group (normal outside a command line)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Verbosity) if ctx else None
    return found if found is not None else Verbosity.NORMAL


def say(line: str, err: bool = False) -> None:
    """A line of news (not a problem, not data), left out with ``-q``; it may quote what a
    client sent, so control characters are shown escaped."""
    if verbosity() != Verbosity.QUIET:
        click.echo(visible(line), err=err)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbook")
@click.option("-q", "--quiet", is_flag=True, help="print nothing but problems")
@click.option("-v", "--verbose", is_flag=True, help="a line per client and per pack")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Personalised coaching workbooks: a private site and printable packs for every client."""
    if quiet and verbose:
        raise click.UsageError("-q and -v cannot be used together")
    ctx.obj = Verbosity.QUIET if quiet else Verbosity.VERBOSE if verbose else Verbosity.NORMAL


def entry() -> None:
    """The ``workbook`` program: a :class:`WorkbookError` is shown as itself, with its status."""
    from workbook import cli  # noqa: F401  (every command registered on ``main``)

    try:
        main()
    except WorkbookError as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
