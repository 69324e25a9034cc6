"""Hostile input in the browser: what a client types or loads cannot become markup or state.

These need the answers script (``templates/assets/workbook.js``): saving fields
to localStorage, "Download my answers" and loading an answers file. They follow
the answers format of ``docs/answers.md`` and the fields' markup (``data-field="exercise/field"``,
``.field-status``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import Console

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not (REPO / "templates/assets/workbook.js").is_file(), reason="needs the answers script"
)
FIELD = "[data-field='hello/first']"
HOSTILE = '<img src=x onerror="document.body.dataset.pwned=1">'


@pytest.fixture
def hello_page(make_project, cli) -> Path:
    root = make_project()
    assert cli(["build", "--no-pdf", "--today", "2026-11-23"], root).exit_code == 0
    return root / "site/alex/01-start/hello.html"


def test_typed_markup_shows_as_text_after_reload(hello_page: Path, browser: Any) -> None:
    page = browser.new_context().new_page()
    page.goto(hello_page.as_uri())
    page.fill(f"{FIELD} textarea", HOSTILE)
    page.locator(f"{FIELD} textarea").blur()
    page.reload()
    assert page.locator(f"{FIELD} textarea").input_value() == HOSTILE
    assert page.locator("main img").count() == 0
    assert page.locator("body").get_attribute("data-pwned") is None


def test_imported_proto_keys_merge_nothing(hello_page: Path, browser: Any, tmp_path: Path) -> None:
    hostile = tmp_path / "answers.json"
    hostile.write_text(
        '{"format": "workbook-answers/1", "client": "alex", "exported": "2026-11-22T10:00:00Z",'
        ' "__proto__": {"polluted": "top"},'
        ' "answers": {"__proto__": {"value": "x", "updated": "2026-11-20T18:04:00Z"},'
        ' "constructor": {"value": "x", "updated": "2026-11-20T18:04:00Z"},'
        ' "hello/first": {"value": {"__proto__": {"polluted": "value"}},'
        ' "updated": "2026-11-20T18:04:00Z"}}}'
    )
    page = browser.new_context().new_page()
    console = Console(page)
    page.goto(hello_page.as_uri())
    page.locator("input[type=file]").first.set_input_files(str(hostile))
    page.wait_for_selector(".answers-message:not(:empty)")  # the script has read the file
    assert page.evaluate("() => ({}).polluted") is None
    assert page.evaluate("() => Object.prototype.hasOwnProperty('polluted')") is False
    stored = page.evaluate("() => JSON.stringify(Object.assign({}, localStorage))")
    assert "polluted" not in stored and "__proto__" not in stored
    assert "polluted" not in page.locator(f"{FIELD} textarea").input_value()
    assert not [e for e in console.errors if "polluted" in e]


def test_storage_full_warns_and_download_still_works(hello_page: Path, browser: Any) -> None:
    context = browser.new_context(accept_downloads=True)
    context.add_init_script(
        "Storage.prototype.setItem = function () {"
        " throw new DOMException('full', 'QuotaExceededError'); };"
    )
    page = context.new_page()
    page.goto(hello_page.as_uri())
    page.fill(f"{FIELD} textarea", "Kept in the download")
    page.locator(f"{FIELD} textarea").blur()
    warning = page.locator(".field-status, [role=alert], [role=status]").filter(has_text="sav")
    warning.first.wait_for(state="visible")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my answers").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["format"] == "workbook-answers/1"
    assert data["answers"]["hello/first"]["value"] == "Kept in the download"
