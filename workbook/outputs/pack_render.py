"""Turning a pack's HTML into a PDF with WeasyPrint, in worker processes across cores.

:func:`render_pdf` is a plain function of a :class:`RenderTask` (picklable
data), so it runs the same in this process or in a process pool. The pool
(:class:`PackRenderer`) starts only when more than one pack needs rendering
and more than one job is allowed, and reports each finished pack as it comes.
"""

from __future__ import annotations

import base64
import hashlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from workbook.outputs.pack_safety import BASE_URL, Assets, clean_links, url_problem

# Tagged PDF (structure for screen readers and reflow) is on; fonts are always embedded
# (subset) by WeasyPrint, so text stays selectable and looks the same everywhere.
RENDER_OPTIONS: dict[str, object] = {"pdf_tags": True}
MAX_PAGES = 400  # a pack longer than this is an output bomb, not a workbook


class RefusedFetch(FatalURLFetchingError):
    """A pack asked for something outside the project; stops the render (BaseException)."""

    def __init__(self, url: str, why: str) -> None:
        super().__init__(f"'{url}': {why}")
        self.url = url
        self.why = why


_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class PackFetcher(URLFetcher):
    """WeasyPrint's fetcher, narrowed to the asset folders and ``data:image/*``.

    Every fetched file is recorded with its hash (``fetched``), so the pack
    cache knows which assets a pack depends on.
    """

    def __init__(self, assets: Assets) -> None:
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)
        self._fail_on_errors = True
        self.assets = assets
        self.fetched: dict[str, str] = {}

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return self._data(url)
        if not url.startswith(BASE_URL):
            why = url_problem(url, loads=True) or "outside the project"
            raise RefusedFetch(url, why)
        relative = unquote(urlsplit(url).path).lstrip("/")
        path = self.assets.resolve(relative)
        if path is None:
            raise RefusedFetch(relative, "not a file inside the project's asset folders (assets/…)")
        data = path.read_bytes()
        self.fetched[relative] = hashlib.sha256(data).hexdigest()
        kind = _TYPES.get(path.suffix.lower(), "application/octet-stream")
        return URLFetcherResponse(url, data, {"Content-Type": kind})

    def _data(self, url: str) -> URLFetcherResponse:
        head, _, payload = url[5:].partition(",")
        kind = head.split(";")[0].strip().lower()
        if not kind.startswith("image/"):
            raise RefusedFetch(url[:40], "only data:image/* is allowed")
        body = base64.b64decode(payload) if ";base64" in head.lower() else unquote_to_bytes(payload)
        return URLFetcherResponse(url, body, {"Content-Type": kind})


@dataclass(frozen=True)
class RenderTask:
    """One pack to render: its output name, its HTML, and the files it may load."""

    name: str
    html: str
    assets: Assets
    label: str = ""  # for progress lines, e.g. the client id


@dataclass(frozen=True)
class RenderResult:
    name: str
    pdf: bytes | None
    pages: int = 0
    fetched: dict[str, str] = field(default_factory=dict)  # asset URL → sha256
    seconds: float = 0.0
    refused: tuple[str, ...] = ()  # why the pack could not be made
    url: str = ""  # the refused URL, to find which exercise asked for it


def render_pdf(task: RenderTask) -> RenderResult:
    """Lay out and write one pack; a refused fetch or link is a result, never a crash."""
    started = time.perf_counter()
    fetcher = PackFetcher(task.assets)
    try:
        html = weasyprint.HTML(string=task.html, base_url=BASE_URL, url_fetcher=fetcher)
        document = html.render(**RENDER_OPTIONS)
        if len(document.pages) > MAX_PAGES:
            why = f"it would have {len(document.pages):,} pages, more than the {MAX_PAGES} allowed"
            return RenderResult(task.name, None, refused=(why,))
        refused = clean_links(document.pages)
        if refused:
            return RenderResult(task.name, None, refused=tuple(refused))
        pdf = document.write_pdf(**RENDER_OPTIONS)
    except RefusedFetch as exc:
        return RenderResult(task.name, None, refused=(f"'{exc.url}': {exc.why}",), url=exc.url)
    except FatalURLFetchingError as exc:  # an allowed file that could not be read
        return RenderResult(task.name, None, refused=(f"{exc} ({exc.__cause__})",))
    return RenderResult(
        task.name,
        pdf,
        pages=len(document.pages),
        fetched=dict(fetcher.fetched),
        seconds=time.perf_counter() - started,
    )


def _pool_context() -> multiprocessing.context.BaseContext:
    """A fork server that has WeasyPrint loaded already, where the platform has one.

    Only WeasyPrint: the fork server imports before it takes the build's ``sys.path``
    (Python 3.11), so preloading ``workbook`` there could give the workers another copy.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["weasyprint"])
        return ctx
    return multiprocessing.get_context("spawn")


class PackRenderer:
    """Renders packs across ``jobs`` processes and reports each as it finishes."""

    def __init__(self, jobs: int | None, progress: Callable[[str], None] | None = None) -> None:
        self.jobs = jobs or os.cpu_count() or 1
        self.progress = progress
        self._pool: Executor | None = None

    def run(self, tasks: list[RenderTask]) -> list[RenderResult]:
        """Every task's result, in the order given."""
        if len(tasks) <= 1 or self.jobs == 1:
            results = []
            for task in tasks:
                results.append(render_pdf(task))
                self._report(task, results[-1])
            return results
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=_pool_context(), initializer=_leave_interrupts
            )
        # The longest first (the engagement pack), so the others fill the remaining cores.
        ordered = sorted(tasks, key=lambda t: len(t.html), reverse=True)
        futures = {self._pool.submit(render_pdf, t): t for t in ordered}
        done: dict[str, RenderResult] = {}
        try:
            for future in as_completed(futures):
                result = future.result()
                done[result.name] = result
                self._report(futures[future], result)
        except KeyboardInterrupt:
            self._stop_workers()
            raise
        return [done[t.name] for t in tasks]

    def _stop_workers(self) -> None:
        """Ctrl+C: end the packs being rendered now rather than wait for them."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(cancel_futures=True)

    def _report(self, task: RenderTask, result: RenderResult) -> None:
        if self.progress and result.pdf is not None:
            where = f"{task.label}/" if task.label else ""
            self.progress(
                f"  {where}{task.name}: {result.pages} page{'s' if result.pages != 1 else ''}"
                f" in {result.seconds:.1f} s"
            )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)  # after Ctrl+C, packs still queued
            self._pool = None


def _leave_interrupts() -> None:
    """In a pack worker: Ctrl+C is for the main process, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
