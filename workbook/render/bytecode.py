"""Compiled templates kept between runs, in a per-user folder, each entry authenticated.

Jinja's compiled templates are code (``marshal``), and loading them runs it.
A project arrives by git or zip with whatever hidden folders it carries, so
they are never kept in (or read from) the project: they live in the user's
own cache folder (``$XDG_CACHE_HOME/workbook/jinja``, else
``~/.cache/workbook/jinja``; ``WORKBOOK_CACHE_HOME`` overrides the base),
made with mode 0700 and refused if anyone else can write to it. Every entry
carries an HMAC-SHA256 under a per-user key (``key``, mode 0600, in the same
folder), checked before a byte of it is unmarshalled: a planted or altered
file is ignored and replaced, never loaded.
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from workbook.load.kept import private_store, read_sealed, write_sealed
from workbook.load.userdirs import user_cache_home


@functools.cache
def code_version() -> str:
    """What compiled code depends on besides a template's source: Jinja, and our own
    compiler and loaders (a new version of either must not load older code)."""
    h = hashlib.sha256(jinja2.__version__.encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


class AuthenticatedCache(jinja2.BytecodeCache):
    """Jinja's bytecode cache, each entry sealed with an HMAC under the user's key."""

    def __init__(self, folder: Path, key: bytes, salt: str = "") -> None:
        self.folder = folder
        self.key = key
        self.salt = salt  # tells apart environments that compile the same source differently

    def with_salt(self, salt: str) -> AuthenticatedCache:
        return AuthenticatedCache(self.folder, self.key, self.salt + salt)

    def _path(self, bucket: Bucket) -> Path:
        name = hashlib.sha256(f"{code_version()}{self.salt}\0{bucket.key}".encode()).hexdigest()
        return self.folder / f"{name}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        payload = read_sealed(self._path(bucket), self.key, bucket.key)
        if payload is not None:
            bucket.load_bytecode(io.BytesIO(payload))

    def dump_bytecode(self, bucket: Bucket) -> None:
        buffer = io.BytesIO()
        bucket.write_bytecode(buffer)
        write_sealed(self._path(bucket), self.key, bucket.key, buffer.getvalue())


def bytecode_cache() -> AuthenticatedCache | None:
    """The user's authenticated template cache, or None where one cannot be kept safely."""
    store = private_store(user_cache_home(), "jinja")
    return AuthenticatedCache(*store) if store is not None else None
