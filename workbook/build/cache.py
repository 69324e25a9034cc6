"""The build's one record: what each client's output files were made from, kept outside the output.

``.workbook/cache/<slot>/`` in the project (``<slot>`` names the output
folder: ``site``, ``coach``, or ``out-<hash>`` for ``--out`` elsewhere) holds
one JSON file per client and an index, all in one format. A client's record
says which folder its site is published in, and for every task (a page, an
asset, a pack) what its rendering read — each input's name and digest — and
a fingerprint of each file it wrote (size, modification time, inode). A task
renders again when one of its inputs moved or one of its files is not the one
recorded; otherwise its files are carried into the new folder. Nothing of the
cache is under the output folder, so ``site/`` can be uploaded whole.

Crash safety, in order: the client's folder is built beside it and swapped
in, then the record is replaced atomically. A crash before the swap leaves
folder and record as they were; a crash after the swap and before the record
leaves files the old record does not recognise (their inodes and times
differ), so those tasks render again: a torn state costs a rebuild, never a
stale page. A record that cannot be read is no record: everything renders.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook.build import writer
from workbook.errors import WorkbookError

FORMAT = "workbook-cache/2"
CACHE = Path(".workbook") / "cache"

Fingerprint = tuple[int, int, int]
# An exercise's field keys and rating sizes as a client's pages count them, with what
# personalising it read: a summary page reuses them while those reads hold, instead of
# personalising every exercise again (``ClientWork.counted``).
Counted = tuple[dict[str, str], list[str], dict[str, int]]


@dataclass
class TaskRecord:
    """One task: what its rendering read, and the files it wrote."""

    reads: dict[str, str]
    files: dict[str, Fingerprint] = field(default_factory=dict)
    plain: dict[str, str] = field(default_factory=dict)  # sealed sites: each file's plaintext


@dataclass
class SealRecord:
    """An encrypted client's site: its salt, a check of its key, the passphrase's fingerprint."""

    salt: str
    check: str
    fingerprint: str = ""


@dataclass
class ClientRecord:
    """Everything the cache knows of one client's published folder."""

    client: str
    folder: str
    quick: str = ""
    tasks: dict[str, TaskRecord] = field(default_factory=dict)
    sealed: SealRecord | None = None
    counted: dict[str, Counted] = field(default_factory=dict)

    def files(self) -> list[str]:
        return [rel for t in self.tasks.values() for rel in t.files]


def fingerprint(path: Path) -> Fingerprint | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def intact(folder: Path, record: ClientRecord | None) -> dict[str, TaskRecord]:
    """The tasks whose every file is still exactly the file that was recorded."""
    if record is None:
        return {}
    base = os.fspath(folder) + os.sep  # plain strings: this runs for every file on a no-op
    found = {}
    for key, task in record.tasks.items():
        for rel, fp in task.files.items():
            try:
                st = os.stat(base + rel, follow_symlinks=False)
            except OSError:
                break
            if (st.st_size, st.st_mtime_ns, st.st_ino) != fp:
                break
        else:
            found[key] = task
    return found


def slot(root: Path, out: Path) -> str:
    """The cache folder's name for an output folder."""
    try:
        rel = out.resolve().relative_to(root.resolve())
    except ValueError:
        rel = None
    if rel is not None and rel.parts and all(p not in ("..", ".workbook") for p in rel.parts):
        return "-".join(rel.parts)
    return "out-" + hashlib.sha256(os.fspath(out.resolve()).encode()).hexdigest()[:12]


class Cache:
    """The records of one output folder."""

    def __init__(self, root: Path, out: Path, edition: str) -> None:
        self.root = root.resolve()
        self.out = out.resolve()
        self.edition = edition
        self.folder = self.root / CACHE / slot(root, out)

    def _client_path(self, cid: str) -> Path:
        return self.folder / "clients" / f"{cid}.json"

    # ---- client records --------------------------------------------------------------------

    def load(self, cid: str) -> ClientRecord | None:
        """The client's record, or None when there is none or it cannot be trusted."""
        try:
            data = json.loads(self._client_path(cid).read_bytes())
            if data.get("format") != FORMAT or data.get("client") != cid:
                return None
            tasks = {
                str(key): TaskRecord(
                    {str(n): str(d) for n, d in t["reads"].items()},
                    {str(r): (int(f[0]), int(f[1]), int(f[2])) for r, f in t["files"].items()},
                    {str(r): str(d) for r, d in t.get("plain", {}).items()},
                )
                for key, t in data["tasks"].items()
            }
            sealed = data.get("sealed")
            seal = (
                SealRecord(str(sealed["salt"]), str(sealed["check"]), str(sealed["fingerprint"]))
                if sealed
                else None
            )
            folder = str(data["folder"])
            if not folder or "/" in folder or folder.startswith("."):
                return None
            counted = {
                str(eid): (
                    {str(n): str(d) for n, d in c["reads"].items()},
                    [str(k) for k in c["keys"]],
                    {str(k): int(n) for k, n in c["items"].items()},
                )
                for eid, c in data.get("counted", {}).items()
            }
            return ClientRecord(cid, folder, str(data.get("quick", "")), tasks, seal, counted)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None

    def save(self, record: ClientRecord) -> None:
        """Replace the client's record atomically."""
        data: dict[str, Any] = {
            "format": FORMAT,
            "client": record.client,
            "folder": record.folder,
            "edition": self.edition,
            "quick": record.quick,
            "sealed": None
            if record.sealed is None
            else {
                "salt": record.sealed.salt,
                "check": record.sealed.check,
                "fingerprint": record.sealed.fingerprint,
            },
            "tasks": {
                key: {
                    "reads": dict(sorted(t.reads.items())),
                    "files": {rel: list(f) for rel, f in sorted(t.files.items())},
                    **({"plain": dict(sorted(t.plain.items()))} if t.plain else {}),
                }
                for key, t in sorted(record.tasks.items())
            },
            "counted": {
                eid: {"reads": dict(sorted(reads.items())), "keys": keys, "items": items}
                for eid, (reads, keys, items) in sorted(record.counted.items())
            },
        }
        text = json.dumps(data, separators=(",", ":")) + "\n"
        writer.write_file(self._client_path(record.client), text.encode("utf-8"))

    def remove(self, cid: str) -> None:
        self._client_path(cid).unlink(missing_ok=True)

    def recorded(self) -> dict[str, str]:
        """Every client with a record, and the folder its site is published in."""
        found = {}
        folder = self.folder / "clients"
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                record = self.load(path.stem)
                if record is not None:
                    found[record.client] = record.folder
        return found

    # ---- the index: the no-op check --------------------------------------------------------

    def read_index(self) -> tuple[str, dict[str, Any]]:
        """The recorded clean shared digest and the clients' entries ("" and {} if none)."""
        try:
            data = json.loads((self.folder / "index.json").read_bytes())
            if (
                data.get("format") != FORMAT
                or data.get("output") != os.fspath(self.out)
                or not isinstance(data.get("clients"), dict)
            ):
                return "", {}
            return str(data["shared"]), data["clients"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return "", {}

    def recorded_edition(self) -> str | None:
        """The edition this output folder was last built with, if the index says."""
        try:
            data = json.loads((self.folder / "index.json").read_bytes())
            edition = data.get("edition")
            return edition if isinstance(edition, str) else None
        except (OSError, ValueError, AttributeError):
            return None

    def write_index(self, shared: str, entries: dict[str, Any]) -> None:
        data = {
            "format": FORMAT,
            "output": os.fspath(self.out),
            "edition": self.edition,
            "shared": shared,
            "clients": dict(sorted(entries.items())),
        }
        writer.write_file(self.folder / "index.json", (json.dumps(data) + "\n").encode("utf-8"))

    def forget_index(self) -> None:
        (self.folder / "index.json").unlink(missing_ok=True)

    def temporary(self, name: str) -> Path:
        """A scratch file beside the records (never under the output)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f".{name}.{os.getpid()}.tmp"

    def clean_temporary(self) -> None:
        """Remove scratch files an interrupted build left."""
        if self.folder.is_dir():
            for path in self.folder.glob(".*.tmp"):
                path.unlink(missing_ok=True)


def cache_error(path: Path, exc: OSError) -> WorkbookError:
    return WorkbookError(
        f"{path}: could not record the build ({exc.strerror or exc}) — "
        "the output is written; the next build checks everything again"
    )
