"""The command line: click commands that turn problems into ``path:line: message`` and exit codes.

Exit status: 0 done, 1 the user's input is wrong (with messages), 2 usage.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from workbook import __version__
from workbook.build import BuildOptions, BuildReport, run
from workbook.errors import WorkbookError
from workbook.schema import profile_json_schema


def _project_root() -> Path:
    return Path.cwd()


def _print_problems(report: BuildReport, root: Path) -> None:
    for problem in report.problems:
        click.echo(problem.format(root), err=True)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbook")
def main() -> None:
    """Personalised coaching workbooks: a private site and printable packs for every client."""


@main.command()
def check() -> None:
    """Validate everything; print every problem as path:line, exit 1 if any."""
    root = _project_root()
    report = run(root, BuildOptions(), write=False)
    _print_problems(report, root)
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo(f"No problems found ({len(report.built)} client(s) checked).")


@main.command()
@click.argument("ids", nargs=-1)
@click.option(
    "--edition",
    type=click.Choice(["client", "coach"]),
    default="client",
    show_default=True,
    help="coach: include facilitator notes; written to coach_output",
)
@click.option("--stage", "stage", metavar="ID", help="build only this stage's pages and pack")
@click.option("--no-pdf", is_flag=True, help="skip the printable packs")
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    metavar="N",
    help="parallel processes (default: the number of cores)",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="write here instead of workbook.yml's output folder",
)
@click.option(
    "--today",
    callback=_date,
    metavar="DATE",
    help="the build date (YYYY-MM-DD); fixes output for reproducible builds",
)
@click.option("--bundle", is_flag=True, help="also write site/<client>.zip")
@click.option("--encrypt", is_flag=True, help="encrypt client sites with a passphrase")
@click.option("--prune", is_flag=True, help="remove output of clients whose profile is gone")
def build(
    ids: tuple[str, ...],
    edition: str,
    stage: str | None,
    no_pdf: bool,
    jobs: int | None,
    out: Path | None,
    today: dt.date | None,
    bundle: bool,
    encrypt: bool,
    prune: bool,
) -> None:
    """Build the workbook site of every client, or of the clients named."""
    root = _project_root()
    options = BuildOptions(
        clients=ids,
        edition=edition,
        stage=stage,
        pdf=not no_pdf,
        jobs=jobs,
        out=out,
        today=today,
        bundle=bundle,
        encrypt=encrypt,
        prune=prune,
    )
    stderr = click.get_text_stream("stderr")
    show = (lambda line: click.echo(line, err=True)) if stderr.isatty() else None
    report = run(root, options, write=True, progress=show)
    _print_problems(report, root)
    for name in report.removed:
        click.echo(f"removed {name}/ (its profile is gone)")
    click.echo(
        f"{len(report.built)} built, {len(report.failed)} failed in {report.seconds:.1f} s",
        err=bool(report.failed),
    )
    if report.problems:
        raise SystemExit(1)


@main.command()
def schema() -> None:
    """Print the JSON Schema of client profiles, for editors."""
    click.echo(json.dumps(profile_json_schema(), indent=2))


def entry() -> None:
    try:
        main()
    except WorkbookError as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
