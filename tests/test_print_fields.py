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


def test_blank_fields_leave_room_to_write() -> None:
    html = draw()
    assert "<textarea" not in html and "<input" not in html
    assert '<p class="pf-question">Which <em>moments</em> shaped you?</p>' in html
    assert html.count('<div class="pf-rule"></div>') == 4
    dots = re.findall(r'<span class="pf-dot">(\d+)</span>', html)
    assert dots == ["1", "2", "3", "4", "5"]
    assert "Not at all</td>" in html and "Completely</td>" in html
    assert html.count('<span class="pf-box"></span>') == 4  # two checklist, two choice
    assert "Tick one." in html
    grid = html[html.index('class="pf-grid"') :]
    assert grid.count('<tr><th scope="row">') == 2 and "Total" not in grid
    assert '<th scope="col">Step</th><th scope="col">Owner</th><th scope="col">Due</th>' in html
    table = html[html.index('class="pf-table"') :]
    assert table.count("<tr><td></td><td></td><td></td></tr>") == 3
    assert "Only for the coach." not in html


def test_answers_print_in_place_of_blank_space() -> None:
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
        '<div class="pf-answer"><p>My first manager.</p><p>A &lt;hard&gt; year.</p></div>' in html
    )
    assert "pf-rule" not in html.split("pf-scale")[0]
    assert '<span class="pf-dot pf-on">4</span>' in html
    assert html.count('<span class="pf-box pf-on">\u2714</span>') == 2
    assert "Total</th>" in html and "7 of 8" in html
    assert "<td>Hand over the review</td><td>Me</td><td>March</td>" in html
    assert html.count("<tr><td></td><td></td><td></td></tr>") == 2  # the rows left blank


def test_coach_edition_keeps_coach_notes() -> None:
    assert "Only for the coach." in draw(edition="coach")


def test_the_site_still_draws_form_controls() -> None:
    html = draw(medium="screen")
    assert '<textarea id="ex/story"' in html and "pf-" not in html
