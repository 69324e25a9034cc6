"""The coach's desk in real Chromium: from file://, under its own CSP; sorted and filtered by its
script; axe-core clean; printed on A4 and on Letter with every client on paper."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_accessibility import describe, violations
from tests.browser_support import Console

NAMES = ["Amara Okafor", "Jordan Rivera", "Li Wei Chen", "Noah Lindqvist", "Sofía Márquez"]


@pytest.fixture
def desk(example_project: Path, cli) -> Path:
    args = ["build", "--no-pdf", "--today", "2026-11-23", "--edition", "coach"]
    result = cli(args, example_project)
    assert result.exit_code == 0, result.output
    return example_project / "coach" / "index.html"


def shown(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        ".desk-client:not([hidden]) .desk-name", "els => els.map(e => e.textContent.trim())"
    )


def test_the_desk_sorts_and_filters_under_its_csp(desk: Path, browser: Any) -> None:
    assert "script-src 'self'" in desk.read_text(encoding="utf-8")
    page = browser.new_page()
    console = Console(page)
    page.goto(desk.as_uri())
    page.wait_for_selector(".desk-controls:not([hidden])")  # the script ran under the policy
    assert shown(page) == NAMES
    assert page.inner_text("[data-desk='count']") == "5 of 5 clients shown"
    page.select_option("#desk-sort", "next")
    assert shown(page) == [
        "Li Wei Chen", "Amara Okafor", "Noah Lindqvist", "Jordan Rivera", "Sofía Márquez",
    ]  # fmt: skip
    page.select_option("#desk-sort", "last")  # newest answers first, none last
    assert shown(page)[:2] == ["Jordan Rivera", "Amara Okafor"]
    page.check("#desk-attention")
    assert sorted(shown(page)) == ["Amara Okafor", "Noah Lindqvist", "Sofía Márquez"]
    page.uncheck("#desk-attention")
    page.select_option("#desk-coach", "Helen Ashworth")
    assert sorted(shown(page)) == ["Amara Okafor", "Jordan Rivera"]
    page.select_option("#desk-stage", "Building skills")
    assert shown(page) == ["Amara Okafor"]
    page.select_option("#desk-coach", "Tom Brennan")
    assert shown(page) == [] and page.is_visible("[data-desk='empty']")
    assert console.errors == []
    page.close()


def test_the_desk_is_accessible(desk: Path, browser: Any, axe_source: str) -> None:
    for width in (1280, 390):
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.goto(desk.as_uri())
            found = violations(page, axe_source)
            assert not found, describe(found)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, (width, overflow)  # nothing wider than a phone
        finally:
            context.close()


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_desk_prints_every_client(desk: Path, browser: Any, tmp_path: Path, paper) -> None:
    page = browser.new_page()
    page.goto(desk.as_uri())
    page.wait_for_selector(".desk-controls:not([hidden])")
    page.select_option("#desk-coach", "Tom Brennan")  # filtered on screen: all on paper
    pdf = tmp_path / f"desk-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    page.close()
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for name in NAMES:
        assert name in text, (paper, name)
    assert "Sort by" not in text  # the controls are for the screen
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    size = "595.92 x 842.88" if paper == "A4" else "612 x 792"
    assert size in info
