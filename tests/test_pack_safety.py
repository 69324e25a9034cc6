"""Packs load only the project's own assets: hostile content is a clear error, never embedded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from workbook.build.options import BuildOptions
from workbook.build.run import run
from workbook.outputs.pack_render import PackFetcher, RefusedFetch
from workbook.outputs.pack_safety import BASE_URL, Assets, scan_html, scan_markdown, url_problem

OPTIONS = BuildOptions(today=dt.date(2026, 12, 1))
EXERCISE = """\
---
title: Hello
kind: reflection
---

Some text.

{line}

::: {{.prompt #first lines=3}}
What brings you here?
:::
"""


@pytest.mark.parametrize(
    ("url", "loads", "expected"),
    [
        ("file:///etc/passwd", True, "file:// URL"),
        ("FILE:///etc/passwd", False, "file:// URL"),
        ("/etc/passwd", True, "absolute path"),
        ("C:\\secret.png", True, "absolute path"),
        ("http://example.org/x.png", True, "network"),
        ("https://example.org/x.png", True, "network"),
        ("//example.org/x.png", True, "absolute path"),
        ("data:text/html,<b>hi</b>", True, "only data:image"),
        ("assets/../../secret.png", True, "'..'"),
        ("javascript:alert(1)", False, "javascript: link"),
    ],
)
def test_refused_urls(url: str, loads: bool, expected: str) -> None:
    assert expected in (url_problem(url, loads=loads) or "")


@pytest.mark.parametrize(
    ("url", "loads"),
    [
        ("assets/diagram.png", True),
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ("https://example.org", False),
        ("mailto:coach@example.org", False),
        ("#section", False),
    ],
)
def test_allowed_urls(url: str, loads: bool) -> None:
    assert url_problem(url, loads=loads) is None


def test_scan_markdown_finds_links_the_site_drops() -> None:
    text = (
        "Intro\n\n![x](file:///etc/passwd)\n\n[y](/home/coach/notes.txt) and ![ok](assets/a.png)\n"
    )
    found = scan_markdown(text)
    assert [line for line, _ in found] == [3, 5]
    assert "file:// URL" in found[0][1] and "absolute path" in found[1][1]


def test_scan_html_finds_attachments_and_loads() -> None:
    html = (
        '<link rel="attachment" href="assets/pack.css">'
        '<a rel="attachment" href="notes.txt">x</a>'
        '<img src="http://example.org/a.png"><object data="file:///etc/passwd"></object>'
        '<link rel="stylesheet" href="assets/pack.css"><img src="assets/logo.svg">'
    )
    found = scan_html(html)
    assert sum("attachment" in f for f in found) == 2
    assert any("http://example.org" in f for f in found)
    assert any("file:///etc/passwd" in f for f in found)
    assert not any('assets/pack.css">:' in f or "logo.svg" in f for f in found)


def test_assets_stay_inside_their_folders(tmp_path: Path) -> None:
    folder = tmp_path / "assets"
    folder.mkdir()
    (folder / "ok.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("secret")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    assets = Assets((folder,))
    assert assets.resolve("assets/ok.css") == (folder / "ok.css").resolve()
    assert assets.resolve("assets/link.txt") is None  # a symlink out is refused
    assert assets.resolve("assets/../secret.txt") is None
    assert assets.resolve("secret.txt") is None
    assert assets.resolve("/etc/passwd") is None


def test_fetcher_refuses_everything_else(tmp_path: Path) -> None:
    folder = tmp_path / "assets"
    folder.mkdir()
    (folder / "ok.css").write_text("p { color: red }")
    fetcher = PackFetcher(Assets((folder,)))
    response = fetcher(BASE_URL + "assets/ok.css")
    assert response.read() == b"p { color: red }"
    assert list(fetcher.fetched) == ["assets/ok.css"]
    assert fetcher("data:image/gif;base64,R0lGODlhAQABAAAAACw=").read().startswith(b"GIF")
    for url in (
        "file:///etc/passwd",
        "http://example.org/x.png",
        "https://example.org/x.png",
        BASE_URL + "etc/passwd",
        BASE_URL + "assets/missing.png",
        "data:text/plain,hello",
    ):
        with pytest.raises(RefusedFetch):
            fetcher(url)


# ---- whole builds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("![a diagram](file:///etc/passwd)", "the image 'file:///etc/passwd' cannot go in a pack"),
        ("![a diagram](/etc/passwd)", "an absolute path reaches outside the project"),
        ("![a diagram](http://example.org/x.png)", "a http: URL would load from the network"),
        ("![a diagram](https://example.org/x.png)", "a https: URL would load from the network"),
        ("[my notes](file:///home/coach/notes.txt)", "the link 'file:///home/coach/notes.txt'"),
    ],
)
def test_hostile_exercise_content_fails_the_build(
    make_project: Callable[..., Path], line: str, expected: str
) -> None:
    root = make_project({"content/exercises/hello.md": EXERCISE.format(line=line)})
    (root / "site" / "alex").mkdir(parents=True)
    (root / "site" / "alex" / "index.html").write_text("previous")
    report = run(root, OPTIONS)
    assert report.failed == ["alex"]
    messages = [p.format(root) for p in report.problems]
    assert len(messages) == 1
    assert messages[0].startswith("content/exercises/hello.md:8: ")
    assert expected in messages[0] and "(exercise 'hello')" in messages[0]
    assert "put the file in assets/" in messages[0]
    assert (root / "site" / "alex" / "index.html").read_text() == "previous"


def test_hostile_content_is_reported_by_check_and_skipped_by_no_pdf(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        {"content/exercises/hello.md": EXERCISE.format(line="![x](file:///etc/passwd)")}
    )
    assert run(root, OPTIONS, write=False).failed == ["alex"]
    report = run(root, BuildOptions(today=dt.date(2026, 12, 1), pdf=False))
    assert report.problems == []


def test_the_command_line_names_the_exercise_without_a_traceback(
    make_project: Callable[..., Path],
) -> None:
    from tests.conftest import run_workbook

    root = make_project(
        {"content/exercises/hello.md": EXERCISE.format(line="![x](file:///etc/passwd)")}
    )
    done = run_workbook(["build", "--today", "2026-12-01"], root)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    expected = (
        "content/exercises/hello.md:8: the image 'file:///etc/passwd' cannot go in a pack: "
        "a file:// URL reaches the disk of whoever builds the pack (exercise 'hello') — "
    )
    assert any(line.startswith(expected) for line in done.stderr.splitlines()), done.stderr


def _layout(extra: str) -> str:
    from workbook.load import defaults

    html = (defaults.templates() / "pack.html").read_text()
    return html.replace("</head>", extra + "\n</head>")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('<link rel="attachment" href="assets/pack.css">', 'rel="attachment"> would embed'),
        ('<link rel="stylesheet" href="file:///etc/passwd">', "file:// URL"),
        ('<link rel="stylesheet" href="/etc/passwd">', "absolute path"),
    ],
)
def test_hostile_layout_fails_the_build(
    make_project: Callable[..., Path], extra: str, expected: str
) -> None:
    root = make_project({"templates/pack.html": _layout(extra)})
    report = run(root, OPTIONS)
    assert report.failed == ["alex"]
    message = report.problems[0].format(root)
    assert message.startswith("templates/pack.html: ") and expected in message
    assert not (root / "site" / "alex").exists()


def test_fetches_outside_the_assets_stop_the_render(make_project: Callable[..., Path]) -> None:
    """What the scans cannot see (CSS url(), paths that climb out) the fetcher refuses."""
    root = make_project(
        {
            "secret.txt": "not for clients",
            "templates/pack.html": _layout(
                '<style>body { background: url("../secret.txt") }</style>'
            ),
        }
    )
    report = run(root, OPTIONS)
    assert report.failed == ["alex"]
    message = report.problems[0].format(root)
    assert message.startswith("templates/pack.html: packs/01-start.pdf cannot be made: ")
    assert "not a file inside the project's asset folders" in message
