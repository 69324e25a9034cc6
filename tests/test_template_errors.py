"""Jinja's errors in exercises and page layouts: located, in plain words, with a fix.

Also the lines of field problems inside loops, includes and conditions: each is
reported where its text is written in the exercise file, however many times
Jinja repeated it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO

HELLO = "content/exercises/hello.md"
HOME = (REPO / "templates" / "home.html").read_text(encoding="utf-8")
BASE = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
GOALS = """\
name: Alex Example
coach: {name: Casey Coach}
programme: mini
goals:
  - id: delegate
    title: Delegate more
  - id: listen
    title: Listen first
  - id: decide
    title: Decide faster
"""


def exercise(body: str) -> str:
    """An exercise whose body starts on line 4."""
    return "---\ntitle: Hello\n---\n" + body


def problems(cli, root: Path) -> list[str]:
    result = cli(["check"], root)
    assert result.exit_code == 1, result.output
    return [line for line in result.output.splitlines() if not line.endswith("problem(s) found.")]


EXERCISE_CASES = {
    "unknown filter": (
        "{{ client.name | uppr }}",
        "content/exercises/hello.md:4: unknown filter 'uppr' — did you mean 'upper'?",
    ),
    "unknown filter in a condition": (
        "{% if client.name %}{{ client.name | titel }}{% endif %}",
        "content/exercises/hello.md:4: unknown filter 'titel' — did you mean 'title'?",
    ),
    "unknown test": (
        "{% if goals | length is evn %}even{% endif %}",
        "content/exercises/hello.md:4: unknown test 'evn' — did you mean 'even'?",
    ),
    "unknown test named by text": (
        "{{ goals | select('definedd') | list }}",
        "content/exercises/hello.md:4: unknown test 'definedd' — did you mean 'defined'?",
    ),
    "unknown filter named by text": (
        "{{ goals | map('lenght') | list }}",
        "content/exercises/hello.md:4: unknown filter 'lenght' — did you mean 'length'?",
    ),
    "undefined name": (
        "Hi\n{{ clinet.name }}",
        "content/exercises/hello.md:5: undefined name 'clinet' — did you mean 'client'? "
        "exercises can use: answers, client, coach, engagement, firm, goals, programme, "
        "sponsor, stage, today",
    ),
    "undefined name far from any": (
        "{{ weather }}",
        "content/exercises/hello.md:4: undefined name 'weather' — exercises can use: answers, "
        "client, coach, engagement, firm, goals, programme, sponsor, stage, today",
    ),
    "goal attribute typo": (
        "{% for goal in goals %}\n## {{ goal.titel }}\n{% endfor %}",
        "content/exercises/hello.md:5: 'goal' has no key 'titel' — did you mean 'title'?",
    ),
    "client attribute typo": (
        "{{ client.nmae }}",
        "content/exercises/hello.md:4: 'client' has no key 'nmae' — did you mean 'name'?",
    ),
    "coach attribute typo": (
        "{{ client.coach.emial }}",
        "content/exercises/hello.md:4: 'coach' has no key 'emial' — did you mean 'email'?",
    ),
    "key that is nowhere near": (
        "{{ stage.colour }}",
        "content/exercises/hello.md:4: 'stage' has no key 'colour' — its keys are: id, title, "
        "summary, exercises, do, avoid; check the spelling, or guard optional values with "
        "{% if … is defined %}",
    ),
    "empty custom values": (
        "{{ client.custom.team }}",
        "content/exercises/hello.md:4: 'custom' has no key 'team' — it is empty here; guard "
        "optional values with {% if … is defined %}",
    ),
    "item past the end": (
        "{{ goals[7].title }}",
        "content/exercises/hello.md:4: there is no item 7 in a list of 3 — items count from 0; "
        "loop over the list with {% for … in … %} instead",
    ),
    "attribute of text": (
        "{{ client.name.first }}",
        "content/exercises/hello.md:4: text has no attribute 'first' — check the spelling, or "
        "guard optional values with {% if … is defined %}",
    ),
    "loop never closed": (
        "Intro\n\n{% for goal in goals %}\n{{ goal.title }}\n\nMore text.\n",
        "content/exercises/hello.md:6: the {% for %} block is never closed — add {% endfor %} "
        "where the for block should end",
    ),
    "misspelt end tag": (
        "{% for goal in goals %}\n{{ goal.title }}\n{% endfro %}",
        "content/exercises/hello.md:6: unknown tag {% endfro %} inside the {% for %} block — "
        "did you mean {% endfor %}?",
    ),
    "end tag of the wrong block": (
        "{% for goal in goals %}{% if goal.title %}x{% endfor %}",
        "content/exercises/hello.md:4: {% endfor %} comes before the {% if %} of line 4 is "
        "closed — close the {% if %} with {% endif %} first",
    ),
    "end tag without a block": (
        "Text\n{% endif %}",
        "content/exercises/hello.md:5: {% endif %} has no block to close — remove it, or open "
        "the block it belongs to",
    ),
    "unknown tag": (
        "{% fore goal in goals %}{% endfor %}",
        "content/exercises/hello.md:4: unknown tag {% fore %} — did you mean {% for %}?",
    ),
    "value never closed": (
        "{{ client.name",
        "content/exercises/hello.md:4: the {{ … }} is never closed — end it with }}",
    ),
    "single closing brace": (
        "{{ client.name }",
        "content/exercises/hello.md:4: a '}' on its own does not close a tag — end a value with "
        "}} and a tag with %}",
    ),
    "two values in one tag": (
        "{{ client.name client.role }}",
        "content/exercises/hello.md:4: Jinja expected }} but found 'client' — check the {{ }} "
        "and {% %} tags on this line",
    ),
    "quote never closed": (
        "{{ 'Dear ~ client.name }}",
        "content/exercises/hello.md:4: the text opened by ' is never closed — end it with '",
    ),
    "empty value": (
        "{{ }}",
        "content/exercises/hello.md:4: a value is missing before }} — write the name or value "
        "to use there",
    ),
    "bracket never closed": (
        "{{ (goals | length }}",
        "content/exercises/hello.md:4: ')' is missing before '}' — add the missing ')'",
    ),
    "comment never closed": (
        "{# a note for later\nstill a note",
        "content/exercises/hello.md:4: a comment opened with {# is never closed — end it with #}",
    ),
}


@pytest.mark.parametrize("name", list(EXERCISE_CASES))
def test_exercise_template_errors_are_explained(name: str, make_project, cli) -> None:
    body, expected = EXERCISE_CASES[name]
    root = make_project({HELLO: exercise(body), "clients/alex.yml": GOALS})
    assert expected in problems(cli, root)


LAYOUT_CASES = {
    "unknown filter": (
        "<p>{{ client.name | uppr }}</p>\n",
        "templates/home.html:4: unknown filter 'uppr' — did you mean 'upper'?",
    ),
    "unknown test": (
        "{% if client.name is strnig %}<p>x</p>{% endif %}\n",
        "templates/home.html:4: unknown test 'strnig' — did you mean 'string'?",
    ),
    "goal attribute typo": (
        "{% for goal in goals %}\n<p>{{ goal.titel }}</p>\n{% endfor %}\n",
        "templates/home.html:5: 'goal' has no key 'titel' — did you mean 'title'?",
    ),
    "block left open": (
        "{% if client.name %}<p>x</p>\n",
        f"templates/home.html:{HOME.count(chr(10)) + 1}: {{% endblock %}} comes before the "
        "{% if %} of line 4 is closed — close the {% if %} with {% endif %} first",
    ),
    "misspelt end tag": (
        "{% for goal in goals %}<p>x</p>{% enfor %}\n",
        "templates/home.html:4: unknown tag {% enfor %} inside the {% for %} block — did you "
        "mean {% endfor %}?",
    ),
    "value in a script": (
        "<script>var name = '{{ client.name }}';</script>\n",
        "templates/home.html:4: a value inside <script> must be printed with |tojson — write it "
        "as {{ value|tojson }}",
    ),
}


@pytest.mark.parametrize("name", list(LAYOUT_CASES))
def test_layout_template_errors_are_explained(name: str, make_project, cli) -> None:
    snippet, expected = LAYOUT_CASES[name]
    home = HOME.replace("{% block main %}\n", "{% block main %}\n" + snippet, 1)
    root = make_project({"templates/home.html": home, "clients/alex.yml": GOALS})
    assert expected in problems(cli, root)


def test_an_error_in_a_layout_that_others_extend_names_it(make_project, cli) -> None:
    """The error is in the project's base.html, not in the tool's pages that extend it."""
    base = BASE.replace("<body", "{{ firm.nmae }}\n<body", 1)
    line = base.splitlines().index("{{ firm.nmae }}") + 1
    root = make_project({"templates/base.html": base})
    assert problems(cli, root) == [
        f"templates/base.html:{line}: 'firm' has no key 'nmae' — did you mean 'name'?"
    ]


def test_a_linked_layout_is_named_by_its_link(make_project, cli) -> None:
    base = BASE.replace("<body", "{{ firm.nmae }}\n<body", 1)
    line = base.splitlines().index("{{ firm.nmae }}") + 1
    root = make_project({"templates/shared/base.html": base})
    (root / "templates/base.html").symlink_to("shared/base.html")
    assert problems(cli, root) == [
        f"templates/base.html:{line}: 'firm' has no key 'nmae' — did you mean 'name'?"
    ]


def test_a_layout_linked_out_of_the_project_is_named_by_its_link(
    make_project, cli, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere" / "base.html"
    outside.parent.mkdir()
    outside.write_text(BASE, encoding="utf-8")
    root = make_project()
    (root / "templates").mkdir()
    (root / "templates/base.html").symlink_to(outside)
    assert problems(cli, root) == [
        "templates/base.html: 'base.html' links outside its folder — copy the file into the "
        "folder instead of linking to it"
    ]


# ---- lines inside loops ---------------------------------------------------------------------

LOOP = """\
Before the loop.

{% for goal in goals %}
## {{ goal.title }}

Think about {{ goal.title }}.
{% if loop.first %}
This paragraph appears once.

And this one too.
{% endif %}

::: {.prompt #options-{{ goal.id }} lines=x}
What could you try?
:::
{% endfor %}

::: {.scale #ready-{{ goals | length }} min=5 max=1}
How ready are you?
:::
"""


def test_a_field_error_in_a_loop_is_reported_once_at_its_line(make_project, cli) -> None:
    root = make_project({HELLO: exercise(LOOP), "clients/alex.yml": GOALS})
    assert problems(cli, root) == [
        "content/exercises/hello.md:16: 'lines=x' should be a whole number from 1 to 40 — "
        "write e.g. lines=4",
        "content/exercises/hello.md:21: a scale from 5 to 1 — use max above min, at most 20 "
        "steps apart, e.g. min=1 max=10",
    ]


def test_lines_stay_right_with_whitespace_control(make_project, cli) -> None:
    body = (
        "{%- for goal in goals -%}\n\n"
        "- {{ goal.title }}\n"
        "{%- endfor %}\n\n"
        "::: {.checklist #steps-{{ goals | length }}}\n"
        "Nothing listed.\n"
        ":::\n"
    )
    root = make_project({HELLO: exercise(body), "clients/alex.yml": GOALS})
    assert problems(cli, root) == [
        "content/exercises/hello.md:9: this .checklist field has no items — list them inside it "
        "as lines starting with '- '"
    ]


def test_a_field_id_repeated_by_a_loop_is_explained(make_project, cli) -> None:
    body = "{% for goal in goals %}\n::: {.prompt #why-{{ 1 }}}\nWhy?\n:::\n{% endfor %}\n"
    root = make_project({HELLO: exercise(body), "clients/alex.yml": GOALS})
    assert problems(cli, root) == [
        "content/exercises/hello.md:5: duplicate field id '#why-1' in each pass of the loop — "
        "make the id from the loop's item, e.g. #why-1-{{ goal.id }}"
    ]


def test_a_field_error_in_an_included_file_is_reported_there(make_project, cli) -> None:
    partial = "Some words.\n\n::: {.{{ 'rating' }} #scores scale=99}\n- One\n:::\n"
    body = "Intro.\n\n{% for goal in goals %}\n{% include 'parts/rating.md' %}\n{% endfor %}\n"
    root = make_project(
        {HELLO: exercise(body), "content/parts/rating.md": partial, "clients/alex.yml": GOALS}
    )
    assert problems(cli, root) == [
        "content/parts/rating.md:3: 'scale=99' should be a whole number from 2 to 10 — "
        "write e.g. scale=5",
    ]


def test_captured_text_compares_as_written(make_project, cli) -> None:
    """Text captured by {% set %} carries no line marks: comparing it gives what it says."""
    body = (
        "{% set greeting %}Hello{% endset %}"
        "{% if greeting == 'Hello' %}SAME{% else %}DIFFERENT{% endif %}\n"
        "{% filter upper %}quiet words{% endfilter %}\n"
    )
    root = make_project({HELLO: exercise(body)})
    assert cli(["build", "--no-pdf", "--today", "2026-01-01"], root).exit_code == 0
    page = (root / "site/alex/01-start/hello.html").read_text(encoding="utf-8")
    assert "SAME" in page and "QUIET WORDS" in page
    assert "\ue001" not in page and "\ue002" not in page


def test_a_value_cannot_forge_an_item_key_or_a_line_mark(make_project, cli) -> None:
    """The private characters used for item keys and line marks are dropped from values."""
    body = (
        "::: {.checklist #steps}\nPick one.\n\n- {{ client.role }}\n- Other\n:::\n\n"
        "{{ client.organisation }}\n\n::: {.prompt #{{ 'why' }} lines=0}\nWhy?\n:::\n"
    )
    profile = (
        "name: Alex Example\ncoach: {name: Casey Coach}\nprogramme: mini\n"
        'role: "Lead \\ue000sneaky\\ue000"\n'
        'organisation: "\\ue0011\\ue003exercise:goodbye\\ue002"\n'
    )
    root = make_project({HELLO: exercise(body), "clients/alex.yml": profile})
    assert problems(cli, root) == [
        "content/exercises/hello.md:13: 'lines=0' should be a whole number from 1 to 40 — "
        "write e.g. lines=4"
    ]
    body = body.replace(" lines=0", "")
    root = make_project({HELLO: exercise(body), "clients/alex.yml": profile})
    assert cli(["build", "--no-pdf", "--today", "2026-01-01"], root).exit_code == 0
    page = (root / "site/alex/01-start/hello.html").read_text(encoding="utf-8")
    assert 'value="lead-sneaky"' in page and 'value="sneaky"' not in page
