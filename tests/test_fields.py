"""Field rendering, as input/expected pairs in tests/fixtures/fields (markdown-it-py's way).

Each ``<case>.md`` is rendered for the client edition into ``<case>.html`` and for the
coach edition into ``<case>.coach.html`` when that file exists. Set
WORKBOOK_UPDATE_FIXTURES=1 to rewrite the expected files after a deliberate change,
then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbook.render import markdown

FIXTURES = Path(__file__).parent / "fixtures" / "fields"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))


def render(case: str, edition: str) -> str:
    source = (FIXTURES / f"{case}.md").read_text()
    tokens, report = markdown.parse(source, FIXTURES / f"{case}.md", "ex")
    assert report.problems == []
    return markdown.render(tokens, edition=edition, exercise="ex")


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("edition", ["client", "coach"])
def test_field_fixture(case: str, edition: str) -> None:
    suffix = ".html" if edition == "client" else ".coach.html"
    expected = FIXTURES / f"{case}{suffix}"
    if edition == "coach" and not expected.exists() and case != "callouts":
        pytest.skip("no separate coach rendering for this case")
    html = render(case, edition)
    if os.environ.get("WORKBOOK_UPDATE_FIXTURES"):
        expected.write_text(html)
    assert html == expected.read_text()


def test_values_are_drawn_into_the_controls() -> None:
    source = (FIXTURES / "rating.md").read_text() + "\n" + (FIXTURES / "table.md").read_text()
    tokens, _ = markdown.parse(source, Path("x.md"), "ex")
    html = markdown.render(
        tokens,
        edition="client",
        exercise="ex",
        values={
            "self-assessment": {"explains-intent": 2},
            "plan": [["Hand over the review", "Sam", "<March>"]],
        },
    )
    assert (
        'name="ex/self-assessment/explains-intent" value="2" aria-label="2 of 3" '
        'aria-describedby="ex/self-assessment/explains-intent/label" checked>' in html
    )
    assert 'value="Hand over the review"' in html and 'value="&lt;March&gt;"' in html


def test_item_keys_fold_accents_and_punctuation() -> None:
    _, report = markdown.parse(
        "::: {.choice #c}\n- Café & Crème — déjà vu!\n- Another\n:::\n", Path("x.md"), "ex"
    )
    assert [i.key for i in report.fields[0].items] == ["cafe-creme-deja-vu", "another"]
