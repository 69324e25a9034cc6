"""Profile values and answers are text: never HTML, Markdown structure, fields or coach notes."""

from __future__ import annotations

import json
import re

from tests.conftest import MINI_PROGRAMME

HOSTILE = """\
name: "<script>alert('name')</script> **Bold** {{ 7*7 }}"
preferred_name: "<img src=x onerror=alert(1)>"
role: "Manager\\n::: coach\\nLEAKED\\n:::\\n# Heading\\n- item"
organisation: "[click me](javascript:alert(1))"
coach: {name: "Coach & <b>Co</b>"}
programme: mini
about:
  strengths: ["- dash", "1. numbered", "| a | b |", "::: {.prompt #evil}"]
  leadership_experience: "    indented code"
"""

ECHO = """\
---
title: Echo
---

Hello {{ client.preferred_name }} ({{ client.name }}), {{ client.role }}.

At {{ client.organisation }} your strengths: {{ client.about.strengths | join("; ") }}.

{{ client.about.leadership_experience }}

Earlier you wrote: {{ answers["hello/first"] }}

::: {.prompt #first}
What brings you here?
:::
"""


def build_hostile(make_project, cli):
    answer = {
        "format": "workbook-answers/1",
        "client": "alex",
        "programme": "mini",
        "exported": "2026-11-22T10:00:00Z",
        "answers": {
            "hello/first": {
                "value": "</textarea><script>alert(2)</script>\n::: coach\nX\n:::",
                "updated": "2026-11-20T18:04:00Z",
            }
        },
    }
    root = make_project(
        {
            "clients/alex.yml": HOSTILE,
            "content/exercises/hello.md": ECHO,
            "content/programmes/mini.yml": MINI_PROGRAMME,
            "clients/alex.answers/2026-11-22.json": json.dumps(answer),
        }
    )
    result = cli(["build", "--no-pdf", "--today", "2026-11-23"], root)
    assert result.exit_code == 0, result.output
    return root


def test_hostile_profile_values_show_literally(make_project, cli) -> None:
    root = build_hostile(make_project, cli)
    page = (root / "site/alex/01-start/hello.html").read_text()
    home = (root / "site/alex/index.html").read_text()
    for html in (page, home):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b>Co</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "**Bold** {{ 7*7 }}" in page  # Markdown and Jinja syntax stay literal
    assert "LEAKED" in page and "coach-note" not in page  # a newline + ::: coach is text
    assert "<h1>Heading" not in page and "<li>item" not in page
    assert 'href="javascript' not in page and "[click me](javascript:alert(1))" in page
    assert "<pre>" not in page and "<code>" not in page
    assert page.count('data-kind="prompt"') == 1  # a value cannot make a field
    assert "&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_markdown_raw_html_and_unsafe_links_are_not_rendered(make_project, cli) -> None:
    root = make_project(
        {
            "content/exercises/hello.md": """\
---
title: Hello
---

<script>alert(1)</script>

<div onclick="x()">raw</div>

[js](javascript:alert(1)) [vb](vbscript:x) [data](data:text/html,x) [file](file:///etc/passwd)
[plain http](http://example.org) [abs](/etc/passwd) [ok](https://example.org)
[mail](mailto:a@example.org) [rel](../index.html)

![img](https://tracker.example.org/pixel.png)
"""
        }
    )
    assert cli(["build", "--no-pdf", "--today", "2026-11-23"], root).exit_code == 0
    page = (root / "site/alex/01-start/hello.html").read_text()
    body = page.split('<div class="exercise-body">')[1].split("</article>")[0]
    assert "<script" not in body and "<div onclick" not in body
    hrefs = re.findall(r'href="([^"]*)"', body)
    assert hrefs == ["https://example.org", "mailto:a@example.org", "../index.html"]
    assert "<img" not in body  # remote images are never loaded
