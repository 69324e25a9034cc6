"""One client's inputs, read where the client is built: the profile and the kept answers.

``load_project(root, clients=False)`` lists profiles without reading them, so a build
reads each client here, in the worker that builds it, and skips unchanged ones unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbook.errors import Problem
from workbook.load import answers as answers_mod
from workbook.load import upgrades
from workbook.load.profiles import load_client
from workbook.models import Client

if TYPE_CHECKING:
    from workbook.load.project import Project


@dataclass(frozen=True)
class LoadedClient:
    """One client's profile and kept answers, read and checked: what a client build starts from."""

    cid: str
    client: Client | None
    answers: answers_mod.Answers
    problems: tuple[Problem, ...]


def load_client_inputs(project: Project, cid: str) -> LoadedClient:
    """Read one listed client's profile and answers; the project itself is left as it was.

    ``load_project(root, clients=False)`` lists profiles without reading them, so a
    build can skip unchanged clients unread and read the others where they are built.
    """
    path = project.client_files[cid]
    client, found = load_client(
        cid,
        path,
        project.settings,
        project.programmes_to_pin(),
        set(project.programme_problems),
        project.root,
    )
    if client is None:
        return LoadedClient(cid, None, answers_mod.Answers(), tuple(found))
    folder = project.root / "clients" / f"{cid}.answers"
    answers, found = answers_mod.load(folder)
    recorded, more = upgrades.read(folder)
    return LoadedClient(cid, client, upgrades.carry(answers, recorded), tuple(found + more))
