"""The commands of programme releases: ``workbook release`` and ``workbook upgrade``.

Only click is imported here; the work (``commands/release.py``, ``commands/upgrade.py``)
is imported when a command runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from workbook.cli.base import main, today_option


@main.command()
@click.argument("programme", required=False)
@click.option("--name", metavar="NAME", help="the release's name, an id (default: the date)")
@click.option("--list", "listing", is_flag=True, help="list the releases and their clients")
@today_option("the date the release is made on")
def release(programme: str | None, name: str | None, listing: bool, today: dt.date | None) -> None:
    """Freeze a programme and its exercises as a release clients can be pinned to."""
    from workbook.commands.release import list_lines, make_release
    from workbook.load.environ import build_date

    root = Path.cwd()
    if listing:
        if programme or name:
            raise click.UsageError("--list takes no programme and no --name")
        for line in list_lines(root):
            click.echo(line)
        return
    if not programme:
        raise click.UsageError("name the programme to release, or give --list")
    folder = make_release(root, programme, name, build_date(today))
    rel = folder.relative_to(root.resolve()).as_posix()
    click.echo(f"Released {programme}@{folder.name} in {rel}/")
    click.echo(f"Pin a client to it with 'programme: {programme}@{folder.name}' in its profile.")


@main.command()
@click.argument("client_id", metavar="CLIENT")
@click.option("--to", "to", metavar="NAME", required=True, help="the release to move to")
@click.option("--apply", "apply_", is_flag=True, help="rewrite the profile's programme: line")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="OLD=NEW",
    help="carry an answer onto a field of the new release (exercise/field=exercise/field)",
)
@click.option(
    "--keep",
    "keeps",
    multiple=True,
    metavar="EX/FIELD",
    help="keep this answer as earlier work ('all': every answer the release would hide)",
)
@click.option(
    "--stage",
    "stage",
    metavar="ID",
    help="the client's stage in the new release, if theirs is gone",
)
@today_option("the date recorded with --apply")
def upgrade(
    client_id: str,
    to: str,
    apply_: bool,
    maps: tuple[str, ...],
    keeps: tuple[str, ...],
    stage: str | None,
    today: dt.date | None,
) -> None:
    """Show what moving a client to another release changes; --apply to move them."""
    from workbook.commands.upgrade import apply_upgrade, plan_upgrade
    from workbook.errors import visible
    from workbook.load.environ import build_date

    root = Path.cwd()
    plan = plan_upgrade(root, client_id, to, dict(_pair(m) for m in maps), set(keeps), stage)
    for line in plan.lines():
        click.echo(visible(line))
    if not apply_:
        click.echo("Nothing changed (add --apply to move the client).")
        return
    apply_upgrade(root, plan, build_date(today))
    click.echo(f"{client_id} is now on {plan.target}.")


def _pair(text: str) -> tuple[str, str]:
    old, sep, new = text.partition("=")
    if not sep or old.count("/") != 1 or new.count("/") != 1:
        raise click.BadParameter(
            f"'{text}' should be old-exercise/old-field=new-exercise/new-field", param_hint="--map"
        )
    return old.strip(), new.strip()
