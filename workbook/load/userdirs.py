"""The user's own folder for workbook's state between runs, and the secret kept there.

Some state must persist between runs but never travel with a project:
compiled templates (code) and keyed fingerprints of passphrases. It lives in
``$XDG_CACHE_HOME/workbook`` (else ``~/.cache/workbook``; ``WORKBOOK_CACHE_HOME``
overrides it), a folder of mode 0700 that is refused when anyone else owns it
or can write to it, beside a 32-byte random key of mode 0600 made on first use.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

KEY_BYTES = 32


def user_cache_home() -> Path:
    """The per-user cache folder of workbook (never inside a project)."""
    base = os.environ.get("WORKBOOK_CACHE_HOME")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "workbook"


def private_folder(path: Path) -> Path | None:
    """``path`` made (mode 0700) if needed, or None when it is not ours alone."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_mode & 0o022:
        return None
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return None
    return path


def user_key(folder: Path) -> bytes | None:
    """The per-user secret that authenticates cache entries (made on first use)."""
    path = folder / "key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError:
        return None
    else:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
    try:
        st = os.stat(path, follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o077:
            return None
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == KEY_BYTES else None
