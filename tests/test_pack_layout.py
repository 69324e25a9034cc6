"""Page breaks in packs, read from WeasyPrint's own layout: what must stay together does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import weasyprint

from workbook.build.plan import work_for
from workbook.load.project import load_project
from workbook.outputs import pack
from workbook.outputs.pack_render import PackFetcher
from workbook.outputs.pack_safety import BASE_URL
from workbook.render.context import RenderContext

FILLER = (
    "Filler paragraph {i}, with enough words to take up a line or two of space on the page, "
    "and a little more text.\n\n"
)
TAIL = """\
::: {{.prompt #first lines=8}}
The question?
:::

## Next section

After the heading.

::: {{.table #plan columns="Step|Owner" rows={rows}}}
Plan?
:::
"""


def layout(root: Path) -> dict[str, set[int]]:
    """On which pages the marked parts of a stage pack land."""
    project = load_project(root)
    ctx = RenderContext(project.root, tuple(project.template_dirs), project.exercises)
    work = work_for(
        project, project.clients["alex"], project.answers["alex"], ctx, dt.date(2026, 12, 1)
    )
    reader = work.reader()
    views = list(work.job.released)
    stages = pack._Stages(work, reader, views)
    html = pack.pack_html(work, reader, stages.stages, engagement=False)
    document = weasyprint.HTML(
        string=html, base_url=BASE_URL, url_fetcher=PackFetcher(work.inputs.pack_assets)
    ).render()
    where: dict[str, set[int]] = {}
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None:
                continue
            text = "".join(element.itertext())
            if element.get("class") == "pf-rule":
                key = "pf-rule"
            elif text == "The question?":
                key = "question"
            elif element.tag in ("h2", "p", "th") and text in (
                "Next section",
                "After the heading.",
                "Owner",
            ):
                key = text
            elif text.startswith("Filler"):
                key = "filler"
            else:
                continue
            where.setdefault(key, set()).add(number)
    return where


def test_prompts_and_headings_stay_with_what_follows(make_project: Callable[..., Path]) -> None:
    crossed = 0
    for filler in range(4, 14):  # moves the prompt and the heading across a page boundary
        body = "".join(FILLER.format(i=i) for i in range(filler)) + TAIL.format(rows=3)
        root = make_project(
            {"content/exercises/hello.md": "---\ntitle: Hello\nkind: reflection\n---\n\n" + body}
        )
        where = layout(root)
        assert len(where["question"]) == 1 and where["question"] == where["pf-rule"]
        assert where["Next section"] == where["After the heading."]
        # the paragraph just before a field goes over with it, so the fillers then span pages
        crossed += max(where["question"]) > min(where["filler"])
        assert max(where["question"]) == max(where["filler"])
    assert crossed  # at least once the prompt went over, taking its lines with it


def test_table_header_repeats_on_every_page(make_project: Callable[..., Path]) -> None:
    body = TAIL.format(rows=30)
    root = make_project(
        {"content/exercises/hello.md": "---\ntitle: Hello\nkind: reflection\n---\n\n" + body}
    )
    where = layout(root)
    assert len(where["Owner"]) >= 2  # the table spans pages and its header row comes along
