"""Right to left in Chromium: an Arabic client's pages pass axe-core and are mirrored;
an English client's are not; the rating grid on a 390 px phone has 44 px targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_accessibility import describe, violations
from tests.rtl_support import ARABIC, ENGLISH, arabic_project
from workbook.build.options import BuildOptions
from workbook.build.run import run

GRID = "02-current-reality/leadership-self-assessment.html"
PAGES = ["index.html", GRID, "progress.html", "01-relationship/index.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = arabic_project(tmp_path_factory.mktemp("rtl-browser") / "project")
    out = root / "site"
    options = BuildOptions(
        out=out, today=dt.date(2026, 11, 15), pdf=False, clients=(ARABIC, ENGLISH)
    )
    report = run(root, options)
    assert not report.problems, [p.format(root) for p in report.problems]
    return out


@pytest.fixture
def open_page(browser: Any, site: Path) -> Iterator[Any]:
    contexts = []

    def go(client: str, relative: str, width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.goto((site / client / relative).as_uri())
        return page

    yield go
    for context in contexts:
        context.close()


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


@pytest.mark.parametrize("relative", PAGES)
def test_arabic_pages_pass_axe(open_page, axe_source, relative):
    page = open_page(ARABIC, relative)
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    found = violations(page, axe_source)
    assert not found, describe(found)


@pytest.mark.parametrize(("client", "rtl"), [(ARABIC, True), (ENGLISH, False)])
def test_home_is_mirrored_only_right_to_left(open_page, client, rtl):
    page = open_page(client, "index.html")
    content = box(page, "main.content")
    brand = box(page, ".site-header .brand")
    card = box(page, ".person-card")
    marker, body = box(page, ".timeline-marker"), box(page, ".timeline-body")
    right = content["x"] + content["width"]
    if rtl:
        assert brand["x"] > 1280 / 2  # the firm's mark at the top right
        assert abs(card["x"] + card["width"] - (right - 32)) < 4  # the first card at the right
        assert marker["x"] > body["x"]  # the timeline's line on the right, text to its left
    else:
        assert brand["x"] < 1280 / 2
        assert abs(card["x"] - (content["x"] + 32)) < 4
        assert marker["x"] < body["x"]
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 1280


@pytest.mark.parametrize(("client", "rtl"), [(ARABIC, True), (ENGLISH, False)])
def test_rating_statements_stand_at_the_start_of_the_line(open_page, client, rtl):
    page = open_page(client, GRID)
    statement = box(page, ".rating-grid tbody th")
    first = box(page, ".rating-grid tbody td")
    assert (statement["x"] > first["x"]) is rtl
    ones = box(page, ".rating-grid thead th:nth-child(2)")  # "1", the scale's low end
    fives = box(page, ".rating-grid thead th:last-child")
    assert (ones["x"] > fives["x"]) is rtl


@pytest.mark.parametrize("client", [ARABIC, ENGLISH])
def test_rating_grid_on_a_phone(open_page, client):
    page = open_page(client, GRID, width=390)
    statements = page.locator(".rating-grid tbody th")
    radios = page.locator(".rating-grid input[type=radio]")
    assert statements.count() >= 5 and radios.count() >= 25
    for i in range(statements.count()):
        assert statements.nth(i).bounding_box()["width"] >= 280  # a line, not a narrow column
    for i in range(radios.count()):
        target = radios.nth(i).bounding_box()
        assert target["width"] >= 44 and target["height"] >= 44, target
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390
    radios.nth(2).click()  # a target is a working radio button
    assert radios.nth(2).is_checked()


def test_email_address_stays_whole(open_page):
    page = open_page(ENGLISH, "index.html")
    link = page.locator(".person-card a[href^='mailto:']").first
    lines = link.evaluate("a => a.getClientRects().length")
    assert lines == 1
