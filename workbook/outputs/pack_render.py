"""Turning a pack's HTML into a PDF with WeasyPrint, in worker processes across cores.

:func:`render_pdf` is a plain function of a :class:`RenderTask` (picklable
data), so it runs the same in this process or in a process pool. The pool
(:class:`PackRenderer`) starts only when more than one pack needs rendering
and more than one job is allowed, and reports each finished pack as it comes.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import gc
import hashlib
import multiprocessing
import os
import signal
import time
import warnings
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from workbook.outputs import pack_assembly, pack_form
from workbook.outputs.pack_safety import BASE_URL, Assets, clean_links, url_problem

# Packs are tagged PDF/UA-1 (structure for screen readers and reflow, with the title,
# language, headings, table headers and field labels), with a form field over every
# response space, and the firm, client and programme in the document information (the
# pack's ``workbook-*`` meta tags), so a filled pack can come back. Fonts are always embedded
# (subset) by WeasyPrint, so text stays selectable and looks the same everywhere.
RENDER_OPTIONS: dict[str, object] = {
    "pdf_tags": True,
    "pdf_forms": True,
    "pdf_variant": "pdf/ua-1",
    "custom_metadata": True,
}
# The hand-off bundle's engagement pack: PDF/A-3b, the one variant that keeps an attachment
# (the client's answers), and no form: it is the record as it stood, for keeping.
ARCHIVAL_OPTIONS: dict[str, object] = {
    "pdf_tags": True,
    "pdf_variant": "pdf/a-3b",
    "custom_metadata": True,
}
ATTACHMENT_NAME = "workbook-answers.json"
# …so its controls are drawn, not made fields: the answers printed in place, a chosen circle
# or ticked box filled in.
ARCHIVAL_CSS = """
.pf input, .pf textarea { appearance: none !important; }
.pf textarea { white-space: pre-wrap; overflow: hidden; color: var(--primary); }
.pf input[checked]::before { background: var(--primary); }
"""
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
    attachment: bytes | None = None  # archival: PDF/A-3b with these answers attached
    attached_on: dt.date | None = None  # the attachment's date (the build's today), else now
    parts: tuple[str, ...] = ()  # the engagement pack: its stage packs' HTML, in order
    part_names: tuple[str, ...] = ()  # the stage packs to write from the same layouts ("": not)


@dataclass(frozen=True)
class RenderResult:
    name: str
    pdf: bytes | None
    pages: int = 0
    fetched: dict[str, str] = field(default_factory=dict)  # asset URL → sha256
    seconds: float = 0.0
    refused: tuple[str, ...] = ()  # why the pack could not be made
    url: str = ""  # the refused URL, to find which exercise asked for it
    also: tuple[RenderResult, ...] = ()  # the stage packs written from the same layouts


def render_pdf(task: RenderTask) -> RenderResult:
    """Lay out and write one pack; a refused fetch or link is a result, never a crash.

    The engagement pack (``parts``: its stage packs' HTML) takes their laid-out pages
    (:mod:`~workbook.outputs.pack_assembly`); the stage packs named in ``part_names`` are
    written from the same layouts and come back in ``also``.
    """
    if task.parts and task.attachment is None:
        return _with_parts(task)
    return _guarded(task.name, lambda: _whole(task))


def _guarded(name: str, make: Callable[[], RenderResult]) -> RenderResult:
    try:
        return make()
    except RefusedFetch as exc:
        return RenderResult(name, None, refused=(f"'{exc.url}': {exc.why}",), url=exc.url)
    except FatalURLFetchingError as exc:  # an allowed file that could not be read
        return RenderResult(name, None, refused=(f"{exc} ({exc.__cause__})",))


def _lay_out(
    html: str, fetcher: PackFetcher, options: dict[str, object], extra: list[weasyprint.CSS]
) -> weasyprint.Document:
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.render(**{**options, "stylesheets": extra})


def _whole(task: RenderTask) -> RenderResult:
    """A pack laid out whole from its HTML."""
    started = time.perf_counter()
    fetcher = PackFetcher(task.assets)
    options = dict(RENDER_OPTIONS if task.attachment is None else ARCHIVAL_OPTIONS)
    extra = [weasyprint.CSS(string=ARCHIVAL_CSS)] if task.attachment is not None else []
    document = _lay_out(task.html, fetcher, options, extra)
    return _written(task, document, fetcher.fetched, started)


def _written(
    task: RenderTask, document: weasyprint.Document, fetched: dict[str, str], started: float
) -> RenderResult:
    """A laid-out pack checked (its length, its links) and written as PDF."""
    options = dict(RENDER_OPTIONS if task.attachment is None else ARCHIVAL_OPTIONS)
    if len(document.pages) > MAX_PAGES:
        why = f"it would have {len(document.pages):,} pages, more than the {MAX_PAGES} allowed"
        return RenderResult(task.name, None, refused=(why,))
    refused = clean_links(document.pages)
    if refused:
        return RenderResult(task.name, None, refused=tuple(refused))
    if task.attachment is not None:
        when = None
        if task.attached_on is not None:
            when = dt.datetime.combine(task.attached_on, dt.time(), tzinfo=dt.UTC)
        answers = weasyprint.Attachment(
            string=task.attachment,
            name=ATTACHMENT_NAME,
            description="workbook-answers/1",
            relationship="Data",
            created=when,
            modified=when,
        )
        options["attachments"] = [answers]
    with warnings.catch_warnings():
        # WeasyPrint leaves its sRGB profile's file open for PDF/A: closed here, quietly
        warnings.simplefilter("ignore", ResourceWarning)
        rtl = pack_form.right_to_left(task.html)
        pdf = document.write_pdf(finisher=functools.partial(pack_form.finish, rtl=rtl), **options)
        if task.attachment is not None:
            gc.collect()
    return RenderResult(
        task.name,
        pdf,
        pages=len(document.pages),
        fetched=dict(fetched),
        seconds=time.perf_counter() - started,
    )


def _with_parts(task: RenderTask) -> RenderResult:
    """The engagement pack assembled from its stage packs' layouts, and those stage packs."""
    started = time.perf_counter()
    names = task.part_names or ("",) * len(task.parts)
    also: list[RenderResult] = []
    stages: list[list[weasyprint.Page]] = []
    fetched: dict[str, str] = {}
    whole = False
    for html, name in zip(task.parts, names, strict=True):
        begun = time.perf_counter()
        part = RenderTask(name, html, task.assets, task.label)
        fetcher = PackFetcher(task.assets)
        laid: list[weasyprint.Document] = []
        failed = _guarded(name, functools.partial(_lay_out_into, laid, part, fetcher))
        if not laid:  # the stage cannot be laid out, so neither can the engagement pack
            also += [failed] if name else []
            return replace(failed, name=task.name, also=tuple(also))
        if name:
            also.append(_written(part, laid[0], fetcher.fetched, begun))
        fetched.update(fetcher.fetched)
        pages = pack_assembly.stage_pages(html, laid[0])
        whole = whole or pages is None
        stages.append(pages or [])
    result = None if whole else _guarded(task.name, lambda: _assembled(task, stages, fetched))
    if result is None or result.refused == (_UNASSEMBLED,):
        result = _guarded(task.name, lambda: _whole(task))
    return replace(result, seconds=time.perf_counter() - started, also=tuple(also))


def _lay_out_into(
    laid: list[weasyprint.Document], part: RenderTask, fetcher: PackFetcher
) -> RenderResult:
    laid.append(_lay_out(part.html, fetcher, RENDER_OPTIONS, []))
    return RenderResult(part.name, None)


_UNASSEMBLED = "the layout cannot be assembled from its stage packs"


def _assembled(
    task: RenderTask, stages: list[list[weasyprint.Page]], fetched: dict[str, str]
) -> RenderResult:
    fetcher = PackFetcher(task.assets)

    def lay_out(html: str, extra: list[weasyprint.CSS]) -> weasyprint.Document:
        return _lay_out(html, fetcher, RENDER_OPTIONS, extra)

    document = pack_assembly.assemble(task.html, stages, lay_out)
    if document is None:
        return RenderResult(task.name, None, refused=(_UNASSEMBLED,))
    return _written(task, document, {**fetched, **fetcher.fetched}, time.perf_counter())


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
        for made in (*result.also, result):
            if self.progress and made.pdf is not None:
                where = f"{task.label}/" if task.label else ""
                self.progress(
                    f"  {where}{made.name}: {made.pages} page{'s' if made.pages != 1 else ''}"
                    f" in {made.seconds:.1f} s"
                )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)  # after Ctrl+C, packs still queued
            self._pool = None


def _leave_interrupts() -> None:
    """In a pack worker: Ctrl+C is for the main process, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def grouped(tasks: list[RenderTask], *, spread: bool = False) -> list[RenderTask]:
    """The packs to render, each stage pack that the engagement pack holds rendered with it.

    A stage pack whose HTML is one of the engagement pack's parts is laid out once, in the
    engagement pack's task, which writes it too (its result comes back in ``also``). That
    pays when most of its stage packs are rendered now (a first build, a new layout): when
    fewer than half are (the others unchanged, kept from the last build), or when the packs
    are ``spread`` over a pool of processes, which lays out each pack on its own faster than
    one process could lay out them all, the engagement pack is laid out whole instead, the
    same PDF either way.
    """
    out = list(tasks)
    for task in [t for t in tasks if t.parts and t.attachment is None]:
        twins = [next((t for t in out if not t.parts and t.html == h), None) for h in task.parts]
        found = [t for t in twins if t is not None]
        if spread or 2 * len(found) < len(task.parts):
            out[out.index(task)] = replace(task, parts=())
            continue
        for twin in found:
            out.remove(twin)
        names = tuple(t.name if t else "" for t in twins)
        out[out.index(task)] = replace(task, part_names=names)
    return out


def results_by_name(results: list[RenderResult]) -> dict[str, RenderResult]:
    """Every pack made, the stage packs made along with the engagement pack included."""
    return {made.name: made for result in results for made in (*result.also, result)}
