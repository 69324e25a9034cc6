"""Client builds on a Dask cluster (``workbook build --scheduler tcp://HOST:8786``).

The main process stays the one that reads the project's output and cache
and writes them: it sends each client's build to the cluster as one task
(``build/remote.py``) and puts each one's returned files in place
(``build/publish.py``) exactly as a local build does, so the output and the
records are the same bytes. Shared files are scattered once each, keyed by
their content hash; a task carries only its client's own files. Dask runs a
lost worker's tasks elsewhere. Before any task runs, every worker must run
the same code as this process (the tool digest the cache already keys on).

``dask[distributed]`` is an optional extra, imported only here and only when
a scheduler is named.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

from workbook.build import publish, quick, remote
from workbook.build.batch import Batch, ClientResult, Staged
from workbook.build.client import guarded, intact_tasks
from workbook.build.executor import HeldInterrupt
from workbook.errors import Problem, SourceLocation, UsageProblem

# distributed is an optional extra, imported when a scheduler is named: its objects are Any here
Client = Any
Future = Any
OnResult = Callable[[ClientResult], None]
CONNECT_SECONDS = 5  # an unreachable scheduler is said within seconds
WORKERS_SECONDS = 30  # a scheduler with no workers at all


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageProblem(
            "--scheduler needs Dask's distributed scheduler, which is not installed — "
            "pip install 'workbook[cluster]'"
        ) from None
    return distributed


class DaskExecutor:
    """Client builds as tasks of a Dask cluster; their files written here."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.workers = 0
        self._client: Client | None = None

    def connect(self) -> None:
        """Reach the scheduler, wait for a worker, refuse workers running other code."""
        distributed = _distributed()
        try:
            client = distributed.Client(self.address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageProblem(
                f"--scheduler: cannot reach a Dask scheduler at {self.address} ({exc}) — "
                "start one with `dask scheduler`, or check the address"
            ) from None
        self._client = client
        try:
            client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise UsageProblem(
                f"--scheduler: the scheduler at {self.address} has no workers ({exc}) — "
                f"start some with `dask worker {self.address}`"
            ) from None
        self._check_versions(client)

    def _check_versions(self, client: Client) -> None:
        try:
            client.get_versions(check=True)
            tools = client.run(remote.worker_tool)
        except Exception as exc:  # a worker without workbook cannot even load the check
            self.close()
            raise UsageProblem(
                f"--scheduler: the workers at {self.address} cannot run this build ({exc}) — "
                "install the same version of workbook on every worker"
            ) from None
        mine = quick.tool_digest()
        other = sorted(address for address, tool in tools.items() if tool != mine)
        if other:
            self.close()
            raise UsageProblem(
                f"--scheduler: {len(other)} worker(s) run another version of workbook "
                f"({', '.join(other)}) — install this one (workbook {_version()}, with the "
                "same libraries) on every worker, then build again; nothing was built"
            )
        self.workers = len(tools)

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()
            self._client = None

    def run(self, batch: Batch, todo: list[tuple[str, str]], on_result: OnResult) -> None:
        if self._client is None:
            self.connect()
        assert self._client is not None
        if not todo:
            return
        try:
            _Run(self._client, batch).go(todo, on_result)
        finally:
            self.close()


class _Run:
    """One build's tasks on the cluster, collected as they finish."""

    def __init__(self, client: Client, batch: Batch) -> None:
        self.client = client
        self.batch = batch
        self.tag = uuid.uuid4().hex[:12]
        self.held = HeldInterrupt()
        project = batch.project
        shared = remote.shared_files(project)
        common = remote.Common(
            quick.shared_digest(project.root, project.template_dirs, project.settings.firm.logo),
            batch.tool,
            batch.findings,
            batch.options,
            batch.today,
            batch.out,
            project.root,
            batch.cache,
        )
        # hash=True: each file's key is its content hash, so the cluster holds it once per
        # worker, not once per client. broadcast=True: every worker holds a copy, since
        # scattered data has no recipe to make it again: were it on one worker alone, losing
        # that worker would lose every client's task with it
        # (a list, not the mapping: a mapping's keys would name the data, and two builds of
        # different files would share the names)
        names = sorted(shared)
        held = client.scatter([shared[name] for name in names], hash=True, broadcast=True)
        self.shared = dict(zip(names, held, strict=True))
        self.common = client.scatter(common, hash=True, broadcast=True)

    def submit(self, cid: str, quick_digest: str, *, send: bool) -> tuple[Future, list[str]]:
        batch = self.batch
        record = batch.cache.load(cid)
        sealing, notes = batch.sealing.for_task(cid, send=send or batch.sealing.forced)
        task = remote.ClientTask(
            cid,
            quick_digest,
            record,
            intact_tasks(batch, record),
            remote.client_files(batch.project, cid),
            sealing,
        )
        future = self.client.submit(
            remote.build_remote,
            self.common,
            self.shared,
            task,
            key=f"workbook-{cid}-{self.tag}-{int(send)}",
            pure=False,
            retries=1,
        )
        return future, notes

    def go(self, todo: list[tuple[str, str]], on_result: OnResult) -> None:
        distributed = _distributed()
        quick_of = dict(todo)
        notes: dict[str, list[str]] = {}
        running: dict[str, Future] = {}  # by client: each released once its files are written
        for cid, digest in todo:
            running[cid], notes[cid] = self.submit(cid, digest, send=False)
        cids = {future.key: cid for cid, future in running.items()}
        pending = distributed.as_completed(list(running.values()), loop=self.client.loop)
        try:
            for future in pending:
                cid = cids.pop(future.key)
                made = self._result(future, cid)
                running.pop(cid).release()
                if isinstance(made, remote.NeedsPassphrase):
                    again, notes[cid] = self.submit(cid, quick_of[cid], send=True)
                    running[cid], cids[again.key] = again, cid
                    pending.add(again)
                    continue
                try:  # a Ctrl+C from a swap to its report waits for the report
                    on_result(self._put(made, notes.pop(cid, [])))
                finally:
                    self.held.end()
        except BaseException:  # Ctrl+C or a refusal: nothing more runs on the cluster
            with contextlib.suppress(Exception):
                self.client.cancel(list(running.values()), force=True)
            raise

    def _result(self, future: Future, cid: str) -> Any:
        try:
            return future.result()
        except remote.OtherVersion as exc:
            raise UsageProblem(
                f"--scheduler: a worker joined running another version of workbook ({exc}) — "
                "install the same version on every worker; clients not yet built keep "
                "their previous output"
            ) from None
        except UsageProblem:
            raise
        except Exception as exc:  # lost with its workers too often, or the cluster failed it
            where = self.batch.project.client_files.get(cid, self.batch.out / cid)
            problem = Problem(
                SourceLocation(where),
                f"this client's workbook could not be built on the cluster "
                f"({type(exc).__name__}: {exc})",
                "its previous output is kept; check the workers' logs and build again",
            )
            return ClientResult(cid, "failed", problems=(problem,))

    def _put(self, made: ClientResult | Staged, notes: list[str]) -> ClientResult:
        if isinstance(made, ClientResult):
            result = made
        else:
            staged: Staged = made
            self.held.start()
            result = guarded(self.batch, staged.cid, lambda: publish.put(self.batch, staged))
        if notes:
            result = dataclasses.replace(result, notes=(*notes, *result.notes))
        return result


def _version() -> str:
    from workbook import __version__

    return __version__
