"""The commands that check and build: ``check``, ``build``, ``status``, ``schema``,
``curriculum``. Each declares its options and prints; ``commands/`` does the work."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import time
from pathlib import Path

import click

from workbook.cli.base import (
    Interrupted,
    main,
    port_option,
    print_problems,
    project_root,
    say,
    today_option,
    verbosity,
)
from workbook.errors import errors, visible


@main.command()
def check() -> None:
    """Validate everything; print every problem as path:line, exit 1 if any."""
    from workbook.build.options import BuildOptions
    from workbook.build.run import run

    root = project_root()
    report = run(root, BuildOptions(), write=False)
    print_problems(report, root)
    found = errors(report.problems)
    if found:
        say(f"{len(found)} problem(s) found.", err=True)
        raise SystemExit(1)
    warned = len(report.problems) - len(found)
    also = f"; {warned} warning(s)" if warned else ""
    say(f"No problems found ({len(report.built)} client(s) checked{also}).")


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
@today_option("the build date (YYYY-MM-DD); fixes output for reproducible builds")
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
@click.option(
    "--scheduler",
    envvar="WORKBOOK_SCHEDULER",
    metavar="URL",
    help="build on this Dask cluster, e.g. tcp://HOST:8786 (else WORKBOOK_SCHEDULER); "
    "needs pip install 'workbook[cluster]'",
)
@click.option("--coach", metavar="NAME", help="with --edition coach: the desk shows NAME's clients")
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
    scheduler: str | None,
    coach: str | None,
) -> None:
    """Build the workbook site of every client, or of the clients named.

    The coach edition also writes the coach's desk (index.html) and calendar.ics.
    """
    from workbook.build import quick
    from workbook.build.options import BuildOptions
    from workbook.commands import building
    from workbook.commands.terminal import summary

    root = project_root()
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
        scheduler=scheduler or None,
        coach=" ".join(coach.split()) if coach else None,
    )
    if coach and edition != "coach":
        raise click.UsageError("--coach narrows the coach's desk: use it with --edition coach")
    try:
        if not prune:
            unchanged = quick.all_unchanged(root, options)
            if unchanged is not None:
                from workbook.load.listing import project_warnings

                for problem in project_warnings(root.resolve()):  # said every build until fixed
                    click.echo(problem.format(root), err=True)
                if (root / "releases").is_dir():
                    from workbook.load.releases import behind_notice

                    if notice := behind_notice(root):
                        say(notice)
                say(summary(0, len(unchanged), 0, time.perf_counter() - started))
                say_where(root, out, edition, unchanged)
                return
        report = building.run_build(root, options, verbosity())
    except KeyboardInterrupt:
        building.tidy(root, out, edition)
        raise Interrupted(
            "Build interrupted: folders not yet rebuilt keep their previous output."
        ) from None
    print_problems(report, root)
    for note in dict.fromkeys(report.notes):  # a note from every worker is said once
        click.echo(visible(note))  # where encrypted sites went, new passphrases: never left out
    for name in report.removed:
        click.echo(f"removed {name}")
    for name in report.kept:
        click.echo(
            f"kept {name}: no build record says whose it is; remove it by hand if it is not needed"
        )
    say(
        summary(
            len(report.built),
            len(report.unchanged),
            len(report.failed),
            report.seconds,
            report.workers,
        ),
        err=bool(report.failed),
    )
    say_where(root, out, edition, sorted(report.built + report.unchanged))
    if errors(report.problems):
        raise SystemExit(1)


def say_where(root: Path, out: Path | None, edition: str, clients: list[str]) -> None:
    from workbook.commands.building import where_line

    line = where_line(root, out, edition, clients)
    if line:
        say(line)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts")
@click.option("--coach", metavar="NAME", help="only this coach's clients")
@today_option("the date to judge what is due and past due by (YYYY-MM-DD)")
def status(as_json: bool, coach: str | None, today: dt.date | None) -> None:
    """Every client at a glance: stage, answers, next session, what is past due."""
    from workbook.commands import status as status_mod
    from workbook.commands.terminal import columns

    root = project_root()
    found = status_mod.gather(root, today, " ".join(coach.split()) if coach else None)
    for problem in found.problems:
        click.echo(dataclasses.replace(problem, severity="warning").format(root), err=True)
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2, ensure_ascii=False))
        return
    stream = sys.stdout
    width = columns(stream)
    click.echo(status_mod.table(found, width, status_mod.coloured(stream)), nl=False, color=True)


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


@main.command()
@click.option("--serve", "serve_", is_flag=True, help="preview with MkDocs's dev server")
@port_option(1, "with --serve: the port on 127.0.0.1")
@today_option("the build date (YYYY-MM-DD) the sample dates use")
@click.option(
    "--release", metavar="NAME", help="publish a release (grow@NAME) not the working copy"
)
def curriculum(serve_: bool, port: int, today: dt.date | None, release: str | None) -> None:
    """Publish the programmes as the firm's curriculum site, built with MkDocs."""
    from workbook.build import curriculum as curriculum_mod

    root = project_root()
    if serve_:
        curriculum_mod.serve(root, port)
        return
    echo = lambda line: click.echo(line, err=True)  # noqa: E731
    site = curriculum_mod.build(root, today, echo=echo, release=release)
    shown = site.relative_to(root.resolve()) if site.is_relative_to(root.resolve()) else site
    say(f"Curriculum built in {shown.as_posix()}/")
