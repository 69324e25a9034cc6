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


@lru_cache(maxsize=4)
def _store(home: Path) -> tuple[Path, bytes] | None:
    """The folder and key for ``home``, or None where entries cannot be kept safely."""
    base = private_folder(home)
    folder = private_folder(home / "kept") if base is not None else None
    key = user_key(home) if base is not None else None
    if folder is None or key is None:
        return None
    return folder, key


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
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""
    tag, payload = raw[:TAG_BYTES], raw[TAG_BYTES:]
    if len(tag) == TAG_BYTES and hmac.compare_digest(tag, _tag(key, name, payload)):
        return payload
    payload = make()
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(_tag(key, name, payload) + payload)
        os.replace(temp, path)
    except OSError:  # a full or read-only cache only costs the next run the time
        with contextlib.suppress(OSError):
            temp.unlink()
    return payload


def _tag(key: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(key, name.encode() + b"\0" + payload, hashlib.sha256).digest()
