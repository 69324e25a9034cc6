"""Every kind of user error: reported all at once, located, with how to fix it, exit 1."""

from __future__ import annotations

import time

import pytest

from tests.conftest import MINI_CLIENT, run_workbook


def check(cli, root) -> tuple[int, list[str]]:
    result = cli(["check"], root)
    return result.exit_code, [
        line for line in result.output.splitlines() if not line.endswith("problem(s) found.")
    ]


CASES = {
    "yaml syntax": (
        {"clients/alex.yml": "name: Alex\ncoach: {name: C\nprogramme: mini\n"},
        "clients/alex.yml:3:10: YAML syntax error: expected ',' or '}', but got ':' — "
        "check the indentation and quoting near this line",
    ),
    "unknown key with suggestion": (
        {"clients/alex.yml": MINI_CLIENT + "about:\n  strenghts: [Listening]\n"},
        "clients/alex.yml:5:3: unknown key 'strenghts' — did you mean 'strengths'?",
    ),
    "missing name": (
        {"clients/alex.yml": "coach: {name: C}\nprogramme: mini\n"},
        "clients/alex.yml:1:1: missing required key 'name' — add 'name:' here",
    ),
    "missing coach name": (
        {"clients/alex.yml": "name: Alex\ncoach: {email: c@example.org}\nprogramme: mini\n"},
        "clients/alex.yml:2:8: missing required key 'coach.name' — add 'name:' here",
    ),
    "bad date": (
        {"clients/alex.yml": MINI_CLIENT + "engagement:\n  start: 2026-13-45\n"},
        "clients/alex.yml:5:10: 'engagement.start' is not a real date: '2026-13-45' "
        "(month must be in 1..12) — write dates as YYYY-MM-DD",
    ),
    "not a date": (
        {"clients/alex.yml": MINI_CLIENT + "engagement:\n  start: soon\n"},
        "clients/alex.yml:5:10: 'engagement.start' should be a date, not 'soon' — "
        "write dates as YYYY-MM-DD",
    ),
    "bad client id": (
        {"clients/Alex_B.yml": MINI_CLIENT},
        "clients/Alex_B.yml: the file name 'Alex_B.yml' does not give a valid client id: "
        "'Alex_B' holds more than lowercase letters, digits and single hyphens — "
        "rename the file, e.g. to 'alex-b.yml'",
    ),
    "reserved client id": (
        {"clients/assets.yml": MINI_CLIENT},
        "clients/assets.yml: the file name 'assets.yml' does not give a valid client id: "
        "'assets' is a reserved name — rename the file: the site and Windows keep that name "
        "for themselves",
    ),
    "yml beside yaml": (
        {"clients/alex.yaml": MINI_CLIENT},
        "clients/alex.yaml: two client files share the id 'alex' (alex.yaml, alex.yml) — "
        "rename or remove one of them",
    ),
    "unknown programme": (
        {"clients/alex.yml": "name: Alex\ncoach: {name: C}\nprogramme: mnii\n"},
        "clients/alex.yml:3:1: unknown programme 'mnii' for client 'alex' — use one of the "
        "programmes in content/programmes/: mini",
    ),
    "unknown stage": (
        {"clients/alex.yml": MINI_CLIENT + "engagement: {stage: middle}\n"},
        "clients/alex.yml:4:21: programme 'mini' has no stage 'middle' — use one of: start, later",
    ),
    "missing exercise": (
        {
            "content/programmes/mini.yml": "title: Mini\nstages:\n  - id: start\n    title: S\n"
            "    exercises: [hello, nowhere]\n"
        },
        "content/programmes/mini.yml:3: stage 'start' names exercise 'nowhere', which does "
        "not exist — add content/exercises/…/nowhere.md or remove it from the stage",
    ),
    "duplicate exercise ids": (
        {"content/exercises/more/hello.md": "---\ntitle: Again\n---\nHi\n"},
        "content/exercises/hello.md: two exercise files share the id 'hello' (hello.md, "
        "more/hello.md) — rename or remove one of them",
    ),
    "front matter error": (
        {"content/exercises/hello.md": "---\ntitle: Hello\nminutes: twenty\n---\nHi\n"},
        "content/exercises/hello.md:3:10: 'minutes' should be a whole number from 1 to 600, "
        "not 'twenty' — write a number such as 20",
    ),
    "no front matter": (
        {"content/exercises/hello.md": "Just text\n"},
        "content/exercises/hello.md:1: no front matter — start the file with '---', a "
        "'title:' line and a closing '---'",
    ),
    "field without id": (
        {
            "content/exercises/hello.md": "---\ntitle: Hello\n---\n\n::: {.prompt lines=3}\n"
            "Why?\n:::\n"
        },
        "content/exercises/hello.md:5: this .prompt field has no id — add one: "
        "{.prompt #my-answer}; it names the answer for ever",
    ),
    "duplicate field id": (
        {
            "content/exercises/hello.md": "---\ntitle: Hello\n---\n\n::: {.prompt #why}\nA\n:::\n"
            "\n::: {.prompt #why}\nB\n:::\n"
        },
        "content/exercises/hello.md:9: duplicate field id '#why' (first on line 5) — give "
        "each field of an exercise its own id",
    ),
    "undefined variable": (
        {"content/exercises/hello.md": "---\ntitle: Hello\n---\n\nHi\n\n{{ clinet.name }}\n"},
        "content/exercises/hello.md:7: undefined name 'clinet' — did you mean 'client'? "
        "exercises can use: answers, client, coach, engagement, firm, goals, programme, "
        "sponsor, stage, today",
    ),
    "undefined attribute": (
        {"content/exercises/hello.md": "---\ntitle: Hello\n---\n\nHi\n\n{{ client.nmae }}\n"},
        "content/exercises/hello.md:7: 'client' has no key 'nmae' — did you mean 'name'?",
    ),
    "python internals": (
        {
            "content/exercises/hello.md": "---\ntitle: Hello\n---\n\n"
            "{{ client.name.__class__.__mro__ }}\n"
        },
        "content/exercises/hello.md:5: the template reaches for Python internals (access to "
        "attribute '__class__' of 'str' object is unsafe.) — use only the values workbook "
        "gives templates",
    ),
    "duplicate yaml key": (
        {"clients/alex.yml": MINI_CLIENT + "name: Again\n"},
        "clients/alex.yml:4:1: duplicate key 'name' (first given on line 1) — keep one of them",
    ),
    "python tag": (
        {"clients/alex.yml": MINI_CLIENT + "role: !!python/object/apply:os.system [ls]\n"},
        "clients/alex.yml:4:7: the YAML tag '!!python/object/apply:os.system' is not allowed "
        "— remove the tag; values here are plain text, lists and mappings",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_error_is_located_and_explained(name: str, make_project, cli) -> None:
    files, expected = CASES[name]
    root = make_project(files)
    code, lines = check(cli, root)
    assert code == 1
    assert expected in lines, "\n".join(lines)


def test_every_problem_is_reported_at_once(make_project, cli) -> None:
    files: dict[str, str] = {}
    for name in ("unknown key with suggestion", "missing exercise", "field without id"):
        files.update(CASES[name][0])
    root = make_project(files)
    code, lines = check(cli, root)
    assert code == 1
    assert len(lines) == 3, lines


def test_yaml_words_stay_text(make_project, cli) -> None:
    root = make_project(
        {
            "clients/alex.yml": "name: NO\npreferred_name: yes\nrole: 012345\norganisation: 1:30\n"
            "coach: {name: 'on'}\nprogramme: mini\n",
            "content/exercises/hello.md": "---\ntitle: Hello\n---\n\n[{{ client.name }}|"
            "{{ client.preferred_name }}|{{ client.role }}|"
            "{{ client.organisation }}|{{ coach.name }}]\n",
        }
    )
    assert cli(["build", "--today", "2026-01-01"], root).exit_code == 0
    assert "[NO|yes|012345|1:30|on]" in (root / "site/alex/01-start/hello.html").read_text()


PATHOLOGICAL = {
    "alias-bomb": (
        "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
        "clients/alex.yml:5:14: the file expands to too many values (an alias bomb?) — "
        "write the values out plainly, without anchors",
    ),
    "deep-nesting": (
        "name: " + "[" * 3000 + "]" * 3000 + "\n",
        "clients/alex.yml:1:39: values are nested more than 32 levels deep — "
        "nest lists and mappings at most 32 levels deep",
    ),
    "two-documents": (
        "name: A\n---\nname: B\n",
        "clients/alex.yml:2:1: YAML syntax error: the file holds more than one YAML document — "
        "keep one document: remove the '---' line and what follows, or split the file",
    ),
    "huge-file": (
        "name: " + "x" * 1_100_000 + "\n",
        "clients/alex.yml: the file is 1,100,007 bytes, more than the 1,000,000 allowed — "
        "split it up or remove what does not belong",
    ),
    "tab": (
        "name: A\ncoach:\n\tname: C\n",
        "clients/alex.yml:3:1: YAML syntax error: found character '\\t' that cannot start any "
        "token — indent with spaces, not tabs",
    ),
}


@pytest.mark.parametrize("case", PATHOLOGICAL)
def test_pathological_yaml_is_refused_quickly_in_the_same_words(
    case: str, make_project, cli, yaml_loader: str
) -> None:
    """libyaml's own limits and wording never reach the user: the messages are the project's."""
    text, expected = PATHOLOGICAL[case]
    root = make_project({"clients/alex.yml": text})
    started = time.perf_counter()
    code, lines = check(cli, root)
    assert time.perf_counter() - started < 10
    assert code == 1
    assert lines == [expected]


def test_pathological_yaml_leaves_no_traceback_in_a_real_process(make_project) -> None:
    root = make_project({"clients/alex.yml": PATHOLOGICAL["deep-nesting"][0]})
    result = run_workbook(["check"], root, timeout=30)
    assert result.returncode == 1
    assert PATHOLOGICAL["deep-nesting"][1] in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_invalid_utf8_is_located(make_project, cli) -> None:
    root = make_project({"clients/alex.yml": b"name: Alex\ncoach: {name: \xff}\n"})
    code, lines = check(cli, root)
    assert code == 1
    assert (
        "clients/alex.yml:2: the file is not valid UTF-8 (byte 0xff) — save it as UTF-8 "
        "in your editor" in lines
    )


def test_bom_and_crlf_are_accepted(make_project, cli) -> None:
    root = make_project({"clients/alex.yml": "\ufeff" + MINI_CLIENT.replace("\n", "\r\n")})
    code, lines = check(cli, root)
    assert code == 0, lines
