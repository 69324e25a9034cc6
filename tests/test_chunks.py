"""Parsing Markdown run by run gives exactly what parsing it whole gives.

Checked on generated documents (lists, fences, ``:::`` blocks, indented code,
quotes, tables, blank lines in awkward places) and on every exercise page of
the example project for every client.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workbook.build.plan import work_for
from workbook.load.project import load_project
from workbook.outputs.base import EXERCISE_NAMES
from workbook.render import markdown
from workbook.render.chunks import ChunkParser, split
from workbook.render.context import RenderContext
from workbook.render.personalise import RecordingAnswers
from workbook.render.templating import render_marked, restore_keys

PATH = Path("content/exercises/x.md")
BLOCKS = [
    "A paragraph with *emphasis* and a [link](page.html).",
    "Another paragraph\nthat goes on a second line.",
    "# A heading",
    "- one\n- two",
    "- loose item",
    "1. first\n2. second",
    "  indented two spaces",
    "    indented code",
    "```\ncode\n\nmore code\n```",
    "~~~~\nfenced\n~~~~",
    "> a quote\n>\n> more",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "::: {.prompt #p1 lines=3}\nWhat now?\n\nAnd then?\n:::",
    "::: {.prompt #p2}\nA question\n:::",
    "::: {.checklist #c1}\n- Do this\n\n- Do that {#that}\n:::",
    "::: note\nA note.\n\n- with a list\n:::",
    "::: coach\nFor the coach.\n:::",
    "::: {.scale #s1 min=1 max=5}\nHow sure?\n:::",
    "***",
    "Setext heading\n===",
    "",
    "text \\* escaped",
    ":::",
]


def render(tokens) -> str:
    return markdown.render(tokens, edition="coach", exercise="x", values={})


def assert_same(text: str, parser: ChunkParser) -> None:
    whole_tokens, whole = markdown.parse(text, PATH, "x")
    tokens, report = parser.parse(text, PATH, "x")
    assert render(tokens) == render(whole_tokens)
    assert report.fields == whole.fields
    assert report.problems == whole.problems


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(BLOCKS), max_size=12), st.lists(st.sampled_from(["\n", "\n\n"])))
def test_generated_documents_parse_the_same(blocks: list[str], gaps: list[str]) -> None:
    parser = ChunkParser()
    text = ""
    for i, block in enumerate(blocks):
        text += block + (gaps[i] if i < len(gaps) else "\n\n")
    assert_same(text, parser)
    assert_same(text, parser)  # the second time from memory


def test_split_points_are_only_at_the_margin_outside_blocks() -> None:
    text = "Para\n\n- item\n\n  more of the item\n\n```\na\n\nb\n```\n\nEnd\n"
    runs = split(text)
    assert [start for start, _ in runs] == [0, 6, 12]  # never before a list item
    assert "".join(run + "\n" for _, run in runs)[:-1] == text
    assert split("[a]: /x\n\nPara\n\nMore\n") == [(0, "[a]: /x\n\nPara\n\nMore\n")]


def test_every_example_page_parses_the_same(example_project: Path) -> None:
    settings_file = example_project / "workbook.yml"
    settings_file.write_text(settings_file.read_text().replace("release: current", "release: all"))
    project = load_project(example_project)
    ctx = RenderContext(project.root, tuple(project.template_dirs), project.exercises)
    parser = ChunkParser()
    today = dt.date(2026, 11, 1)
    checked = 0
    for cid, client in sorted(project.clients.items()):
        work = work_for(project, client, project.answers[cid], ctx, today)
        job = work.job
        for view in job.stages:
            for eid in view.stage.exercises:
                exercise = job.exercises[eid]
                if not exercise.has_jinja:
                    continue
                template = ctx.personaliser.env.get_template(f"exercise:{eid}")
                reader = work.reader()
                names = {**EXERCISE_NAMES, "stage": f"stage:{view.stage.id}"}
                answers = RecordingAnswers(job.answers.values(), reader)
                context = reader.context(names, answers=answers)
                text = restore_keys(render_marked(template, context)[0])
                whole_tokens, whole = markdown.parse(text, exercise.path, eid)
                tokens, report = parser.parse(text, exercise.path, eid)
                assert markdown.render(tokens, edition="coach", exercise=eid) == markdown.render(
                    whole_tokens, edition="coach", exercise=eid
                )
                assert report.fields == whole.fields
                checked += 1
    assert checked > 50
    assert parser.hits > parser.misses  # most runs are the same for every client
