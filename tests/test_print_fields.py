"""Fields drawn for a pen: the same parsed field as the site, drawn for paper."""

from __future__ import annotations

import re
from pathlib import Path

from workbook.render import markdown

SOURCE = """\
::: {.prompt #story lines=4}
Which *moments* shaped you?
:::

::: {.scale #confidence min=1 max=5 low="Not at all" high="Completely"}
How confident are you?
:::

::: {.checklist #commitments}
- Ask for feedback {#ask}
- Write it down {#write}
:::

::: {.choice #focus}
- Delegation
- Strategy
:::

::: {.rating #self scale=4 low="Rarely" high="Always"}
How often?

- I explain why {#why}
- I listen {#listen}
:::

::: {.table #plan columns="Step|Owner|Due" rows=3}
What will you do?
:::

::: coach
Only for the coach.
:::
"""


def draw(values: dict | None = None, *, medium: str = "print", edition: str = "client") -> str:
    tokens, report = markdown.parse(SOURCE, Path("ex.md"), "ex")
    assert report.problems == []
    return markdown.render(tokens, edition=edition, exercise="ex", values=values, medium=medium)


def test_blank_fields_leave_room_to_write_and_a_form_field_over_it() -> None:
    html = draw()
    assert '<p class="pf-question">Which <em>moments</em> shaped you?</p>' in html
    assert html.count('<div class="pf-rule"></div>') == 4
    # the prompt: a multi-line text field over its ruled lines, labelled by its question
    assert (
        '<textarea class="pf-input" name="ex/story" title="Which moments shaped you?">'
        "</textarea>" in html
    )
    # the scale: one radio group over its numbered circles, none chosen
    dots = re.findall(
        r'<span class="pf-dot">(\d+)</span><input type="radio" name="ex/confidence"', html
    )
    assert dots == ["1", "2", "3", "4", "5"]
    assert "checked" not in html
    assert "Not at all</td>" in html and "Completely</td>" in html
    # a checklist: one checkbox per item, named by the item key; a choice: one radio group
    assert 'type="checkbox" name="ex/commitments/ask"' in html
    assert 'type="checkbox" name="ex/commitments/write"' in html
    assert html.count('type="radio" name="ex/focus"') == 2
    assert 'value="delegation"' in html and 'value="strategy"' in html
    assert html.count('<span class="pf-box"><input') == 4
    assert "Tick one." in html
    grid = html[html.index('class="pf-grid"') :]
    assert grid.count('<tr><th scope="row">') == 2 and "Total" not in grid
    assert grid.count('type="radio" name="ex/self/why"') == 4
    assert '<th scope="col">Step</th><th scope="col">Owner</th><th scope="col">Due</th>' in html
    table = html[html.index('class="pf-table"') :]
    assert table.count('<input type="text"') == 9
    assert 'name="ex/plan/3/2" title="What will you do?: Owner, row 3" value=""' in table
    assert "Only for the coach." not in html


def test_answers_are_the_form_fields_values() -> None:
    html = draw(
        {
            "story": "My first manager.\n\nA <hard> year.",
            "confidence": 4,
            "commitments": ["write"],
            "focus": "strategy",
            "self": {"why": 3, "listen": 4},
            "plan": [["Hand over the review", "Me", "March"]],
        }
    )
    assert (
        'title="Which moments shaped you?" dir="ltr">My first manager.\n\nA &lt;hard&gt; year.<'
        in html
    )
    # an answered prompt keeps room for a pen: at least two ruled lines below the answer
    assert html.split("pf-scale")[0].count('<div class="pf-rule"></div>') >= 5
    assert 'name="ex/confidence" title="How confident are you?" value="4" checked>' in html
    assert html.count(" checked>") == 1 + 1 + 1 + 2  # scale, checklist, choice, two ratings
    assert 'name="ex/commitments/write" title="' in html
    assert 'name="ex/focus" title="What is your focus?: Strategy"' not in html  # no question
    assert 'value="strategy" checked>' in html
    assert 'name="ex/self/listen" title="I listen" value="4" checked>' in html
    assert "Total sent</th>" in html and "7 of 8" in html
    assert (
        'name="ex/plan/1/1" title="What will you do?: Step, row 1" dir="ltr" value="Hand over'
        in html
    )
    assert html.count('value=""') == 6  # the cells left blank


def test_coach_edition_keeps_coach_notes() -> None:
    assert "Only for the coach." in draw(edition="coach")


def test_the_site_still_draws_form_controls() -> None:
    html = draw(medium="screen")
    assert '<textarea id="ex/story"' in html and "pf-" not in html


def test_a_long_rating_keeps_three_statements_together_at_either_end() -> None:
    items = "".join(f"- Statement {n} {{#s{n}}}\n" for n in range(10))
    source = f"::: {{.rating #r scale=3}}\nHow often?\n\n{items}:::\n"
    tokens, report = markdown.parse(source, Path("ex.md"), "ex")
    assert report.problems == []
    html = markdown.render(
        tokens, edition="client", exercise="ex", values={"r": {"s0": 1}}, medium="print"
    )
    groups = re.findall(r'<tbody( class="pf-keep")?>(.*?)</tbody>', html)
    assert [(bool(kept), body.count("<tr")) for kept, body in groups] == [
        (True, 3),
        (False, 4),
        (True, 4),  # the last three statements and the total
    ]
