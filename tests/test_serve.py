"""``workbook serve``: pages served on loopback, rebuilt on edit, errors in the page.

The server runs on a free port (in a thread, and once as a real subprocess
through the command line); every wait is bounded and the server stops itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
from conftest import REPO

from workbook.commands.serve import Preview, Server

TODAY = dt.date(2026, 11, 1)
SETTINGS = "firm: {name: Test Firm}\nprogramme: mini\nrelease: all\n"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def wait_until(check: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("gave up waiting")


@pytest.fixture
def server(make_project):
    root = make_project({"workbook.yml": SETTINGS})
    lines: list[str] = []
    preview = Preview(root, ("alex",), today=TODAY, echo=lines.append)
    running = Server(preview, 0).start()
    running.lines = lines  # type: ignore[attr-defined]
    try:
        yield running
    finally:
        running.stop()
    assert not preview.out.exists()


def version(server: Server) -> int:
    return json.loads(fetch(server.url + "__workbook__/version")[1])["version"]


def test_serves_the_client_with_the_reload_script_on_loopback(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    status, page = fetch(server.url + "alex/01-start/hello.html")
    assert status == 200 and "What brings you here?" in page
    assert '<script src="/__workbook__/reload.js" defer></script></body>' in page
    built = (server.preview.out / "alex/01-start/hello.html").read_text()
    assert "__workbook__" not in built  # only served pages get the script
    status, script = fetch(server.url + "__workbook__/reload.js")
    assert status == 200 and "location.reload()" in script
    request = urllib.request.Request(server.url)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.url.endswith("/alex/index.html")


def test_edit_rebuilds_and_errors_show_in_page_and_terminal(server: Server) -> None:
    root = server.preview.root
    exercise = root / "content/exercises/hello.md"
    original = exercise.read_text()
    seen = version(server)
    exercise.write_text(original.replace("What brings", "What led"))
    wait_until(lambda: version(server) > seen)
    assert "What led you here?" in fetch(server.url + "alex/01-start/hello.html")[1]
    assert any(line.startswith("rebuilt alex") for line in server.lines)

    seen = version(server)
    exercise.write_text(original.replace("{{ client.preferred_name }}", "{{ clinet.name }}"))
    wait_until(lambda: version(server) > seen)
    status, page = fetch(server.url + "alex/01-start/hello.html")
    assert status == 500
    assert "content/exercises/hello.md:8: undefined name &#x27;clinet&#x27;" in page
    assert "/__workbook__/reload.js" in page  # it reloads itself once fixed
    assert any("hello.md:8: undefined name 'clinet'" in line for line in server.lines)
    problems = json.loads(fetch(server.url + "__workbook__/version")[1])["problems"]
    assert problems and "clinet" in problems[0]

    seen = version(server)
    exercise.write_text(original)
    wait_until(lambda: version(server) > seen)
    status, page = fetch(server.url + "alex/01-start/hello.html")
    assert status == 200 and "What brings you here?" in page


def test_a_rebuild_that_raises_keeps_the_server_up(server: Server, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("workbook.commands.serve.run", broken)
    server.preview.rebuild()
    status, page = fetch(server.url + "alex/index.html")
    assert status == 500 and "disk on fire" in page
    monkeypatch.undo()
    server.preview.rebuild()
    assert fetch(server.url + "alex/index.html")[0] == 200


def test_command_line_serves_until_interrupted(make_project) -> None:
    root = make_project({"workbook.yml": SETTINGS})
    process = subprocess.Popen(
        [sys.executable, "-m", "workbook", "serve", "alex", "--port", "0", "--today", "2026-11-01"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("Previewing at http://127.0.0.1:"), line
        url = line.split()[2]
        assert url.endswith("/alex/index.html")
        status, page = fetch(url)
        assert status == 200 and "Welcome, <bdi>Alex</bdi>" in page
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
    assert process.returncode == 0, err
    assert "Stopped." in err


def test_the_preview_serves_packs_and_the_curriculum(server: Server) -> None:
    """Both were 404 in the preview: the packs are built, the curriculum is published too."""
    with urllib.request.urlopen(server.url + "alex/packs/01-start.pdf", timeout=10) as response:
        assert response.status == 200 and response.read(5) == b"%PDF-"
    status, page = fetch(server.url + "curriculum/index.html")
    assert status == 200 and "Test Firm" in page


def test_the_coach_preview_opens_on_the_desk(make_project) -> None:
    root = make_project({"workbook.yml": SETTINGS})
    preview = Preview(root, edition="coach", today=TODAY, echo=lambda line: None, packs=False)
    running = Server(preview, 0).start()
    try:
        with urllib.request.urlopen(running.url, timeout=10) as response:
            assert response.url.endswith("/index.html")
            assert "Your clients" in response.read().decode("utf-8")
        status, page = fetch(running.url + "alex/next-session.html")
        assert status == 200 and "Preparing the next session" in page
    finally:
        running.stop()
