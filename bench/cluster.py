"""Benchmark: one generated firm built on the local pool and on a two-worker Dask cluster.

    python bench/cluster.py [--clients 1000] [--write bench/CLUSTER.md]

Generates a firm of N clients (``bench/run.py``'s generator: the example
programme, every stage released, packs on), then, in one run and on the
same cores:

* ``workbook build --jobs 2`` from an empty output (the local process pool);
* ``workbook build --scheduler …`` from an empty output, on a ``LocalCluster``
  of two worker processes with one thread each, started before the timing;
* whether the two outputs are the same bytes;
* CPU time: the whole local build (its pool included), the cluster build's
  main process alone (reading, hashing and sending inputs, writing files,
  swapping folders, records) and its workers;
* the packs and their pages, for the cost per pack and per page.

Every figure is wall time of a fresh ``workbook`` process, interpreter start
included. The ratio cluster / local is the overhead of going through Dask
on the same two cores (target: ≤ 1.15×).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

from run import make_firm  # noqa: E402  (bench/run.py's generated firm)

TODAY = "2026-11-01"


def build(root: Path, *extra: str) -> tuple[float, float, str]:
    """Wall time and CPU time (this process's children: the build and its pool) of one build."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "workbook", "build", "--today", TODAY, *extra],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip().splitlines()[-2]


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def packs(folder: Path) -> tuple[int, int, int, int]:
    """Packs (engagement packs among them), PDF pages (engagement packs' among them)."""
    from pypdf import PdfReader

    found = sorted(folder.rglob("*.pdf"))
    pages = {p: len(PdfReader(p).pages) for p in found}
    engagement = [p for p in found if p.name == "engagement.pdf"]
    return len(found), len(engagement), sum(pages.values()), sum(pages[p] for p in engagement)


def worker_cpu() -> float:
    import psutil

    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    root = work / "firm"
    make_firm(root, args.clients)
    figures: dict[str, Any] = {"clients": args.clients, "load_before": os.getloadavg()[0]}
    wall, cpu, line = build(root, "--jobs", "2")
    figures.update(local_wall=wall, local_cpu=cpu, local_line=line)
    counted = packs(root / "site")
    figures["packs"], figures["engagement_packs"], figures["pages"], figures["e_pages"] = counted
    local_hash = tree_hash(root / "site")
    shutil.rmtree(root / "site")
    shutil.rmtree(root / ".workbook")
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        before = client.run(worker_cpu)
        wall, cpu, line = build(root, "--scheduler", cluster.scheduler_address)
        after = client.run(worker_cpu)
    figures.update(cluster_wall=wall, coordinator_cpu=cpu, cluster_line=line)
    figures["worker_cpu"] = sum(after[w] - before.get(w, 0.0) for w in after)
    figures["identical"] = tree_hash(root / "site") == local_hash
    figures["load_after"] = os.getloadavg()[0]
    return figures


def report(f: dict[str, Any]) -> str:
    from importlib import metadata

    ratio = f["cluster_wall"] / f["local_wall"]
    per_pack = f["local_cpu"] / f["packs"]
    per_page = f["local_cpu"] / f["pages"]
    per_client = f["local_cpu"] / f["clients"]
    coord = f["coordinator_cpu"] / f["clients"]
    rows = [
        ("clients", f"{f['clients']:,}", "generated, every stage released"),
        ("packs", f"{f['packs']:,}", f"{f['engagement_packs']:,} of them engagement packs"),
        ("PDF pages", f"{f['pages']:,}", f"{f['e_pages'] / f['pages']:.0%} in engagement packs"),
        ("local pool (`--jobs 2`)", f"{f['local_wall']:.1f} s", f["local_line"]),
        ("cluster (2 workers × 1 thread)", f"{f['cluster_wall']:.1f} s", f["cluster_line"]),
        ("**overhead cluster / local**", f"**{ratio:.2f}×**", "target ≤ 1.15×"),
        ("same bytes", "yes" if f["identical"] else "**NO**", "every file of site/, PDFs included"),
        ("CPU, local build (pool included)", f"{f['local_cpu']:.1f} s", ""),
        ("CPU, cluster workers", f"{f['worker_cpu']:.1f} s", ""),
        ("CPU, cluster main process", f"{f['coordinator_cpu']:.1f} s", "read, hash, send, write"),
        ("CPU per client (local)", f"{per_client * 1000:.0f} ms", "site and packs"),
        ("CPU per pack (local)", f"{per_pack * 1000:.0f} ms", "the site's share included"),
        ("CPU per page (local)", f"{per_page * 1000:.1f} ms", ""),
        ("main process CPU per client", f"{coord * 1000:.1f} ms", "on the cluster build"),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("workbook", "weasyprint", "distributed")
    )
    return (
        f"Made by `python bench/cluster.py --clients {f['clients']}` ({platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {versions}; "
        f"load average {f['load_before']:.1f} before, {f['load_after']:.1f} after).\n\n"
        "| measure | value | note |\n|---|---|---|\n" + table + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--write", type=Path, help="also write the table (Markdown) here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="workbook-cluster-bench-") as work:
        figures = measure(args, Path(work))
    text = report(figures)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
