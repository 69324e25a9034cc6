"""Time the printable packs against WeasyPrint rendering the same HTML alone, in one run.

    python bench/packs.py [--rounds 3] [--write bench/PACKS.md]

For every pack of every client of the example project:

* workbook: ``outputs.pack.render`` for the client in this process (``--jobs 1``,
  no cache): personalising for print, the safety scans, the template, WeasyPrint
  with the confined fetcher, the link check, hashing — divided per pack and per page;
* WeasyPrint alone: the same pack HTML written to a folder beside copies of the
  assets it loads, rendered by ``weasyprint.HTML(filename).write_pdf`` with the same
  options (tagged PDF) and WeasyPrint's own fetcher.

Both run in the same process, alternating, after a warm-up; the best round of each
counts. Then a full build across cores and a rebuild with nothing changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import weasyprint  # noqa: E402

from workbook.build.options import BuildOptions  # noqa: E402
from workbook.build.plan import open_client  # noqa: E402
from workbook.build.run import run  # noqa: E402
from workbook.load.project import load_project  # noqa: E402
from workbook.outputs import pack  # noqa: E402
from workbook.outputs.base import PdfJob  # noqa: E402
from workbook.outputs.pack_render import (  # noqa: E402
    RENDER_OPTIONS,
    RenderResult,
    RenderTask,
    render_pdf,
)
from workbook.render.bytecode import bytecode_cache  # noqa: E402
from workbook.render.context import RenderContext  # noqa: E402

TODAY = dt.date(2026, 12, 1)
PARTS = ("workbook.yml", "content", "clients", "templates", "assets")


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for part in PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.is_file():
            shutil.copy2(src, dest / part)
    return dest


def workbook_round(root: Path) -> tuple[float, list[tuple[RenderTask, RenderResult]]]:
    """Every client's packs through workbook's own path, serially, without the cache: each
    client's pack tasks made through their reader, then each PDF rendered in this process."""
    project = load_project(root)
    ctx = RenderContext(
        project.root, tuple(project.template_dirs), project.exercises, bytecode_cache()
    )
    done: list[tuple[RenderTask, RenderResult]] = []
    started = time.perf_counter()
    for cid in sorted(project.client_files):
        work, problems = open_client(project, project.findings, ctx, cid, TODAY, pdf=True)
        assert work is not None, problems
        for task in pack.PACKS.plan(work):
            made, problems = task.make(work.reader())
            assert not problems, problems
            for rel, job in made.items():
                assert isinstance(job, PdfJob)
                render = RenderTask(rel, job.html, job.assets, job.label)
                done.append((render, render_pdf(render)))
    return time.perf_counter() - started, done


def materialise(task: RenderTask, result: RenderResult, folder: Path) -> Path:
    """The pack's HTML on disk beside the asset files it loaded, for WeasyPrint alone."""
    folder.mkdir(parents=True)
    for url in result.fetched:
        path = task.assets.resolve(url)
        assert path is not None
        (folder / url).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, folder / url)
    page = folder / "pack.html"
    page.write_text(task.html, encoding="utf-8")
    return page


def pdf_stamps(folder: Path) -> dict[Path, tuple[int, int]]:
    """Each PDF's inode and modification time: a rewritten PDF changes both."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*.pdf")}


def alone_round(pages: list[Path]) -> float:
    started = time.perf_counter()
    for page in pages:
        weasyprint.HTML(filename=str(page)).write_pdf(**RENDER_OPTIONS)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", type=Path, help="write the figures as Markdown here")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_example(Path(tmp) / "example")
        _, done = workbook_round(root)  # warm-up: fonts, templates, parses
        pages_html = [
            materialise(t, r, Path(tmp) / "alone" / str(i)) for i, (t, r) in enumerate(done)
        ]
        alone_round(pages_html[:1])
        ours, theirs = [], []
        for _ in range(args.rounds):
            ours.append(workbook_round(root)[0])
            theirs.append(alone_round(pages_html))
        packs = len(done)
        pages = sum(r.pages for _, r in done)
        best_ours, best_theirs = min(ours), min(theirs)

        jobs = os.cpu_count() or 1
        options = BuildOptions(today=TODAY, jobs=jobs)
        started = time.perf_counter()
        report = run(root, options)
        full = time.perf_counter() - started
        before = pdf_stamps(root / "site")
        started = time.perf_counter()
        run(root, options)
        again = time.perf_counter() - started
        after = pdf_stamps(root / "site")
        rerendered = sum(1 for path, stamp in after.items() if before.get(path) != stamp)
        assert not report.problems

    rows = [
        ("packs (5 clients)", f"{packs}", ""),
        ("PDF pages", f"{pages}", ""),
        ("workbook, per pack", f"{best_ours / packs * 1000:.0f} ms", "one core"),
        ("workbook, per page", f"{best_ours / pages * 1000:.1f} ms", "one core"),
        ("WeasyPrint alone, per pack", f"{best_theirs / packs * 1000:.0f} ms", "same HTML"),
        ("WeasyPrint alone, per page", f"{best_theirs / pages * 1000:.1f} ms", "same HTML"),
        ("ratio workbook / WeasyPrint alone", f"{best_ours / best_theirs:.2f}×", "target ≤ 1.1×"),
        ("pages per second, one core", f"{pages / best_ours:.1f}", "workbook"),
        (f"full build, --jobs {jobs}", f"{full:.1f} s", "site + packs, every client"),
        ("rebuild, nothing changed", f"{again:.2f} s", f"{rerendered} PDFs rendered"),
    ]
    table = "| measure | value | note |\n|---|---|---|\n" + "\n".join(
        f"| {a} | {b} | {c} |" for a, b, c in rows
    )
    print(table)
    if args.write:
        machine = (
            f"{platform.machine()}, {jobs} cores, Python {platform.python_version()}, "
            f"WeasyPrint {weasyprint.__version__}; load average {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after: other work on the machine slows both columns alike"
        )
        args.write.write_text(
            "# Pack rendering benchmark\n\n"
            "Made by `python bench/packs.py --write bench/PACKS.md` on the example project "
            f"(build date {TODAY}; best of {args.rounds} rounds; {machine}).\n\n"
            "*workbook* is `outputs/pack.py` for each client in one process (personalising for "
            "print, safety scans, template, WeasyPrint with the confined fetcher, link check, "
            "hashing); *WeasyPrint alone* renders the very same HTML from a file beside copies "
            "of its assets, with the same options (tagged PDF), in the same run.\n\n"
            f"{table}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
