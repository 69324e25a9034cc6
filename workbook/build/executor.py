"""Where client builds run: in this process, or across a pool of worker processes.

An :class:`Executor` takes the clients to build (id and quick digest) and
reports each :class:`~workbook.build.client.ClientResult` as it comes. The
local one forks a pool (``--jobs``): each worker makes its own
:class:`~workbook.build.client.Worker` once (templates compiled and
client-independent exercises parsed once per process), then builds one
client at a time and writes that client's folder itself, so only a small
result travels back and memory follows one client's output, not the firm's.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from typing import Protocol

from workbook.build.client import Batch, ClientResult, Worker, build_client
from workbook.render.bytecode import bytecode_cache
from workbook.render.context import RenderContext

OnResult = Callable[[ClientResult], None]


class Executor(Protocol):
    """Runs client builds and reports each result as it finishes."""

    def run(self, batch: Batch, todo: list[tuple[str, str]], on_result: OnResult) -> None: ...


def make_worker(batch: Batch, jobs: int | None = None, progress: object = None) -> Worker:
    """A process's rendering state for this build."""
    project = batch.project
    ctx = RenderContext(
        project.root, tuple(project.template_dirs), project.exercises, bytecode_cache()
    )
    return Worker(ctx, jobs=jobs, progress=progress)


# The one per-process global of a pool worker: its batch and state, set by the initializer.
_STATE: tuple[Batch, Worker] | None = None


def _init(batch: Batch, progress: Callable[[str], None] | None) -> None:
    global _STATE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C: the main process stops the pool
    batch.in_worker = True  # a pool worker renders its packs itself, not in a pool of its own
    _STATE = (batch, make_worker(batch, jobs=1, progress=progress))


def _work(item: tuple[str, str]) -> ClientResult:
    assert _STATE is not None, "the pool initializer did not run"
    batch, worker = _STATE
    return build_client(batch, worker, *item)


class LocalExecutor:
    """This machine: one process for one client, a pool of ``jobs`` processes for more."""

    def __init__(self, jobs: int | None, progress: Callable[[str], None] | None = None) -> None:
        self.jobs = jobs or os.cpu_count() or 1
        self.progress = progress

    def run(self, batch: Batch, todo: list[tuple[str, str]], on_result: OnResult) -> None:
        for result in self._map(batch, todo):
            on_result(result)

    def _map(self, batch: Batch, todo: list[tuple[str, str]]) -> Iterator[ClientResult]:
        workers = min(self.jobs, len(todo))
        if workers <= 1:
            worker = make_worker(batch, jobs=self.jobs, progress=self.progress)
            try:
                for cid, quick in todo:
                    yield build_client(batch, worker, cid, quick)
            finally:
                worker.close()
            return
        # fork shares the loaded project with the workers at no cost; spawn elsewhere
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with multiprocessing.get_context(method).Pool(
            workers, _init, (batch, self.progress)
        ) as pool:
            yield from pool.imap_unordered(_work, todo, chunksize=1)
