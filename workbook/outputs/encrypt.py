"""Encrypting one client's built files: a post-processing step on ``path → bytes``.

Every page becomes a small shell (``templates/locked.html``: a generic title,
the ciphertext, and ``assets/decrypt.js``, which asks for the passphrase and
shows the page). Every PDF gets an AES-256 password. ``assets/`` (the same for
every client: styles, scripts, the firm's logo) stays in clear; anything else
(``calendar.ics``, data files) is left out unless the coach asks for it.

Unchanged builds stay unchanged although nonces are random: the site's salt
is kept in ``.encryption.json`` beside the pages with a keyed fingerprint
(HMAC) of each page's plaintext, and a page whose fingerprint has not changed
keeps its previous ciphertext. The fingerprints reveal nothing without the key.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from workbook.errors import Problem, SourceLocation
from workbook.load.job import BuildContext, ClientJob
from workbook.models import Client, Settings
from workbook.outputs import crypto
from workbook.render import templating

MANIFEST = ".encryption.json"
FORMAT = "workbook-encryption/1"
SHELL = "locked.html"


@dataclass(frozen=True)
class Sealed:
    """One client's encrypted files, and what was left out of them."""

    files: dict[str, bytes]
    left_out: tuple[str, ...]


@dataclass
class Encryptor:
    """Which clients a build encrypts, with which passphrase, into which folder.

    A client is encrypted with ``--encrypt``, or when its profile (else
    ``workbook.yml``) says ``encrypt: true``. Passphrases are read only when a
    client needs one, so a build that encrypts nothing needs none.
    """

    settings: Settings
    project: Path
    out: Path
    forced: bool = False
    passphrase_file: Path | None = None
    opaque: bool = False
    keep_clear: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)
    _passphrases: crypto.Passphrases | None = None

    def wanted(self, client: Client) -> bool:
        if self.forced:
            return True
        return client.encrypt if client.encrypt is not None else self.settings.encrypt

    def passphrase(self, client_id: str) -> str:
        if self._passphrases is None:
            self._passphrases = crypto.Passphrases.load(
                self.passphrase_file, self.project, self.out
            )
        value = self._passphrases.get(client_id)
        self.notes += self._passphrases.created
        self._passphrases.created.clear()
        return value

    def folder(self, client_id: str) -> str:
        """The client's folder: its id, or with ``--opaque-folders`` a name not derived from it."""
        if not self.opaque:
            return client_id
        passphrase = self.passphrase(client_id)
        return crypto.folder_name(passphrase, self.settings.firm.id, client_id)

    def known_folders(self, client_ids: set[str]) -> set[str]:
        """Opaque folders of these clients (where a passphrase exists), kept by ``--prune``."""
        if not self.opaque or (self._passphrases is None and self.passphrase_file is None):
            return set()
        if self._passphrases is None:
            self._passphrases = crypto.Passphrases.load(
                self.passphrase_file, self.project, self.out
            )
        found = set()
        for cid in client_ids:
            value = self._passphrases.per_client.get(cid, self._passphrases.shared)
            if value is not None:
                found.add(crypto.folder_name(value, self.settings.firm.id, cid))
        return found

    def protect(
        self, ctx: BuildContext, job: ClientJob, files: dict[str, bytes], folder: str
    ) -> tuple[dict[str, bytes] | None, list[Problem]]:
        """The client's files as published: pages and packs encrypted, the rest left out."""
        cid = job.client.id
        previous = self.out / folder
        sealed, problems = seal_files(
            ctx,
            files,
            passphrase=self.passphrase(cid),
            previous=previous if previous.is_dir() else None,
            lang=job.language,
            keep_clear=self.keep_clear,
        )
        if sealed is None:
            return None, problems
        where = f"{self.out.name}/{folder}/"
        self.notes.append(f"{cid}: encrypted, in {where}")
        if sealed.left_out:
            self.notes.append(
                f"{cid}: left out of the encrypted site: {', '.join(sealed.left_out)} "
                "(publish one in clear with --unencrypted NAME)"
            )
        return sealed.files, []


def _previous(folder: Path | None, passphrase: str) -> tuple[bytes, bytes, dict[str, str]] | None:
    """The previous build's salt, key and fingerprints, if its passphrase is still this one."""
    if folder is None or not (folder / MANIFEST).is_file():
        return None
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("iterations") != crypto.ITERATIONS:
            return None
        salt = crypto.unb64(data["salt"])
        files = {str(k): str(v) for k, v in dict(data["files"]).items()}
        check = str(data["check"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # unreadable: start afresh with a new salt
    key = crypto.derive_key(passphrase, salt)
    if crypto.mac(key, b"key check") != check:
        return None  # a new passphrase: a new salt, every page encrypted again
    return salt, key, files


def seal_files(
    ctx: BuildContext,
    files: dict[str, bytes],
    *,
    passphrase: str,
    previous: Path | None,
    lang: str,
    keep_clear: frozenset[str] = frozenset(),
) -> tuple[Sealed | None, list[Problem]]:
    """Encrypt one client's files; ``previous`` is the client's current output folder."""
    try:
        template = ctx.template(SHELL)
        shell_source = template.environment.loader.get_source(  # type: ignore[union-attr]
            template.environment, SHELL
        )[0]
    except jinja2.TemplateError as exc:
        return None, [templating.template_problem(exc, _shell_path(ctx))]
    version = hashlib.sha256(shell_source.encode("utf-8")).digest()
    before = _previous(previous, passphrase)
    if before is None:
        salt = os.urandom(crypto.SALT_BYTES)
        key, old = crypto.derive_key(passphrase, salt), {}
    else:
        salt, key, old = before
    out: dict[str, bytes] = {}
    fingerprints: dict[str, str] = {}
    left_out: list[str] = []
    for path, data in sorted(files.items()):
        if path.startswith("assets/") or path in keep_clear:
            out[path] = data
            continue
        if not path.endswith((".html", ".pdf")):
            left_out.append(path)
            continue
        fingerprint = crypto.mac(key, version, path.encode("utf-8"), data)
        fingerprints[path] = fingerprint
        kept = previous / path if previous is not None else None
        if old.get(path) == fingerprint and kept is not None and kept.is_file():
            out[path] = kept.read_bytes()
        elif path.endswith(".pdf"):
            out[path] = crypto.encrypt_pdf(data, passphrase)
        else:
            try:
                out[path] = _shell(template, key, salt, path, data, lang)
            except jinja2.TemplateError as exc:
                return None, [templating.template_problem(exc, _shell_path(ctx))]
    # a --stage build carries the other pages over: keep their fingerprints too
    for path, fingerprint in old.items():
        fingerprints.setdefault(path, fingerprint)
    manifest = {
        "format": FORMAT,
        "kdf": "PBKDF2-SHA256",
        "iterations": crypto.ITERATIONS,
        "salt": crypto.b64(salt),
        "check": crypto.mac(key, b"key check"),
        "files": dict(sorted(fingerprints.items())),
    }
    out[MANIFEST] = (json.dumps(manifest, indent=1) + "\n").encode("utf-8")
    return Sealed(out, tuple(left_out)), []


def _shell(
    template: jinja2.Template, key: bytes, salt: bytes, path: str, page: bytes, lang: str
) -> bytes:
    """The page as the world sees it: no client data, only the ciphertext."""
    nonce, ciphertext = crypto.seal(key, page, path.encode("utf-8"))
    context: dict[str, Any] = {
        "root": "../" * path.count("/"),
        "lang": lang,
        "page": path,
        "kdf": "PBKDF2-SHA256",
        "iterations": crypto.ITERATIONS,
        "salt": crypto.b64(salt),
        "nonce": crypto.b64(nonce),
        "ciphertext": crypto.b64(ciphertext),
    }
    return templating.render_capped(template, context).encode("utf-8")


def open_page(shell: bytes, passphrase: str) -> bytes:
    """Decrypt a shell back to its page, as the browser does (for tests and for the coach)."""
    import re

    text = shell.decode("utf-8")
    attrs = dict(re.findall(r'data-(salt|nonce|ciphertext|page|iterations)="([^"]*)"', text))
    key = crypto.derive_key(passphrase, crypto.unb64(attrs["salt"]), int(attrs["iterations"]))
    return crypto.unseal(
        key, crypto.unb64(attrs["nonce"]), crypto.unb64(attrs["ciphertext"]), attrs["page"].encode()
    )


def _shell_path(ctx: BuildContext) -> Path:
    for folder in ctx.template_dirs:
        if (folder / SHELL).is_file():
            return folder / SHELL
    return SourceLocation(Path("templates") / SHELL).path
