"""``workbook serve``: a local preview that rebuilds what changed and reloads the open page.

The preview builds into a temporary folder (never the published one), with
the same cache as ``workbook build``, so each change re-renders only the pages
it touches. Client profiles are confidential, so it listens on 127.0.0.1 only
and answers only requests addressed to it by name (``Host: localhost:PORT``,
``127.0.0.1:PORT`` or ``[::1]:PORT``): a web page that points a name of its own
at 127.0.0.1 (DNS rebinding) gets no content. The temporary folder goes
however the preview stops (see :mod:`workbook.commands.preview_folder`).

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
import threading
import time
import traceback
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from workbook.build.options import BuildOptions
from workbook.build.run import run
from workbook.commands.preview_folder import (
    Stopped,
    make_folder,
    remove_leftovers,
    stop_on_signals,
)
from workbook.commands.watch import Watcher
from workbook.errors import errors

HOST = "127.0.0.1"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")  # the Host names a request may give
PREFIX = "/__workbook__/"
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
NOT_CLIENTS = ("curriculum", "assets")  # folders of the preview that are not a client's'


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
        packs: bool = True,
    ) -> None:
        self.root = root.resolve()
        self.clients = clients
        self.edition = edition
        self.today = today
        self.packs = packs
        self.shared = ""  # the shared content the preview's curriculum was built from
        self.echo = echo or (lambda line: print(line, file=sys.stderr, flush=True))
        remove_leftovers()
        self.out = make_folder()
        self.version = 0
        self.problems: list[str] = []
        self.warnings: list[str] = []  # said once, not shown in the page
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        """Build what changed; record problems for the page; never raise."""
        started = time.perf_counter()
        problems: list[str] = []
        warnings: list[str] = []
        built: list[str] = []
        try:
            options = BuildOptions(
                clients=self.clients,
                edition=self.edition,
                pdf=self.packs,
                jobs=1,
                out=self.out,
                today=self.today,
            )
            report = run(self.root, options)
            problems = [p.format(self.root) for p in errors(report.problems)]
            warnings = [p.format(self.root) for p in report.problems if not p.is_error]
            built = report.built
            if not problems:
                warnings += self._curriculum()
        except Exception as exc:  # a preview survives anything; show it and carry on
            message = getattr(exc, "format_message", None)
            problems = [message() if message else "".join(traceback.format_exception(exc))]
        with self.lock:
            if built or problems != self.problems:
                self.version += 1
            self.problems = problems
            told, self.warnings = self.warnings, warnings
        seconds = time.perf_counter() - started
        for line in [*(warnings if warnings != told else []), *problems]:
            self.echo(line)
        if built:
            self.echo(f"rebuilt {', '.join(built)} in {seconds:.2f} s")
        elif not problems:
            self.echo(f"up to date ({seconds:.2f} s)")

    def _curriculum(self) -> list[str]:
        """The curriculum, as published, under ``/curriculum/`` (when shared content moved).

        Its problems are said in the terminal; they never hide the clients' pages.
        """
        from workbook.build import curriculum, quick
        from workbook.errors import WorkbookError

        light = quick.light_settings(self.root)
        logo = light[2] if light else None
        shared = quick.shared_digest(self.root, quick.template_dirs(self.root), logo)
        if shared == self.shared:
            return []
        self.shared = shared
        try:
            curriculum.build(self.root, self.today, echo=lambda line: None, dest=self.out)
        except WorkbookError as exc:
            return [f"the curriculum could not be previewed: {exc.format_message()}"]
        return []

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

    def _host_allowed(self) -> bool:
        """Whether the request names this server as the coach's browser does (no rebinding)."""
        given = self.headers.get_all("Host") or []
        port = cast(ThreadingHTTPServer, self.server).server_port
        names = {f"{name}:{port}" for name in LOOPBACK_NAMES}
        if port == 80:
            names |= set(LOOPBACK_NAMES)
        return len(given) == 1 and given[0].strip().lower() in names

    def _refuse(self, status: int) -> None:
        """An answer with no content at all, and the connection closed."""
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def _target(self) -> Path | int:
        """The file a request names, or the status that refuses it (400 odd, 404 hidden)."""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        try:
            name = unquote(path, errors="strict")
        except UnicodeDecodeError:
            return 400
        if not name.startswith("/") or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
            return 400
        if any(part.startswith(".") for part in name.split("/")):
            return 404  # the build's own records (.workbook-cache, …) are not pages
        try:
            target = Path(self.translate_path(path))
            return target / "index.html" if target.is_dir() else target
        except (OSError, ValueError):
            return 400

    def do_HEAD(self) -> None:
        if not self._host_allowed():
            self._refuse(421)
            return
        if isinstance(self._target(), int):
            self._refuse(self._target())  # type: ignore[arg-type]
            return
        super().do_HEAD()

    def do_GET(self) -> None:
        if not self._host_allowed():
            self._refuse(421)
            return
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
        target = self._target()
        if isinstance(target, int):
            self._refuse(target)
            return
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
            p.name
            for p in self.preview.out.iterdir()
            if p.is_dir() and not p.name.startswith(".") and p.name not in NOT_CLIENTS
        )
        desk = self.preview.out / "index.html"
        if desk.is_file() and not self.preview.status()["problems"]:  # the coach's desk
            self.send_response(302)
            self.send_header("Location", "/index.html")
            self.end_headers()
            return
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
        if (self.preview.out / "curriculum" / "index.html").is_file():
            links += '<li><a href="/curriculum/index.html">The curriculum</a></li>'
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


class _QuietServer(ThreadingHTTPServer):
    """A request that fails (a browser that hangs up, say) is dropped without a traceback."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Nothing to print: the request was the browser's, the terminal is the coach's."""


class Server:
    """The preview server and its watcher, started and stopped together."""

    def __init__(self, preview: Preview, port: int) -> None:
        self.preview = preview
        handler = partial(
            type("Bound", (Handler,), {"preview": preview}), directory=str(preview.out)
        )
        self.httpd = _QuietServer((HOST, port), handler)
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
    packs: bool = True,
) -> None:
    """Run the preview until Ctrl+C, SIGTERM or SIGHUP; the temporary folder goes with it."""
    with stop_on_signals():
        preview = Preview(root, clients, edition=edition, today=today, echo=echo, packs=packs)
        try:
            server = Server(preview, port)
        except BaseException as exc:
            preview.close()
            if not isinstance(exc, OSError):
                raise
            from workbook.errors import WorkbookError

            raise WorkbookError(
                f"cannot listen on {HOST}:{port} ({exc.strerror or exc}) — "
                "choose another port with --port, or 0 for any free one"
            ) from exc
        start = server.url + (f"{clients[0]}/index.html" if len(clients) == 1 else "")
        try:
            server.start()
            print(
                f"Previewing at {start} — edits rebuild what changed; Ctrl+C to stop.", flush=True
            )
            while True:  # short sleeps, so a signal is acted on at once
                time.sleep(0.25)
        except (KeyboardInterrupt, Stopped):
            preview.echo("Stopped.")
        finally:
            server.stop()
