"""Printable packs, end to end: build real projects, then read the PDFs back."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from tests.pdf_tools import (
    A4,
    LETTER,
    attachments,
    fonts,
    form_values,
    ink,
    is_tagged,
    link_uris,
    page_size,
    page_texts,
    pdfinfo,
    pdfium_page,
    render_png,
    text,
)
from workbook.build.options import BuildOptions
from workbook.build.run import run

TODAY = "2026-12-01"
pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


def answers_file(root: Path, client: str, name: str, updated: str, values: dict) -> None:
    folder = root / "clients" / f"{client}.answers"
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "format": "workbook-answers/1",
        "client": client,
        "exported": updated,
        "answers": {k: {"value": v, "updated": updated} for k, v in values.items()},
    }
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def build(root: Path, *args: str, **kw: object) -> BuildOptions:
    import datetime as dt

    return BuildOptions(clients=args, today=dt.date.fromisoformat(TODAY), **kw)  # type: ignore[arg-type]


# ---- the example project ------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once for Jordan (current stage: 3 of 9), with answers."""
    from tests.conftest import copy_example

    root = copy_example(tmp_path_factory.mktemp("example"))
    answers_file(
        root,
        "jordan-rivera",
        "first.json",
        "2026-09-20T10:00:00Z",
        {
            "coaching-agreement/hopes": "That my team leads make the everyday calls themselves.",
            "coaching-agreement/agreed": ["purpose", "logistics"],
            "reasons-for-coaching/readiness": 7,
            "leadership-self-assessment/self-assessment": {"explains-intent": 3, "stays-calm": 4},
            "role-and-challenges/challenges": [["Winter bed pressures", "Corridor waits", "", ""]],
        },
    )
    answers_file(
        root,
        "jordan-rivera",
        "second.json",
        "2026-11-20T10:00:00Z",
        {"leadership-self-assessment/self-assessment": {"explains-intent": 5, "stays-calm": 5}},
    )
    report = run(root, build(root, "jordan-rivera"))
    assert report.problems == [] and report.built == ["jordan-rivera"]
    report = run(root, build(root, "jordan-rivera", edition="coach"))
    assert report.problems == []
    return root


def test_a_pack_per_released_stage_and_the_engagement(example_site: Path) -> None:
    packs = example_site / "site" / "jordan-rivera" / "packs"
    assert sorted(p.name for p in packs.glob("*.pdf")) == [
        "01-relationship.pdf",
        "02-current-reality.pdf",
        "03-goal-setting.pdf",
        "engagement.pdf",
    ]
    stage = (example_site / "site" / "jordan-rivera" / "01-relationship" / "index.html").read_text()
    assert 'href="../packs/01-relationship.pdf"' in stage
    home = (example_site / "site" / "jordan-rivera" / "index.html").read_text()
    assert 'href="packs/engagement.pdf"' in home


def test_stage_pack_reads_back(example_site: Path, tmp_path: Path) -> None:
    pdf = example_site / "site" / "jordan-rivera" / "packs" / "01-relationship.pdf"
    pages = page_texts(pdf)
    assert len(pages) >= 6
    cover = pages[0]
    for expected in (
        "Harbour Leadership Partners",
        "Establishing the coaching relationship",
        "Jordan Rivera",
        "Helen Ashworth",
        "1 December 2026",
        "STAGE 1 OF 9",
    ):
        assert expected in cover
    assert "Contents" in pages[1] and "Our coaching agreement" in pages[1]
    assert "What helps" in pages[2] and "What to avoid" in pages[2]
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert page_size(pdf) == A4
    assert is_tagged(pdf)
    used = fonts(pdf)
    assert used and all(used.values()), used
    assert any(name.startswith("Noto-Sans") for name in used)
    assert attachments(pdf) == []
    assert not any(u.startswith("file:") for u in link_uris(pdf))
    assert b"file://" not in pdf.read_bytes()
    assert str(example_site).encode() not in pdf.read_bytes()  # no trace of the coach's disk
    for page in (1, 2, 4):
        assert ink(render_png(pdf, tmp_path, page)) > 0.005


def test_contents_gives_page_numbers(example_site: Path) -> None:
    pdf = example_site / "site" / "jordan-rivera" / "packs" / "01-relationship.pdf"
    pages = page_texts(pdf)
    contents = pages[1]
    # the first exercise follows the stage's introduction on its page (page 3, after contents)
    start = next(i for i, p in enumerate(pages) if "Our coaching agreement" in p and i >= 2) + 1
    assert f"Our coaching agreement {start}" in contents


def test_answers_are_the_packs_form_values(example_site: Path) -> None:
    packs = example_site / "site" / "jordan-rivera" / "packs"
    assert "Form: AcroForm" in pdfinfo(packs / "01-relationship.pdf")
    first = form_values(packs / "01-relationship.pdf")
    assert any(
        v == "That my team leads make the everyday calls themselves." for v in first.values()
    )
    assert any(k.count("/") == 2 and v is True for k, v in first.items())  # ticked items
    second = form_values(packs / "02-current-reality.pdf")
    cells = [v for k, v in second.items() if k.startswith("role-and-challenges/challenges/")]
    assert "Winter bed pressures" in cells and "Corridor waits" in cells
    assert "Total sent 10 of 50" in text(packs / "02-current-reality.pdf")  # newest: 5 + 5


def test_engagement_pack_is_the_record(example_site: Path) -> None:
    pdf = example_site / "site" / "jordan-rivera" / "packs" / "engagement.pdf"
    body = text(pdf)
    for expected in (
        "Your coaching engagement",
        "Delegate operational decisions to team leads",  # goals
        "Agree a map of who decides what with the team leads",  # milestones
        "Priya Raman",  # sponsor
        "Our coaching agreement",  # the agreement exercise
        "Stage 3: Setting goals",
        "Progress",
        "7 of 50",  # the first self-assessment total
        "10 of 50",  # and the second
    ):
        assert expected in body, expected
    assert "Establishing the coaching relationship" in body
    assert "Action plan" not in body.split("Contents")[1][:2000]  # stage 4 is not released


def test_coach_notes_only_in_the_coach_edition(example_site: Path) -> None:
    client = text(example_site / "site" / "jordan-rivera" / "packs" / "01-relationship.pdf")
    coach = text(example_site / "coach" / "jordan-rivera" / "packs" / "01-relationship.pdf")
    note = "Go through the checklist in the first session"
    assert note not in client and "COACH NOTE" not in client
    assert note in coach and "COACH NOTE" in coach and "Coach edition" in coach


def test_accents_survive(example_project: Path) -> None:
    report = run(example_project, build(example_project, "sofia-marquez"))
    assert report.problems == []
    pdf = example_project / "site" / "sofia-marquez" / "packs" / "engagement.pdf"
    assert "Sofía Márquez" in page_texts(pdf)[0]


# ---- small projects -------------------------------------------------------------------------


def test_right_to_left_names_and_letter_paper(
    make_project: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_project(
        {
            "workbook.yml": "paper: Letter\nfirm: {name: Atelier Éléonore}\n",
            "clients/alex.yml": "name: ليلى حداد\ncoach: {name: נועה כהן}\nprogramme: mini\n",
        }
    )
    report = run(root, build(root))
    assert report.problems == []
    pdf = root / "site" / "alex" / "packs" / "01-start.pdf"
    assert page_size(pdf) == LETTER
    cover = page_texts(pdf)[0]
    assert "ليلى حداد" in cover and "נועה כהן" in cover and "Atelier Éléonore" in cover
    used = fonts(pdf)
    assert all(used.values())
    assert "Noto-Sans-Arabic-Bold" in used and "Noto-Sans-Hebrew" in used
    assert ink(render_png(pdf, tmp_path, 1)) > 0.005
    words, shade = pdfium_page(pdf)
    assert "Atelier Éléonore" in words and "נועה כהן" in words and shade > 0.005


def test_no_pdf_skips_packs(make_project: Callable[..., Path]) -> None:
    root = make_project()
    report = run(root, build(root, pdf=False))
    assert report.problems == []
    assert (root / "site" / "alex" / "index.html").is_file()
    assert not (root / "site" / "alex" / "packs").exists()
    assert "packs/" not in (root / "site" / "alex" / "01-start" / "index.html").read_text()


def test_a_rebuild_with_nothing_changed_renders_nothing(make_project: Callable[..., Path]) -> None:
    root = make_project()
    pack = root / "site" / "alex" / "packs" / "01-start.pdf"
    report = run(root, build(root))
    assert "pack:packs/01-start.pdf" in report.rendered["alex"]
    first, stamp = pack.read_bytes(), pack.stat().st_mtime_ns

    report = run(root, build(root))
    assert report.problems == [] and report.rendered == {}
    assert pack.read_bytes() == first and pack.stat().st_mtime_ns == stamp  # not rewritten

    answers_file(root, "alex", "a.json", "2026-11-01T09:00:00Z", {"hello/first": "Curiosity."})
    report = run(root, build(root))
    assert "pack:packs/01-start.pdf" in report.rendered["alex"]
    assert "Curiosity." in text(pack)

    css = root / "templates" / "assets" / "pack.css"  # an asset the packs fetched
    css.parent.mkdir(parents=True)
    from workbook.load import defaults

    css.write_text(
        (defaults.templates() / "assets" / "pack.css").read_text() + "\nh1 { color: red; }\n"
    )
    before = pack.read_bytes()
    report = run(root, build(root))
    # the packs that load the stylesheet are made again (and its copy in the site's
    # assets), the pages are not
    assert set(report.rendered["alex"]) == {
        "pack:packs/01-start.pdf",
        "pack:packs/engagement.pdf",
        "asset:assets/pack.css",
    }
    assert pack.read_bytes() != before


def test_parallel_and_serial_renders_agree(make_project: Callable[..., Path]) -> None:
    root = make_project({"workbook.yml": "release: all\n"})
    run(root, build(root, jobs=2, out=root / "two"))
    run(root, build(root, jobs=1, out=root / "one"))
    names = sorted(p.name for p in (root / "one" / "alex" / "packs").glob("*.pdf"))
    assert names == ["01-start.pdf", "02-later.pdf", "engagement.pdf"]
    for name in names:
        assert text(root / "two" / "alex" / "packs" / name) == text(
            root / "one" / "alex" / "packs" / name
        )


def test_print_fields_in_a_pack(make_project: Callable[..., Path], tmp_path: Path) -> None:
    exercise = """\
---
title: Fields
kind: exercise
---

::: {.prompt #p lines=3}
Prompt question?
:::

::: {.scale #s min=0 max=4 low="Low end" high="High end"}
Scale question?
:::

::: {.table #t columns="Step|Owner|Due" rows=2}
Table question?
:::

::: {.choice #c}
Choice question?

- Option one
- Option two
:::
"""
    root = make_project({"content/exercises/hello.md": exercise})
    report = run(root, build(root))
    assert report.problems == []
    body = text(root / "site" / "alex" / "packs" / "01-start.pdf")
    for expected in (
        "Prompt question?",
        "Scale question? 0 1 2 3 4 Low end High end",
        "Step Owner Due",
        "Choice question? Tick one.",
        "Option one Option two",
    ):
        assert expected in body, expected


def test_bundle_writes_a_deterministic_zip(make_project: Callable[..., Path]) -> None:
    import zipfile

    root = make_project()
    run(root, build(root, bundle=True))
    archive = root / "site" / "alex.zip"
    first = archive.read_bytes()
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert {n.split("/")[0] for n in names} == {"alex"}  # one top-level folder
        assert "alex/workbook/index.html" in names and "alex/workbook/packs/01-start.pdf" in names
        assert "alex/workbook/packs/engagement.pdf" in names
        assert "alex/workbook/assets/pack.css" in names
        assert {"alex/README.txt", "alex/answers.json", "alex/answers.md"} <= set(names)
        assert "alex/engagement-record.pdf" in names
        assert not any(n.startswith(".") or "/." in n for n in names)
        assert {i.date_time[:3] for i in z.infolist()} == {(2026, 12, 1)}
        built = (root / "site/alex/packs/01-start.pdf").read_bytes()
        assert z.read("alex/workbook/packs/01-start.pdf") == built
        assert b"workbook/index.html" in z.read("alex/README.txt")
        assert json.loads(z.read("alex/answers.json"))["format"] == "workbook-answers/1"
        record = z.read("alex/engagement-record.pdf")
    (root / "record.pdf").write_bytes(record)
    reader = pypdf.PdfReader(root / "record.pdf")
    xmp = reader.xmp_metadata
    assert xmp is not None and b"pdfaid" in xmp.stream.get_data()
    assert re.search(rb"pdfaid:part[^0-9]*3", xmp.stream.get_data())
    assert attachments(root / "record.pdf") == ["workbook-answers.json"]
    assert "Form: none" in pdfinfo(root / "record.pdf")  # the record as it stood: no fields
    attached = json.loads(reader.attachments["workbook-answers.json"][0])
    assert attached["client"] == "alex" and attached["format"] == "workbook-answers/1"
    assert attachments(root / "site/alex/packs/engagement.pdf") == []  # only the hand-off's
    (root / "site" / "alex").rename(root / "elsewhere")  # nothing comes from the cache
    run(root, build(root, bundle=True))
    assert archive.read_bytes() == first


def test_stage_builds_only_that_pack_and_keeps_the_others(
    make_project: Callable[..., Path],
) -> None:
    root = make_project({"workbook.yml": "release: all\n"})
    run(root, build(root))
    packs = root / "site" / "alex" / "packs"
    before = {p.name: p.read_bytes() for p in packs.glob("*.pdf")}
    answers_file(root, "alex", "a.json", "2026-11-01T09:00:00Z", {"goodbye/ready": 4})
    report = run(root, build(root, stage="later"))
    assert report.problems == []
    after = {p.name: p.read_bytes() for p in packs.glob("*.pdf")}
    assert sorted(after) == ["01-start.pdf", "02-later.pdf", "engagement.pdf"]
    assert [name for name in sorted(after) if after[name] != before[name]] == ["02-later.pdf"]
    report = run(root, build(root))  # the full build catches up the engagement pack
    final = {p.name: p.read_bytes() for p in packs.glob("*.pdf")}
    assert final["engagement.pdf"] != before["engagement.pdf"]
    assert final["01-start.pdf"] == before["01-start.pdf"]
