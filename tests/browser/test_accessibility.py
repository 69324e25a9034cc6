"""axe-core in Chromium: no serious or critical WCAG 2 A/AA violation on the client's pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "index.html",
    "02-current-reality/index.html",
    "02-current-reality/leadership-self-assessment.html",
    "01-relationship/about-you.html",
    "03-goal-setting/clear-goals.html",
    "progress.html",
]


def violations(page: Any, axe_source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe_source)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations",
        TAGS,
    )
    return [v for v in found if v.get("impact") in ("serious", "critical")]


def describe(found: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in found
    )


@pytest.mark.parametrize("relative", PAGES)
def test_no_serious_violations(browser, example_site: Path, axe_source, relative):
    context = browser.new_context(bypass_csp=True)  # lets the test inject axe-core
    try:
        page = context.new_page()
        page.goto((example_site / "jordan-rivera" / relative).as_uri())
        found = violations(page, axe_source)
        assert not found, describe(found)
    finally:
        context.close()


def test_no_serious_violations_with_answers_and_messages(browser, example_site, axe_source):
    """The page as a client works in it: answers typed, a message shown, a warning shown."""
    context = browser.new_context(bypass_csp=True)  # lets the test inject axe-core
    try:
        page = context.new_page()
        page.goto((example_site / "jordan-rivera" / "01-relationship" / "about-you.html").as_uri())
        page.fill("textarea[name='about-you/strengths']", "Calm under pressure")
        page.check("input[name='about-you/feedback-style'] >> nth=0")
        page.evaluate(
            "() => { const w = document.querySelector('.answers-warning');"
            " w.hidden = false; w.textContent = 'A warning'; }"
        )
        page.wait_for_timeout(500)
        found = violations(page, axe_source)
        assert not found, describe(found)
    finally:
        context.close()


def test_the_check_finds_a_real_violation(browser, axe_source):
    """The harness itself can fail: an unlabelled input and low contrast are caught."""
    context = browser.new_context(bypass_csp=True)  # lets the test inject axe-core
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><body><main><input type="text">'
            '<p style="color:#eee;background:#fff">faint</p></main></body></html>'
        )
        ids = {v["id"] for v in violations(page, axe_source)}
        assert {"label", "color-contrast"} <= ids
    finally:
        context.close()


def test_earlier_work_has_no_serious_violations(browser, tmp_path, axe_source):
    """Jordan's answered about-you, dropped from the programme, kept on its own page."""
    from tests.browser.conftest import build_site
    from tests.conftest import copy_example

    root = copy_example(tmp_path / "example")
    programme = root / "content/programmes/executive-coaching.yml"
    programme.write_text(programme.read_text().replace(" about-you,", ""))
    site = build_site(root, tmp_path / "site")
    context = browser.new_context(bypass_csp=True)  # lets the test inject axe-core
    try:
        page = context.new_page()
        for relative in ("earlier-work.html", "index.html"):
            page.goto((site / "jordan-rivera" / relative).as_uri())
            found = violations(page, axe_source)
            assert not found, relative + ": " + describe(found)
        assert page.locator("a[href='earlier-work.html']").count() == 1
    finally:
        context.close()
