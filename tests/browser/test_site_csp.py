"""The built sites in real Chromium: the CSP leaves them working; encrypted ones open only with
the passphrase."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser_support import Console

PASS = "correct horse battery staple"


def test_site_works_from_file_under_its_csp(example_project: Path, cli, browser: Any) -> None:
    assert cli(["build", "--no-pdf", "--today", "2026-11-23"], example_project).exit_code == 0
    page = browser.new_page()
    console = Console(page)
    folder = example_project / "site/jordan-rivera"
    html = (folder / "index.html").read_text()
    assert "Content-Security-Policy" in html and "script-src 'self'" in html
    page.goto((folder / "index.html").as_uri())
    assert page.inner_text("h1") == "Welcome, Jordan"
    # the stylesheets and the logo load under the policy
    header = page.locator(".site-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 78, 121)"
    assert page.locator(".brand-logo").evaluate("e => e.naturalWidth") > 0
    page.click("text=Establishing the coaching relationship")
    page.wait_for_selector("h1:has-text('Establishing the coaching relationship')")
    assert console.errors == []
    page.close()


def test_inline_script_in_a_page_is_blocked(example_project: Path, cli, browser: Any) -> None:
    assert cli(["build", "--no-pdf", "--today", "2026-11-23"], example_project).exit_code == 0
    path = example_project / "site/jordan-rivera/index.html"
    html = path.read_text().replace(
        "</body>", "<script>document.body.dataset.ran = 'yes'</script></body>"
    )
    path.write_text(html)
    page = browser.new_page()
    console = Console(page)
    page.goto(path.as_uri())
    assert page.locator("body").get_attribute("data-ran") is None
    assert any("Content Security Policy" in e for e in console.errors)
    page.close()


def test_encrypted_site_opens_only_with_the_passphrase(
    example_project: Path,
    cli,
    browser: Any,
) -> None:
    result = cli(
        [
            "build",
            "--no-pdf",
            "jordan-rivera",
            "--today",
            "2026-11-23",
            "--encrypt",
            "--opaque-folders",
        ],
        example_project,
        {"WORKBOOK_PASSPHRASE": PASS},
    )
    assert result.exit_code == 0, result.output
    folder = next(
        p for p in (example_project / "site").iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    context = browser.new_context()
    page = context.new_page()
    console = Console(page)
    page.goto((folder / "index.html").as_uri())
    page.wait_for_selector("#workbook-passphrase", state="visible")
    assert page.title() == "Private workbook"
    for secret in ("Jordan", "Rivera", "Northwind", "Delegate"):
        assert secret not in page.inner_text("body")

    page.fill("#workbook-passphrase", "not the passphrase")
    page.click("button[type=submit]")
    page.wait_for_selector("#workbook-unlock-status:has-text('does not open')")
    assert "Jordan" not in page.content()
    assert page.locator("#workbook-passphrase").input_value() == ""

    page.fill("#workbook-passphrase", PASS)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Welcome, Jordan')")
    assert page.title() == "Your workbook · Jordan · Harbour Leadership Partners"
    header = page.locator(".site-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 78, 121)"

    # the key, not the passphrase, is kept for the session: the next page opens at once
    stored = page.evaluate("() => JSON.stringify(Object.assign({}, sessionStorage))")
    assert PASS not in stored and "workbook-key:" in stored
    page.click("text=Establishing the coaching relationship")
    page.wait_for_selector("h1:has-text('Establishing the coaching relationship')")
    page.click("a:has-text('About you')")
    page.wait_for_selector("[data-field='about-you/strengths']")
    assert console.errors == []

    # a new browser session asks again
    fresh = browser.new_context().new_page()
    fresh.goto((folder / "index.html").as_uri())
    fresh.wait_for_selector("#workbook-passphrase", state="visible")
    context.close()
