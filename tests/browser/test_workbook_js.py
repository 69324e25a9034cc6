"""The client's side of answers, in real Chromium: saving, reloading, isolation, files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.answers_helpers import answers_doc, entry, write_json
from tests.browser.conftest import ARGS, CHROMIUM, build_site
from tests.conftest import run_workbook

RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class Tab:
    """A browser context and page that records any request leaving the machine."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.outside: list[str] = []
        self.errors: list[str] = []
        context.on("request", self._request)
        self.page = context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _request(self, request: Any) -> None:
        if not request.url.startswith(("file:", "blob:", "data:", "about:")):
            self.outside.append(request.url)

    def open(self, url: str) -> Any:
        self.page.goto(url)
        return self.page


@pytest.fixture
def new_tab(browser: Any) -> Iterator[Any]:
    made: list[Tab] = []

    def make(**options: Any) -> Tab:
        tab = Tab(browser.new_context(accept_downloads=True, **options))
        made.append(tab)
        return tab

    yield make
    for tab in made:
        assert tab.outside == [], f"requests left the machine: {tab.outside}"
        assert tab.errors == [], f"script errors: {tab.errors}"
        tab.context.close()


def url(site: Path, client: str, page: str) -> str:
    return (site / client / page).as_uri()


def stored(page: Any) -> dict[str, Any]:
    return page.evaluate(
        "() => Object.fromEntries(Object.keys(localStorage).map(k => [k, "
        "JSON.parse(localStorage.getItem(k))]))"
    )


def status(page: Any, key: str) -> str:
    return page.locator(f'[data-field="{key}"] .field-status').inner_text()


def test_typing_saves_each_field_with_its_shape(answers_site, new_tab):
    page = new_tab().open(url(answers_site, "alex", "01-start/hello.html"))
    page.fill("textarea[name='hello/first']", "I want to lead with less effort.")
    page.wait_for_function(
        "() => document.querySelector('[data-field=\"hello/first\"] .field-status')"
        ".textContent === 'Saved'"
    )
    assert status(page, "hello/first") == "Saved"
    page.goto(url(answers_site, "alex", "01-start/shapes.html"))
    page.check("input[name='shapes/habits'][value='writing']")
    page.check("input[name='shapes/focus'][value='feedback']")
    page.fill("[data-field='shapes/plan'] input[data-row='0'][data-col='0']", "Ask")
    page.fill("[data-field='shapes/plan'] input[data-row='0'][data-col='1']", "Me")
    page.goto(url(answers_site, "alex", "01-start/self-check.html"))
    page.check("input[name='self-check/self/listens'][value='4']")
    page.goto(url(answers_site, "alex", "02-later/goodbye.html"))
    page.check("input[name='goodbye/ready'][value='3']")
    saved = stored(page)
    prefix = "workbook:testfirm:alex:"
    assert {k.removeprefix(prefix): v["value"] for k, v in saved.items()} == {
        "hello/first": "I want to lead with less effort.",
        "shapes/habits": ["writing"],
        "shapes/focus": "feedback",
        "shapes/plan": [["Ask", "Me"]],
        "self-check/self": {"listens": 4},
        "goodbye/ready": 3,
    }
    assert all(k.startswith(prefix) for k in saved)
    assert all(RFC3339.fullmatch(v["updated"]) for v in saved.values())


def test_answers_survive_reload_and_a_rebuilt_site(answers_site, new_tab, tmp_path):
    tab = new_tab()
    page = tab.open(url(answers_site, "alex", "01-start/shapes.html"))
    page.check("input[name='shapes/habits'][value='reading']")
    page.fill("[data-field='shapes/plan'] input[data-row='1'][data-col='1']", "Sam")
    page.reload()
    assert page.is_checked("input[name='shapes/habits'][value='reading']")
    assert not page.is_checked("input[name='shapes/habits'][value='writing']")
    assert page.input_value("[data-field='shapes/plan'] input[data-row='1'][data-col='1']") == "Sam"
    assert page.input_value("[data-field='shapes/plan'] input[data-row='0'][data-col='0']") == ""
    # the same site built again in place: the browser still has the answers
    build_site(answers_site.parent, answers_site)
    page.reload()
    assert page.is_checked("input[name='shapes/habits'][value='reading']")


def test_answers_survive_a_browser_restart(answers_site, playwright_api, tmp_path):
    profile = tmp_path / "profile"
    target = url(answers_site, "alex", "01-start/hello.html")
    for attempt in range(2):
        context = playwright_api.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=ARGS
        )
        try:
            page = context.new_page()
            page.goto(target)
            if attempt == 0:
                page.fill("textarea[name='hello/first']", "Kept across restarts")
                page.wait_for_timeout(100)
            else:
                assert page.input_value("textarea[name='hello/first']") == "Kept across restarts"
        finally:
            context.close()


def test_two_clients_on_one_computer_never_see_each_others_answers(answers_site, new_tab):
    tab = new_tab()
    alex = tab.open(url(answers_site, "alex", "01-start/hello.html"))
    alex.fill("textarea[name='hello/first']", "Alex's private thought")
    blair = tab.context.new_page()
    blair.goto(url(answers_site, "blair", "01-start/hello.html"))
    assert blair.input_value("textarea[name='hello/first']") == ""
    blair.fill("textarea[name='hello/first']", "Blair's own")
    alex.reload()
    assert alex.input_value("textarea[name='hello/first']") == "Alex's private thought"
    keys = sorted(stored(alex))
    assert keys == ["workbook:testfirm:alex:hello/first", "workbook:testfirm:blair:hello/first"]
    blair.goto(url(answers_site, "blair", "index.html"))
    assert blair.inner_text("[data-progress-total]") == "So far: 1 of 5 exercises answered."


def test_counts_per_stage_and_on_home(answers_site, new_tab):
    page = new_tab().open(url(answers_site, "alex", "01-start/index.html"))
    assert page.inner_text("[data-progress-stage='01-start']") == ("0 of 3 exercises answered")
    page.goto(url(answers_site, "alex", "01-start/self-check.html"))
    page.check("input[name='self-check/self/listens'][value='2']")
    page.goto(url(answers_site, "alex", "01-start/hello.html"))
    page.fill("textarea[name='hello/first']", "Done")
    page.goto(url(answers_site, "alex", "01-start/index.html"))
    assert page.inner_text("[data-progress-stage='01-start']") == (
        "1 of 3 exercises answered, 1 more started"
    )
    assert page.inner_text("[data-progress-exercise='hello']") == "Answered"
    assert page.inner_text("[data-progress-exercise='self-check']") == "Started"
    assert page.inner_text("[data-progress-exercise='shapes']") == "Not started"
    page.goto(url(answers_site, "alex", "index.html"))
    assert page.inner_text("[data-progress-stage='02-later']") == ("0 of 2 exercises answered")
    assert page.inner_text("[data-progress-total]") == (
        "So far: 1 of 5 exercises answered, 1 more started."
    )


def download(page: Any, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    with page.expect_download() as info:
        page.click("button[data-action='download']")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target, json.loads(target.read_text(encoding="utf-8"))


def load(page: Any, path: Path) -> str:
    with page.expect_file_chooser() as chooser:
        page.click("button[data-action='load']")
    chooser.value.set_files(str(path))
    message = page.locator(".answers-message")
    message.filter(has_text=re.compile(".")).wait_for()
    return message.inner_text()


def test_download_then_load_into_a_fresh_browser(answers_site, new_tab, tmp_path):
    page = new_tab().open(url(answers_site, "alex", "01-start/hello.html"))
    page.fill("textarea[name='hello/first']", "Moving to my laptop")
    page.goto(url(answers_site, "alex", "01-start/self-check.html"))
    page.check("input[name='self-check/self/delegates'][value='5']")
    path, doc = download(page, tmp_path)
    assert path.name.startswith("answers-alex-") and path.suffix == ".json"
    assert doc["format"] == "workbook-answers/1"
    assert doc["client"] == "alex" and doc["programme"] == "answers"
    assert RFC3339.fullmatch(doc["exported"])
    assert {k: v["value"] for k, v in doc["answers"].items()} == {
        "hello/first": "Moving to my laptop",
        "self-check/self": {"delegates": 5},
    }
    fresh = new_tab().open(url(answers_site, "alex", "index.html"))
    assert fresh.inner_text("[data-progress-total]") == "So far: 0 of 5 exercises answered."
    assert load(fresh, path) == "Loaded 2 answers from the file."
    assert (
        fresh.inner_text("[data-progress-total]")
        == "So far: 1 of 5 exercises answered, 1 more started."
    )
    fresh.goto(url(answers_site, "alex", "01-start/hello.html"))
    assert fresh.input_value("textarea[name='hello/first']") == "Moving to my laptop"
    # loading the same file again keeps what is here (it is as new)
    assert load(fresh, path) == (
        "Loaded 0 answers from the file. 2 answers here were newer and stayed as they were."
    )


def test_a_file_from_another_client_is_refused(answers_site, new_tab, tmp_path):
    blair = new_tab().open(url(answers_site, "blair", "01-start/hello.html"))
    blair.fill("textarea[name='hello/first']", "Blair's answer")
    path, _ = download(blair, tmp_path)
    alex = new_tab().open(url(answers_site, "alex", "01-start/hello.html"))
    alex.fill("textarea[name='hello/first']", "Alex's answer")
    before = stored(alex)
    message = load(alex, path)
    assert message.startswith("This file holds answers from someone else’s workbook")
    assert stored(alex) == before
    assert alex.input_value("textarea[name='hello/first']") == "Alex's answer"
    not_answers = tmp_path / "notes.json"
    not_answers.write_text('{"hello": 1}')
    assert load(alex, not_answers) == "This is not a workbook answers file, so nothing was loaded."
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert load(alex, broken).startswith("This file could not be read as workbook answers")
    assert stored(alex) == before


def test_the_downloaded_file_is_accepted_by_the_coach(answers_site, new_tab, tmp_path):
    page = new_tab().open(url(answers_site, "alex", "01-start/shapes.html"))
    page.check("input[name='shapes/focus'][value='delegation']")
    page.fill("[data-field='shapes/plan'] input[data-row='0'][data-col='0']", "Plan it")
    path, _ = download(page, tmp_path)
    project = answers_site.parent
    done = run_workbook(["answers", "import", str(path)], project)
    assert done.returncode == 0, done.stderr
    exported = run_workbook(["answers", "export", "alex", "--format", "json"], project)
    values = {a["key"]: a["value"] for a in json.loads(exported.stdout)["answers"]}
    assert values == {"shapes/focus": "delegation", "shapes/plan": [["Plan it", ""]]}


def test_imported_answers_prefill_and_the_newer_answer_wins(make_project, new_tab, tmp_path, cli):
    from tests.answers_helpers import FILES

    root = make_project(FILES)
    doc = answers_doc(
        {
            "hello/first": entry("From the coach's copy", "2026-11-01T10:00:00Z"),
            "goodbye/ready": entry(2, "2026-11-02T00:00:00Z"),
        }
    )
    assert (
        cli(["answers", "import", str(write_json(tmp_path / "a.json", doc))], root).exit_code == 0
    )
    site = build_site(root, root / "site")
    tab = new_tab()
    page = tab.open(url(site, "alex", "01-start/hello.html"))
    assert page.input_value("textarea[name='hello/first']") == "From the coach's copy"
    page.fill("textarea[name='hello/first']", "Typed since")
    page.reload()
    assert page.input_value("textarea[name='hello/first']") == "Typed since"
    # a browser answer older than the imported one gives way to it
    page.goto(url(site, "alex", "02-later/goodbye.html"))
    page.evaluate(
        "() => localStorage.setItem('workbook:testfirm:alex:goodbye/ready', "
        "JSON.stringify({value: 5, updated: '2026-01-01T00:00:00Z'}))"
    )
    page.reload()
    assert page.is_checked("input[name='goodbye/ready'][value='2']")
    assert not page.is_checked("input[name='goodbye/ready'][value='5']")
    page.goto(url(site, "alex", "index.html"))
    assert page.inner_text("[data-progress-total]") == "So far: 2 of 5 exercises answered."


BLOCK_STORAGE = """
Object.defineProperty(window, 'localStorage', {
  configurable: true,
  get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }
});
"""


def test_storage_unavailable_warns_and_download_still_works(answers_site, new_tab, tmp_path):
    tab = new_tab()
    tab.context.add_init_script(BLOCK_STORAGE)
    page = tab.open(url(answers_site, "alex", "01-start/hello.html"))
    warning = page.locator(".answers-warning")
    assert warning.is_visible()
    assert "not saving your answers" in warning.inner_text()
    page.fill("textarea[name='hello/first']", "Only in this page")
    page.wait_for_function(
        "() => document.querySelector('[data-field=\"hello/first\"] .field-status')"
        ".textContent.startsWith('Not saved')"
    )
    _, doc = download(page, tmp_path)
    assert doc["answers"]["hello/first"]["value"] == "Only in this page"


def test_storage_full_warns(answers_site, new_tab):
    tab = new_tab()
    tab.context.add_init_script(
        "Storage.prototype._set = Storage.prototype.setItem;"
        "Storage.prototype.setItem = function (k, v) {"
        "  if (k.endsWith('probe')) return this._set(k, v);"
        "  throw new DOMException('full', 'QuotaExceededError'); };"
    )
    page = tab.open(url(answers_site, "alex", "01-start/hello.html"))
    assert not page.locator(".answers-warning").is_visible()
    page.fill("textarea[name='hello/first']", "Too much")
    page.locator(".answers-warning").wait_for(state="visible")
    assert "storage is turned off or full" in page.inner_text(".answers-warning")


def test_without_javascript_the_page_reads_and_the_tools_stay_hidden(
    make_project, new_tab, tmp_path, cli
):
    from tests.answers_helpers import FILES

    root = make_project(FILES)
    doc = answers_doc({"hello/first": entry("Imported words"), "goodbye/ready": entry(4)})
    assert (
        cli(["answers", "import", str(write_json(tmp_path / "a.json", doc))], root).exit_code == 0
    )
    site = build_site(root, root / "site")
    page = new_tab(java_script_enabled=False).open(url(site, "alex", "01-start/hello.html"))
    assert page.input_value("textarea[name='hello/first']") == "Imported words"
    assert not page.locator("#answers-panel").is_visible()
    assert "Hello" in page.inner_text("h1")
    page.emulate_media(media="print")
    assert page.locator(".print-copy").inner_text() == "Imported words"
    assert not page.locator("textarea[name='hello/first']").is_visible()
    page.goto(url(site, "alex", "02-later/goodbye.html"))
    assert page.is_checked("input[name='goodbye/ready'][value='4']")


def test_printing_shows_what_was_typed(answers_site, new_tab):
    page = new_tab().open(url(answers_site, "alex", "01-start/hello.html"))
    text = "Line one\nLine two\n" + "A long answer. " * 80
    page.fill("textarea[name='hello/first']", text)
    screen_height = page.locator("textarea[name='hello/first']").bounding_box()["height"]
    page.emulate_media(media="print")
    copy = page.locator("[data-print-for='hello/first']")
    assert copy.is_visible()
    assert copy.inner_text().strip() == text.strip()
    assert not page.locator("#answers-panel").is_visible()
    # the whole answer is on paper, not cut to the textarea's rows
    assert copy.bounding_box()["height"] > 2 * screen_height
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")


def test_keyboard_alone_can_answer_and_download(answers_site, new_tab, tmp_path):
    page = new_tab().open(url(answers_site, "alex", "01-start/shapes.html"))
    page.focus("input[name='shapes/focus'][value='delegation']")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("input[name='shapes/focus'][value='feedback']")
    page.focus("button[data-action='download']")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    doc = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert doc["answers"]["shapes/focus"]["value"] == "feedback"
