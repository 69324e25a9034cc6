"""What a build is asked to do, and what it reports back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from workbook.errors import Problem


@dataclass(frozen=True)
class BuildOptions:
    clients: tuple[str, ...] = ()
    edition: str = "client"
    stage: str | None = None
    pdf: bool = True
    jobs: int | None = None
    out: Path | None = None
    today: dt.date | None = None
    bundle: bool = False
    encrypt: bool = False
    prune: bool = False
    passphrase_file: Path | None = None  # with encryption: where passphrases are kept
    opaque_folders: bool = False  # encrypted clients' folders named without their id
    unencrypted: tuple[str, ...] = ()  # files published in clear in an encrypted build
    scheduler: str | None = None  # a Dask scheduler's address: clients built on its workers
    coach: str | None = None  # the coach's desk: only this coach's clients


# Options that cannot change a client's files; every other option (even one added later)
# is part of each client's key.
NOT_OUTPUT = frozenset(
    {"clients", "jobs", "out", "prune", "today", "passphrase_file", "scheduler", "coach"}
)


def output_options(options: BuildOptions) -> dict[str, object]:
    """The options that shape a client's files, by name."""
    return {name: value for name, value in sorted(vars(options).items()) if name not in NOT_OUTPUT}


@dataclass
class BuildReport:
    """What a build did: each client's outcome, the problems, and notes for the coach."""

    out: Path | None = None
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    rendered: dict[str, list[str]] = field(default_factory=dict)  # client → task keys rendered
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # folders --prune could not prove were a client's
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0  # cluster workers the build ran on (0: this machine)

    def add(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        """Add problems not reported yet, in order."""
        self.problems = list(dict.fromkeys([*self.problems, *problems]))
