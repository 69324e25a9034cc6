"""Where client builds run: in this process, or across a pool of worker processes.

An :class:`Executor` takes the clients to build (id and quick digest) and
reports each :class:`~workbook.build.client.ClientResult` as it comes. The
local one forks a pool (``--jobs``): each worker makes its own
:class:`~workbook.build.client.Worker` once (templates compiled and
client-independent exercises parsed once per process), then builds one
client at a time and writes that client's folder itself, so only a small
result travels back and memory follows one client's output, not the firm's.

Because a pool worker swaps its client's folder in itself, Ctrl+C could
otherwise land between a swap and the result reaching the main process: that
client would be published without its line saying so. Swaps therefore go
through a gate: each worker writes its new folder freely, then swaps it in
under a lock shared with the main process, skips the swap once a stop is
asked, and posts the id of every client it published; on Ctrl+C the main
process asks the stop, takes the lock (waiting for a swap under way, never
for a render or a write) and reports every posted client before the pool is
stopped.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from workbook.build import publish, writer
from workbook.build.client import Batch, ClientResult, Staged, Worker, build_client
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


class HeldInterrupt:
    """Holds a Ctrl+C from :meth:`start` to :meth:`end`, then raises it.

    Used from a swap to its report in the process that swaps, so that a
    client is never published without being reported (off the main thread,
    where no signal arrives, it does nothing).
    """

    def __init__(self) -> None:
        self._before: Any = None
        self._asked = False
        self._holding = False

    def start(self) -> None:
        if self._holding or threading.current_thread() is not threading.main_thread():
            return
        self._asked, self._holding = False, True
        self._before = signal.signal(signal.SIGINT, self._ask)

    def _ask(self, signum: int, frame: object) -> None:
        self._asked = True

    def end(self) -> None:
        if not self._holding:
            return
        signal.signal(signal.SIGINT, self._before)
        self._holding = False
        if self._asked:
            raise KeyboardInterrupt


class _Stopped(BaseException):
    """A swap refused because a stop was asked (not a fault of the client's build)."""


class _Gate:
    """The lock, stop flag and posted ids that pool workers swap folders through.

    A worker writes its client's new folder freely; the lock is taken at the first rename
    into the published output (:class:`_GatedWriter`) and held until the client's id is
    posted, so the main process, once it holds the lock, knows every client swapped in.
    """

    def __init__(self, context: Any) -> None:
        self.lock = context.Lock()
        self.stop = context.Event()
        self.posted = context.SimpleQueue()
        self.held = False  # in a worker: this process holds the lock

    def enter(self) -> None:
        """In a worker, before a rename into the output: take the lock, unless stopped."""
        if self.held:
            return
        self.lock.acquire()
        if self.stop.is_set():
            self.lock.release()
            raise _Stopped
        self.held = True

    def put(self, batch: Batch, staged: Staged) -> ClientResult:
        """In a worker: put this client in place unless a stop came first; post its id."""
        try:
            result = publish.put(batch, staged)
            if self.held and result.status == "built":
                self.posted.put(result.cid)
            return result
        except _Stopped:
            return ClientResult(staged.cid, "skipped")
        finally:
            if self.held:
                self.held = False
                self.lock.release()

    def drain(self) -> list[str]:
        """In the main process: the ids posted so far."""
        found = []
        while not self.posted.empty():
            found.append(self.posted.get())
        return found


class _GatedWriter(writer.Writer):
    """A worker's write layer: files written as by ``inner``, renames through the gate."""

    def __init__(self, inner: writer.Writer, gate: _Gate) -> None:
        self.inner = inner
        self.gate = gate

    def write_bytes(self, path: Path, data: bytes) -> None:
        self.inner.write_bytes(path, data)

    def mkdir(self, path: Path) -> None:
        self.inner.mkdir(path)

    def rename(self, src: Path, dst: Path) -> None:
        self.gate.enter()
        self.inner.rename(src, dst)


# The one per-process global of a pool worker: its batch, state and gate, set by the initializer.
_STATE: tuple[Batch, Worker, _Gate] | None = None


def _init(batch: Batch, progress: Callable[[str], None] | None, gate: _Gate) -> None:
    global _STATE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C: the main process stops the pool
    batch.in_worker = True  # a pool worker renders its packs itself, not in a pool of its own
    batch.writer = _GatedWriter(batch.writer or writer.Writer(), gate)
    _STATE = (batch, make_worker(batch, jobs=1, progress=progress), gate)


def _work(item: tuple[str, str]) -> ClientResult:
    assert _STATE is not None, "the pool initializer did not run"
    batch, worker, gate = _STATE
    return build_client(batch, worker, *item, put=gate.put)


class LocalExecutor:
    """This machine: one process for one client, a pool of ``jobs`` processes for more."""

    def __init__(self, jobs: int | None, progress: Callable[[str], None] | None = None) -> None:
        self.jobs = jobs or os.cpu_count() or 1
        self.progress = progress

    def run(self, batch: Batch, todo: list[tuple[str, str]], on_result: OnResult) -> None:
        workers = min(self.jobs, len(todo))
        if workers <= 1:
            self._here(batch, todo, on_result)
        else:
            self._pool(batch, todo, on_result, workers)

    def _here(self, batch: Batch, todo: list[tuple[str, str]], on_result: OnResult) -> None:
        """In this process: a Ctrl+C from a swap to its report waits for the report."""
        worker = make_worker(batch, jobs=self.jobs, progress=self.progress)
        held = HeldInterrupt()

        def put(batch: Batch, staged: Staged) -> ClientResult:
            held.start()
            return publish.put(batch, staged)

        try:
            for cid, quick in todo:
                try:
                    on_result(build_client(batch, worker, cid, quick, put=put))
                finally:
                    held.end()
        finally:
            worker.close()

    def _pool(
        self, batch: Batch, todo: list[tuple[str, str]], on_result: OnResult, workers: int
    ) -> None:
        # fork shares the loaded project with the workers at no cost; spawn elsewhere
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        gate = _Gate(context)
        reported: set[str] = set()
        posted: set[str] = set()
        with context.Pool(workers, _init, (batch, self.progress, gate)) as pool:
            try:
                for result in pool.imap_unordered(_work, todo, chunksize=1):
                    posted.update(gate.drain())  # kept small: the workers never wait on it
                    on_result(result)  # a Ctrl+C inside it: said again below, never unsaid
                    reported.add(result.cid)
            except KeyboardInterrupt:
                gate.stop.set()
                if gate.lock.acquire(timeout=60):  # a swap under way ends first
                    gate.lock.release()
                posted.update(gate.drain())
                for cid in sorted(posted - reported):
                    on_result(ClientResult(cid, "built"))
                raise
