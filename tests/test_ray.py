"""The Ray executor (`frontendx run --executor ray`) on a real two-node Ray cluster on this
machine: a head and a second node, each a `ray start --block` process group with one CPU, so
the run's two worker actors land one on each node. The cluster is started and stopped here;
no Ray process outlives the module (checked from /proc).

The run spec's `executor` key and the command line's options are checked without a cluster.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI

from frontendx.errors import RunSpecError
from frontendx.runner import parse_run_spec, with_executor

APP = str(MINI)
RAY_BIN = Path(sys.executable).with_name("ray")


# --- the spec key and the command line, without a cluster ------------------------------------


def test_executor_key_defaults_to_the_local_pool_and_takes_ray_options() -> None:
    spec = parse_run_spec({"apps": [APP], "agents": ["null"], "workers": 2})
    assert (spec.executor.kind, spec.executor.address, spec.worker_count) == ("local", None, 2)
    ray = parse_run_spec(
        {
            "apps": [APP],
            "agents": ["null"],
            "executor": {"kind": "ray", "address": "10.0.0.1:6379", "workers": 200},
        }
    )
    assert (ray.executor.kind, ray.executor.address, ray.worker_count) == (
        "ray",
        "10.0.0.1:6379",
        200,
    )
    # the command line over the spec: an address alone means Ray; --workers is the actors'
    # count on Ray (not capped at one machine's 64) and the pool's on the local executor
    assert with_executor(spec, address="h:1").executor.kind == "ray"
    assert with_executor(spec, kind="ray", workers=100).worker_count == 100
    local = with_executor(ray, kind="local", workers=3)
    assert (local.executor.kind, local.executor.address, local.worker_count) == ("local", None, 3)
    with pytest.raises(RunSpecError, match=r"field `workers`"):
        with_executor(spec, workers=100)
    with pytest.raises(RunSpecError, match=r"`address` is a Ray cluster's address"):
        with_executor(spec, kind="local", address="h:1")
    with pytest.raises(RunSpecError, match=r"field `executor.kind`"):
        parse_run_spec({"apps": [APP], "agents": ["null"], "executor": {"kind": "spark"}})
    with pytest.raises(RunSpecError, match=r"field `executor.adress`"):
        parse_run_spec({"apps": [APP], "agents": ["null"], "executor": {"adress": "h:1"}})


def test_executor_ray_without_ray_installed_is_a_clear_error_that_stores_nothing(
    tmp_path: Path,
) -> None:
    shadow = tmp_path / "shadow" / "ray"  # an import of `ray` fails as if it were not installed
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('No module named ray')\n")
    db = tmp_path / "runs.db"
    args = ["run", "--apps", APP, "--agents", "null", "--executor", "ray", "--db", str(db)]
    proc = subprocess.run(
        [sys.executable, "-m", "frontendx.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(shadow.parent), "COLUMNS": "200"},
        timeout=120,
    )
    assert proc.returncode != 0
    assert "pip install 'frontendx[ray]'" in proc.stderr, proc.stderr
    assert "--executor local" in proc.stderr
    assert "Traceback" not in proc.stderr
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM runs").fetchone() == (0,)


# --- a two-node local Ray cluster ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process on the machine."""
    table: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] == "Z":  # a zombie holds nothing and is reaped by its parent
            continue
        table[int(entry.name)] = (int(fields[1]), cmdline.strip())
    return table


def _descendants(root: int, table: dict[int, tuple[int, str]]) -> dict[int, str]:
    """The process `root` and every process below it (Ray's workers start their own sessions,
    so process groups do not hold them; the parent links do)."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in table and pid not in found:
            found[pid] = table[pid][1]
            todo.extend(children.get(pid, []))
    return found


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


class LocalRayCluster:
    """A head and further nodes, each a `ray start --block` process on this machine with its
    own ports, in a temporary directory, behind a token of its own."""

    def __init__(self, root: Path) -> None:
        self.root = root
        token = root / "token"
        token.write_text(secrets.token_hex(32))
        token.chmod(0o600)
        self.env = {
            **os.environ,
            "RAY_AUTH_MODE": "token",
            "RAY_AUTH_TOKEN_PATH": str(token),
            "RAY_USAGE_STATS_ENABLED": "0",
        }
        self.address = ""
        self.nodes: list[subprocess.Popen[bytes]] = []
        self.seen: set[int] = set()  # every process of the cluster ever looked at

    def _start(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        ports = [
            f"--node-manager-port={_free_port()}",
            f"--object-manager-port={_free_port()}",
            f"--dashboard-agent-listen-port={_free_port()}",
            f"--dashboard-agent-grpc-port={_free_port()}",
            f"--runtime-env-agent-port={_free_port()}",
            f"--metrics-export-port={_free_port()}",
        ]
        node_env = {
            **self.env,
            # a node whose raylet is gone is declared dead within seconds, not half a minute
            "RAY_health_check_period_ms": "1000",
            "RAY_health_check_timeout_ms": "2000",
            "RAY_health_check_failure_threshold": "5",
        }
        with (self.root / log).open("wb") as out:
            proc = subprocess.Popen(
                [str(RAY_BIN), "start", *args, "--num-cpus=1", "--block", *ports],
                env=node_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.nodes.append(proc)
        _wait(
            lambda: (
                proc.poll() is not None
                or "Ray runtime started" in (self.root / log).read_text(errors="replace")
            ),
            90,
            f"ray start ({log})",
        )
        if proc.poll() is not None:
            raise AssertionError(f"ray start failed:\n{(self.root / log).read_text()[-3000:]}")
        return proc

    def start(self) -> None:
        port = _free_port()
        self._start(
            "--head",
            f"--port={port}",
            "--node-ip-address=127.0.0.1",
            "--include-dashboard=false",
            "--disable-usage-stats",
            f"--temp-dir={self.root}",
            log="head.log",
        )
        self.address = f"127.0.0.1:{port}"
        self.add_node()

    def add_node(self) -> subprocess.Popen[bytes]:
        return self._start(
            f"--address={self.address}",
            "--node-ip-address=127.0.0.1",
            log=f"node{len(self.nodes)}.log",
        )

    def processes(self, node: subprocess.Popen[bytes] | None = None) -> dict[int, str]:
        """The live processes of one node (or of the whole cluster)."""
        table = _processes()
        found: dict[int, str] = {}
        for proc in [node] if node is not None else self.nodes:
            found.update(_descendants(proc.pid, table))
        self.seen.update(found)
        return found

    def actors(self, node: subprocess.Popen[bytes] | None = None) -> dict[int, str]:
        """The episode actors' worker processes (titled `ray::EpisodeActor` while idle and
        `ray::EpisodeActor.run` while running an episode)."""
        return {p: c for p, c in self.processes(node).items() if c.startswith("ray::EpisodeActor")}

    def kill_node(self, node: subprocess.Popen[bytes]) -> set[int]:
        """The node is lost at once, as if its machine lost power: SIGKILL to its every
        process (raylet, workers, their browsers and app servers). Returns their pids."""
        pids: set[int] = set()
        while new := set(self.processes(node)) - pids:  # stopped first: none forks unseen
            for pid in new:
                with _suppress_gone():
                    os.kill(pid, signal.SIGSTOP)
            pids |= new
        for pid in pids:
            with _suppress_gone():
                os.kill(pid, signal.SIGKILL)
        node.wait(30)
        return pids

    def browsers(self) -> dict[int, str]:
        return {p: c for p, c in self.processes().items() if "chromium" in c or "playwright" in c}

    def stop(self) -> None:
        """Every node lost at once (a throwaway cluster needs no graceful stop, which takes
        Ray some 20 s); `leftovers` then shows whether anything survived."""
        for proc in self.nodes:
            if proc.poll() is None:
                self.kill_node(proc)

    def leftovers(self) -> dict[int, str]:
        """Processes of the cluster still alive: any it was seen to hold, and any naming its
        temporary directory."""
        table = _processes()
        return {
            pid: cmd
            for pid, (_, cmd) in table.items()
            if (pid in self.seen or str(self.root) in cmd) and pid != os.getpid()
        }


class _suppress_gone:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, value: Any, tb: Any) -> bool:
        return kind is not None and issubclass(kind, ProcessLookupError)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalRayCluster]:
    pytest.importorskip(
        "ray", reason="Ray is not installed: pip install 'frontendx[ray]' (the dev extra has it)"
    )
    root = Path(tempfile.mkdtemp(prefix="fxray", dir="/tmp"))  # short: Ray's socket paths
    ray_cluster = LocalRayCluster(root)
    try:
        ray_cluster.start()
        yield ray_cluster
    finally:
        ray_cluster.stop()
        try:
            _wait(lambda: not ray_cluster.leftovers(), 30, "the cluster's processes to exit")
        finally:
            left = ray_cluster.leftovers()
            for pid in left:  # never leave them behind, even when the check fails
                with _suppress_gone():
                    os.kill(pid, signal.SIGKILL)
        assert not left, f"Ray processes left behind: {left}"
        shutil.rmtree(root, ignore_errors=True)  # Ray's session logs


def _cli(cluster: LocalRayCluster, *args: str) -> subprocess.Popen[str]:
    args = tuple(a.replace("{address}", cluster.address) for a in args)
    return subprocess.Popen(
        [sys.executable, "-m", "frontendx.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**cluster.env, "COLUMNS": "200"},
        start_new_session=True,
    )


def _finish(proc: subprocess.Popen[str], timeout: float = 240) -> tuple[str, str]:
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    assert proc.returncode == 0, f"exit {proc.returncode}:\n{stderr}"
    return stdout, stderr


def _stored(db: Path) -> dict[str, dict[str, Any]]:
    """key -> stored result; none while the run has not created its schema yet."""
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        try:
            rows = conn.execute("SELECT key, result_json FROM episodes").fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            return {}
    return {key: json.loads(payload) for key, payload in rows}


def _scores(db: Path) -> dict[str, tuple[float, float]]:
    proc = subprocess.run(
        [sys.executable, "-m", "frontendx.cli", "report", "--db", str(db), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return {r["agent_name"]: (r["recall"], r["fp_rate"]) for r in json.loads(proc.stdout)["rows"]}


MATRIX = (
    *("--apps", APP, "--agents", "oracle,null", "--tasks", "explore"),
    *("--executor", "ray", "--ray-address", "{address}", "--workers", "2"),
    # one replay per finding on the buggy app: a verdict as exact as with three, in less time
    *("--replays", "1"),
)
"""Two episodes (oracle and null exploring `mini`), one on each node's actor."""


@pytest.mark.slow  # Ray retries a refused connection for about 30 s before it gives up
def test_a_driver_without_the_clusters_token_is_refused_clearly_and_stores_nothing(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    wrong = tmp_path / "token"
    wrong.write_text(secrets.token_hex(32))
    db = tmp_path / "runs.db"
    args = [a.replace("{address}", cluster.address) for a in MATRIX]
    proc = subprocess.run(
        [sys.executable, "-m", "frontendx.cli", "run", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        env={**cluster.env, "RAY_AUTH_TOKEN_PATH": str(wrong)},
        timeout=180,
    )
    assert proc.returncode != 0
    assert "the Ray cluster refused this driver's token" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM runs").fetchone() == (0,)


@pytest.mark.slow  # about 2 minutes on 2 busy cores: two drivers, each starting its actors
def test_resume_on_ray_runs_exactly_the_cells_a_killed_driver_left(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    db = tmp_path / "runs.db"
    # two episodes on two actors: null's takes a fraction of oracle's (three findings to judge)
    run = _cli(cluster, "run", *MATRIX, "--db", str(db))
    try:
        # each episode is stored by the driver as it arrives, while others still run
        _wait(lambda: len(_stored(db)) >= 1 or run.poll() is not None, 180, "a stored episode")
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate()
    before = _stored(db)
    assert len(before) == 1, before.keys()
    # the killed driver's job ends with it: Ray stops its actors (and their browsers)
    _wait(
        lambda: not cluster.actors() and not cluster.browsers(),
        60,
        "the killed driver's actors and their browsers to go",
    )

    _, stderr = _finish(_cli(cluster, "resume", "--db", str(db)))
    after = _stored(db)
    assert len(after) == 2
    assert "1 already stored, 1 ran now" in stderr, stderr
    for key, result in before.items():  # the episodes stored before were not run again
        assert after[key]["finished_at"] == result["finished_at"]
    assert {r["status"] for r in after.values()} == {"ok"}
    assert _scores(db) == {"oracle": (1.0, 0.0), "null": (0.0, 1.0)}
    assert not cluster.actors(), "the resume's actors outlived it"
    assert not cluster.browsers(), "the resume's browsers outlived it"


def test_a_worker_node_lost_mid_episode_costs_a_retry_not_a_result(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    _wait(lambda: not cluster.actors(), 60, "no actors left from an earlier run")
    second = cluster.nodes[1]
    db = tmp_path / "runs.db"
    run = _cli(cluster, "run", *MATRIX, "--db", str(db))
    try:
        # one actor per node (each has one CPU): wait for the second node's to run an episode
        _wait(
            lambda: (
                any(c.startswith("ray::EpisodeActor.run") for c in cluster.actors(second).values())
                or run.poll() is not None
            ),
            180,
            "an episode running on the second node",
        )
        assert run.poll() is None and not _stored(db), "the run ended before the node was lost"
        time.sleep(0.5)  # well inside the episode (they take seconds)
        lost = cluster.kill_node(second)
        _, stderr = _finish(run)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
    stored = _stored(db)
    assert len(stored) == 2
    assert sorted(r["status"] for r in stored.values()) == ["ok", "ok"]
    # the episode the node held ran again on the head's actor: a retry, said, not a result
    assert sorted(r["attempts"] for r in stored.values()) == [1, 2]
    assert "Ray worker lost" in stderr, stderr
    assert _scores(db) == {"oracle": (1.0, 0.0), "null": (0.0, 1.0)}
    assert not cluster.actors(), "the run's actors outlived it"
    assert not cluster.browsers(), "the run's browsers outlived it"
    assert not set(_processes()) & lost, "the lost node left processes"
