"""Data derived from the tool's own files, kept between runs in the user's cache.

Babel's ``.po`` parser costs more than rendering a page, and a rebuild of one
client reads three catalogs. What they compile to (a ``.mo`` image, a list of
message ids) is kept here under the digest of what it was made from, so a later
run reads it in a millisecond. Entries are data, never code (gettext's own
reader and ``json`` read them), in the user's 0700 cache folder, never in a
project; each is sealed with an HMAC under the per-user key and checked before
use, so a planted or altered entry is ignored and made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from workbook.load.userdirs import private_folder, user_cache_home, user_key

TAG_BYTES = 32


def private_store(home: Path, name: str) -> tuple[Path, bytes] | None:
    """``home/name`` (mode 0700) and the per-user key kept in ``home``, or None where
    entries cannot be kept safely (a folder someone else can write to, no key)."""
    base = private_folder(home)
    folder = private_folder(home / name) if base is not None else None
    key = user_key(home) if base is not None else None
    if folder is None or key is None:
        return None
    return folder, key


def read_sealed(path: Path, key: bytes, label: str) -> bytes | None:
    """The payload of a sealed entry, or None when it is missing or its seal does not hold
    (the seal covers ``label`` too, so an entry cannot be passed off under another name)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    tag, payload = raw[:TAG_BYTES], raw[TAG_BYTES:]
    if len(tag) == TAG_BYTES and hmac.compare_digest(tag, _tag(key, label, payload)):
        return payload
    return None


def write_sealed(path: Path, key: bytes, label: str, payload: bytes) -> None:
    """Seal and write an entry atomically; a full or read-only cache only costs time."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(_tag(key, label, payload) + payload)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


@lru_cache(maxsize=4)
def _store(home: Path) -> tuple[Path, bytes] | None:
    return private_store(home, "kept")


def remembered(kind: str, source: str, make: Callable[[], bytes]) -> bytes:
    """``make()``, or what it returned before for the same ``kind`` and ``source``.

    ``source`` must name everything the result depends on (the inputs' digests and the
    version of the code that makes it): an entry is found by it, never checked against it.
    """
    store = _store(user_cache_home())
    if store is None:
        return make()
    folder, key = store
    name = hashlib.sha256(f"{kind}\0{source}".encode()).hexdigest()
    path = folder / f"{name}.{kind}"
    payload = read_sealed(path, key, name)
    if payload is None:
        payload = make()
        write_sealed(path, key, name, payload)
    return payload


def _tag(key: bytes, label: str, payload: bytes) -> bytes:
    return hmac.new(key, label.encode("utf-8") + b"\0" + payload, hashlib.sha256).digest()
