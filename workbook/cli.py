"""The command line: click commands that turn problems into ``path:line: message`` and exit codes.

Exit status: 0 done, 1 the user's input is wrong (with messages), 2 usage.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workbook import __version__
from workbook.errors import WorkbookError, errors, visible

if TYPE_CHECKING:  # the build imports Jinja and Markdown: a no-op build does without them
    from workbook.build.run import BuildReport


def _project_root() -> Path:
    return Path.cwd()


def _client_count(root: Path) -> int:
    """How many profiles a build of every client will go through (for the progress bar)."""
    folder = root / "clients"
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.iterdir() if p.suffix in (".yml", ".yaml"))


def _print_problems(report: BuildReport, root: Path) -> None:
    for problem in report.problems:
        click.echo(problem.format(root), err=True)


def _say(line: str, err: bool = False) -> None:
    """One line of output that may quote what a client sent: control characters escaped."""
    click.echo(visible(line), err=err)


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


def _today_option(help_text: str) -> Callable[[Any], Any]:
    """``--today DATE``: every command that dates its output takes it the same way."""
    return click.option("--today", callback=_date, metavar="DATE", help=help_text)


def _port_option(lowest: int, help_text: str) -> Callable[[Any], Any]:
    """``--port N`` on 127.0.0.1 for the preview servers."""
    return click.option(
        "--port",
        type=click.IntRange(lowest, 65535),
        default=8000,
        show_default=True,
        help=help_text,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbook")
def main() -> None:
    """Personalised coaching workbooks: a private site and printable packs for every client."""


@main.command()
def check() -> None:
    """Validate everything; print every problem as path:line, exit 1 if any."""
    from workbook.build.run import BuildOptions, run

    root = _project_root()
    report = run(root, BuildOptions(), write=False)
    _print_problems(report, root)
    found = errors(report.problems)
    if found:
        click.echo(f"{len(found)} problem(s) found.", err=True)
        raise SystemExit(1)
    warned = len(report.problems) - len(found)
    also = f"; {warned} warning(s)" if warned else ""
    click.echo(f"No problems found ({len(report.built)} client(s) checked{also}).")


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
@_today_option("the build date (YYYY-MM-DD); fixes output for reproducible builds")
@click.option("--bundle", is_flag=True, help="also write site/<client>.zip")
@click.option("--encrypt", is_flag=True, help="encrypt client sites with a passphrase")
@click.option(
    "--passphrase-file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="passphrases for encrypted sites, kept outside the project "
    "(else WORKBOOK_PASSPHRASE); a new FILE is created",
)
@click.option(
    "--opaque-folders",
    is_flag=True,
    help="encrypted sites go in folders named without the client's id",
)
@click.option(
    "--unencrypted",
    multiple=True,
    metavar="NAME",
    help="publish this file (e.g. calendar.ics) in clear in an encrypted site",
)
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
    passphrase_file: Path | None,
    opaque_folders: bool,
    unencrypted: tuple[str, ...],
    prune: bool,
) -> None:
    """Build the workbook site of every client, or of the clients named."""
    from workbook.build import uptodate
    from workbook.commands.terminal import summary

    root = _project_root()
    started = time.perf_counter()
    params = click.get_current_context().params
    if not prune:
        unchanged = uptodate.all_unchanged(root, params, ids, out, edition, today)
        if unchanged is not None:
            from workbook.load.listing import project_warnings

            for problem in project_warnings(root.resolve()):  # said on every build until fixed
                click.echo(problem.format(root), err=True)
            click.echo(summary(0, len(unchanged), 0, time.perf_counter() - started))
            return
    from workbook.build.run import BuildOptions, run
    from workbook.commands.terminal import Progress

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
        passphrase_file=passphrase_file,
        opaque_folders=opaque_folders,
        unencrypted=unencrypted,
    )
    bar = Progress(len(ids) or _client_count(root))
    try:
        report = run(root, options, write=True, progress=bar, noop_checked=not prune)
    finally:
        bar.close()
    _print_problems(report, root)
    for note in dict.fromkeys(report.notes):  # a note from every worker is said once
        _say(note)
    for name in report.removed:
        click.echo(f"removed {name}/ (its profile is gone)")
    click.echo(
        summary(len(report.built), len(report.unchanged), len(report.failed), report.seconds),
        err=bool(report.failed),
    )
    if errors(report.problems):
        raise SystemExit(1)


@main.command()
def schema() -> None:
    """Print the JSON Schema of client profiles, for editors."""
    from workbook.load.schema import profile_json_schema

    click.echo(json.dumps(profile_json_schema(), indent=2))


@main.group()
def answers() -> None:
    """Take in clients' answers files, and read the current answers."""


@answers.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def answers_import(files: tuple[Path, ...]) -> None:
    """Check answers files and keep them unchanged under clients/<id>.answers/."""
    from workbook.commands.answers import import_files

    root = _project_root()
    report = import_files(root, list(files))
    for given, kept in report.kept:
        _say(f"kept {given} as {kept.relative_to(root.resolve()).as_posix()}")
    for given, kept in report.already:
        _say(f"{given}: already kept as {kept.relative_to(root.resolve()).as_posix()}")
    for note in report.notes:
        _say(f"note: {note}")
    for problem in report.refused:
        click.echo(problem.format(root), err=True)
    if report.refused:
        click.echo("Refused files were not kept; nothing of them was changed.", err=True)
        raise SystemExit(1)


@answers.command("export")
@click.argument("client_id", metavar="ID")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "md"]), default="json", show_default=True
)
def answers_export(client_id: str, fmt: str) -> None:
    """Print a client's current answers, including those to fields no longer in the workbook."""
    from workbook.commands.answers import load_for_export
    from workbook.outputs import export

    root = _project_root()
    _, job, fields, problems = load_for_export(root, client_id)
    for problem in problems:
        click.echo(dataclasses.replace(problem, severity="warning").format(root), err=True)
    click.echo(export.render(fmt, job, export.rows(job, fields, job.answers)), nl=False)


def entry() -> None:
    try:
        main()
    except WorkbookError as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None


@main.command()
@click.option("--serve", "serve_", is_flag=True, help="preview with MkDocs's dev server")
@_port_option(1, "with --serve: the port on 127.0.0.1")
@_today_option("the build date (YYYY-MM-DD) the sample dates use")
def curriculum(serve_: bool, port: int, today: dt.date | None) -> None:
    """Publish the programmes as the firm's curriculum site, built with MkDocs."""
    from workbook.outputs import curriculum as curriculum_mod

    root = _project_root()
    if serve_:
        curriculum_mod.serve(root, port)
        return
    site = curriculum_mod.build(root, today, echo=lambda line: click.echo(line, err=True))
    shown = site.relative_to(root.resolve()) if site.is_relative_to(root.resolve()) else site
    click.echo(f"Curriculum built in {shown.as_posix()}/")


@main.command()
@click.argument(
    "folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--firm", "firm_name", metavar="NAME", help="the firm's name, for workbook.yml")
def init(folder: Path, firm_name: str | None) -> None:
    """Start a firm: workbook.yml, the programmes, the exercise library, templates, a client."""
    from workbook.commands import scaffold

    written = scaffold.init(folder, firm_name or scaffold.DEFAULT_FIRM)
    click.echo(f"Started a workbook project in {folder.as_posix()}/ ({len(written)} files).")
    click.echo("Next: edit workbook.yml, then run `workbook build` and `workbook curriculum`.")


@main.group()
def new() -> None:
    """Add something to the project."""


@new.command("client")
@click.argument("name")
@click.option("--coach", metavar="NAME", help="the coach's name (required in the profile)")
@click.option("--id", "cid", metavar="ID", help="the client id (default: the name as an id)")
def new_client(name: str, coach: str | None, cid: str | None) -> None:
    """Write clients/<id>.yml for a new client, every key there and commented."""
    from workbook.commands import scaffold

    root = _project_root()
    path = scaffold.new_client(root, name, coach, cid)
    click.echo(f"Wrote {path.relative_to(root).as_posix()}.")
    if not coach:
        click.echo("Fill in the coach's name (coach: name:) before you build.")


@main.command()
@click.argument("client_id", metavar="[ID]", required=False)
@_port_option(0, "the port on 127.0.0.1 (0: any free port)")
@click.option(
    "--edition",
    type=click.Choice(["client", "coach"]),
    default="client",
    show_default=True,
    help="coach: preview with facilitator notes",
)
@_today_option("the build date (YYYY-MM-DD)")
def serve(client_id: str | None, port: int, edition: str, today: dt.date | None) -> None:
    """Live preview on 127.0.0.1: rebuilds what changed and reloads the open page."""
    from workbook.commands import serve as serve_mod
    from workbook.load.environ import build_date

    build_date(today)  # a wrong SOURCE_DATE_EPOCH is said before the preview starts
    clients = (client_id,) if client_id else ()
    serve_mod.serve(
        _project_root(),
        clients,
        port,
        edition=edition,
        today=today,
        echo=lambda line: click.echo(line, err=True),
    )
