"""Hostile exercises and layouts: sandbox escapes, includes out of bounds, bombs, bad URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_workbook
from workbook.render import capped

HELLO = "content/exercises/hello.md"
HOME = (Path(__file__).resolve().parent.parent / "templates/home.html").read_text()


def exercise(body: str) -> str:
    return "---\ntitle: Hello\n---\n" + body + "\n"


def home_with(snippet: str) -> str:
    return HOME.replace("{% block main %}", "{% block main %}" + snippet, 1)


def expect_error(cli, make_project, files: dict[str, str], where: str, message: str) -> None:
    root = make_project(files)
    result = cli(["build", "--no-pdf"], root)
    assert result.exit_code == 1, result.output
    assert where in result.output and message in result.output, result.output
    assert not (root / "site/alex/index.html").exists()


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-second time cap, so a loop without end costs the suite one second."""
    monkeypatch.setattr(capped, "MAX_SECONDS", 1.0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ client.__class__.__mro__ }}", "reaches for Python internals"),
        ("{{ client|attr('__class__') }}", "reaches for Python internals"),
        ("{{ '{0.__class__}'.format(client) }}", "reaches for Python internals"),
        ("{{ goals.append }}", "reaches for Python internals"),
        ("{{ client.items.__globals__ }}", "reaches for Python internals"),
        ("{% include '../workbook.yml' %}", "template not found"),
        ("{% include '../clients/alex.yml' %}", "template not found"),
        ("{% include '/etc/passwd' %}", "template not found"),
        ("{% include 'exercise:nope' %}", "template not found"),
        ("{% include 'exercise:hello' %}", "RecursionError"),
        ("{{ 'x' * 10**9 }}", "larger than 1,000,000"),
        ("{{ [0] * 10**8 }}", "larger than 1,000,000"),
        ("{{ 'x'|center(10**9) }}", "larger than 1,000,000"),
        ("{{ 'x'.ljust(10**9) }}", "larger than 1,000,000"),
        ("{{ '%1000000000d' % 1 }}", "larger than 1,000,000"),
        ("{{ '%*d' % (10**9, 1) }}", "larger than 1,000,000"),
        ("{{ '{:>{}}'.format(1, 10**9) }}", "larger than 1,000,000"),
        ("{{ ('x' * 999999).replace('x', 'yy') }}", "larger than 1,000,000"),
        ("{% set a = 'x' * 900000 %}{{ a ~ a }}", "larger than 1,000,000"),
        ("{{ 'x' * 900000 + 'y' * 900000 }}", "larger than 1,000,000"),
        ("{{ [1]|batch(10**9, 'x')|list }}", "larger than 1,000,000"),
        ("{{ ('a\n' * 400000)|indent(100) }}", "larger than 1,000,000"),
        ("{{ 10 ** 100000 }}", "too large to print"),
        ("{{ 2.0 ** 100000 }}", "too large to print"),
        ("{{ lipsum(10**6) }}", "larger than 1,000,000"),
        # amplification is bounded on the result, not per operand
        ('{{ (["x" * 999999] * 3000)|join }}', "'join' filter would be larger than 1,000,000"),
        ('{{ "".join(["x" * 999999] * 3000) }}', "joined text would be larger than 1,000,000"),
        (
            '{{ "".join(range(3000)|map("string")|map("center", 999999)) }}',
            "larger than 1,000,000",
        ),
        ('{{ ("{:999999}" * 3000).format(*range(3000)) }}', "formatted text would be larger"),
        ('{{ ("{0:999999}" * 3000).format(1) }}', "formatted text would be larger"),
        ('{{ ("%999999d" * 3000)|format(*range(3000)) }}', "formatted text would be larger"),
        ('{{ ("%(a)s" * 3000) % {"a": "x" * 999999} }}', "formatted text would be larger"),
        ('{{ "{}".format(["x" * 999999] * 3000) }}', "formatted text would be larger"),
        ('{{ "%s" % ((["x" * 999999] * 3000),) }}', "formatted text would be larger"),
        ('{{ (["x" * 999999] * 3000) ~ "" }}', "joined text would be larger than 1,000,000"),
        ('{{ ["x" * 999999] * 3000 }}', "printed value would be longer than 5,000,000"),
        ('{{ (["x" * 999999] * 3000)|string }}', "'string' filter would be larger than 5,000,000"),
        ('{{ (["x" * 999999] * 3000)|upper }}', "'upper' filter would be larger than 5,000,000"),
        ('{{ range(3000)|map("center", 999999)|list|length }}', "'list' filter would be larger"),
        ("{{ range(10**9)|list }}", "Range too big"),
        (
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
            "longer than 5,000,000 characters",
        ),
        ("{{ 1 // 0 }}", "ZeroDivisionError"),
        ("{{ client.name + 1 }}", "TypeError"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "RecursionError"),
        ("{{ nothing }}", "undefined name 'nothing'"),
        ("|" + "a|" * 300 + "\n" + ("|" + "-|" * 300 + "\n") * 200, "table cells"),
    ],
)
def test_exercise_attacks_are_located_errors(cli, make_project, body: str, message: str) -> None:
    expect_error(cli, make_project, {HELLO: exercise(body)}, "content/exercises/hello.md", message)


def test_loop_without_end_stops_at_the_time_cap(cli, make_project, quick) -> None:
    body = "{% for a in 'x' * 100000 %}{% for b in 'x' * 100000 %}{% endfor %}{% endfor %}"
    expect_error(
        cli,
        make_project,
        {HELLO: exercise(body)},
        "content/exercises/hello.md:4",
        "longer than 1 s",
    )


def test_include_through_a_symlink_out_of_content_is_refused(
    cli, make_project, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    root = make_project({HELLO: exercise("{% include 'leak.md' %}")})
    (root / "content/leak.md").symlink_to(secret)
    result = cli(["build", "--no-pdf"], root)
    assert result.exit_code == 1 and "links outside its folder" in result.output
    assert "TOP SECRET" not in result.output


def test_markdown_attacks_render_as_text(cli, make_project) -> None:
    body = (
        "[a](javascript:alert(1)) [b](data:text/html,x) [c](JaVaScRiPt:x) [e](vbscript:x) "
        "[f](//evil.example/) ![i](data:image/png;base64,AA) ![j](http://evil.example/x.png) "
        "<javascript:alert(1)> [ok](https://ok.example/)\n\n<script>alert(1)</script>\n\n"
        "<img src=x onerror=alert(1)>\n\n" + "> " * 2000 + "deep\n\n" + "[" * 5000 + "]" * 5000
    )
    root = make_project({HELLO: exercise(body)})
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site/alex/01-start/hello.html").read_text()
    main = page.split('<div class="exercise-body">')[1]
    assert 'href="https://ok.example/"' in main
    for bad in ("javascript:", "data:", "vbscript:", "//evil", "http://"):
        assert f'href="{bad}' not in main.lower() and f'src="{bad}' not in main.lower()
    assert "<script>" not in main and "<img src=x" not in main
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in main


def test_field_attributes_with_markup_are_escaped(cli, make_project) -> None:
    body = '::: {.scale #b min=1 max=5 low="\\"><script>x</script>" high=\'<img src=x>\'}\nq\n:::'
    root = make_project({HELLO: exercise(body)})
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    page = (root / "site/alex/01-start/hello.html").read_text()
    assert "<script>x" not in page and "<img src=x>" not in page
    assert "&lt;img src=x&gt;" in page


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("{% include '../workbook.yml' %}", "template not found"),
        ("{% include '/etc/hostname' %}", "template not found"),
        ("{{ 'x' * 10**9 }}", "larger than 1,000,000"),
        ("{{ firm.__class__ }}", "reaches for Python internals"),
        ('{{ (["x" * 999999] * 3000)|join }}', "'join' filter would be larger than 1,000,000"),
        ('{{ (["x" * 999999] * 3000)|tojson }}', "'tojson' filter would be larger than 5,000,000"),
        ('{{ ["x" * 999999] * 3000 }}', "printed value would be longer than 5,000,000"),
        ('<script type="application/json">"{{ client.name }}"</script>', "|tojson"),
        ("<script>var n = '{{ client.name }}';</script>", "|tojson"),
        ('<a href="{{ client.custom.site }}">x</a>', 'href="javascript:alert(1)"'),
        ('<a href="{{ client.custom.spaced }}">x</a>', "unsafe address"),
        ('<img src="{{ client.custom.remote }}">', 'src="https://tracker.example/p.gif"'),
    ],
)
def test_layout_attacks_are_located_errors(cli, make_project, snippet: str, message: str) -> None:
    profile = (
        "name: Alex\ncoach: {name: C}\nprogramme: mini\ncustom:\n"
        "  site: 'javascript:alert(1)'\n  spaced: ' Java\tScript:alert(1)'\n"
        "  remote: 'https://tracker.example/p.gif'\n"
    )
    files = {"templates/home.html": home_with(snippet), "clients/alex.yml": profile}
    expect_error(cli, make_project, files, "templates/home.html", message)


def test_values_in_script_through_tojson_cannot_close_it(cli, make_project) -> None:
    files = {
        "templates/home.html": home_with(
            '<script type="application/json" id="who">{{ client.name|tojson }}</script>'
        ),
        "clients/alex.yml": 'name: "</script><script>alert(1)</script>"\ncoach: {name: C}\n'
        "programme: mini\n",
    }
    root = make_project(files)
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    home = (root / "site/alex/index.html").read_text()
    island = home.split('id="who">')[1].split("</script>")[0]
    assert island == '"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"'


def test_a_safe_href_from_a_profile_is_kept(cli, make_project) -> None:
    files = {
        "templates/home.html": home_with('<a href="{{ client.custom.site }}">x</a>'),
        "clients/alex.yml": "name: Alex\ncoach: {name: C}\nprogramme: mini\n"
        "custom: {site: 'https://example.org/?a=\"b\"&c=1'}\n",
    }
    root = make_project(files)
    assert cli(["build", "--no-pdf"], root).exit_code == 0
    home = (root / "site/alex/index.html").read_text()
    assert 'href="https://example.org/?a=&#34;b&#34;&amp;c=1"' in home


def test_bombs_in_a_real_process_leave_no_traceback(make_project) -> None:
    root = make_project({HELLO: exercise("{{ 'x' * 10**9 }}{{ 1/0 }}")})
    result = run_workbook(["build", "--no-pdf"], root, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert any(
        line.startswith("content/exercises/hello.md:4:") for line in result.stderr.splitlines()
    ), result.stderr
