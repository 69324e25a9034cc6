"""Hostile profiles: wrong types, bombs, odd encodings, Unicode and markup in every field."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from tests.conftest import run_workbook
from tests.hostile_support import assert_clean_outcome, build, scratch

PROFILE = "clients/alex.yml"
BASE = {"name": "Alex Example", "coach": {"name": "Casey Coach"}, "programme": "mini"}
TEXT_FIELDS = ("name", "preferred_name", "pronouns", "role", "organisation")
FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.dates()
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
unicode_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
).filter(lambda s: s.strip())


@FAST
@given(
    field=st.sampled_from((*TEXT_FIELDS, "custom", "about", "goals", "engagement")),
    value=yaml_values,
)
def test_any_yaml_value_in_any_field_builds_or_is_a_located_error(field: str, value) -> None:
    profile = yaml.safe_dump({**BASE, field: value}, allow_unicode=True)
    with scratch({PROFILE: profile}) as root:
        assert_clean_outcome(build(root), PROFILE)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(page: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(page)
    return "".join(parser.parts), parser.tags


@FAST
@given(field=st.sampled_from(TEXT_FIELDS), value=unicode_text)
def test_any_unicode_text_shows_as_the_same_text(field: str, value: str) -> None:
    profile = yaml.safe_dump({**BASE, field: value}, allow_unicode=True)
    value = str(yaml.safe_load(profile)[field])  # YAML's own reading (e.g. NEL is a line break)
    exercise = "---\ntitle: Hello\n---\n\nSTART{{ client." + field + " }}END\n"
    with scratch({PROFILE: profile, "content/exercises/hello.md": exercise}) as root:
        result = build(root)
        assert_clean_outcome(result, PROFILE)
        if result.exit_code == 0:
            page = (root / "site/alex/01-start/hello.html").read_bytes().decode("utf-8")
            body = page.split('<div class="exercise-body">')[1].split("</div>")[0]
            text, tags = page_text(body)
            assert tags == ["p"], body  # the value made no structure
            assert text.strip() == "START" + " ".join(value.split()) + "END"
            if field == "name":
                home = (root / "site/alex/index.html").read_bytes().decode("utf-8")
                assert f"<strong><bdi>{escape(value)}</bdi></strong>" in home


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: A\nname: B\ncoach: {name: C}\n", "duplicate key 'name' (first given on line 1)"),
        (
            "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
            "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nname: A\ncoach: {name: C}\n",
            "alias bomb",
        ),
        ("name: A\ncoach: {name: C}\ncustom: " + "[" * 3000 + "]" * 3000 + "\n", "nested"),
        ("name: " + "A" * 20000 + "\ncoach: {name: C}\n", "longer than 10,000 characters"),
        ("name: !!python/object/apply:os.system ['id']\ncoach: {name: C}\n", "is not allowed"),
        ("name: A\x00B\ncoach: {name: C}\n", "control character"),
        ("name: A\ncoach: {name: C}\n---\nname: B\n", "more than one YAML document"),
        ("just some text\n", "should hold 'key: value' lines"),
        (
            "name: A\ncoach: {name: C}\ngoals: [{id: a, title: x}, {id: a, title: y}]\n",
            "two goals have the id 'a'",
        ),
        ("name: A\ncoach: {name: C}\nstrenghts: [x]\n", "unknown key 'strenghts'"),
        ("name: A\ncoach: {name: C}\nengagement: {start: 2026-02-30}\n", "not a real date"),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else None,
)
def test_bad_profiles_are_located_errors(make_project, text: str, message: str) -> None:
    root = make_project(
        {PROFILE: text.replace("coach: {name: C}", "coach: {name: C}\nprogramme: mini", 1)}
    )
    result = run_workbook(["build", "--no-pdf"], root, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{PROFILE}:" in result.stderr and message in result.stderr, result.stderr


def test_invalid_utf8_bom_and_crlf(make_project, cli) -> None:
    root = make_project({PROFILE: b"name: Al\xffex\ncoach: {name: C}\nprogramme: mini\n"})
    result = cli(["build", "--no-pdf"], root)
    assert result.exit_code == 1
    assert "clients/alex.yml:1: the file is not valid UTF-8 (byte 0xff)" in result.output
    root = make_project(
        {PROFILE: b"\xef\xbb\xbfname: Alex\r\ncoach: {name: C}\r\nprogramme: mini\r\n"}
    )
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    assert "Alex" in (root / "site/alex/index.html").read_text()


def test_yaml_1_1_words_stay_text(make_project, cli) -> None:
    root = make_project(
        {
            PROFILE: "name: NO\npreferred_name: yes\nrole: 2026-01-01\norganisation: 0x1F\n"
            "coach: {name: 'off'}\nprogramme: mini\n"
        }
    )
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    home = (root / "site/alex/index.html").read_text()
    assert (
        "Welcome, <bdi>yes</bdi>" in home and "Workbook for <strong><bdi>NO</bdi></strong>" in home
    )


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script>",
        "**bold** _x_ [l](javascript:alert(1)) ![i](x.png)",
        "{{ 7*7 }} {% if true %}x{% endif %}",
        "key: value\n- item\n&anchor *alias !!str",
        "\u202eevil\u202c a\u200bb \u0301\u0301 \U0001f600",
        "::: coach\nLEAK\n:::",
    ],
)
def test_names_made_of_syntax_are_text_everywhere(make_project, cli, name: str) -> None:
    root = make_project(
        {
            PROFILE: yaml.safe_dump(
                {**BASE, "name": name, "preferred_name": name}, allow_unicode=True
            )
        }
    )
    result = cli(["build", "--no-pdf"], root)
    assert result.exit_code == 0, result.output
    for page in (root / "site/alex").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and 'href="javascript' not in text
        assert "<strong>bold" not in text and "coach-note" not in text and ">49<" not in text
    home = (root / "site/alex/index.html").read_text(encoding="utf-8")
    assert html.escape(" ".join(name.split()), quote=False).split(" ")[0] in home


# Dates are bounded where they are read; one client's bad date stops that client alone

OTHER = "name: Bo Other\ncoach: {name: Casey Coach}\nprogramme: mini\n"


@pytest.mark.parametrize(
    ("extra", "where", "message"),
    [
        (
            "goals:\n  - id: g\n    title: G\n    milestones:\n"
            "      - {title: M, due: 9999-12-31}\n",
            "clients/alex.yml:8:25",
            "'goals[0].milestones[0].due' is 9999-12-31, which is outside the years 1900–2200",
        ),
        (
            "engagement:\n  start: 0001-01-01\n",
            "clients/alex.yml:5:10",
            "'engagement.start' is 0001-01-01, which is outside the years 1900–2200",
        ),
        (
            "engagement:\n  sessions:\n    - {date: 2201-01-01T09:30}\n",
            "clients/alex.yml:6:14",
            "'engagement.sessions[0].date' is 2201-01-01T09:30, which is outside the years "
            "1900–2200",
        ),
    ],
)
def test_dates_out_of_range_fail_their_client_alone(
    make_project, cli, extra: str, where: str, message: str
) -> None:
    root = make_project({PROFILE: BASE_TEXT + extra, "clients/bo.yml": OTHER})
    for command in (["check"], ["build", "--no-pdf", "--today", "2026-11-23"]):
        result = cli(command, root)
        assert result.exit_code == 1
        assert f"{where}: {message} — check the year" in result.output.splitlines()
    assert (root / "site/bo/index.html").is_file() and not (root / "site/alex").exists()


def test_the_build_date_is_bounded_too(make_project, cli) -> None:
    root = make_project()
    result = cli(["build", "--today", "9999-12-31"], root)
    assert result.exit_code == 2
    assert "'9999-12-31' is outside the years 1900–2200" in result.output


# YAML bombs stop with the project's own words, whichever parser PyYAML has


BOMBS = {
    "nested custom": (
        "custom: " + "[" * 3000 + "]" * 3000 + "\n",
        "clients/alex.yml:4:41: values are nested more than 32 levels deep — nest lists and "
        "mappings at most 32 levels deep",
    ),
    "aliases of a long text": (
        "custom:\n  big: &big " + "x" * 300_000 + "\n"
        + "".join(f"  k{i}: *big\n" for i in range(10)),
        "clients/alex.yml:11:7: the file expands to more than 2,000,000 characters (an alias "
        "counts at the full size of what it repeats) — write the values out plainly, without "
        "anchors",
    ),
    "aliases nested in aliases": (
        "custom:\n  a: &a " + "[" * 20 + "x" + "]" * 20 + "\n  b: " + "[" * 20 + "*a" + "]" * 20
        + "\n",
        "clients/alex.yml:6:26: values are nested more than 32 levels deep — nest lists and "
        "mappings at most 32 levels deep",
    ),
}  # fmt: skip
BASE_TEXT = "name: Alex Example\ncoach: {name: Casey Coach}\nprogramme: mini\n"


@pytest.mark.parametrize("bomb", BOMBS)
def test_yaml_bombs_are_refused_in_the_same_words_by_either_parser(
    make_project, cli, yaml_loader: str, bomb: str
) -> None:
    text, message = BOMBS[bomb]
    root = make_project({PROFILE: BASE_TEXT + text, "clients/bo.yml": OTHER})
    result = cli(["build", "--no-pdf", "--today", "2026-11-23"], root)
    assert result.exit_code == 1
    assert message in result.output.splitlines(), result.output
    assert (root / "site/bo/index.html").is_file()
