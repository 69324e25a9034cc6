"""The no-op check: is every client's output already built from exactly today's inputs?

A rebuild with nothing to do should cost a glance, not a build. This module
answers from bytes and one small index, without parsing a profile, an
exercise or a template (it imports neither Jinja, nor Markdown, nor the
profile schema):

* ``shared`` digests every shared input file (workbook.yml, content/, the
  templates, the logo) with the tool's own code;
* each client's ``quick`` digest adds its profile's bytes, its answers
  files, the options that shape output, the build date, and a keyed
  fingerprint of the passphrases when there are any;
* the index (``.workbook/cache/<slot>/index.json``, written after a build
  whose shared content had no problems at all) keeps the ``shared`` digest
  and, per client, its ``quick`` digest and the identity (inode,
  modification time) of each folder of its output.

A client folder swapped in by a build that crashed before writing the index
has a new inode, so it does not match: the build takes its full path, which
checks every task against the client's record and re-renders only what
changed. Anything unexpected here means "build".
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workbook import __version__
from workbook.build import desk_record
from workbook.build.cache import Cache
from workbook.build.options import BuildOptions, output_options
from workbook.digests import bytes_digest, digest
from workbook.load.defaults import templates as default_templates
from workbook.load.environ import build_date
from workbook.load.userdirs import private_folder, user_cache_home, user_key

# Libraries whose new versions may write different bytes.
SHAPING = ("Jinja2", "markdown-it-py", "mdit-py-plugins", "weasyprint", "pypdf", "pydyf")


@functools.cache
def tool_digest() -> str:
    """The version and the code of the tool itself, and of the libraries that shape output."""
    package = Path(__file__).resolve().parent.parent
    # its code, and the catalogs of its own words (read at run time, never compiled)
    sources = sorted([*package.rglob("*.py"), *(package / "locale").rglob("*.po*")])
    return digest(
        __version__,
        shaping_versions(),
        tree_digest((p.relative_to(package).as_posix(), p) for p in sources),
    )


def _normal(name: str) -> str:
    """A distribution's name as ``.dist-info`` folders spell it (PEP 503, then ``_``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def shaping_versions() -> list[tuple[str, str]]:
    """Each of SHAPING with its installed version ("" when absent), as importlib.metadata
    gives it: read from the first ``.dist-info`` on sys.path, because importing
    importlib.metadata costs more (20 ms) than the rest of the check. Anything else
    (an ``.egg-info``, a folder without METADATA) is asked of importlib.metadata."""
    wanted = {_normal(name): name for name in SHAPING}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for fname in names:
            stem, _, ext = fname.rpartition(".")
            if ext not in ("dist-info", "egg-info", "egg"):
                continue
            key = _normal(stem.partition("-")[0])
            if key not in wanted or wanted[key] in found:
                continue
            version = _metadata_version(Path(entry or ".", fname)) if ext == "dist-info" else None
            found[wanted[key]] = version if version is not None else _slow_version(wanted[key])
    return [(name, found.get(name, "")) for name in SHAPING]


def _metadata_version(folder: Path) -> str | None:
    """The ``Version:`` of a ``.dist-info`` folder's METADATA (None when it cannot be read)."""
    try:
        with open(folder / "METADATA", encoding="utf-8") as metadata:
            for line in metadata:
                if line.startswith("Version:"):
                    return line[len("Version:") :].strip()
                if not line.strip():
                    break  # the headers end at the first blank line
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _slow_version(name: str) -> str:
    import importlib.metadata  # only for an install that is not a plain .dist-info

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""


def files_under(folder: Path) -> list[tuple[str, Path]]:
    """Every regular file under ``folder`` (hidden names skipped), sorted, as (name, path)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        found.append((rel.as_posix(), path))
    return sorted(found)


def tree_digest(paths: Iterable[tuple[str, Path]]) -> str:
    """Names and bytes of many files, in the order given."""
    h = hashlib.blake2b(digest_size=16)
    for name, path in paths:
        h.update(name.encode("utf-8") + b"\0")
        try:  # a named pipe in place of a file must not stop the build waiting
            data = path.read_bytes() if path.is_file() else b"\0missing"
        except OSError:
            data = b"\0missing"
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def template_dirs(root: Path) -> list[Path]:
    """The project's templates, then the shipped ones (the order Jinja searches)."""
    return [p for p in (root / "templates", default_templates()) if p.is_dir()]


def options_key(options: BuildOptions) -> str:
    return digest(sorted((k, repr(v)) for k, v in output_options(options).items()))


# The shared digest the no-op check just made (its inputs, the digest), for the build that
# follows it in this process: the files are hashed once per build, not twice.
_checked: list[tuple[tuple[Path, tuple[Path, ...], str | None], str]] = []


def shared_digest(root: Path, dirs: list[Path], logo: str | None, *, reuse: bool = False) -> str:
    """Every shared input file at once: workbook.yml, content/, releases/, translations/,
    templates, the logo, the tool.

    ``reuse``: the no-op check has just hashed these very files (it runs before the
    project is read, so the digest never describes newer files than the build read).
    """
    key = (root, tuple(dirs), logo)
    if reuse and _checked and _checked[0][0] == key:
        return _checked.pop()[1]
    _checked.clear()
    files = [("workbook.yml", root / "workbook.yml")]
    files += [(f"content/{n}", p) for n, p in files_under(root / "content")]
    files += [(f"releases/{n}", p) for n, p in files_under(root / "releases")]
    files += [(f"translations/{n}", p) for n, p in files_under(root / "translations")]
    for i, folder in enumerate(dirs):
        files += [(f"templates{i}/{n}", p) for n, p in files_under(folder)]
    if logo:
        files.append(("logo", root / logo))
    return digest(tool_digest(), tree_digest(files))


DESK_PASSPHRASE = "WORKBOOK_DESK_PASSPHRASE"


def secret_fingerprint(options: BuildOptions) -> str:
    """A keyed fingerprint of the passphrases a build could use, so a new one is noticed.

    Keyed with the per-user secret (``render/bytecode.py``), so the index holds
    nothing a passphrase could be guessed from offline.
    """
    material = os.environ.get("WORKBOOK_PASSPHRASE", "").encode("utf-8")
    if options.passphrase_file is not None:
        try:
            material += b"\0" + options.passphrase_file.expanduser().read_bytes()
        except OSError:
            material += b"\0missing"
    return keyed(material)


def desk_secret() -> str:
    """A keyed fingerprint of the desk's own passphrase (``WORKBOOK_DESK_PASSPHRASE``)."""
    return keyed(os.environ.get(DESK_PASSPHRASE, "").strip().encode("utf-8"))


def keyed(material: bytes) -> str:
    """``material`` fingerprinted with the per-user secret ("" for nothing)."""
    if not material:
        return ""
    home = private_folder(user_cache_home())
    key = user_key(home) if home is not None else None
    if key is None:
        return "unkeyed"  # never matches a recorded one: such builds always check the key
    return hmac.new(key, material, hashlib.sha256).hexdigest()


def quick_digest(
    shared: str, options: str, today: dt.date, root: Path, cid: str, path: Path, secret: str
) -> str:
    """All of one client's inputs, from bytes alone: shared files, profile, answers, options."""
    answers = files_under(root / "clients" / f"{cid}.answers")
    return digest(
        shared, options, today, tree_digest([("profile", path)]), tree_digest(answers), secret
    )


def folders(folder: Path, files: Iterable[str]) -> dict[str, list[int]]:
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


def light_settings(root: Path) -> tuple[str, str, str | None] | None:
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
    except (OSError, yaml.YAMLError, RecursionError):
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


def all_unchanged(root: Path, options: BuildOptions) -> list[str] | None:
    """The client ids, when every one of them is up to date; else None (build properly)."""
    root = root.resolve()
    light = light_settings(root)
    if light is None:
        return None
    output, coach, logo = light
    out = options.out
    if out is None:
        out = root / (coach if options.edition == "coach" else output)
    cache = Cache(root, out, options.edition)
    shared, index = cache.read_index()
    _checked.clear()
    if not shared:
        return None
    dirs = template_dirs(root)
    now = shared_digest(root, dirs, logo)
    _checked.append(((root, tuple(dirs), logo), now))
    if shared != now:
        return None
    folder = root / "clients"
    files = sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yml", ".yaml"))
    stems = {p.stem: p for p in files}
    if len({s.lower() for s in stems}) != len(files) or any(s not in index for s in stems):
        return None  # a new, renamed, duplicated or never-built profile: check it properly
    if any(c not in stems for c in options.clients):
        return None
    key = options_key(options)
    day = build_date(options.today)
    secret = secret_fingerprint(options)
    ids = list(dict.fromkeys(options.clients)) if options.clients else sorted(stems)
    for cid in ids:
        quick = quick_digest(shared, key, day, root, cid, stems[cid], secret)
        entry = index[cid]
        if not entry_matches(cache.out / str(entry.get("folder", cid)), entry, quick):
            return None
    if options.edition == "coach":  # the desk reads every client: is it current too?
        quicks = {c: quick_digest(shared, key, day, root, c, p, "") for c, p in stems.items()}
        if not desk_record.unchanged(
            cache, cache.out, desk_record.desk_quick(shared, quicks, options.coach, desk_secret())
        ):
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


def file_digest(path: Path) -> str:
    try:
        return bytes_digest(path.read_bytes())
    except OSError:
        return ""
