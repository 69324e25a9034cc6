"""The desk's record: what each of its tasks read and wrote, and a digest of all its inputs.

Kept apart from :mod:`workbook.build.desk` so the no-op check
(:mod:`workbook.build.quick`) can ask whether the desk is current without
importing what renders it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbook.build import writer
from workbook.build.cache import FORMAT, Cache, fingerprint
from workbook.digests import digest

RECORD = "desk.json"


def _path(cache: Cache) -> Path:
    return cache.folder / RECORD


def read_record(cache: Cache) -> dict[str, Any]:
    """The desk's record, or an empty one when there is none or it cannot be trusted."""
    try:
        data = json.loads(_path(cache).read_bytes())
        if data.get("format") != FORMAT or not isinstance(data.get("tasks"), dict):
            return {}
        return dict(data)
    except (OSError, ValueError, AttributeError):
        return {}


def intact(out: Path, task: dict[str, Any]) -> bool:
    """Every file the task wrote is still the one recorded (a task that wrote none, as the
    calendar of an encrypted desk, is intact)."""
    files = task.get("files", {})
    return all(fingerprint(out / rel) == tuple(fp) for rel, fp in files.items())


def desk_quick(shared: str, quicks: dict[str, str], coach: str | None, secret: str) -> str:
    """Every input of the desk at once, from bytes: shared files, each client, the filter,
    and a keyed fingerprint of the desk's own passphrase."""
    return digest(shared, sorted(quicks.items()), coach, secret)


def unchanged(cache: Cache, out: Path, quick: str) -> bool:
    """Whether the desk on disk was made from exactly these inputs, and is untouched."""
    record = read_record(cache)
    return record.get("quick") == quick and all(intact(out, t) for t in record["tasks"].values())


def save(cache: Cache, quick: str, tasks: dict[str, Any], sealed: str) -> None:
    data = {
        "format": FORMAT,
        "quick": quick,
        "sealed": sealed,
        "tasks": dict(sorted(tasks.items())),
    }
    text = json.dumps(data, separators=(",", ":")) + "\n"
    writer.write_file(_path(cache), text.encode("utf-8"))
