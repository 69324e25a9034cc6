"""The command line: click commands that turn problems into ``path:line: message`` and exit codes.

Exit status: 0 done, 1 the user's input is wrong (with messages), 2 usage, 130
interrupted (Ctrl+C). ``workbook -q`` prints nothing but problems; ``workbook -v``
a line per client and per pack.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workbook import __version__
from workbook.commands.terminal import Verbosity
from workbook.errors import WorkbookError, errors, visible

if TYPE_CHECKING:  # the build imports Jinja and Markdown: a no-op build does without them
    from workbook.build.options import BuildReport


def _project_root() -> Path:
    return Path.cwd()


def _print_problems(report: BuildReport, root: Path) -> None:
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


def _verbosity() -> Verbosity:
    """``-q``/``-v`` given to the ``workbook`` group (normal outside a command line)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Verbosity) if ctx else None
    return found if found is not None else Verbosity.NORMAL


def _say(line: str, err: bool = False) -> None:
    """A line of news (not a problem, not data), left out with ``-q``; it may quote what a
    client sent, so control characters are shown escaped."""
    if _verbosity() != Verbosity.QUIET:
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


@main.command()
def check() -> None:
    """Validate everything; print every problem as path:line, exit 1 if any."""
    from workbook.build.options import BuildOptions
    from workbook.build.run import run

    root = _project_root()
    report = run(root, BuildOptions(), write=False)
    _print_problems(report, root)
    found = errors(report.problems)
    if found:
        _say(f"{len(found)} problem(s) found.", err=True)
        raise SystemExit(1)
    warned = len(report.problems) - len(found)
    also = f"; {warned} warning(s)" if warned else ""
    _say(f"No problems found ({len(report.built)} client(s) checked{also}).")


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
    from workbook.build import quick
    from workbook.build.options import BuildOptions
    from workbook.commands import building
    from workbook.commands.terminal import summary

    root = _project_root()
    started = time.perf_counter()
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
    try:
        if not prune:
            unchanged = quick.all_unchanged(root, options)
            if unchanged is not None:
                from workbook.load.listing import project_warnings

                for problem in project_warnings(root.resolve()):  # said every build until fixed
                    click.echo(problem.format(root), err=True)
                _say(summary(0, len(unchanged), 0, time.perf_counter() - started))
                _say_where(root, out, edition, unchanged)
                return
        report = building.run_build(root, options, _verbosity())
    except KeyboardInterrupt:
        building.tidy(root, out, edition)
        raise Interrupted(
            "Build interrupted: folders not yet rebuilt keep their previous output."
        ) from None
    _print_problems(report, root)
    for note in dict.fromkeys(report.notes):  # a note from every worker is said once
        click.echo(visible(note))  # where encrypted sites went, new passphrases: never left out
    for name in report.removed:
        click.echo(f"removed {name}")
    for name in report.kept:
        click.echo(
            f"kept {name}: no build record says whose it is; remove it by hand if it is not needed"
        )
    _say(
        summary(len(report.built), len(report.unchanged), len(report.failed), report.seconds),
        err=bool(report.failed),
    )
    _say_where(root, out, edition, sorted(report.built + report.unchanged))
    if errors(report.problems):
        raise SystemExit(1)


def _say_where(root: Path, out: Path | None, edition: str, clients: list[str]) -> None:
    from workbook.commands.building import where_line

    line = where_line(root, out, edition, clients)
    if line:
        _say(line)


@main.command()
@click.argument(
    "kind",
    type=click.Choice(["profile", "settings", "programme", "exercise"]),
    default="profile",
)
def schema(kind: str) -> None:
    """Print the JSON Schema of a file kind (default: client profiles), for editors.

    KIND: profile (clients/*.yml), settings (workbook.yml), programme
    (content/programmes/*.yml) or exercise (an exercise's front matter).
    """
    from workbook.load.schema import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2))


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
    from workbook.build import curriculum as curriculum_mod

    root = _project_root()
    if serve_:
        curriculum_mod.serve(root, port)
        return
    site = curriculum_mod.build(root, today, echo=lambda line: click.echo(line, err=True))
    shown = site.relative_to(root.resolve()) if site.is_relative_to(root.resolve()) else site
    _say(f"Curriculum built in {shown.as_posix()}/")


@main.command()
@click.argument(
    "folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--firm", "firm_name", metavar="NAME", help="the firm's name, for workbook.yml")
@click.option("--coach", metavar="NAME", help="the firm's coach, named in new clients' profiles")
def init(folder: Path, firm_name: str | None, coach: str | None) -> None:
    """Start a firm: workbook.yml, the programmes, the exercise library, templates, a client."""
    from workbook.commands import scaffold

    written = scaffold.init(folder, firm_name or scaffold.DEFAULT_FIRM, coach)
    _say(f"Started a workbook project in {folder.as_posix()}/ ({len(written)} files).")
    _say("Next: edit workbook.yml, then run `workbook build` and `workbook curriculum`.")


@main.group()
def new() -> None:
    """Add something to the project."""


@new.command("client")
@click.argument("name")
@click.option("--coach", metavar="NAME", help="the coach's name (default: workbook.yml's coach)")
@click.option("--id", "cid", metavar="ID", help="the client id (default: the name as an id)")
def new_client(name: str, coach: str | None, cid: str | None) -> None:
    """Write clients/<id>.yml for a new client, every key there and commented.

    The profile names its coach: --coach, else the coach in workbook.yml; with
    neither, the coach's name is asked for (or, with no terminal, refused).
    """
    from workbook.commands import scaffold

    root = _project_root()
    shown = " ".join(name.split())
    ask = (lambda: click.prompt(f"Coach for {shown}")) if _stdin_is_terminal() else None
    made = scaffold.new_client(root, name, coach, cid, ask=ask)
    where = made.path.relative_to(root).as_posix()
    if made.coach_from == "workbook.yml":
        _say(f"Wrote {where} (coach: {made.coach.name}, from workbook.yml).")
    else:
        _say(f"Wrote {where}.")


def _stdin_is_terminal() -> bool:
    """Someone is there to answer a question (not a script, a pipe or CI)."""
    isatty = getattr(sys.stdin, "isatty", None)
    return bool(isatty and isatty())


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
