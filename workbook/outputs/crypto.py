"""Encryption primitives and passphrases for encrypted client sites.

The scheme is the one the browser can undo with WebCrypto alone: a key
derived with PBKDF2-SHA256 (600,000 iterations, a random salt per site),
AES-256-GCM with a random 96-bit nonce per page. Passphrases come from
``WORKBOOK_PASSPHRASE`` or a file the coach names (kept outside the project);
they never enter the project folder or the output in clear.

Any published page lets a passphrase be guessed offline, so a passphrase
shorter than :data:`MIN_LENGTH` characters (12: about 60 bits when made of
random letters and digits) gets a warning when it is used; the passphrases
workbook makes itself are 23 characters (about 99 bits).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from workbook.errors import Problem, SourceLocation, UsageProblem, WorkbookError, warning
from workbook.ids import ID_RE

ITERATIONS = 600_000
SALT_BYTES = 16
NONCE_BYTES = 12
ENV = "WORKBOOK_PASSPHRASE"
MIN_LENGTH = 12  # characters; below this a passphrase gets a warning
# Unambiguous lowercase letters and digits (no 0/o, 1/l/i): easy to read out and type.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def normalise(passphrase: str) -> bytes:
    """The bytes a passphrase stands for; decrypt.js does the same (trim, NFC, UTF-8)."""
    return unicodedata.normalize("NFC", passphrase.strip()).encode("utf-8")


def derive_key(passphrase: str, salt: bytes, iterations: int = ITERATIONS) -> bytes:
    """The AES-256 key of a site: PBKDF2-SHA256 over the passphrase and the site's salt."""
    from cryptography.hazmat.primitives import hashes  # only encrypted builds load it
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations)
    return kdf.derive(normalise(passphrase))


def mac_key(key: bytes) -> bytes:
    """A separate key for the manifest's MACs, so the AES key is used for one thing only."""
    return hmac.new(key, b"workbook manifest mac", hashlib.sha256).digest()


def mac(key: bytes, *parts: bytes) -> str:
    """A keyed fingerprint: tells whether a page changed without revealing anything of it."""
    h = hmac.new(mac_key(key), digestmod=hashlib.sha256)
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return b64(h.digest())


def seal(key: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """AES-256-GCM with a fresh random nonce; returns (nonce, ciphertext + tag)."""
    nonce = os.urandom(NONCE_BYTES)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    """The inverse of :func:`seal` (raises ``cryptography.exceptions.InvalidTag``)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key).decrypt(nonce, ciphertext, aad)


def folder_name(passphrase: str, firm_id: str, client_id: str) -> str:
    """An opaque, stable folder name for a client: nothing of the name shows in the URL.

    An HMAC of the client id under a key derived from the passphrase (slowly, so
    the name gives no quick way to test guesses of the passphrase).
    """
    key = derive_key(passphrase, b"workbook folder name\0" + firm_id.encode())
    digest = hmac.new(key, client_id.encode(), hashlib.sha256).digest()
    return "w" + base64.b32encode(digest).decode("ascii").lower()[:23]


def generate_passphrase() -> str:
    """Four groups of five easy-to-read characters: about 99 bits of randomness."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4))
    return "-".join(groups)


def encrypt_pdf(data: bytes, passphrase: str) -> bytes:
    """A PDF that opens only with the passphrase (AES-256, the PDF 2.0 standard handler)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(
        user_password=normalise(passphrase).decode("utf-8"),
        owner_password=None,
        algorithm="AES-256",
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class Passphrases:
    """Where each client's passphrase comes from: one for all, or one per client.

    ``--passphrase-file FILE`` holds either one line (one passphrase for every
    client) or lines ``client-id: passphrase``. A file that does not exist yet
    is created with a new passphrase for each client that needs one; a new
    client later gets a new line. Each new passphrase is printed once.
    """

    shared: str | None = None
    per_client: dict[str, str] = field(default_factory=dict)
    file: Path | None = None
    created: list[str] = field(default_factory=list)  # lines to print once (new, or weak)
    lines: dict[str, int] = field(default_factory=dict)  # where each one is in the file
    warned: set[str] = field(default_factory=set)  # clients (or "*" for all) warned about

    @classmethod
    def load(cls, file: Path | None, project: Path, output: Path) -> Passphrases:
        if file is None:
            value = os.environ.get(ENV, "")
            if not value.strip():
                raise UsageProblem(
                    "encrypting needs a passphrase — set WORKBOOK_PASSPHRASE, or give "
                    "--passphrase-file FILE (kept outside the project; a new FILE is "
                    "created with a passphrase for each client)"
                )
            return cls(shared=value)
        file = file.expanduser().absolute()
        for folder, what in ((project, "project"), (output, "output")):
            if file.resolve().is_relative_to(folder.resolve()):
                raise UsageProblem(
                    f"--passphrase-file: '{file}' is inside the {what} folder — keep "
                    "passphrases outside the project, e.g. ~/.config/workbook/passphrases"
                )
        found = cls(file=file)
        if file.exists():
            found._read(file)
        return found

    def _read(self, file: Path) -> None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkbookError([Problem(SourceLocation(file), f"cannot read ({exc})")]) from exc
        lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)]
        lines = [(n, line) for n, line in lines if line and not line.startswith("#")]
        pairs = [(n, line.partition(":")) for n, line in lines]
        first = pairs[0][1] if pairs else ("", "", "")
        if len(lines) == 1 and not (first[1] and ID_RE.fullmatch(first[0].strip())):
            self.shared = lines[0][1]
            self.lines["*"] = lines[0][0]
            return
        for n, (cid, colon, value) in pairs:
            if not colon or not ID_RE.fullmatch(cid.strip()) or not value.strip():
                raise WorkbookError(
                    [
                        Problem(
                            SourceLocation(file, n),
                            "expected 'client-id: passphrase'",
                            "write one line per client, or a single line for every client",
                        )
                    ]
                )
            self.per_client[cid.strip()] = value.strip()
            self.lines[cid.strip()] = n

    def _check_strength(self, who: str, value: str) -> None:
        """Warn once about a passphrase too short to stand an offline guess."""
        length = len(normalise(value).decode("utf-8"))
        if length >= MIN_LENGTH or who in self.warned:
            return
        self.warned.add(who)
        if self.file is None:
            where, whose = SourceLocation(Path(ENV)), "the passphrase"
        else:
            where = SourceLocation(self.file, self.lines.get(who, 0))
            whose = "the passphrase" if who == "*" else f"the passphrase of '{who}'"
        self.created.append(
            warning(
                where,
                f"{whose} is {length} characters long: below {MIN_LENGTH}, it can be guessed "
                "from any published page",
                "use a longer one, or let workbook make one for each client with --passphrase-file",
            ).format()
        )

    def get(self, client_id: str) -> str:
        """The client's passphrase; with a file, a missing one is made and saved there."""
        if client_id in self.per_client:
            self._check_strength(client_id, self.per_client[client_id])
            return self.per_client[client_id]
        if self.shared is not None:
            self._check_strength("*", self.shared)
            return self.shared
        assert self.file is not None  # an environment passphrase is always shared
        value = generate_passphrase()
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            new = not self.file.exists()
            with self.file.open("a", encoding="utf-8") as handle:
                if new:
                    os.chmod(self.file, 0o600)
                    handle.write("# workbook passphrases: client-id: passphrase. Keep private.\n")
                handle.write(f"{client_id}: {value}\n")
        except OSError as exc:
            raise WorkbookError(
                [Problem(SourceLocation(self.file), f"cannot save a new passphrase ({exc})")]
            ) from exc
        self.per_client[client_id] = value
        self.created.append(f"new passphrase for {client_id}: {value} (saved in {self.file})")
        return value
