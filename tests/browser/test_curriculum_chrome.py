"""The curriculum's chrome in Chromium: one-line navbar, the firm's colour, labelled controls, axe.

The example project is built with two languages, with each built-in theme,
and its pages are opened over file:// at a desktop and a phone width.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_accessibility import describe, violations
from tests.conftest import copy_example
from workbook.build import curriculum

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
STAGE = "executive-coaching/02-current-reality/index.html"
FIRM_BLUE = "rgb(31, 78, 121)"  # brand.colours.primary of the example, #1f4e79


def build_curriculum(root: Path, theme: str) -> Path:
    copy_example(root)
    settings = root / "workbook.yml"
    text = settings.read_text("utf-8").replace("theme: mkdocs", f"theme: {theme}")
    settings.write_text(text + "languages: [en, fr]\n", encoding="utf-8")
    return curriculum.build(root, echo=lambda _: None)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        theme: build_curriculum(tmp_path_factory.mktemp(f"curriculum-{theme}"), theme)
        for theme in ("mkdocs", "readthedocs")
    }


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(path: Path, viewport: dict[str, int]) -> Any:
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # axe is injected
        contexts.append(context)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.requests = requests
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("relative", ["index.html", STAGE, f"fr/{STAGE}"])
def test_no_serious_violations(sites, open_page, axe_source, theme, viewport, relative) -> None:  # type: ignore[no-untyped-def]
    page = open_page(sites[theme] / relative, viewport)
    found = violations(page, axe_source)
    assert not found, describe(found)
    assert all(url.startswith("file:") for url in page.requests), page.requests


def test_the_navbar_holds_on_one_line_at_1280(sites, open_page) -> None:  # type: ignore[no-untyped-def]
    for relative in ("index.html", STAGE, f"fr/{STAGE}"):
        page = open_page(sites["mkdocs"] / relative, DESKTOP)
        tops = page.eval_on_selector_all(
            ".navbar .navbar-brand, .navbar .nav-item",
            "els => els.map(e => Math.round(e.getBoundingClientRect().top))",
        )
        assert len(tops) >= 6 and max(tops) - min(tops) < 8, (relative, tops)
        assert page.eval_on_selector(".navbar", "e => e.offsetHeight") < 70


def test_links_are_the_firms_colour(sites, open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page(sites["mkdocs"] / STAGE, DESKTOP)
    colour = "e => getComputedStyle(e).color"
    assert page.eval_on_selector("[role=main] a[href]", colour) == FIRM_BLUE
    assert page.eval_on_selector(".bs-sidebar a.nav-link", colour) == FIRM_BLUE
    logo = page.eval_on_selector(".navbar-brand img", "e => e.naturalWidth")
    assert logo > 0


def test_the_phone_controls_are_labelled(sites, open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page(sites["mkdocs"] / STAGE, PHONE)
    toc = page.get_by_role("button", name="Contents of this page")
    assert toc.is_visible()
    toc.click()
    page.wait_for_selector("#toc-collapse.show")
    assert toc.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("button", name="Toggle navigation").is_visible()

    rtd = open_page(sites["readthedocs"] / STAGE, PHONE)
    menu = rtd.get_by_role("button", name="Menu")
    assert menu.is_visible()
    menu.click()
    rtd.wait_for_selector(".wy-nav-side.shift")


def test_the_switcher_opens_the_same_page_in_french(sites, open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page(sites["mkdocs"] / STAGE, DESKTOP)
    with page.expect_navigation():
        page.click("a[hreflang=fr]")
    assert page.url.endswith("/fr/executive-coaching/02-current-reality/")
    # over file:// a folder opens as a listing: its index.html is the page a server sends
    page.goto(page.url + "index.html")
    assert page.eval_on_selector("html", "e => e.lang") == "fr"
    with page.expect_navigation():
        page.click("a[hreflang=en]")
    assert page.url.endswith("/curriculum/executive-coaching/02-current-reality/")
    page.goto(page.url + "index.html")
    assert page.eval_on_selector("html", "e => e.lang") == "en"
