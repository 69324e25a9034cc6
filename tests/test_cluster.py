"""Builds on a Dask cluster: a LocalCluster of two worker processes on 127.0.0.1.

A cluster build of the example project must be byte for byte a local build
(PDFs and the cache's records included), and either one's output must be
found up to date by the other. A worker killed mid-build, a client with a
broken profile, an unreachable scheduler, workers running other code and
Ctrl+C each end as the issue says they must.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, copy_example, run_workbook

distributed = pytest.importorskip("distributed")

TODAY = "2026-11-23"
WAIT = 300  # the longest a step may take before the test gives up (not a timing check)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two worker processes, one thread each, on this machine only."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as found:
        yield found


@pytest.fixture
def client(cluster: Any) -> Iterator[Any]:
    with distributed.Client(cluster, set_as_default=False) as found:
        yield found


def site_files(root: Path) -> dict[str, bytes]:
    site = root / "site"
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def cache_records(root: Path) -> dict[str, Any]:
    """Every record of the cache, each file's identity (inode, time) left out."""
    found: dict[str, Any] = {}
    for path in sorted((root / ".workbook" / "cache").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for task in data.get("tasks", {}).values():
            task["files"] = sorted(task["files"])
        for entry in data.get("clients", {}).values():
            entry["folders"] = sorted(entry["folders"])
        found[path.relative_to(root).as_posix()] = data
    return found


def build(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_workbook(["build", "--today", TODAY, *args], root, env=env, timeout=900)


def on_cluster(cluster: Any, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return build(root, "--scheduler", cluster.scheduler_address, *args)


@pytest.fixture(scope="module")
def local_reference(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The example project built locally: its site and its records."""
    root = copy_example(tmp_path_factory.mktemp("local") / "example")
    result = build(root, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    return site_files(root), cache_records(root)


def test_cluster_build_is_the_local_build_byte_for_byte(
    cluster: Any, local_reference: tuple[dict[str, bytes], dict[str, Any]], tmp_path: Path
) -> None:
    site, records = local_reference
    root = copy_example(tmp_path / "example")
    result = on_cluster(cluster, root)
    assert result.returncode == 0, result.stderr
    assert "5 clients: 5 built, 0 unchanged, 0 failed" in result.stdout
    assert "on 2 cluster workers" in result.stdout
    built = site_files(root)
    assert sorted(built) == sorted(site)
    assert any(name.endswith(".pdf") for name in built)
    for name, data in site.items():
        assert built[name] == data, name
    # the same records: what every task read, which files it wrote, the quick digests
    local = {k: v for k, v in records.items() if not k.endswith("index.json")}
    assert {k: v for k, v in cache_records(root).items() if k in local} == local
    index = cache_records(root)[".workbook/cache/site/index.json"]
    assert index["shared"] == records[".workbook/cache/site/index.json"]["shared"]

    # a local build after it finds every client up to date, even without the index
    (root / ".workbook" / "cache" / "site" / "index.json").unlink()
    again = build(root, "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert "0 built, 5 unchanged" in again.stdout
    assert site_files(root) == built

    # and the reverse: after a local build, the cluster renders nothing either
    (root / ".workbook" / "cache" / "site" / "index.json").unlink()
    stamps = {p: p.stat().st_mtime_ns for p in (root / "site").rglob("*") if p.is_file()}
    third = on_cluster(cluster, root)
    assert third.returncode == 0, third.stderr
    assert "0 built, 5 unchanged" in third.stdout
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def _started(client: Any, deadline: float) -> dict[str, list[str]]:
    """Wait until a client's build is running on a worker; which tasks run where."""
    while time.monotonic() < deadline:
        running = {
            w: [k for k in keys if "workbook-" in str(k)] for w, keys in client.processing().items()
        }
        if any(running.values()):
            return running
        time.sleep(0.2)
    raise AssertionError("no client build started on the cluster")


def test_a_worker_killed_mid_build_changes_nothing(
    cluster: Any,
    client: Any,
    local_reference: tuple[dict[str, bytes], dict[str, Any]],
    tmp_path: Path,
) -> None:
    site, _ = local_reference
    root = copy_example(tmp_path / "example")
    command = [sys.executable, "-m", "workbook", "build", "--today", TODAY]
    command += ["--scheduler", cluster.scheduler_address]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as run:
        running = _started(client, time.monotonic() + WAIT)
        victim = next(w for w, keys in running.items() if keys)
        pids = client.run(os.getpid)
        os.kill(pids[victim], signal.SIGKILL)
        out, err = run.communicate(timeout=900)
    assert run.returncode == 0, err
    assert "5 clients: 5 built" in out
    assert site_files(root) == site
    client.wait_for_workers(2, timeout=WAIT)  # the nanny has started it again


def test_a_broken_client_fails_as_it_does_locally(cluster: Any, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    first = build(root, "--no-pdf", "--jobs", "2")
    assert first.returncode == 0, first.stderr
    before = {
        p: p.read_bytes() for p in (root / "site" / "jordan-rivera").rglob("*") if p.is_file()
    }
    profile = root / "clients" / "jordan-rivera.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace(
            "programme: executive-coaching", "programme: no-such-programme"
        ),
        encoding="utf-8",
    )
    (root / "templates" / "base.html").write_text(
        (root / "templates" / "base.html").read_text(encoding="utf-8") + "\n<!-- changed -->\n",
        encoding="utf-8",
    )
    result = on_cluster(cluster, root, "--no-pdf")
    assert result.returncode == 1
    assert "clients/jordan-rivera.yml:6" in result.stderr
    assert "no-such-programme" in result.stderr
    assert (
        "workbook-project-" not in result.stderr + result.stdout
    )  # named as here, not on the worker
    assert "4 built, 0 unchanged, 1 failed" in result.stderr + result.stdout
    assert {
        p: p.read_bytes() for p in (root / "site" / "jordan-rivera").rglob("*") if p.is_file()
    } == before
    assert "<!-- changed -->" in (root / "site" / "amara-okafor" / "index.html").read_text(
        encoding="utf-8"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_scheduler_is_said_and_nothing_written(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    address = f"tcp://127.0.0.1:{_free_port()}"
    result = run_workbook(
        ["build", "--today", TODAY], root, env={"WORKBOOK_SCHEDULER": address}, timeout=60
    )
    assert result.returncode == 2
    assert f"cannot reach a Dask scheduler at {address}" in result.stderr
    assert "dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "site").exists()
    assert not (root / ".workbook").exists()


def test_without_dask_the_error_says_what_to_install(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    code = (
        "import sys; sys.modules['distributed'] = None\n"
        "from workbook.cli import entry\n"
        "sys.argv = ['workbook', 'build', '--scheduler', 'tcp://127.0.0.1:9']\n"
        "entry()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "pip install 'workbook[cluster]'" in result.stderr
    assert not (root / "site").exists()


def test_workers_running_other_code_are_refused_before_any_task(
    cluster: Any, client: Any, tmp_path: Path
) -> None:
    def pretend(other: bool) -> None:
        from workbook.build import quick

        if other:
            quick.__dict__.setdefault("_real_tool_digest", quick.tool_digest)
            quick.tool_digest = lambda: "another-release"  # type: ignore[assignment]
        elif "_real_tool_digest" in quick.__dict__:
            quick.tool_digest = quick.__dict__.pop("_real_tool_digest")

    root = copy_example(tmp_path / "example")
    client.run(pretend, True)
    try:
        result = on_cluster(cluster, root)
    finally:
        client.run(pretend, False)
    assert result.returncode == 2
    assert "2 worker(s) run another version of workbook" in result.stderr
    assert "nothing was built" in result.stderr
    assert not (root / "site").exists()


def test_encrypted_clients_get_their_own_passphrase_per_task(cluster: Any, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    profile = root / "clients" / "amara-okafor.yml"
    profile.write_text(profile.read_text(encoding="utf-8") + "encrypt: true\n", encoding="utf-8")
    result = build(
        root,
        "--scheduler",
        cluster.scheduler_address,
        "--no-pdf",
        "amara-okafor",
        "jordan-rivera",
        env={"WORKBOOK_PASSPHRASE": "a long and private passphrase"},
    )
    assert result.returncode == 0, result.stderr
    assert "amara-okafor: encrypted, in site/amara-okafor/" in result.stdout
    locked = (root / "site" / "amara-okafor" / "index.html").read_text(encoding="utf-8")
    assert "workbook-lock" in locked and "Amara" not in locked
    assert "Jordan" in (root / "site" / "jordan-rivera" / "index.html").read_text(encoding="utf-8")


def test_ctrl_c_cancels_the_cluster_and_keeps_the_previous_output(
    cluster: Any, client: Any, tmp_path: Path
) -> None:
    root = copy_example(tmp_path / "example")
    first = build(root, "--no-pdf", "--jobs", "2")
    assert first.returncode == 0, first.stderr
    before = site_files(root)
    command = [sys.executable, "-m", "workbook", "build", "--today", TODAY]
    command += ["--scheduler", cluster.scheduler_address]  # now with packs: every client again
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as run:
        _started(client, time.monotonic() + WAIT)
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=WAIT)
    assert run.returncode == 130, err
    assert "Build interrupted" in err + out
    assert "Traceback" not in err
    after = site_files(root)
    for cid in {name.split("/")[0] for name in before}:  # its old folder, or a whole new one
        old = {n: d for n, d in before.items() if n.startswith(cid + "/")}
        now = {n: d for n, d in after.items() if n.startswith(cid + "/")}
        if not any(n.endswith(".pdf") for n in now):
            assert now == old, cid
    assert not [p for p in (root / "site").iterdir() if p.name.startswith(".")]
    deadline = time.monotonic() + WAIT
    while any("workbook-" in str(k) for keys in client.processing().values() for k in keys):
        assert time.monotonic() < deadline, "the cluster still runs the interrupted build"
        time.sleep(0.2)
    shutil.rmtree(root / "site")


def test_a_pinned_client_is_built_from_its_release_on_the_cluster(
    cluster: Any, tmp_path: Path
) -> None:
    """Workers are sent releases/ with the other shared files: the same pages as locally."""
    root = copy_example(tmp_path / "example")
    made = run_workbook(["release", "executive-coaching", "--name", "v1"], root)
    assert made.returncode == 0, made.stderr
    profile = root / "clients" / "jordan-rivera.yml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(
        text.replace("programme: executive-coaching", "programme: executive-coaching@v1")
    )
    programme = root / "content" / "programmes" / "executive-coaching.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace(" about-you,", ""))
    local = build(root, "jordan-rivera", "amara-okafor", "--no-pdf", "--out", "local")
    assert local.returncode == 0, local.stderr
    remote = on_cluster(cluster, root, "jordan-rivera", "amara-okafor", "--no-pdf")
    assert remote.returncode == 0, remote.stderr
    for cid in ("jordan-rivera", "amara-okafor"):
        here = {
            p.relative_to(root / "local").as_posix(): p.read_bytes()
            for p in sorted((root / "local" / cid).rglob("*"))
            if p.is_file()
        }
        assert {k: v for k, v in site_files(root).items() if k.startswith(cid + "/")} == here
    assert (root / "site/jordan-rivera/01-relationship/about-you.html").is_file()
