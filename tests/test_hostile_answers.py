"""Hostile answers files, as the loader (``workbook/answers.py``) reads the kept ones.

The refusals of ``workbook answers import`` belong to that command; here the
kept files a build reads are checked: strict JSON, the documented limits, and
answers carrying script or HTML shown as text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import answers_helpers as helpers
from tests.conftest import MINI_CLIENT, run_workbook
from workbook.commands.answers import import_files
from workbook.load import answers
from workbook.outputs import record
from workbook.render import charts, i18n

KEPT = "clients/alex.answers/2026-11-22.json"
WHEN = "2026-11-20T18:04:00Z"


def answers_file(entries: dict) -> str:
    return json.dumps(
        {
            "format": "workbook-answers/1",
            "client": "alex",
            "exported": "2026-11-22T10:00:00Z",
            "answers": entries,
        }
    )


ECHO = """\
---
title: Hello
---

You wrote: {{ answers["hello/first"] }}

::: {.prompt #first}
What brings you here?
:::
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else/1", "answers": {}}', "not a workbook-answers/1"),
        ('{"format": "workbook-answers/1"}', "no 'answers' object"),
        ("[]", "not a workbook-answers/1"),
        (
            '{"format": "workbook-answers/1", "answers": ' + "[" * 50000 + "]" * 50000 + "}",
            "nested too deeply",
        ),
        (
            '{"format": "workbook-answers/1", "answers": {"a/b": {"value": '
            + "9" * 5000
            + ', "updated": "'
            + WHEN
            + '"}}}',
            "integer string conversion",
        ),
        (
            '{"format": "workbook-answers/1", "answers": {"a/b": {"value": NaN, "updated": "x"}}}',
            "NaN is not a JSON number",
        ),
        (
            '{"format": "workbook-answers/1", "format": "workbook-answers/1", "answers": {}}',
            "the key 'format' appears twice",
        ),
        (
            '{"format": "workbook-answers/1", "answers": {"a/b": {"value": "\\ud800", "updated": "'
            + WHEN
            + '"}}}',
            "not valid Unicode",
        ),
        (
            answers_file({"a/b": {"value": "x" * 100_001, "updated": WHEN}}),
            "longer than 100,000 characters",
        ),
        (
            answers_file({f"a/f{i}": {"value": "x", "updated": WHEN} for i in range(5001)}),
            "more than the limit of 5000",
        ),
        (b"\xff\xfe{}", "the file is not UTF-8 text"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "file",
)
def test_unusable_answers_files_are_located_errors(make_project, content, message: str) -> None:
    root = make_project({KEPT: content})
    result = run_workbook(["build"], root, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert any(line.startswith(KEPT) for line in result.stderr.splitlines()), result.stderr
    assert message in result.stderr, result.stderr


def test_answers_file_larger_than_5_mb_is_refused_unread(make_project, cli) -> None:
    root = make_project({KEPT: " " * (5 * 1024 * 1024 + 1)})
    result = cli(["build"], root)
    assert result.exit_code == 1 and "larger than 5 MB" in result.output


def test_a_bom_is_accepted(make_project, cli) -> None:
    answer = answers_file({"hello/first": {"value": "with a BOM", "updated": WHEN}})
    root = make_project({KEPT: b"\xef\xbb\xbf" + answer.encode()})
    assert cli(["build"], root).exit_code == 0
    assert "with a BOM" in (root / "site/alex/01-start/hello.html").read_text()


def test_answers_carrying_script_and_html_are_text(make_project, cli) -> None:
    value = '</textarea><script>alert(1)</script><img src=x onerror="alert(2)">\n::: coach\nX\n:::'
    root = make_project(
        {
            KEPT: answers_file({"hello/first": {"value": value, "updated": WHEN}}),
            "content/exercises/hello.md": ECHO,
        }
    )
    assert cli(["build"], root).exit_code == 0
    page = (root / "site/alex/01-start/hello.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("</textarea>") == 1 and "coach-note" not in page


def test_wrong_shapes_and_keys_are_skipped_not_trusted(make_project, cli) -> None:
    entries = {
        "hello/first": {"value": {"__proto__": {"polluted": 1}}, "updated": WHEN},
        "goodbye/ready": {"value": '"><script>x</script>', "updated": WHEN},
        "../../etc/passwd": {"value": "x", "updated": WHEN},
        "no-entry": 1,
        "no-date": {"value": "x"},
    }
    root = make_project({KEPT: answers_file(entries), "content/exercises/hello.md": ECHO})
    result = cli(["build"], root)
    # A kept file edited by hand into these shapes is refused whole, with its name.
    assert result.exit_code == 1
    assert KEPT in result.output
    pages = "".join(p.read_text() for p in (root / "site").rglob("*.html"))
    assert "<script>x" not in pages
    assert not list(root.rglob("passwd"))


@settings(max_examples=40, deadline=None, database=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    )
)
def test_any_json_document_is_read_or_refused_with_a_problem(document) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        kept = Path(folder) / "a.json"
        kept.write_text(json.dumps(document), encoding="utf-8")
        got, problems = answers.load(Path(folder))
        assert all(p.where.path == kept for p in problems)
        assert bool(problems) != bool(got.current) or not got.current


def test_answers_folder_linking_outside_the_project_is_not_read(
    make_project, cli, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "a.json").write_text(
        answers_file({"hello/first": {"value": "FROM OUTSIDE", "updated": WHEN}})
    )
    root = make_project({"clients/alex.yml": MINI_CLIENT})
    (root / "clients/alex.answers").symlink_to(outside, target_is_directory=True)
    result = cli(["build"], root)
    assert result.exit_code == 1
    assert "clients/alex.answers: this folder links outside the project" in result.output
    assert not (root / "site/alex").exists()


# Numbers are bounded where they are read; charts draw whatever they are given


@pytest.fixture
def firm(make_project) -> Path:
    """Two clients, every field kind (``tests/answers_helpers.py``)."""
    return make_project(helpers.FILES)


def keep(root: Path, name: str, doc: dict) -> Path:
    """A file already kept for alex (as an earlier version would have taken it in)."""
    (root / "clients/alex.answers").mkdir(exist_ok=True)
    return helpers.write_json(root / "clients/alex.answers" / name, doc)


def test_a_score_no_field_gives_is_refused_at_import(firm, cli, tmp_path: Path) -> None:
    doc = helpers.answers_doc({"self-check/self": helpers.entry({"listens": 10**309})})
    given = helpers.write_json(tmp_path / "huge.json", doc)
    result = cli(["answers", "import", str(given)], firm)
    assert result.exit_code == 1
    assert (
        f"{given}:7: the value of 'self-check/self' holds a number of 310 digits, a number no "
        "field gives (scores run from 0 to 100) — download the answers again from the workbook"
    ) in result.output.splitlines()
    assert not (firm / "clients/alex.answers").exists()


def test_a_kept_file_with_such_a_score_fails_its_client_alone(firm, cli) -> None:
    doc = helpers.answers_doc({"self-check/self": helpers.entry({"listens": -(10**40)})})
    keep(firm, "20261122T100000Z-old.json", doc)
    result = cli(["build", "--no-pdf", "--today", "2026-11-23"], firm)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "clients/alex.answers/20261122T100000Z-old.json:7: the value of 'self-check/self' holds "
        "a number of 41 digits, a number no field gives (scores run from 0 to 100) — download "
        "the answers again from the workbook"
    ) in result.output.splitlines()
    assert (firm / "site/blair/progress.html").is_file() and not (firm / "site/alex").exists()


def test_kept_scores_beyond_todays_scale_are_drawn_at_its_edge(firm, cli) -> None:
    for n, when in enumerate(("2026-09-10T08:00:00Z", "2026-10-10T08:00:00Z")):
        doc = helpers.answers_doc({"self-check/self": helpers.entry({"listens": 9 + n}, when)})
        keep(firm, f"2026110{n}T100000Z-k.json", doc)
    result = cli(["build", "--no-pdf", "--today", "2026-11-23"], firm)
    assert result.exit_code == 0, result.output
    page = (firm / "site/alex/progress.html").read_text()
    history = re.search(r'<svg[^>]*id="history-self-check-self".*?</svg>', page, flags=re.S)
    # The day as the shipped CLDR data writes it ("10 Sep" or "10 Sept", by Babel's release).
    sep, oct_ = (i18n.format_short_day(d, "en") for d in ("2026-09-10", "2026-10-10"))
    assert history is not None and f"{sep}: 9 of 10; {oct_}: 10 of 10" in history[0]
    ys = [float(y) for y in re.findall(r'<circle cx="[^"]+" cy="([^"]+)"', history[0])]
    assert ys and all(24 <= y <= 196 for y in ys)  # inside the plot, the top edge at most


@pytest.mark.parametrize("score", [10**309, -(10**309), 10**4000, 0])
def test_charts_take_any_whole_number(score: int) -> None:
    series = record.Series("Self check", 10, (record.Point("2026-11-01", "Self check", score),))
    figure = record.progress_chart(series)
    line = charts.line_chart("c", "t", [("a", score), ("b", 3)], 10)
    bars = charts.compare_chart("d", "t", ["first"], [charts.Bars("x", (score,))], 5)
    for svg in (figure, line, bars):
        numbers = re.findall(r'(?:x|y|cx|cy|width|height)="(-?[\d.]+)"', svg)
        assert numbers and all(-1 <= float(n) <= 1000 for n in numbers)


# Times in answers are believable


def test_an_update_after_the_files_own_export_is_refused(firm, cli, tmp_path: Path) -> None:
    doc = helpers.answers_doc({"hello/first": helpers.entry("for ever", "9999-12-31T23:59:59Z")})
    given = helpers.write_json(tmp_path / "late.json", doc)
    result = cli(["answers", "import", str(given)], firm)
    assert result.exit_code == 1
    assert (
        f"{given}:7: 'updated' of 'hello/first' is 9999-12-31T23:59:59Z, later than the file's "
        "'exported' (2026-11-22T10:00:00Z) — an answer cannot change after it was saved: check "
        "the clock of the computer the answers were saved on, then download them again"
    ) in result.output.splitlines()


def test_without_an_export_time_the_import_time_and_five_minutes_bound_it(
    firm, tmp_path: Path
) -> None:
    now = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)

    def attempt(updated: str, **extra: str) -> list[str]:
        doc = helpers.answers_doc({"hello/first": helpers.entry("x", updated)}, **extra)
        doc.pop("exported") if not extra else None
        given = helpers.write_json(tmp_path / f"{updated[:19].replace(':', '')}.json", doc)
        return [p.format() for p in import_files(firm, [given], now=now).refused]

    assert attempt("2026-11-22T10:04:59Z") == []  # a clock a little ahead is fine
    [late] = attempt("2026-11-22T10:05:01Z")
    assert late.endswith(
        "'updated' of 'hello/first' is 2026-11-22T10:05:01Z, later than now — an answer cannot "
        "change after it was saved: check the clock of the computer the answers were saved on, "
        "then download them again"
    )
    [ahead] = attempt("2026-11-22T09:00:00Z", exported="2099-01-01T00:00:00Z")
    assert ahead.endswith(
        ":5: 'exported' is 2099-01-01T00:00:00Z, later than now — check the clock of the "
        "computer the answers were saved on, then download them again"
    )


def test_a_kept_file_with_an_unbelievable_time_fails_its_client_alone(firm, cli) -> None:
    doc = helpers.answers_doc({"hello/first": helpers.entry("pinned", "9999-12-31T23:59:59Z")})
    doc["exported"] = "9999-12-31T23:59:59Z"
    keep(firm, "20261122T100000Z-pin.json", doc)
    result = cli(["build", "--no-pdf", "--today", "2026-11-23"], firm)
    assert result.exit_code == 1
    assert (
        "clients/alex.answers/20261122T100000Z-pin.json:5: 'exported' is 9999-12-31T23:59:59Z, "
        "later than now"
    ) in result.output
    assert (firm / "site/blair/index.html").is_file() and not (firm / "site/alex").exists()


# Nothing a client sent reaches the coach's terminal raw

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b[8mhidden\x9b"
SHOWN = "\\x1b[2J\\x1b]0;pwned\\x07\\x1b[8mhidden\\x9b"


def assert_no_raw_controls(text: str) -> None:
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), repr(text)


def test_item_keys_in_import_notes_are_shown_escaped(firm, cli, tmp_path: Path) -> None:
    doc = helpers.answers_doc({"self-check/self": helpers.entry({"listens": 3, ESCAPES: 2})})
    given = helpers.write_json(tmp_path / "keys.json", doc)
    result = cli(["answers", "import", str(given)], firm)
    assert result.exit_code == 0, result.output
    assert_no_raw_controls(result.output)
    assert (
        f"note: keys.json: self-check/self: items no longer in the exercise: {SHOWN} (kept)"
    ) in result.output.splitlines()


def test_keys_in_refusals_and_in_check_are_shown_escaped(firm, cli, tmp_path: Path) -> None:
    doc = helpers.answers_doc({ESCAPES + "/x": helpers.entry("x")})
    given = helpers.write_json(tmp_path / "bad.json", doc)
    refused = cli(["answers", "import", str(given)], firm)
    assert refused.exit_code == 1
    assert_no_raw_controls(refused.output)
    assert f"{given}:7: '{SHOWN}/x' does not name an answer" in refused.output
    keep(firm, "20261122T100000Z-bad.json", doc)
    checked = cli(["check"], firm)
    assert checked.exit_code == 1
    assert_no_raw_controls(checked.output)
    assert f"'{SHOWN}/x' does not name an answer" in checked.output


@pytest.mark.parametrize("fmt", ["csv", "md", "json"])
def test_exports_show_control_characters_escaped(firm, cli, tmp_path: Path, fmt: str) -> None:
    doc = helpers.answers_doc(
        {
            "hello/first": helpers.entry(f"line one\n{ESCAPES}\tend"),
            "self-check/self": helpers.entry({"listens": 3, ESCAPES: 1}),
        }
    )
    assert cli(["answers", "import", str(helpers.write_json(tmp_path / "a.json", doc))], firm)
    result = cli(["answers", "export", "alex", "--format", fmt], firm)
    assert result.exit_code == 0, result.output
    assert_no_raw_controls(result.output.replace("\r\n", "\n"))
    if fmt == "json":
        values = {a["key"]: a["value"] for a in json.loads(result.output)["answers"]}
        assert values["hello/first"] == f"line one\n{ESCAPES}\tend"  # the same data, escaped
    else:
        shown = SHOWN.replace("[", "\\[").replace("]", "\\]") if fmt == "md" else SHOWN
        assert shown in result.output and "line one" in result.output
