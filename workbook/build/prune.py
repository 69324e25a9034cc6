"""``--prune``: remove the sites of clients whose profile is gone, and only those.

A folder is removed only when the build's own record proves whose it is: the
cache keeps, for every client built, the folder its site is published in
(its id, or an opaque name). A recorded client whose profile is gone loses
its folder, its zip and its record, each removal printed. Any other folder in
the output (one no record explains, such as an encrypted folder of an earlier
cache, or a folder someone put there) is left alone and named, so the coach
can decide.
"""

from __future__ import annotations

from pathlib import Path

from workbook.build import writer
from workbook.build.cache import Cache

NOT_CLIENTS = frozenset({"curriculum", "assets"})  # the coach desk's files sit in assets/


def prune(cache: Cache, out: Path, profiles: set[str]) -> tuple[list[str], list[str]]:
    """(what was removed, folders left alone because nothing proves whose they are)."""
    recorded = cache.recorded()
    removed: list[str] = []
    for cid, folder in sorted(recorded.items()):
        if cid in profiles:
            continue
        path = out / folder
        if path.is_dir() or path.is_symlink():
            writer.remove(path)
            removed.append(f"{folder}/ ({cid}: its profile is gone)")
        (out / f"{folder}.zip").unlink(missing_ok=True)
        cache.remove(cid)
    known = {folder for cid, folder in recorded.items() if cid in profiles} | profiles
    unknown = []
    if out.is_dir():
        for entry in sorted(out.iterdir()):
            if (
                entry.is_dir()
                and not entry.name.startswith(".")
                and entry.name not in known
                and entry.name not in NOT_CLIENTS
            ):
                unknown.append(f"{entry.name}/")
    return removed, unknown
