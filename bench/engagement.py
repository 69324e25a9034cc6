"""Measure: the pack step per client, each pack laid out whole against stages laid out once.

    python bench/engagement.py [--clients 4] [--rounds 1]

The engagement pack holds every stage again. Until it was assembled, each stage was laid
out twice: once for its stage pack, once inside the engagement pack. For each client of a
generated firm (``bench/run.py``'s, every stage released, so nine stage packs and an
engagement pack) this takes the very HTML the build renders and times, with WeasyPrint and
the build's options, in this one process:

* **whole**: every pack laid out and written on its own (the nine stage packs, then the
  engagement pack from its whole HTML), as the build did before;
* **once**: what the build does now (``outputs/pack_assembly.py``): each stage pack laid
  out and written, the engagement pack's own parts laid out around one empty stand-in page
  per stage page, the stand-ins replaced by the stage packs' laid-out pages with the
  stand-ins' page numbers, and the whole written.

Both ways must give the same bytes for every pack; the script stops if they do not. CPU
time (``time.process_time``) is the figure to read on a shared machine; wall time is
printed beside it.

FIGURES
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from run import make_firm  # noqa: E402

import workbook.outputs.pack_render as pack_render  # noqa: E402
from workbook.build.options import BuildOptions  # noqa: E402
from workbook.build.run import run  # noqa: E402
from workbook.load.environ import build_date  # noqa: E402


def captured(root: Path) -> list[pack_render.RenderTask]:
    """Every render the build asks for, with its HTML (built once, in this process)."""
    tasks: list[pack_render.RenderTask] = []
    real = pack_render.render_pdf

    def keep(task: pack_render.RenderTask) -> pack_render.RenderResult:
        tasks.append(task)
        return real(task)

    pack_render.render_pdf = keep
    try:
        run(root, BuildOptions(jobs=1, today=build_date(None)), write=True)
    finally:
        pack_render.render_pdf = real
    return tasks


def timed(make: object) -> tuple[object, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    made = make()  # type: ignore[operator]
    return made, time.process_time() - cpu, time.perf_counter() - wall


def whole(task: pack_render.RenderTask) -> dict[str, pack_render.RenderResult]:
    """Every pack of the client laid out and written on its own."""
    made = {}
    for html, name in zip(task.parts, task.part_names, strict=True):
        made[name] = pack_render.render_pdf(pack_render.RenderTask(name, html, task.assets))
    made[task.name] = pack_render.render_pdf(
        pack_render.RenderTask(task.name, task.html, task.assets)
    )
    return made


def once(task: pack_render.RenderTask) -> dict[str, pack_render.RenderResult]:
    return pack_render.results_by_name([pack_render.render_pdf(task)])


def engagement_only(task: pack_render.RenderTask) -> tuple[float, float]:
    """The engagement pack's own cost each way: whole, and assembled (stage layouts given)."""
    import weasyprint

    from workbook.outputs import pack_assembly

    options = pack_render.RENDER_OPTIONS
    docs = [
        pack_render._lay_out(h, pack_render.PackFetcher(task.assets), options, [])
        for h in task.parts
    ]
    stages = [pack_assembly.stage_pages(h, d) or [] for h, d in zip(task.parts, docs, strict=True)]
    alone = pack_render.RenderTask(task.name, task.html, task.assets)
    _, whole_cpu, _ = timed(lambda: pack_render.render_pdf(alone))
    started = time.process_time()
    fetcher = pack_render.PackFetcher(task.assets)

    def lay_out(html: str, extra: list[weasyprint.CSS]) -> weasyprint.Document:
        return pack_render._lay_out(html, fetcher, pack_render.RENDER_OPTIONS, extra)

    document = pack_assembly.assemble(task.html, stages, lay_out)
    assert document is not None
    document.write_pdf(finisher=pack_render._radio_groups, **pack_render.RENDER_OPTIONS)
    return whole_cpu, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "firm"
        make_firm(root, args.clients)
        tasks = [t for t in captured(root) if t.parts]
        measure(tasks, args.rounds)


def measure(tasks: list[pack_render.RenderTask], rounds: int) -> None:
    cpu = {"whole": 0.0, "once": 0.0}
    wall = {"whole": 0.0, "once": 0.0}
    pages = engagement_pages = 0
    engagement = {"whole": 0.0, "assembled": 0.0}
    for _ in range(rounds):
        for task in tasks:
            a, a_cpu, a_wall = timed(lambda t=task: whole(t))  # type: ignore[misc]
            b, b_cpu, b_wall = timed(lambda t=task: once(t))  # type: ignore[misc]
            for name, result in a.items():  # type: ignore[attr-defined]
                if result.pdf != b[name].pdf:  # type: ignore[index]
                    raise SystemExit(f"{task.label}/{name}: the two ways differ")
            cpu["whole"] += a_cpu
            cpu["once"] += b_cpu
            wall["whole"] += a_wall
            wall["once"] += b_wall
            pages += sum(r.pages for r in a.values())  # type: ignore[attr-defined]
            engagement_pages += a[task.name].pages  # type: ignore[index]
            whole_cpu, assembled_cpu = engagement_only(task)
            engagement["whole"] += whole_cpu
            engagement["assembled"] += assembled_cpu
    n = len(tasks) * rounds
    print(
        f"clients: {len(tasks)}, rounds: {rounds}; pack pages per client: {pages / n:.0f}, "
        f"{engagement_pages / n:.0f} in the engagement pack ({engagement_pages / pages:.0%})"
    )
    print("every pack the same bytes both ways: yes")
    for way in ("whole", "once"):
        print(
            f"pack step per client, {way}: {cpu[way] / n:.2f} s CPU ({wall[way] / n:.2f} s wall), "
            f"{cpu[way] / pages * 1000:.0f} ms CPU per page"
        )
    print(
        f"once / whole: {cpu['once'] / cpu['whole']:.0%} of the CPU "
        f"(saves {1 - cpu['once'] / cpu['whole']:.0%})"
    )
    print(
        f"engagement pack alone, per client: whole {engagement['whole'] / n:.2f} s CPU, "
        f"assembled {engagement['assembled'] / n:.2f} s "
        f"({engagement['assembled'] / engagement['whole']:.0%})"
    )


if __name__ == "__main__":
    main()
