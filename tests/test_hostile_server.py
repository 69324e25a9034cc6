"""Hostile requests and endings for ``workbook serve``: rebinding, odd paths, signals, leftovers.

The preview holds every client's site in clear, so it answers only requests that
name it (no DNS rebinding), never prints a traceback for a request, and its
temporary folder goes however it stops. Every request goes to 127.0.0.1 on a
free port; every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import MINI_CLIENT, REPO, write_files
from tests.hostile_support import MINI
from workbook.commands import preview_folder
from workbook.commands.serve import Preview, Server

SETTINGS = "firm: {name: Test Firm}\nprogramme: mini\nrelease: all\n"
PROJECT = {"workbook.yml": SETTINGS, "clients/alex.yml": MINI_CLIENT}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """One preview for the module's requests (none of them changes anything)."""
    root = write_files(tmp_path_factory.mktemp("served") / "project", {**MINI, **PROJECT})
    preview = Preview(root, ("alex",), echo=lambda line: None)
    running = Server(preview, 0).start()
    try:
        yield running
    finally:
        running.stop()


def request(port: int, head: str) -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` (request line and headers) as it is; the status, headers and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head.encode("latin-1") + b"\r\n")
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    top, _, body = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


def get(port: int, path: str, host: str | None = "127.0.0.1:{port}", method: str = "GET"):
    head = f"{method} {path} HTTP/1.1\r\nConnection: close\r\n"
    if host is not None:
        head += f"Host: {host.format(port=port)}\r\n"
    return request(port, head)


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        "localhost.evil.example:{port}",
        "127.0.0.1",
        "127.0.0.1:1",
        "localhost:{port}.evil.example",
        "10.0.0.1:{port}",
        None,
    ],
)
@pytest.mark.parametrize("path", ["/alex/index.html", "/__workbook__/version", "/", "/nope"])
def test_requests_that_do_not_name_the_server_get_nothing(server: Server, host, path) -> None:
    status, headers, body = get(server.port, path, host)
    assert status == 421 and body == b"" and headers["Content-Length"] == "0"


def test_two_host_headers_get_nothing(server: Server) -> None:
    head = (
        "GET /alex/index.html HTTP/1.1\r\nConnection: close\r\n"
        f"Host: 127.0.0.1:{server.port}\r\nHost: evil.example\r\n"
    )
    status, _, body = request(server.port, head)
    assert status == 421 and body == b""


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}",
                                  "[::1]:{port}"])  # fmt: skip
def test_the_coachs_own_names_for_the_server_are_served(server: Server, host: str) -> None:
    status, _, body = get(server.port, "/alex/index.html", host)
    assert status == 200 and b"Welcome, <bdi>Alex</bdi>" in body


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/x%00.html", 400),
        ("/alex/%00", 400),
        ("/alex/index.html%0a", 400),
        ("/%ed%a0%80.html", 400),
        ("/%ff.html", 400),
        ("/.workbook-cache/index.json", 404),
        ("/alex/.hidden", 404),
        (f"/{preview_folder.OWNER}", 404),
        ("/alex/../../../etc/passwd", 404),
        ("/no/such/page.html", 404),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_odd_paths_get_a_clean_error(server: Server, capfd, path, status, method) -> None:
    got, _, body = get(server.port, path, method=method)
    assert got == status
    if got == 400:
        assert body == b""
    assert "Traceback" not in capfd.readouterr().err


def start_preview(root: Path, tmp: Path) -> tuple[subprocess.Popen[str], Path]:
    """``workbook serve`` in a real process whose temporary folder is ``tmp``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "workbook", "serve", "alex", "--port", "0"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()  # type: ignore[union-attr]
    assert line.startswith("Previewing at http://127.0.0.1:"), line
    [folder] = tmp.glob("workbook-preview-*")
    assert (folder / "alex/index.html").is_file()
    return process, folder


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_every_way_of_stopping_removes_the_temporary_folder(
    make_project, tmp_path: Path, name: str
) -> None:
    root = make_project({"workbook.yml": SETTINGS})
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    process, folder = start_preview(root, tmp)
    try:
        process.send_signal(getattr(signal, name))
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Stopped." in err and "Traceback" not in err
    assert not folder.exists()


def finished_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_earlier_previews_are_removed_at_start(
    make_project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    host = socket.gethostname()

    def folder(name: str, owner: str | None, age: float = 0) -> Path:
        path = tmp / f"workbook-preview-{name}"
        (path / "alex").mkdir(parents=True)
        (path / "alex/index.html").write_text("Jordan's private page")
        if owner is not None:
            (path / preview_folder.OWNER).write_text(owner)
        if age:
            os.utime(path, (time.time() - age, time.time() - age))
        return path

    dead = folder("dead", f"{finished_pid()} {host}\n")
    alive = folder("alive", f"{os.getpid()} {host}\n")
    old = folder("old", None, age=2 * 3600)
    fresh = folder("fresh", None)
    elsewhere = folder("elsewhere", f"{finished_pid()} another-machine\n")
    (tmp / "workbook-preview-file").write_text("not a folder")
    (tmp / "workbook-preview-link").symlink_to(alive, target_is_directory=True)
    preview = Preview(make_project({"workbook.yml": SETTINGS}), ("alex",), echo=lambda _: None)
    try:
        assert not dead.exists() and not old.exists()
        assert alive.is_dir() and fresh.is_dir() and elsewhere.is_dir()
        assert (tmp / "workbook-preview-file").is_file()
        assert (tmp / "workbook-preview-link").is_symlink()
        own = (preview.out / preview_folder.OWNER).read_text().split()
        assert own == [str(os.getpid()), host]
        assert preview.out.stat().st_mode & 0o777 == 0o700
    finally:
        preview.close()
    assert not preview.out.exists()
