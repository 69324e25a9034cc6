"""Watching a project for the preview: a debounced call, on one thread, when a file changes.

Editors save in bursts (a temporary file, a rename, a backup): changes are gathered for
:data:`DEBOUNCE` seconds and the preview rebuilds once. Hidden files, editor leftovers and
the preview's own folders are not changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEBOUNCE = 0.15


class Watcher:
    """Calls ``changed`` (debounced, on one thread) when a file under the project changes."""

    def __init__(self, root: Path, ignore: list[Path], changed: Callable[[], None]) -> None:
        self.root = root.resolve()
        self.ignore = [p.resolve() for p in ignore]
        self.changed = changed
        self.dirty = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="workbook-rebuild", daemon=True)
        self.observer: Any = None
        self.handler: Any = None
        self.watched: set[str] = set()

    def relevant(self, path: str) -> bool:
        p = Path(path).resolve()
        try:
            parts = p.relative_to(self.root).parts
        except ValueError:
            return False
        if any(part.startswith(".") or part == "__pycache__" for part in parts):
            return False
        if p.name.endswith(("~", ".swp", ".swx", ".tmp")):
            return False
        return not any(p.is_relative_to(i) for i in self.ignore)

    def start(self) -> None:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class OnChange(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("opened", "closed_no_write"):
                    return
                paths = [event.src_path, getattr(event, "dest_path", "") or ""]
                if event.is_directory and event.event_type in ("created", "moved"):
                    top = Path(str(paths[-1] or paths[0]))
                    if top.parent.resolve() == watcher.root.resolve():
                        watcher.watch_folder(top)  # a new folder beside content/ and clients/
                if any(p and watcher.relevant(str(p)) for p in paths):
                    watcher.dirty.set()

        self.handler = OnChange()
        self.observer = Observer()
        # the root alone, then each source folder: never the cache (.workbook/) or the outputs,
        # whose folders come and go during every build and would be watched for nothing
        self.observer.schedule(self.handler, str(self.root), recursive=False)
        for child in sorted(self.root.iterdir()):
            self.watch_folder(child)
        self.observer.start()
        self.thread.start()

    def watch_folder(self, path: Path) -> None:
        """Watch a top-level source folder (and what is under it), once."""
        if path.is_dir() and not path.is_symlink() and self.relevant(str(path)):
            resolved = str(path.resolve())
            if resolved not in self.watched:
                self.watched.add(resolved)
                self.observer.schedule(self.handler, resolved, recursive=True)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            if not self.dirty.wait(0.2):
                continue
            time.sleep(DEBOUNCE)  # let an editor finish writing (and a burst of saves settle)
            self.dirty.clear()
            self.changed()

    def stop(self) -> None:
        self.stopping.set()
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)
        if self.thread.is_alive():
            self.thread.join(timeout=5)
