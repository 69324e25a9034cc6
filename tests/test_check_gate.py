"""``workbook check`` as a gate: every kind of mistake, through the real command line.

Each case is run in a subprocess, as a coach runs it: the exit status is 1, the
problem is one ``path:line`` line in the project's own words, and no traceback
reaches the terminal, whatever the input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINI_CLIENT, MINI_EXERCISE, REPO, run_workbook

HELLO = "content/exercises/hello.md"
HOME = (REPO / "templates" / "home.html").read_text(encoding="utf-8")
GOALS = "goals:\n  - id: delegate\n    title: Delegate more\n  - id: listen\n    title: Listen\n"
ID_FIX = "use lowercase letters, digits and single hyphens, e.g. 'jordan-rivera'"
NAMES = "answers, client, coach, engagement, firm, goals, programme, sponsor, stage, today"
REDOWNLOAD = "download the answers again from the workbook, or restore the original file"


def exercise(body: str) -> str:
    """An exercise whose body starts on line 4."""
    return "---\ntitle: Hello\n---\n" + body


def layout(snippet: str) -> str:
    """The default home page with ``snippet`` on line 4, inside its main block."""
    return HOME.replace("{% block main %}\n", "{% block main %}\n" + snippet, 1)


def answers(entries: dict[str, object], client: str = "alex") -> str:
    return json.dumps(
        {
            "format": "workbook-answers/1",
            "client": client,
            "exported": "2026-11-22T10:00:00Z",
            "answers": entries,
        },
        indent=1,
    )


def link_layout(root: Path) -> None:
    (root / "templates/base.html").symlink_to("shared/base.html")


KEPT = "clients/alex.answers/2026-11-22.json"
BASE = (REPO / "templates" / "base.html").read_text(encoding="utf-8")
BROKEN_BASE = BASE.replace("<body", "{{ firm.nmae }}\n<body", 1)
BASE_LINE = BROKEN_BASE.splitlines().index("{{ firm.nmae }}") + 1

# name: (files, what to do to the project after writing them, the exact problem line)
CASES: dict[str, tuple[dict[str, str | bytes], Callable[[Path], None] | None, str]] = {
    "yaml syntax": (
        {"clients/alex.yml": "name: Alex\ncoach: {name: C\nprogramme: mini\n"},
        None,
        "clients/alex.yml:3:10: YAML syntax error: expected ',' or '}', but got ':' — "
        "check the indentation and quoting near this line",
    ),
    "duplicate yaml key": (
        {"clients/alex.yml": MINI_CLIENT + "name: Again\n"},
        None,
        "clients/alex.yml:4:1: duplicate key 'name' (first given on line 1) — keep one of them",
    ),
    "yaml tag": (
        {"clients/alex.yml": MINI_CLIENT + "role: !!python/object/apply:os.system [ls]\n"},
        None,
        "clients/alex.yml:4:7: the YAML tag '!!python/object/apply:os.system' is not allowed "
        "— remove the tag; values here are plain text, lists and mappings",
    ),
    "invalid utf-8": (
        {"clients/alex.yml": b"name: Alex\ncoach: {name: \xff}\n"},
        None,
        "clients/alex.yml:2: the file is not valid UTF-8 (byte 0xff) — save it as UTF-8 "
        "in your editor",
    ),
    "unknown key": (
        {"clients/alex.yml": MINI_CLIENT + "about:\n  strenghts: [Listening]\n"},
        None,
        "clients/alex.yml:5:3: unknown key 'strenghts' — did you mean 'strengths'?",
    ),
    "unknown key in workbook.yml": (
        {"workbook.yml": "firm:\n  name: North Star\npaper: A4\nlanguge: en\n"},
        None,
        "workbook.yml:4:1: unknown key 'languge' — did you mean 'language'?",
    ),
    "wrong type": (
        {"clients/alex.yml": MINI_CLIENT + "role: [Director, Lead]\n"},
        None,
        "clients/alex.yml:4:7: 'role' should be text, not a list — write it on one line",
    ),
    "missing required key": (
        {"clients/alex.yml": "coach: {name: C}\nprogramme: mini\n"},
        None,
        "clients/alex.yml:1:1: missing required key 'name' — add 'name:' here",
    ),
    "not a real date": (
        {"clients/alex.yml": MINI_CLIENT + "engagement:\n  start: 2026-02-30\n"},
        None,
        "clients/alex.yml:5:10: 'engagement.start' is not a real date: '2026-02-30' "
        "(day is out of range for month) — write dates as YYYY-MM-DD",
    ),
    "not a date": (
        {"clients/alex.yml": MINI_CLIENT + "engagement:\n  sessions:\n    - date: next week\n"},
        None,
        "clients/alex.yml:6:13: 'engagement.sessions[0].date' should be a date, not 'next "
        "week' — write dates as YYYY-MM-DD, times as YYYY-MM-DDTHH:MM",
    ),
    "bad colour": (
        {"workbook.yml": "firm:\n  colours: {primary: blue}\n"},
        None,
        "workbook.yml:2:22: 'firm.colours.primary' is not a colour: 'blue' — write it as #rrggbb",
    ),
    "bad language in workbook.yml": (
        {"workbook.yml": "language: english\n"},
        None,
        "workbook.yml:1:11: 'language' is not a language tag: 'english' — did you mean 'en'?",
    ),
    "bad language in a profile": (
        {"clients/alex.yml": MINI_CLIENT + "language: xx!\n"},
        None,
        "clients/alex.yml:4:11: 'language' is not a language tag: 'xx!' — write a BCP 47 tag "
        "such as en, en-GB, fr-CA or zh-Hant-TW",
    ),
    "bad goal id": (
        {"clients/alex.yml": MINI_CLIENT + "goals:\n  - id: Goal One\n    title: G\n"},
        None,
        "clients/alex.yml:5:9: 'goals[0].id': 'Goal One' is not a valid id — " + ID_FIX,
    ),
    "bad client id": (
        {"clients/Alex_B.yml": MINI_CLIENT},
        None,
        "clients/Alex_B.yml: the file name 'Alex_B.yml' does not give a valid client id: "
        "'Alex_B' holds more than lowercase letters, digits and single hyphens — "
        "rename the file, e.g. to 'alex-b.yml'",
    ),
    "reserved client id": (
        {"clients/assets.yml": MINI_CLIENT},
        None,
        "clients/assets.yml: the file name 'assets.yml' does not give a valid client id: "
        "'assets' is a reserved name — rename the file: the site and Windows keep that name "
        "for themselves",
    ),
    "reserved exercise id": (
        {"content/exercises/index.md": "---\ntitle: Index\n---\nHi\n"},
        None,
        "content/exercises/index.md: the file name 'index.md' does not give a valid exercise "
        "id: 'index' is a reserved name — rename the file: the site and Windows keep that "
        "name for themselves",
    ),
    "duplicate client files": (
        {"clients/alex.yaml": MINI_CLIENT},
        None,
        "clients/alex.yaml: two client files share the id 'alex' (alex.yaml, alex.yml) — "
        "rename or remove one of them",
    ),
    "duplicate exercise files": (
        {"content/exercises/more/hello.md": "---\ntitle: Again\n---\nHi\n"},
        None,
        "content/exercises/hello.md: two exercise files share the id 'hello' (hello.md, "
        "more/hello.md) — rename or remove one of them",
    ),
    "duplicate goal ids": (
        {"clients/alex.yml": MINI_CLIENT + GOALS.replace("listen", "delegate")},
        None,
        "clients/alex.yml:7: two goals have the id 'delegate' — give each goal its own id",
    ),
    "duplicate stage ids": (
        {
            "content/programmes/mini.yml": "title: Mini\nstages:\n  - id: start\n    title: S\n"
            "    exercises: [hello]\n  - id: start\n    title: T\n    exercises: [goodbye]\n"
        },
        None,
        "content/programmes/mini.yml:6: two stages have the id 'start' — give each stage its "
        "own id",
    ),
    "exercise twice in a programme": (
        {
            "content/programmes/mini.yml": "title: Mini\nstages:\n  - id: start\n    title: S\n"
            "    exercises: [hello]\n  - id: later\n    title: T\n    exercises: [hello]\n"
        },
        None,
        "content/programmes/mini.yml:6: exercise 'hello' appears twice in the programme "
        "(first in stage 'start') — an exercise appears at most once in a programme",
    ),
    "programme without stages": (
        {"content/programmes/mini.yml": "title: Mini\n"},
        None,
        "content/programmes/mini.yml:1:1: missing required key 'stages' — add 'stages:' here",
    ),
    "missing exercise": (
        {
            "content/programmes/mini.yml": "title: Mini\nstages:\n  - id: start\n    title: S\n"
            "    exercises: [hello, nowhere]\n"
        },
        None,
        "content/programmes/mini.yml:3: stage 'start' names exercise 'nowhere', which does "
        "not exist — add content/exercises/…/nowhere.md or remove it from the stage",
    ),
    "unknown programme": (
        {"clients/alex.yml": "name: Alex\ncoach: {name: C}\nprogramme: mnii\n"},
        None,
        "clients/alex.yml:3:1: unknown programme 'mnii' for client 'alex' — use one of the "
        "programmes in content/programmes/: mini",
    ),
    "unknown stage": (
        {"clients/alex.yml": MINI_CLIENT + "engagement: {stage: middle}\n"},
        None,
        "clients/alex.yml:4:21: programme 'mini' has no stage 'middle' — use one of: start, later",
    ),
    "front matter": (
        {HELLO: "---\ntitle: Hello\nminutes: twenty\n---\nHi\n"},
        None,
        "content/exercises/hello.md:3:10: 'minutes' should be a whole number from 1 to 600, "
        "not 'twenty' — write a number such as 20",
    ),
    "no front matter": (
        {HELLO: "Just text\n"},
        None,
        "content/exercises/hello.md:1: no front matter — start the file with '---', a "
        "'title:' line and a closing '---'",
    ),
    "undefined name": (
        {HELLO: exercise("Hi\n{{ clinet.name }}\n")},
        None,
        f"content/exercises/hello.md:5: undefined name 'clinet' — did you mean 'client'? "
        f"exercises can use: {NAMES}",
    ),
    "unknown filter": (
        {HELLO: exercise("{{ client.name | uppr }}\n")},
        None,
        "content/exercises/hello.md:4: unknown filter 'uppr' — did you mean 'upper'?",
    ),
    "unknown test": (
        {HELLO: exercise("{% if goals is itrable %}x{% endif %}\n")},
        None,
        "content/exercises/hello.md:4: unknown test 'itrable' — did you mean 'iterable'?",
    ),
    "attribute typo": (
        {
            HELLO: exercise("{% for goal in goals %}\n{{ goal.titel }}\n{% endfor %}\n"),
            "clients/alex.yml": MINI_CLIENT + GOALS,
        },
        None,
        "content/exercises/hello.md:5: 'goal' has no key 'titel' — did you mean 'title'?",
    ),
    "syntax error in an exercise": (
        {HELLO: exercise("{% for goal in goals %}\n{{ goal.title }}\n")},
        None,
        "content/exercises/hello.md:4: the {% for %} block is never closed — add {% endfor %} "
        "where the for block should end",
    ),
    "python internals": (
        {HELLO: exercise("{{ client.name.__class__ }}\n")},
        None,
        "content/exercises/hello.md:4: the template reaches for Python internals (access to "
        "attribute '__class__' of 'str' object is unsafe.) — use only the values workbook "
        "gives templates",
    ),
    "output bomb": (
        {HELLO: exercise("{{ 'x' * 10**9 }}\n")},
        None,
        "content/exercises/hello.md:4: the repeated value would be larger than 1,000,000 "
        "characters or items — an output bomb, or a loop that never ends — make smaller "
        "values, or loops over the profile's own lists",
    ),
    "missing include": (
        {HELLO: exercise("{% include 'parts/nowhere.md' %}\n")},
        None,
        "content/exercises/hello.md:4: template not found: parts/nowhere.md — includes must "
        "name a file inside content/ or templates/",
    ),
    "syntax error in a layout": (
        {"templates/home.html": layout("{{ client.name }\n")},
        None,
        "templates/home.html:4: a '}' on its own does not close a tag — end a value with }} "
        "and a tag with %}",
    ),
    "unknown filter in a layout": (
        {"templates/home.html": layout("<p>{{ client.name | uppr }}</p>\n")},
        None,
        "templates/home.html:4: unknown filter 'uppr' — did you mean 'upper'?",
    ),
    "attribute typo in a layout": (
        {
            "templates/home.html": layout("{% for goal in goals %}{{ goal.titel }}{% endfor %}\n"),
            "clients/alex.yml": MINI_CLIENT + GOALS,
        },
        None,
        "templates/home.html:4: 'goal' has no key 'titel' — did you mean 'title'?",
    ),
    "error in a linked layout": (
        {"templates/shared/base.html": BROKEN_BASE},
        link_layout,
        f"templates/base.html:{BASE_LINE}: 'firm' has no key 'nmae' — did you mean 'name'?",
    ),
    "unknown block": (
        {HELLO: exercise("::: sidebar\nText\n:::\n")},
        None,
        "content/exercises/hello.md:4: unknown block '::: sidebar' — use ::: note, tip, "
        "warning or coach, or a field such as ::: {.prompt #my-answer}",
    ),
    "unreadable field attributes": (
        {HELLO: exercise("::: {.prompt #why lines=3 =}\nWhy?\n:::\n")},
        None,
        "content/exercises/hello.md:4: cannot read '=' in the field's attributes — write "
        'attributes as {.kind #id name=value name="two words"}',
    ),
    "unknown field kind": (
        {HELLO: exercise("::: {.promt #why}\nWhy?\n:::\n")},
        None,
        "content/exercises/hello.md:4: unknown field kind '.promt' — did you mean '.prompt'?",
    ),
    "field without id": (
        {HELLO: exercise("::: {.prompt lines=3}\nWhy?\n:::\n")},
        None,
        "content/exercises/hello.md:4: this .prompt field has no id — add one: "
        "{.prompt #my-answer}; it names the answer for ever",
    ),
    "bad field id": (
        {HELLO: exercise("::: {.prompt #My_Answer}\nWhy?\n:::\n")},
        None,
        "content/exercises/hello.md:4: field id 'My_Answer' is not a valid id — " + ID_FIX,
    ),
    "unknown field attribute": (
        {HELLO: exercise("::: {.prompt #why line=3}\nWhy?\n:::\n")},
        None,
        "content/exercises/hello.md:4: unknown attribute 'line' for a .prompt field — did you "
        "mean 'lines'?",
    ),
    "field number out of range": (
        {HELLO: exercise("::: {.rating #self scale=50}\n- I listen\n:::\n")},
        None,
        "content/exercises/hello.md:4: 'scale=50' should be a whole number from 2 to 10 — "
        "write e.g. scale=5",
    ),
    "scale upside down": (
        {HELLO: exercise("::: {.scale #ready min=5 max=1}\nReady?\n:::\n")},
        None,
        "content/exercises/hello.md:4: a scale from 5 to 1 — use max above min, at most 20 "
        "steps apart, e.g. min=1 max=10",
    ),
    "table without columns": (
        {HELLO: exercise("::: {.table #plan}\nPlan\n:::\n")},
        None,
        'content/exercises/hello.md:4: a .table field needs 1 to 8 columns — write columns="Step'
        '|Owner|Due"',
    ),
    "checklist without items": (
        {HELLO: exercise("::: {.checklist #habits}\nWhich?\n:::\n")},
        None,
        "content/exercises/hello.md:4: this .checklist field has no items — list them inside "
        "it as lines starting with '- '",
    ),
    "items sharing a key": (
        {HELLO: exercise("::: {.choice #focus}\n- One {#one}\n- Two {#one}\n:::\n")},
        None,
        "content/exercises/hello.md:4: two items share the key 'one' — end one of them with "
        "{#another-key}",
    ),
    "duplicate field id": (
        {HELLO: exercise("::: {.prompt #why}\nA\n:::\n\n::: {.prompt #why}\nB\n:::\n")},
        None,
        "content/exercises/hello.md:8: duplicate field id '#why' (first on line 4) — give "
        "each field of an exercise its own id",
    ),
    "block never closed": (
        {HELLO: exercise("::: note\nText\n")},
        None,
        "content/exercises/hello.md:4: this ':::' block is never closed — end it with a line "
        "of ':::'",
    ),
    "field error in a loop": (
        {
            HELLO: exercise(
                "{% for goal in goals %}\n## {{ goal.title }}\n\n"
                "::: {.prompt #options-{{ goal.id }} lines=x}\nWhat could you try?\n:::\n"
                "{% endfor %}\n"
            ),
            "clients/alex.yml": MINI_CLIENT + GOALS,
        },
        None,
        "content/exercises/hello.md:7: 'lines=x' should be a whole number from 1 to 40 — "
        "write e.g. lines=4",
    ),
    "answers file not json": (
        {KEPT: '{"format": "workbook-answers/1",\n "answers": {,}}'},
        None,
        f"{KEPT}:2:14: not valid JSON: Expecting property name enclosed in double quotes — "
        + REDOWNLOAD,
    ),
    "empty profile": (
        {"clients/alex.yml": "# nothing yet\n"},
        None,
        "clients/alex.yml:1: the profile is empty — add at least 'name:' and 'coach: {name: …}'",
    ),
    "two yaml documents": (
        {"clients/alex.yml": MINI_CLIENT + "---\nname: Again\n"},
        None,
        "clients/alex.yml:4:1: YAML syntax error: the file holds more than one YAML document "
        "— keep one document: remove the '---' line and what follows, or split the file",
    ),
    "outputs that overlap": (
        {"workbook.yml": "output: site\ncoach_output: site/coach\n"},
        None,
        "workbook.yml:2: coach_output and output overlap — keep the coach edition out of the "
        "published folder, e.g. coach_output: coach",
    ),
    "nested blocks": (
        {HELLO: exercise("::: note\n::: tip\nText\n:::\n:::\n")},
        None,
        "content/exercises/hello.md:4: ':::' blocks cannot be nested — close the first block "
        "before opening the next",
    ),
    "unknown key in an answers file": (
        {KEPT: answers({}).replace('"answers"', '"note": "hi",\n "answers"')},
        None,
        f"{KEPT}:5: unknown key 'note' — an answers file has only: format, client, programme, "
        "exported, answers",
    ),
    "answers file of another client": (
        {KEPT: answers({}, client="blair")},
        None,
        f"{KEPT}:3: this file holds answers of 'blair', not 'alex' — move it to "
        "clients/blair.answers/",
    ),
    "answers file with a bad time": (
        {KEPT: answers({"hello/first": {"value": "x", "updated": "yesterday"}})},
        None,
        f"{KEPT}:6: 'updated' of 'hello/first' is not an RFC 3339 time in UTC: \"yesterday\" "
        '— write it like "2026-11-20T18:04:00Z"',
    ),
    "answer of no known shape": (
        {KEPT: answers({"hello/first": {"value": [1, 2], "updated": "2026-11-20T18:04:00Z"}})},
        None,
        f"{KEPT}:6: the value of 'hello/first' is not a shape any field gives — a text, a "
        "whole number, a list of keys, an object of key to number, or a list of rows of texts",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_kind_of_problem_is_a_located_line(name: str, make_project) -> None:
    files, setup, expected = CASES[name]
    root = make_project(files)
    if setup is not None:
        setup(root)
    result = run_workbook(["check"], root, timeout=120)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.returncode == 1, output
    assert expected in result.stderr.splitlines(), output


def test_build_reports_an_unknown_filter_without_a_traceback(make_project) -> None:
    root = make_project({HELLO: exercise("{{ client.name | uppr }}\n")})
    result = run_workbook(["build", "--no-pdf"], root, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert (
        "content/exercises/hello.md:4: unknown filter 'uppr' — did you mean 'upper'?"
        in result.stderr.splitlines()
    )


def test_a_profile_reports_every_problem_at_once(make_project) -> None:
    """A bad date no longer hides a bad stage, a bad id, a duplicate goal or a bad language."""
    profile = (
        "name: Alex Example\n"
        "coach: {name: Casey Coach}\n"
        "programme: mini\n"
        "language: en_GB\n"
        "engagement:\n"
        "  start: 2026-13-45\n"
        "  stage: middle\n"
        "goals:\n"
        "  - id: delegate\n"
        "    title: Delegate more\n"
        "    milestones:\n"
        "      - {title: First step, due: soon}\n"
        "  - id: delegate\n"
        "    title: Again\n"
    )
    root = make_project({"clients/alex.yml": profile})
    result = run_workbook(["check"], root, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "clients/alex.yml:4:11: 'language' is not a language tag: 'en_GB' — did you mean 'en-GB'?",
        "clients/alex.yml:6:10: 'engagement.start' is not a real date: '2026-13-45' (month "
        "must be in 1..12) — write dates as YYYY-MM-DD",
        "clients/alex.yml:7:10: programme 'mini' has no stage 'middle' — use one of: start, later",
        "clients/alex.yml:12:34: 'goals[0].milestones[0].due' should be a date, not 'soon' — "
        "write dates as YYYY-MM-DD",
        "clients/alex.yml:13: two goals have the id 'delegate' — give each goal its own id",
        "5 problem(s) found.",
    ]


def test_a_broken_value_is_not_reported_twice(make_project) -> None:
    """A stage or programme that is not even an id is reported as such, not also as unknown."""
    profile = "name: Alex\ncoach: {name: C}\nprogramme: Mini Programme\nengagement: {stage: X Y}\n"
    root = make_project({"clients/alex.yml": profile})
    result = run_workbook(["check"], root, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "clients/alex.yml:3:12: 'programme': 'Mini Programme' is not a valid id — " + ID_FIX,
        "clients/alex.yml:4:21: 'engagement.stage': 'X Y' is not a valid id — " + ID_FIX,
        "2 problem(s) found.",
    ]


FIVE_FILES: dict[str, str | bytes] = {
    # 1. an undefined name in one exercise
    HELLO: MINI_EXERCISE.replace("{{ client.preferred_name }}", "{{ clinet.preferred_name }}"),
    # 2. a misspelt field kind in a second exercise
    "content/exercises/goodbye.md": exercise("\n::: {.scael #ready}\nReady?\n:::\n"),
    # 3. a misspelt goal attribute in a page layout, seen when a client's home page is drawn
    "templates/home.html": layout("{% for goal in goals %}<p>{{ goal.titel }}</p>{% endfor %}\n"),
    # 4. a bad date in one profile (another client is clean)
    "clients/alex.yml": MINI_CLIENT + "engagement:\n  start: 2026-02-30\n",
    "clients/blair.yml": "name: Blair Example\ncoach: {name: Casey Coach}\nprogramme: mini\n"
    + GOALS,
    # 5. a misspelt key in a programme
    "content/programmes/extra.yml": "title: Extra\nsumary: More.\nstages:\n  - id: one\n"
    "    title: One\n    exercises: [hello]\n",
}
FIVE_PROBLEMS = [
    f"content/exercises/hello.md:8: undefined name 'clinet' — did you mean 'client'? "
    f"exercises can use: {NAMES}",
    "content/exercises/goodbye.md:5: unknown field kind '.scael' — did you mean '.scale'?",
    "templates/home.html:4: 'goal' has no key 'titel' — did you mean 'title'?",
    "clients/alex.yml:5:10: 'engagement.start' is not a real date: '2026-02-30' (day is out "
    "of range for month) — write dates as YYYY-MM-DD",
    "content/programmes/extra.yml:2:1: unknown key 'sumary' — did you mean 'summary'?",
]


def five_file_problems(make_project) -> list[str]:
    root = make_project(FIVE_FILES)
    result = run_workbook(["check"], root, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    return result.stderr.splitlines()


def test_four_of_five_files_are_reported_in_one_check(make_project) -> None:
    """Every mistake that needs no client's page drawn is found in one run."""
    lines = five_file_problems(make_project)
    for expected in FIVE_PROBLEMS[:2] + FIVE_PROBLEMS[3:]:
        assert expected in lines, "\n".join(lines)


def test_a_mistake_in_each_of_five_files_is_reported_in_one_check(make_project) -> None:
    lines = five_file_problems(make_project)
    for expected in FIVE_PROBLEMS:
        assert expected in lines, "\n".join(lines)


def test_a_broken_exercise_does_not_hide_another_in_the_same_programme(make_project) -> None:
    root = make_project(
        {
            HELLO: exercise("{{ clinet.name }}\n"),
            "content/exercises/goodbye.md": exercise(
                "{% for goal in goals %}\n{{ goal.titel }}\n{% endfor %}\n"
            ),
            "clients/alex.yml": MINI_CLIENT + GOALS,
        }
    )
    result = run_workbook(["check"], root, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"content/exercises/hello.md:4: undefined name 'clinet' — did you mean 'client'? "
        f"exercises can use: {NAMES}",
        "content/exercises/goodbye.md:5: 'goal' has no key 'titel' — did you mean 'title'?",
        "2 problem(s) found.",
    ]
