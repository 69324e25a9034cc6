"""Which clients a build encrypts, with which passphrase, into which folder.

A client is encrypted with ``--encrypt``, or when its profile (else
``workbook.yml``) says ``encrypt: true``. Passphrases are read only when a
client needs one, so a build that encrypts nothing needs none. The site's
salt and a check of its key are kept in the client's cache record (outside
the output), with a keyed fingerprint of the passphrase: while the
fingerprint matches, the previous salt and ciphertexts are reused and no key
is derived unless a page changed; when it does not, the key is derived once
and checked, and a new passphrase re-encrypts the whole site.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from workbook.build.cache import ClientRecord, SealRecord
from workbook.errors import UsageProblem
from workbook.load.userdirs import private_folder, user_cache_home, user_key
from workbook.models import Client, Settings
from workbook.outputs import crypto
from workbook.outputs.encrypt import SiteSeal


@dataclass
class Sealing:
    """The build's encryption policy and passphrases (one per build, in every process)."""

    settings: Settings
    project: Path
    out: Path
    forced: bool = False
    passphrase_file: Path | None = None
    opaque: bool = False
    keep_clear: frozenset[str] = frozenset()
    _passphrases: crypto.Passphrases | None = None
    _fingerprint_key: bytes | None = field(default=None, repr=False)

    def wanted(self, client: Client) -> bool:
        if self.forced:
            return True
        return client.encrypt if client.encrypt is not None else self.settings.encrypt

    def passphrases(self) -> crypto.Passphrases:
        if self._passphrases is None:
            self._passphrases = crypto.Passphrases.load(
                self.passphrase_file, self.project, self.out
            )
        return self._passphrases

    def fingerprint(self, passphrase: str) -> str:
        """A keyed fingerprint of a passphrase ("" where no per-user key can be kept)."""
        if self._fingerprint_key is None:
            home = private_folder(user_cache_home())
            self._fingerprint_key = (user_key(home) if home is not None else None) or b""
        if not self._fingerprint_key:
            return ""
        return hmac.new(
            self._fingerprint_key, crypto.normalise(passphrase), hashlib.sha256
        ).hexdigest()

    def open(
        self, client: Client, record: ClientRecord | None, shell: jinja2.Template
    ) -> tuple[ClientSeal, list[str]]:
        """This client's seal: its passphrase, folder and salt; and lines for the coach."""
        found = self.passphrases()
        passphrase = found.get(client.id)
        notes = list(found.created)
        found.created.clear()
        fingerprint = self.fingerprint(passphrase)
        previous = record.sealed if record is not None else None
        same = previous is not None and bool(fingerprint) and previous.fingerprint == fingerprint
        site = SiteSeal(
            passphrase,
            crypto.unb64(previous.salt) if previous is not None else os.urandom(crypto.SALT_BYTES),
            shell,
            self.settings.language,
            self.keep_clear,
            project=self.project,
        )
        if previous is not None and not same:  # derive once: is it still the same passphrase?
            same = site.check() == previous.check
            if not same:
                site = SiteSeal(
                    passphrase, os.urandom(crypto.SALT_BYTES), shell, site.lang, self.keep_clear,
                    project=self.project,
                )  # fmt: skip
        folder = client.id
        if self.opaque:
            folder = (
                record.folder
                if same and record is not None and record.folder != client.id
                else crypto.folder_name(passphrase, self.settings.firm.id, client.id)
            )
        return ClientSeal(site, folder, fingerprint, same, previous), notes

    def for_task(self, cid: str, *, send: bool) -> tuple[TaskSealing, list[str]]:
        """What a cluster worker needs to seal one client: that client's passphrase alone.

        ``send``: look the passphrase up now (a new one is made and saved here,
        never on a worker); else the worker asks for it if the client needs one.
        """
        passphrase, fingerprint, notes = None, "", []
        if send:
            found = self.passphrases()
            passphrase = found.get(cid)
            notes = list(found.created)
            found.created.clear()
            fingerprint = self.fingerprint(passphrase)
        task = TaskSealing(
            self.settings,
            self.project,
            self.out,
            self.forced,
            None,
            self.opaque,
            self.keep_clear,
            client=cid,
            passphrase=passphrase,
            known_fingerprint=fingerprint,
        )
        return task, notes


class PassphraseNeeded(UsageProblem):
    """A cluster worker found that its client is encrypted and was sent no passphrase."""


@dataclass
class TaskSealing(Sealing):
    """One client's share of the build's encryption, sent with that client's task only.

    It holds no passphrase file and no per-user key: the passphrase and its
    keyed fingerprint were looked up by the main process.
    """

    client: str = ""
    passphrase: str | None = field(default=None, repr=False)
    known_fingerprint: str = ""

    def passphrases(self) -> crypto.Passphrases:
        if self.passphrase is None:
            raise PassphraseNeeded(f"{self.client}: encrypted, and no passphrase was sent")
        return crypto.Passphrases(
            per_client={self.client: self.passphrase}, warned={self.client, "*"}
        )

    def fingerprint(self, passphrase: str) -> str:
        return self.known_fingerprint


@dataclass
class ClientSeal:
    """One encrypted client in this build."""

    site: SiteSeal
    folder: str
    fingerprint: str
    same: bool  # the previous site's passphrase and salt still hold: its ciphertexts too
    previous: SealRecord | None

    def record(self) -> SealRecord:
        check = (
            self.previous.check
            if self.same and self.previous is not None and self.site._key is None
            else self.site.check()
        )
        return SealRecord(crypto.b64(self.site.salt), check, self.fingerprint)
