"""The engagement pack assembled from the stage packs' own pages, read back page by page.

Each stage is laid out once: its stage pack is written from that layout, and the
engagement pack takes the same pages (``outputs/pack_assembly.py``). These tests build
the example project (three stages released, answers, earlier work) and check what a
reader sees: every page's number, the contents' page numbers, the running headers, the
form fields, the fonts; and that the assembled pack is the very PDF a whole layout gives.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from tests.conftest import copy_example
from tests.pdf_tools import fonts, form_values, is_tagged, margin_texts, page_texts
from tests.test_packs import answers_file
from workbook.build.options import BuildOptions
from workbook.build.plan import work_for
from workbook.build.run import run
from workbook.load.project import load_project
from workbook.outputs import pack, pack_assembly
from workbook.outputs.base import PdfJob
from workbook.outputs.pack_render import RenderTask, render_pdf
from workbook.render.context import RenderContext
from workbook.render.recording import Reader

TODAY = dt.date(2026, 12, 1)
CLIENT = "jordan-rivera"
EARLIER = "I would like a coach who asks hard questions."  # meeting-your-coach is not in
STAGES = ["01-relationship.pdf", "02-current-reality.pdf", "03-goal-setting.pdf"]  # her programme
FOLIO = re.compile(r"Page (\d+) of (\d+)")
pytestmark = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler-utils")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("assembly"))
    answers_file(
        root,
        CLIENT,
        "first.json",
        "2026-09-20T10:00:00Z",
        {
            "coaching-agreement/hopes": "That my team leads make the everyday calls themselves.",
            "coaching-agreement/agreed": ["purpose", "logistics"],
            "reasons-for-coaching/readiness": 7,
            "role-and-challenges/challenges": [["Winter bed pressures", "Corridor waits", "", ""]],
            "meeting-your-coach/about-me": EARLIER,
        },
    )
    assembled: list[bool] = []
    real = pack_assembly.assemble

    def spy(*args: object) -> object:
        document = real(*args)  # type: ignore[arg-type]
        assembled.append(document is not None)
        return document

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pack_assembly, "assemble", spy)
        report = run(root, BuildOptions(clients=(CLIENT,), today=TODAY, jobs=1))
    assert report.problems == [] and report.built == [CLIENT]
    assert assembled == [True]  # the packs read back below are the assembled ones
    return root


def packs(root: Path) -> Path:
    return root / "site" / CLIENT / "packs"


def stage_starts(root: Path) -> list[int]:
    """The engagement pack's page (from 1) where each stage starts, read from its pages."""
    pages = page_texts(packs(root) / "engagement.pdf")
    return [
        next(i + 1 for i, p in enumerate(pages) if p.startswith(f"STAGE {n} OF 9"))
        for n in range(1, len(STAGES) + 1)
    ]


def engagement_job(root: Path) -> PdfJob:
    project = load_project(root)
    ctx = RenderContext(project.root, tuple(project.template_dirs), project.exercises)
    work = work_for(project, project.clients[CLIENT], project.answers[CLIENT], ctx, TODAY)
    task = next(t for t in pack.plan(work) if t.key == "pack:packs/engagement.pdf")
    made, problems = task.make(Reader(work.inputs))
    job = made["packs/engagement.pdf"]
    assert problems == [] and isinstance(job, PdfJob)
    return job


def test_the_assembled_pack_is_the_whole_layout(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = engagement_job(project)
    assert len(job.parts) == len(STAGES)
    assembled = []
    real = pack_assembly.assemble

    def spy(*args: object) -> object:
        document = real(*args)  # type: ignore[arg-type]
        assembled.append(document is not None)
        return document

    monkeypatch.setattr(pack_assembly, "assemble", spy)
    parts = render_pdf(RenderTask("packs/engagement.pdf", job.html, job.assets, parts=job.parts))
    whole = render_pdf(RenderTask("packs/engagement.pdf", job.html, job.assets))
    assert assembled == [True]
    assert parts.pdf is not None and parts.pdf == whole.pdf  # byte for byte
    assert parts.pdf == (packs(project) / "engagement.pdf").read_bytes()  # what the build wrote


def test_every_page_has_its_number(project: Path) -> None:
    for name in [*STAGES, "engagement.pdf"]:
        margins = margin_texts(packs(project) / name)
        assert FOLIO.search(margins[0][1]) is None  # the cover has none
        for number, (_, footer) in enumerate(margins[1:], start=2):
            assert FOLIO.findall(footer) == [(str(number), str(len(margins)))], (name, number)


def test_contents_give_the_page_each_stage_and_exercise_starts_on(project: Path) -> None:
    pages = page_texts(packs(project) / "engagement.pdf")
    contents = pages[1]
    starts = stage_starts(project)
    assert starts[0] > 3 and starts == sorted(starts)
    titles = ["Establishing the coaching relationship", "Assessing current reality"]
    for number, (title, start) in enumerate(zip(titles, starts, strict=False), start=1):
        assert f"Stage {number}: {title} {start}" in contents
    for exercise in ("Our coaching agreement", "Your role and its challenges", "Me first"):
        listed = int(re.search(rf"{exercise} (\d+)", contents).group(1))  # type: ignore[union-attr]
        assert exercise in pages[listed - 1], exercise
    earlier = int(re.search(r"Earlier work (\d+)", contents).group(1))  # type: ignore[union-attr]
    assert pages[earlier - 1].startswith("KEPT FROM EARLIER Earlier work")
    assert earlier > starts[-1] and EARLIER in " ".join(pages[earlier - 1 :])


def test_the_stage_pages_are_the_stage_packs_own(project: Path) -> None:
    """Same text, same running headers (firm and the stage's titles), other page numbers."""
    engagement = packs(project) / "engagement.pdf"
    texts, margins = page_texts(engagement), margin_texts(engagement)
    for start, name in zip(stage_starts(project), STAGES, strict=True):
        stage = packs(project) / name
        own, own_margins = page_texts(stage), margin_texts(stage)
        first = next(i for i, p in enumerate(own) if p.startswith("STAGE "))
        count = len(own) - first
        held = texts[start - 1 : start - 1 + count]
        assert [FOLIO.sub("", p) for p in held] == [FOLIO.sub("", p) for p in own[first:]]
        headers = [header for header, _ in margins[start - 1 : start - 1 + count]]
        assert headers == [header for header, _ in own_margins[first:]]
        assert all(h.startswith("Harbour Leadership Partners ") for h in headers)
        title = own[0].split("STAGE ")[1].split(" ", 3)[3]  # the cover: "STAGE n OF 9 Title …"
        assert title.split()[0] in headers[0]


def test_form_fields_keep_names_and_values(project: Path) -> None:
    engagement = form_values(packs(project) / "engagement.pdf")
    held = {}
    for name in STAGES:
        values = form_values(packs(project) / name)
        assert values, name
        held.update(values)
    assert {k: engagement.get(k) for k in held} == held
    assert engagement["coaching-agreement/hopes"].startswith("That my team leads")  # type: ignore[union-attr]
    assert "Winter bed pressures" in engagement.values()


def test_fonts_embedded_and_tagged(project: Path) -> None:
    for name in [*STAGES, "engagement.pdf"]:
        pdf = packs(project) / name
        listed = subprocess.run(
            ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
        ).stdout.splitlines()[2:]
        assert listed and all(line.split()[-5] == "yes" for line in listed), listed
        used = fonts(pdf)
        assert used and all(used.values())
        assert is_tagged(pdf)


def test_outline_nests_exercises_under_their_stage(project: Path) -> None:
    def outline(path: Path) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []

        def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
            for item in items:
                if isinstance(item, list):
                    walk(item, depth + 1)
                else:
                    found.append((depth, item.title))

        walk(pypdf.PdfReader(path).outline, 0)
        return found

    stage = outline(packs(project) / STAGES[0])
    assert stage[0] == (0, "Establishing the coaching relationship")
    assert (1, "Our coaching agreement") in stage
    engagement = outline(packs(project) / "engagement.pdf")
    at = engagement.index(stage[0])
    assert engagement[at : at + len(stage)] == stage


def test_a_layout_without_the_stage_marks_is_laid_out_whole(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = (Path(__file__).parent.parent / "templates" / "pack.html").read_text()
    plain = layout.replace(pack_assembly.START, "").replace(pack_assembly.END, "")
    root = make_project({"templates/pack.html": plain})
    assembled = []
    real = pack_assembly.assemble
    monkeypatch.setattr(pack_assembly, "assemble", lambda *a: assembled.append(1) or real(*a))
    report = run(root, BuildOptions(today=TODAY, jobs=1))
    assert report.problems == []
    pdf = root / "site" / "alex" / "packs" / "engagement.pdf"
    margins = margin_texts(pdf)
    for number, (_, footer) in enumerate(margins[1:], start=2):
        assert FOLIO.findall(footer) == [(str(number), str(len(margins)))]
    assert "Stage 1: Getting started 4" in page_texts(pdf)[1]
    assert assembled == []  # the stage packs' pages cannot be told apart: laid out whole


def test_the_folio_is_one_sentence_made_css() -> None:
    assert pack.folio_css(pack.FOLIO) == '"Page " counter(page) " of " counter(pages)'
    assert pack.folio_css("%(page)s / %(pages)s") == 'counter(page) " / " counter(pages)'
    assert pack.folio_css("Seite %(page)s von %(pages)s") == (
        '"Seite " counter(page) " von " counter(pages)'
    )
    hostile = pack.folio_css('"}</style><x> %(page)s')
    assert hostile.count('"') == 2 and "<" not in hostile and "}" not in hostile
    assert hostile.endswith('" counter(page)')


def test_stage_packs_render_with_the_engagement_pack_when_most_of_them_are_due() -> None:
    from workbook.outputs.pack_render import grouped

    def task(name: str, html: str, parts: tuple[str, ...] = ()) -> RenderTask:
        return RenderTask(name, html, None, parts=parts)  # type: ignore[arg-type]

    engagement = task("packs/engagement.pdf", "E", ("A", "B", "C"))
    a, b, c = task("packs/a.pdf", "A"), task("packs/b.pdf", "B"), task("packs/c.pdf", "C")
    together = grouped([a, b, c, engagement])
    assert [t.name for t in together] == ["packs/engagement.pdf"]
    assert together[0].part_names == ("packs/a.pdf", "packs/b.pdf", "packs/c.pdf")
    some = grouped([b, c, engagement])
    assert [t.name for t in some] == ["packs/engagement.pdf"]
    assert some[0].part_names == ("", "packs/b.pdf", "packs/c.pdf")
    alone = grouped([b, engagement])  # one of three: the engagement pack laid out whole
    assert [(t.name, t.parts) for t in alone] == [("packs/b.pdf", ()), (engagement.name, ())]
    spread = grouped([a, b, c, engagement], spread=True)
    assert len(spread) == 4 and not any(t.parts for t in spread)
