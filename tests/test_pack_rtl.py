"""An Arabic client's pack is mirrored: running header and footer change sides, and an
Arabic font is embedded; an English pack keeps its sides."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
from pathlib import Path

import pytest

from tests.rtl_support import ARABIC, ENGLISH, arabic_project
from workbook.build.options import BuildOptions
from workbook.build.run import run

PACK = "packs/01-relationship.pdf"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = arabic_project(tmp_path_factory.mktemp("rtl-pack") / "project")
    out = root / "site"
    options = BuildOptions(
        out=out, today=dt.date(2026, 11, 15), stage="relationship", clients=(ARABIC, ENGLISH)
    )
    report = run(root, options)
    assert not report.problems, [p.format(root) for p in report.problems]
    return out


def words(pdf: Path, page: int) -> list[tuple[str, float, float, float]]:
    """Each word of a page with its left edge, right edge and top, from ``pdftotext -bbox``."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [
        (html.unescape(w), float(x0), float(x1), float(y0))
        for x0, y0, x1, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            out,
        )
    ]


def sides(pdf: Path) -> dict[str, float]:
    """Where the running firm name (top) and page number (bottom) stand on page 2."""
    found = words(pdf, 2)
    firm = [w for w in found if w[0] == "Harbour" and w[3] < 80]
    # the page counter's figures ("Page 2 of 11", "الصفحة 2 من 11"): the footer's only digits
    number = [w for w in found if w[0].isdigit() and w[3] > 760]
    assert firm and number, found[:12]
    return {"firm": firm[0][1], "number": number[0][1]}


def test_running_header_and_footer_change_sides(site):
    middle = 595 / 2
    arabic = sides(site / ARABIC / PACK)
    english = sides(site / ENGLISH / PACK)
    assert english["firm"] < middle < english["number"]
    assert arabic["number"] < middle < arabic["firm"]


def test_an_arabic_font_is_embedded(site):
    listing = subprocess.run(
        ["pdffonts", str(site / ARABIC / PACK)], capture_output=True, text=True, check=True
    ).stdout
    arabic = [line for line in listing.splitlines() if "Arabic" in line]
    assert arabic, listing
    assert all(line.split()[-5] == "yes" for line in arabic), listing  # the emb column


def test_arabic_text_reads_back(site):
    text = subprocess.run(
        ["pdftotext", str(site / ARABIC / PACK), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "جوردان" in text


def test_typed_answers_keep_their_own_side_in_an_arabic_pack(site):
    """A reader draws a text field's value by its alignment (/Q) over what the page drew: an
    answer typed in English is aligned left in Jordan's Arabic pack, an empty field right,
    where an Arabic answer will start."""
    import pypdf

    texts = []
    for page in pypdf.PdfReader(site / ARABIC / PACK).pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/FT") == "/Tx":
                texts.append(annot)
    typed = [f for f in texts if str(f.get("/V") or "").strip()]
    empty = [f for f in texts if not str(f.get("/V") or "").strip()]
    assert typed and empty
    assert all(str(f["/V"])[0].isascii() for f in typed)  # the example's answers are English
    assert {f.get("/Q") for f in typed} == {0}
    assert {f.get("/Q") for f in empty} == {2}


def test_an_english_summary_in_an_arabic_pack_reads_left_to_right(site):
    """The stage's summary has no Arabic version: on the Arabic cover it is laid out left to
    right, as a browser lays out ``dir="auto"``, so its full stops end its sentences instead
    of starting its lines (the layout engine does not resolve ``auto`` itself)."""
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(site / ARABIC / PACK), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    lines = [line for line in text.splitlines() if "coach" in line and line.isascii()]
    assert lines, text
    assert not any(line.startswith((".", ",")) for line in lines), lines
    assert any(line.rstrip().endswith(".") for line in lines), lines
    summary = [w for w in words(site / ARABIC / PACK, 1) if w[0] == "Agree"]
    assert summary and summary[0][1] < 595 / 2  # it starts on the left
