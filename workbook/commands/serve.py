"""``workbook serve``: a local preview that rebuilds what changed and reloads the open page.

The preview builds into a temporary folder (never the published one), with
the same cache as ``workbook build``, so each change re-renders only the pages
it touches. It listens on 127.0.0.1 only: client profiles are confidential.

Served pages (never built ones) get one extra script, ``/__workbook__/reload.js``,
which polls ``/__workbook__/version`` and reloads the page when a rebuild
finished. When the last rebuild found problems, every page shows them instead
(and the terminal prints them); the server keeps running and the page returns
once the problem is fixed. Nothing a rebuild raises stops the server.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from workbook.build.options import BuildOptions
from workbook.build.run import run

HOST = "127.0.0.1"
PREFIX = "/__workbook__/"
DEBOUNCE = 0.15
RELOAD_JS = b"""(function () {
  var seen = null;
  function poll() {
    fetch("/__workbook__/version", {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (seen === null) { seen = d.version; }
        else if (d.version !== seen) { location.reload(); return; }
        setTimeout(poll, 500);
      })
      .catch(function () { setTimeout(poll, 1500); });
  }
  poll();
})();
"""
SCRIPT_TAG = b'<script src="/__workbook__/reload.js" defer></script>'


class Preview:
    """The preview's state: the last build's outcome, its version, and how to rebuild."""

    def __init__(
        self,
        root: Path,
        clients: tuple[str, ...] = (),
        *,
        edition: str = "client",
        today: dt.date | None = None,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.clients = clients
        self.edition = edition
        self.today = today
        self.echo = echo or (lambda line: print(line, file=sys.stderr, flush=True))
        self.out = Path(tempfile.mkdtemp(prefix="workbook-preview-"))
        self.version = 0
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        """Build what changed; record problems for the page; never raise."""
        started = time.perf_counter()
        problems: list[str] = []
        built: list[str] = []
        try:
            options = BuildOptions(
                clients=self.clients,
                edition=self.edition,
                pdf=False,
                jobs=1,
                out=self.out,
                today=self.today,
            )
            report = run(self.root, options)
            problems = [p.format(self.root) for p in report.problems]
            built = report.built
        except Exception as exc:  # a preview survives anything; show it and carry on
            message = getattr(exc, "format_message", None)
            problems = [message() if message else "".join(traceback.format_exception(exc))]
        with self.lock:
            if built or problems != self.problems:
                self.version += 1
            self.problems = problems
        seconds = time.perf_counter() - started
        for line in problems:
            self.echo(line)
        if built:
            self.echo(f"rebuilt {', '.join(built)} in {seconds:.2f} s")
        elif not problems:
            self.echo(f"up to date ({seconds:.2f} s)")

    def status(self) -> dict[str, Any]:
        with self.lock:
            return {"version": self.version, "problems": list(self.problems)}

    def close(self) -> None:
        shutil.rmtree(self.out, ignore_errors=True)


def error_page(problems: list[str]) -> bytes:
    items = "\n".join(f"<li><pre>{html.escape(p)}</pre></li>" for p in problems)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Preview: something needs fixing</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;"
        "padding:0 1rem}pre{white-space:pre-wrap;background:#fff4f4;border-left:4px solid "
        "#b00020;padding:.75rem}</style></head><body>"
        "<h1>The preview could not be rebuilt</h1>"
        "<p>Fix what is listed below and save: this page will reload by itself.</p>"
        f'<ol class="problems">\n{items}\n</ol>'
        f"{SCRIPT_TAG.decode()}</body></html>\n"
    ).encode()


class Handler(SimpleHTTPRequestHandler):
    """Serves the preview folder, the reload script and version, and the error page."""

    preview: Preview

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is for rebuilds and problems."""

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == PREFIX + "version":
            self._send(200, "application/json", json.dumps(self.preview.status()).encode())
            return
        if path == PREFIX + "reload.js":
            self._send(200, "text/javascript; charset=utf-8", RELOAD_JS)
            return
        if path == "/":
            self._index()
            return
        target = Path(self.translate_path(path))
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".html":
            problems = self.preview.status()["problems"]
            if problems:
                self._send(500, "text/html; charset=utf-8", error_page(problems))
                return
            if target.is_file():
                body = target.read_bytes()
                at = body.rfind(b"</body>")
                body = body[:at] + SCRIPT_TAG + body[at:] if at >= 0 else body + SCRIPT_TAG
                self._send(200, "text/html; charset=utf-8", body)
                return
        super().do_GET()

    def _index(self) -> None:
        clients = sorted(
            p.name for p in self.preview.out.iterdir() if p.is_dir() and not p.name.startswith(".")
        )
        if len(clients) == 1 and not self.preview.status()["problems"]:
            self.send_response(302)
            self.send_header("Location", f"/{clients[0]}/index.html")
            self.end_headers()
            return
        problems = self.preview.status()["problems"]
        if problems:
            self._send(500, "text/html; charset=utf-8", error_page(problems))
            return
        links = "".join(f'<li><a href="/{c}/index.html">{html.escape(c)}</a></li>' for c in clients)
        body = (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Workbook preview</title></head><body><h1>Clients</h1><ul>{links}</ul>"
            f"{SCRIPT_TAG.decode()}</body></html>\n"
        )
        self._send(200, "text/html; charset=utf-8", body.encode("utf-8"))

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class Watcher:
    """Calls ``changed`` (debounced, on one thread) when a file under the project changes."""

    def __init__(self, root: Path, ignore: list[Path], changed: Callable[[], None]) -> None:
        self.root = root
        self.ignore = [p.resolve() for p in ignore]
        self.changed = changed
        self.dirty = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="workbook-rebuild", daemon=True)
        self.observer: Any = None

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
                if any(p and watcher.relevant(str(p)) for p in paths):
                    watcher.dirty.set()

        self.observer = Observer()
        self.observer.schedule(OnChange(), str(self.root), recursive=True)
        self.observer.start()
        self.thread.start()

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


class Server:
    """The preview server and its watcher, started and stopped together."""

    def __init__(self, preview: Preview, port: int) -> None:
        self.preview = preview
        handler = partial(
            type("Bound", (Handler,), {"preview": preview}), directory=str(preview.out)
        )
        self.httpd = ThreadingHTTPServer((HOST, port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        outputs = self._project_outputs()
        self.watcher = Watcher(preview.root, [preview.out, *outputs], preview.rebuild)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="workbook-serve")

    def _project_outputs(self) -> list[Path]:
        """The project's own output folders: writing there must not trigger a rebuild."""
        from workbook.build.quick import light_settings

        light = light_settings(self.preview.root) or ("site", "coach", None)
        return [self.preview.root / light[0], self.preview.root / light[1]]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> Server:
        self.preview.rebuild()
        self.watcher.start()
        self.thread.start()
        return self

    def stop(self) -> None:
        self.watcher.stop()
        if self.thread.is_alive():  # shutdown() waits for serve_forever, so only if it runs
            self.httpd.shutdown()
            self.thread.join(timeout=5)
        self.httpd.server_close()
        self.preview.close()


def serve(
    root: Path,
    clients: tuple[str, ...],
    port: int,
    *,
    edition: str = "client",
    today: dt.date | None = None,
    echo: Callable[[str], None] | None = None,
) -> None:
    """Run the preview until Ctrl+C."""
    preview = Preview(root, clients, edition=edition, today=today, echo=echo)
    try:
        server = Server(preview, port)
    except OSError as exc:
        preview.close()
        from workbook.errors import WorkbookError

        raise WorkbookError(
            f"cannot listen on {HOST}:{port} ({exc.strerror or exc}) — "
            "choose another port with --port, or 0 for any free one"
        ) from exc
    start = server.url + (f"{clients[0]}/index.html" if len(clients) == 1 else "")
    try:
        server.start()
        print(f"Previewing at {start} — edits rebuild what changed; Ctrl+C to stop.", flush=True)
        while True:  # short sleeps: Ctrl+C may be delivered to another thread
            time.sleep(0.25)
    except KeyboardInterrupt:
        preview.echo("Stopped.")
    finally:
        server.stop()
