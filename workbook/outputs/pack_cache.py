"""Skipping packs whose inputs have not changed: a pack is keyed by a hash of its inputs.

A pack's PDF is a function of (1) its HTML (which holds the client's profile,
answers, the exercises and the template's output), (2) every asset file the
render fetched (stylesheets, logo, images), and (3) the versions of workbook
and WeasyPrint and the render options. :func:`pack_key` hashes (1) and (3);
the fetched assets are recorded with their hashes, since which files a pack
loads is only known once it has been rendered.

The record is kept in the output, ``packs/.inputs.json``, beside the PDFs it
describes: a rebuild reads it from the previous output, and a pack whose key
matches and whose recorded assets still hash the same is carried over
unrendered. This is deliberately one small class, so the project's one build
cache can absorb it: ``lookup`` and ``record`` are its whole interface.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workbook import __version__

MANIFEST = "packs/.inputs.json"
FORMAT = "workbook-pack-inputs/1"


def pack_key(html: str, options: dict[str, object]) -> str:
    """SHA-256 of a pack's HTML, the render options and the tool versions."""
    from weasyprint import __version__ as weasyprint_version

    h = hashlib.sha256()
    h.update(f"workbook {__version__}\0weasyprint {weasyprint_version}\0".encode())
    h.update(json.dumps(options, sort_keys=True).encode())
    h.update(b"\0")
    h.update(html.encode("utf-8"))
    return h.hexdigest()


@dataclass
class PackCache:
    """The previous output's pack records, and the records of this build."""

    folder: Path | None  # the client's previous output folder, if any
    previous: dict[str, dict[str, object]] = field(default_factory=dict)
    records: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path | None) -> PackCache:
        """Read ``packs/.inputs.json`` of a client's previous output (missing or bad: empty)."""
        cache = cls(folder)
        if folder is None:
            return cache
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cache
        if isinstance(data, dict) and data.get("format") == FORMAT:
            packs = data.get("packs")
            if isinstance(packs, dict):
                cache.previous = {k: v for k, v in packs.items() if isinstance(v, dict)}
        return cache

    def lookup(self, name: str, key: str, digest: Callable[[str], str | None]) -> bytes | None:
        """The previous PDF of ``name`` if its key and every asset it fetched are unchanged.

        ``digest`` gives the current hash of an asset URL (None when it is gone).
        """
        entry = self.previous.get(name)
        if self.folder is None or entry is None or entry.get("key") != key:
            return None
        assets = entry.get("assets")
        if not isinstance(assets, dict) or any(digest(a) != h for a, h in assets.items()):
            return None
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != entry.get("pdf"):
            return None
        self.records[name] = entry
        return data

    def record(self, name: str, key: str, assets: dict[str, str], pdf: bytes, pages: int) -> None:
        """Remember what this build made ``name`` from."""
        self.records[name] = {
            "key": key,
            "assets": dict(sorted(assets.items())),
            "pdf": hashlib.sha256(pdf).hexdigest(),
            "pages": pages,
        }

    def dump(self) -> bytes:
        """The manifest to write beside the packs."""
        data = {"format": FORMAT, "packs": dict(sorted(self.records.items()))}
        return (json.dumps(data, indent=1) + "\n").encode()
