"""The no-op check: is every client's output already built from exactly today's inputs?

A rebuild with nothing to do should cost a glance, not a build. This module
answers from bytes and one small index, without parsing a profile, an
exercise or a template (it imports neither Jinja, nor Markdown, nor the
profile schema):

* ``shared`` digests every shared input file (workbook.yml, content/, the
  templates, the logo) with the tool's own code;
* each client's ``quick`` digest adds its profile's bytes, its answers
  files, the options that shape output, and the build date;
* ``<out>/.workbook-cache/index.json``, written by the main process after a
  build whose shared content had no problems at all, keeps the ``shared``
  digest and, per client, its ``quick`` digest and the identity (inode,
  modification time) of each folder of its output.

A client folder swapped in by a build that crashed before writing the index
has a new inode, so it does not match: the build takes its full path, which
checks every file against the client's manifest (``cache.py``) and
re-renders only what changed. Anything unexpected here means "build".
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbook.build import cache, writer
from workbook.load import defaults
from workbook.load.environ import build_date
from workbook.outputs.base import digest, files_under, tool_digest, tree_digest

# options that cannot change a client's files; any other option (even one added later) counts
NOT_OUTPUT = frozenset({"clients", "ids", "jobs", "out", "prune", "today"})


def template_dirs(root: Path) -> list[Path]:
    """The project's templates, then the shipped ones (the order Jinja searches)."""
    return [p for p in (root / "templates", defaults.templates()) if p.is_dir()]


def options_key(values: Mapping[str, Any]) -> str:
    """The build options that shape output, by name (``--no-pdf`` counts as ``pdf``)."""
    plain = {k: v for k, v in values.items() if k not in NOT_OUTPUT}
    if "no_pdf" in plain:
        plain["pdf"] = not plain.pop("no_pdf")
    return digest(sorted((k, repr(v)) for k, v in plain.items()))


def shared_digest(root: Path, dirs: list[Path], logo: str | None) -> str:
    """Every shared input file at once: workbook.yml, content/, templates, the logo, the tool."""
    files = [("workbook.yml", root / "workbook.yml")]
    files += [(f"content/{n}", p) for n, p in files_under(root / "content")]
    for i, folder in enumerate(dirs):
        files += [(f"templates{i}/{n}", p) for n, p in files_under(folder)]
    if logo:
        files.append(("logo", root / logo))
    return digest(tool_digest(), tree_digest(files))


def quick_digest(
    shared: str, options: str, today: dt.date, root: Path, cid: str, path: Path
) -> str:
    """All of one client's inputs, from bytes alone: shared files, profile, answers, options."""
    answers = files_under(root / "clients" / f"{cid}.answers")
    return digest(shared, options, today, tree_digest([("profile", path)]), tree_digest(answers))


def _index(out: Path) -> Path:
    return out / cache.CACHE_DIR / "index.json"


def folders(folder: Path, files: Any) -> dict[str, list[int]]:
    """Inode and modification time of a client's folder and of each folder holding its files.

    A swap gives the client's folder a new inode, and adding, removing or
    renaming a file changes its folder's time, so these notice a torn build
    or a deleted page without a look at every file (and without listing any).
    """
    names = {"."} | {os.path.dirname(rel) or "." for rel in files}
    found: dict[str, list[int]] = {}
    for rel in sorted(names):
        st = os.stat(folder / rel)
        found[rel] = [st.st_ino, st.st_mtime_ns]
    return found


def read_index(out: Path) -> tuple[str, dict[str, Any]]:
    """The recorded clean ``shared`` digest and the clients' entries ("" and {} if none)."""
    try:
        data = json.loads(_index(out).read_bytes())
        if data.get("format") != cache.FORMAT or not isinstance(data.get("clients"), dict):
            return "", {}
        return str(data["shared"]), data["clients"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "", {}


def write_index(
    out: Path, shared: str, fresh: dict[str, tuple[str, dict[str, list[int]]]], keep: set[str]
) -> None:
    """Record the clean shared digest, and each client known to be up to date.

    ``fresh`` maps the clients just built or found unchanged to their quick
    digests and folder identities (looked at after their build); ``keep`` names
    clients this build did not touch, whose previous entries are kept exactly
    as they were (never refreshed, which could hide a torn folder).
    """
    _, old = read_index(out)
    entries = {cid: old[cid] for cid in sorted(keep) if cid in old}
    for cid, (quick, found) in sorted(fresh.items()):
        entries[cid] = {"quick": quick, "folders": found}
    text = json.dumps({"format": cache.FORMAT, "shared": shared, "clients": entries}) + "\n"
    writer.write_file(_index(out), text.encode("utf-8"))


def forget_index(out: Path) -> None:
    _index(out).unlink(missing_ok=True)


def _light_settings(root: Path) -> tuple[str, str, str | None] | None:
    """``output``, ``coach_output`` and the logo from workbook.yml, read loosely.

    The strict reader needs the whole schema; here a plain safe load will do,
    because a wrong answer can only make the check miss (another folder, another
    digest) and so fall back to a full build.
    """
    import yaml

    path = root / "workbook.yml"
    if not path.exists():
        return "site", "coach", None
    if not path.is_file():  # a named pipe, say: the full build says what is wrong
        return None
    try:
        data = yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return None
    if data is None:
        return "site", "coach", None
    if not isinstance(data, dict):
        return None
    firm = data.get("firm") or {}
    logo = firm.get("logo") if isinstance(firm, dict) else None
    output, coach = data.get("output") or "site", data.get("coach_output") or "coach"
    if not all(isinstance(v, str) for v in (output, coach)) or not isinstance(logo, str | None):
        return None
    return output, coach, logo


def all_unchanged(
    root: Path,
    values: Mapping[str, Any],
    clients: tuple[str, ...],
    out: Path | None,
    edition: str,
    today: dt.date | None,
) -> list[str] | None:
    """The client ids, when every one of them is up to date; else None (build properly)."""
    root = root.resolve()
    light = _light_settings(root)
    if light is None:
        return None
    output, coach, logo = light
    if out is None:
        out = root / (coach if edition == "coach" else output)
    out = out.resolve()
    shared, index = read_index(out)
    if not shared or shared != shared_digest(root, template_dirs(root), logo):
        return None
    folder = root / "clients"
    files = sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yml", ".yaml"))
    stems = {p.stem: p for p in files}
    if len({s.lower() for s in stems}) != len(files) or any(s not in index for s in stems):
        return None  # a new, renamed, duplicated or never-built profile: check it properly
    if any(c not in stems for c in clients):
        return None
    key = options_key(values)
    day = build_date(today)
    ids = list(dict.fromkeys(clients)) if clients else sorted(stems)
    for cid in ids:
        quick = quick_digest(shared, key, day, root, cid, stems[cid])
        if not entry_matches(out / cid, index[cid], quick):
            return None
    return ids


def entry_matches(folder: Path, entry: Any, quick: str) -> bool:
    """The index says this client's folder was built from exactly these inputs, untouched since."""
    return (
        isinstance(entry, dict)
        and bool(quick)
        and entry.get("quick") == quick
        and _same_folders(folder, entry.get("folders"))
    )


def _same_folders(folder: Path, recorded: Any) -> bool:
    """Each recorded folder still has its inode and time (a new folder changes its parent's)."""
    if not isinstance(recorded, dict) or "." not in recorded:
        return False
    base = os.fspath(folder) + os.sep
    for rel, fp in recorded.items():
        try:
            st = os.stat(base + rel)
        except OSError:
            return False
        if [st.st_ino, st.st_mtime_ns] != fp:
            return False
    return True
