"""Right-to-left languages: the direction of a tag, the attribute on every page, the charts."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from tests.conftest import copy_example
from tests.rtl_support import ARABIC, ENGLISH, arabic_project
from workbook.build.options import BuildOptions
from workbook.build.run import run
from workbook.render import charts
from workbook.render.direction import text_direction


@pytest.mark.parametrize(
    "tag", ["ar", "ar-EG", "ar_SA", "he", "he-IL", "fa", "fa-IR", "ur", "ur-PK"]
)
def test_right_to_left_languages(tag):
    assert text_direction(tag) == "rtl"


@pytest.mark.parametrize("tag", ["en", "en-GB", "fr", "fr-CA", "de", "es", "es-419", "xx", ""])
def test_left_to_right_and_unknown_languages(tag):
    assert text_direction(tag) == "ltr"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = arabic_project(tmp_path_factory.mktemp("rtl") / "project")
    out = root / "site"
    options = BuildOptions(
        out=out, today=dt.date(2026, 11, 15), pdf=False, clients=(ARABIC, ENGLISH)
    )
    report = run(root, options)
    assert not report.problems, [p.format(root) for p in report.problems]
    return out


def _roots(folder: Path) -> list[str]:
    pages = sorted(folder.rglob("*.html"))
    assert len(pages) > 5
    return [re.search(r"<html[^>]*>", p.read_text(encoding="utf-8")).group(0) for p in pages]


def test_every_page_of_an_arabic_client_is_right_to_left(site):
    for tag in _roots(site / ARABIC):
        assert 'lang="ar"' in tag and 'dir="rtl"' in tag, tag


def test_an_english_client_stays_left_to_right(site):
    for tag in _roots(site / ENGLISH):
        assert 'lang="en"' in tag and 'dir="ltr"' in tag, tag


def test_an_exercise_shown_in_another_language_says_which_on_its_text(site):
    """Jordan reads Arabic; the role exercise has no Arabic version, so its text is marked
    English, left to right (its full stops stay at the end), inside the Arabic page; the
    exercise with an Arabic version is marked nothing: it is in the page's language."""
    english = (site / ARABIC / "02-current-reality/role-and-challenges.html").read_text("utf-8")
    assert '<div class="exercise-body" lang="en" dir="ltr">' in english
    arabic = (site / ARABIC / "02-current-reality/leadership-self-assessment.html").read_text(
        "utf-8"
    )
    assert '<div class="exercise-body">' in arabic and "التقييم الذاتي للقيادة" in arabic
    own = (site / ENGLISH / "02-current-reality/role-and-challenges.html").read_text("utf-8")
    assert '<div class="exercise-body">' in own


def test_the_progress_chart_runs_from_the_right(site):
    page = (site / ARABIC / "progress.html").read_text(encoding="utf-8")
    svg = page[page.index('<svg class="chart" id="history-') :]
    svg = svg[: svg.index("</svg>")]
    assert 'direction="rtl"' in svg
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert len(xs) >= 2 and xs == sorted(xs, reverse=True)  # the earliest on the right


def _circles(svg: str) -> list[float]:
    return [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]


def test_line_chart_mirrors_exactly():
    points = [("1 Sep 2026", 20), ("1 Oct 2026", 30), ("1 Nov 2026", 40)]
    ltr = charts.line_chart("c", "Scores", points, 50)
    rtl = charts.line_chart("c", "Scores", points, 50, rtl=True)
    assert [charts.WIDTH - x for x in _circles(ltr)] == _circles(rtl)
    scale = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="end"', rtl)]
    assert scale and all(x > max(_circles(rtl)) for x in scale)  # the scale on the right


def test_point_values_stand_clear_of_the_scale():
    """The first point's value (13 px bold, up to 3 digits) never reaches the scale's numbers,
    which end 8 px before the plot."""
    svg = charts.line_chart("c", "Scores", [("1 Sep", 100), ("1 Oct", 0)], 100)
    first = _circles(svg)[0]
    half_label = 3 * 8 / 2
    assert first - half_label > 64 - 8 + 4


def test_dates_never_run_into_each_other():
    points = [(f"{d} Nov 2026", d) for d in range(1, 15)]
    svg = charts.line_chart("c", "Scores", points, 20)
    shown = re.findall(r'<text x="([\d.]+)" y="218" text-anchor="middle"[^>]*>([^<]+)<', svg)
    assert 2 <= len(shown) < len(points)
    assert shown[-1][1] == "14 Nov 2026"  # the latest is always named
    xs = [float(x) for x, _ in shown]
    widest = max(len(t) for _, t in shown) * 6.5  # a 13 px system font's digits and letters
    assert all(b - a > widest for a, b in itertools.pairwise(xs))


def test_compare_chart_bars_grow_from_the_right():
    rows = [charts.Bars("Listens", (2, 4))]
    svg = charts.compare_chart("s", "Each", ["First", "Again"], rows, 5, rtl=True)
    bars = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*stroke=', svg)
    ends = [float(x) + float(w) for x, w in bars[1:]]  # after the legend's first square
    assert ends and all(abs(e - (charts.WIDTH - 8)) < 0.1 for e in ends[-2:])


def test_the_desk_and_the_passphrase_page_take_the_firms_direction(tmp_path, cli):
    """The desk and an encrypted site's shell tell nothing of a client: they are in the
    firm's language, here Hebrew: a language the firm adds with a catalog of its own."""
    root = copy_example(tmp_path / "example")
    (root / "translations").mkdir()
    (root / "translations" / "he.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: he\\n"\n\nmsgid "Home"\nmsgstr "דף הבית"\n',
        encoding="utf-8",
    )
    settings = root / "workbook.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("language: en\n", "language: he\n", 1), encoding="utf-8")
    args = ["build", "--no-pdf", "--today", "2026-11-15", "--edition", "coach"]
    assert cli(args, root).exit_code == 0
    desk = (root / "coach" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="he" dir="rtl"' in desk
    args = ["build", "--no-pdf", ENGLISH, "--today", "2026-11-15", "--encrypt"]
    assert cli(args, root, {"WORKBOOK_PASSPHRASE": "a long enough passphrase"}).exit_code == 0
    shell = (root / "site" / ENGLISH / "index.html").read_text(encoding="utf-8")
    assert '<html lang="he" dir="rtl">' in shell and "data-ciphertext" in shell
