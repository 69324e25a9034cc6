"""The preview's temporary folder: private, owned by one process, never left behind.

``workbook serve`` builds every client's site, in clear, into a folder under
the system's temporary directory. That folder must go when the preview goes,
however it goes: Ctrl+C, ``kill`` (SIGTERM) or the terminal closing (SIGHUP)
all stop the preview the same way, and the folder is removed. A preview that
could not clean up (the machine lost power, ``kill -9``) leaves a folder that
records its process id; the next preview removes every such folder of this
user whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

PREFIX = "workbook-preview-"
OWNER = ".workbook-preview-owner"  # "pid host" of the preview using the folder
UNOWNED_AGE = 3600.0  # seconds: a folder with no owner record this old is a leftover
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def make_folder() -> Path:
    """A new private folder (mode 0700) recording this process as its owner."""
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    (folder / OWNER).write_text(f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8")
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user has this id now
        return True
    except (OverflowError, ValueError):
        return False
    return True


def is_leftover(folder: Path, now: float | None = None) -> bool:
    """Whether ``folder`` is an earlier preview's folder of this user that nothing uses."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    try:
        pid_text, _, host = (folder / OWNER).read_text(encoding="utf-8").strip().partition(" ")
    except (OSError, UnicodeDecodeError):  # no record: an old or half-made folder
        return (now or time.time()) - info.st_mtime > UNOWNED_AGE
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # another machine's preview (a shared temporary folder): not ours to judge
    return not _alive(int(pid_text))


def remove_leftovers(base: Path | None = None) -> list[Path]:
    """Remove the folders earlier previews of this user left behind; returns them."""
    base = Path(base or tempfile.gettempdir())
    removed = []
    with contextlib.suppress(OSError):
        for folder in sorted(base.glob(PREFIX + "*")):
            if is_leftover(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


class Stopped(BaseException):
    """The preview was asked to stop by a signal (SIGTERM, SIGHUP).

    Like ``KeyboardInterrupt``, not an ``Exception``: a rebuild that catches every
    error to show it in the page must not catch this one.
    """


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Ctrl+C, SIGTERM and SIGHUP stop the preview alike (``KeyboardInterrupt``, :class:`Stopped`).

    The first signal stops it; the ones after it are ignored until the block is
    left, so a second Ctrl+C or ``kill`` cannot interrupt the removal of the folder.
    """
    every = (signal.SIGINT, *SIGNALS)
    previous = {s: signal.getsignal(s) for s in every}

    def stop(signum: int, frame: FrameType | None) -> None:
        for s in every:
            signal.signal(s, signal.SIG_IGN)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Stopped(signal.Signals(signum).name)

    for s in every:
        signal.signal(s, stop)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
