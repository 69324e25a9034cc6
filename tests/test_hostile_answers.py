"""Hostile answers files, as the loader (``workbook/answers.py``) reads the kept ones.

The refusals of ``workbook answers import`` belong to that command; here the
kept files a build reads are checked: strict JSON, the documented limits, and
answers carrying script or HTML shown as text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import MINI_CLIENT, run_workbook
from workbook.load import answers

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
