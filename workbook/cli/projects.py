"""The commands that start and grow a project, take answers in and preview: ``init``,
``new client``, ``strings``, ``answers import|export``, ``serve``, ``release``, ``upgrade``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import click

from workbook.cli.base import (
    main,
    port_option,
    project_root,
    say,
    today_option,
)


@main.command()
@click.argument(
    "folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--firm", "firm_name", metavar="NAME", help="the firm's name, for workbook.yml")
@click.option("--coach", metavar="NAME", help="the firm's coach, named in new clients' profiles")
@click.option(
    "--language",
    metavar="TAG",
    default="en",
    show_default=True,
    help="the firm's language (BCP 47: fr, fr-CA); fr starts with a French example client",
)
def init(folder: Path, firm_name: str | None, coach: str | None, language: str) -> None:
    """Start a firm: workbook.yml, the programmes, the exercise library, templates, a client."""
    from workbook.commands import scaffold

    written = scaffold.init(folder, firm_name or scaffold.DEFAULT_FIRM, coach, language)
    say(f"Started a workbook project in {folder.as_posix()}/ ({len(written)} files).")
    say("Next: edit workbook.yml, then run `workbook build` and `workbook curriculum`.")


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

    root = project_root()
    shown = " ".join(name.split())
    ask = (lambda: click.prompt(f"Coach for {shown}")) if _stdin_is_terminal() else None
    made = scaffold.new_client(root, name, coach, cid, ask=ask)
    where = made.path.relative_to(root).as_posix()
    if made.coach_from == "workbook.yml":
        say(f"Wrote {where} (coach: {made.coach.name}, from workbook.yml).")
    else:
        say(f"Wrote {where}.")


@main.command()
@click.argument("language", metavar="LANG")
def strings(language: str) -> None:
    """Write translations/<LANG>.po: every word of the tool, to change or translate."""
    from workbook.commands import strings as starter

    root = project_root()
    path = starter.starter(root, language)
    say(f"Wrote {path.relative_to(root).as_posix()}: change the words you want, delete the rest.")


def _stdin_is_terminal() -> bool:
    """Someone is there to answer a question (not a script, a pipe or CI)."""
    isatty = getattr(sys.stdin, "isatty", None)
    return bool(isatty and isatty())


@main.command()
@click.argument("client_id", metavar="[ID]", required=False)
@port_option(0, "the port on 127.0.0.1 (0: any free port)")
@click.option(
    "--edition",
    type=click.Choice(["client", "coach"]),
    default="client",
    show_default=True,
    help="coach: preview with facilitator notes",
)
@today_option("the build date (YYYY-MM-DD)")
@click.option("--no-pdf", is_flag=True, help="skip the packs (faster rebuilds)")
def serve(
    client_id: str | None, port: int, edition: str, today: dt.date | None, no_pdf: bool
) -> None:
    """Live preview on 127.0.0.1 of the sites, packs and curriculum: rebuilds what changed
    and reloads the open page."""
    from workbook.commands import serve as serve_mod
    from workbook.load.environ import build_date

    build_date(today)  # a wrong SOURCE_DATE_EPOCH is said before the preview starts
    clients = (client_id,) if client_id else ()
    serve_mod.serve(
        project_root(),
        clients,
        port,
        edition=edition,
        today=today,
        echo=lambda line: click.echo(line, err=True),
        packs=not no_pdf,
    )


@main.group()
def answers() -> None:
    """Take in clients' answers files, and read the current answers."""


@answers.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--passphrase-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="for an encrypted filled pack: the build's passphrases (else WORKBOOK_PASSPHRASE)",
)
def answers_import(files: tuple[Path, ...], passphrase_file: Path | None) -> None:
    """Check answers files or filled packs (PDF) and keep them under clients/<id>.answers/."""
    from workbook.commands.answers import import_files

    root = project_root()
    report = import_files(root, list(files), passphrase_file=passphrase_file)
    for given, kept in report.kept:
        say(f"kept {given} as {kept.relative_to(root.resolve()).as_posix()}")
    for given, kept in report.already:
        say(f"{given}: already kept as {kept.relative_to(root.resolve()).as_posix()}")
    for note in report.notes:
        say(f"note: {note}")
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

    root = project_root()
    _, job, fields, earlier, problems = load_for_export(root, client_id)
    for problem in problems:
        click.echo(dataclasses.replace(problem, severity="warning").format(root), err=True)
    found = export.rows(job, fields, job.answers, earlier)
    click.echo(export.render(fmt, job, found, root), nl=False)
