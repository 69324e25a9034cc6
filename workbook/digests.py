"""Stable digests of plain data and of bytes: the currency of the build's records."""

from __future__ import annotations

import hashlib
from typing import Any


def digest(*parts: Any) -> str:
    """A stable digest of plain data (text, numbers, dates, dicts, lists, tuples).

    ``repr`` of plain data is deterministic across processes as long as no set
    is involved, and several times faster than a canonical JSON dump.
    """
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def bytes_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
