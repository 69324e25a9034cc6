"""Encrypting a client's files: a named step after rendering, one file at a time.

Every page becomes a small shell (``templates/locked.html``: a generic title,
the ciphertext, and ``assets/decrypt.js``, which asks for the passphrase and
shows the page). Every PDF gets an AES-256 password. ``assets/`` (the same
for every client: styles, scripts, the firm's logo) stays in clear; anything
else (``calendar.ics``, data files) is left out unless the coach asks for it.

A :class:`SiteSeal` holds one site's salt and derives its key at most once,
and only when a file must actually be encrypted: an unchanged build renders
nothing, so it derives nothing. No key, no check value and no fingerprint is
written under the output; the build keeps the salt and a check of the key in
its own records (``build/cache.py``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from workbook.load import catalogs
from workbook.outputs import crypto
from workbook.render import i18n, templating
from workbook.render.direction import text_direction

SHELL = "locked.html"


@dataclass
class SiteSeal:
    """One encrypted site in one build: its passphrase, salt and (lazily) key."""

    passphrase: str
    salt: bytes
    shell: jinja2.Template
    lang: str  # the firm's language: the shell tells nothing of the client
    keep_clear: frozenset[str] = frozenset()
    left_out: list[str] = field(default_factory=list)
    _key: bytes | None = None
    reader: str = "client"  # who opens it: "client" (a workbook) or "coach" (the desk)
    project: Path | None = None  # where the firm's own catalogs are (translations/)

    @property
    def key(self) -> bytes:
        """The AES key, derived from the passphrase the first time a file needs it."""
        if self._key is None:
            self._key = crypto.derive_key(self.passphrase, self.salt)
        return self._key

    def check(self) -> str:
        """A value that tells, with the passphrase, whether it is still this site's."""
        return crypto.mac(self.key, b"key check")

    def published(self, path: str) -> bool:
        """Whether ``path`` goes into the encrypted site at all."""
        return (
            path.startswith("assets/")
            or path in self.keep_clear
            or path.endswith((".html", ".pdf"))
        )

    def clear(self, path: str) -> bool:
        return path.startswith("assets/") or path in self.keep_clear

    def seal(self, path: str, data: bytes) -> bytes:
        """The file as published: a shell for a page, a password for a PDF, else as it is."""
        if self.clear(path):
            return data
        if path.endswith(".pdf"):
            return crypto.encrypt_pdf(data, self.passphrase)
        nonce, ciphertext = crypto.seal(self.key, data, path.encode("utf-8"))
        context: dict[str, Any] = {
            "root": "../" * path.count("/"),
            "lang": self.lang,
            "dir": text_direction(self.lang),
            "page": path,
            "kdf": "PBKDF2-SHA256",
            "iterations": crypto.ITERATIONS,
            "salt": crypto.b64(self.salt),
            "nonce": crypto.b64(nonce),
            "ciphertext": crypto.b64(ciphertext),
            "reader": self.reader,
            "strings": catalogs.script_messages("decrypt.js", self.lang, self.project),
            **i18n.jinja_callables(catalogs.translations(self.lang, self.project)),
        }
        return templating.render_capped(self.shell, context).encode("utf-8")


def plain_digest(data: bytes) -> str:
    """What a sealed file's plaintext was, to keep its ciphertext while it stays the same."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def open_page(shell: bytes, passphrase: str) -> bytes:
    """Decrypt a shell back to its page, as the browser does (for tests and for the coach)."""
    text = shell.decode("utf-8")
    attrs = dict(re.findall(r'data-(salt|nonce|ciphertext|page|iterations)="([^"]*)"', text))
    key = crypto.derive_key(passphrase, crypto.unb64(attrs["salt"]), int(attrs["iterations"]))
    return crypto.unseal(
        key, crypto.unb64(attrs["nonce"]), crypto.unb64(attrs["ciphertext"]), attrs["page"].encode()
    )
