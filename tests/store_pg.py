"""A throwaway PostgreSQL cluster for the store tests: `initdb` into a temporary folder,
`pg_ctl start` on a free port (socket in the same folder), stopped when the test session ends.

The binaries come from Debian's `postgresql` package (scripts/setup installs it). Without them
the tests FAIL, so CI cannot pass by skipping them; set FRONTENDX_NO_POSTGRES=1 to skip them
on purpose on a machine without PostgreSQL.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

_cluster: Cluster | None = None


def bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, bin_dir: Path, *, fsync: bool = False) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="frontendx-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = "frontendx"
        # initdb refuses to run as root: run the server as the `postgres` system user then
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        # tests: fsync off (throwaway data, fast); benchmarks: on, as a real server runs
        durable = "on" if fsync else "off"
        options = f"-p {self.port} -k {self.root} -c fsync={durable} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l", str(self.root / "log"))
        self._run_start_check()

    def _run(self, tool: str, *args: str) -> None:
        if tool == "pg_ctl" and "stop" not in args:
            args = (*args, "start")
        proc = subprocess.run(
            [*self.as_user, str(self.bin / tool), *args], capture_output=True, text=True
        )
        if proc.returncode != 0:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise RuntimeError(f"{tool} failed: {proc.stderr}{proc.stdout}{log}")

    def _run_start_check(self) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute("SELECT 1")

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "stop", "-m", "fast"],
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def cluster() -> Cluster:
    """The session's cluster, started on first use (stopped at exit)."""
    global _cluster
    if os.environ.get("FRONTENDX_NO_POSTGRES") == "1":
        pytest.skip("FRONTENDX_NO_POSTGRES=1: PostgreSQL store tests skipped on purpose")
    if _cluster is None:
        found = bin_dir()
        if found is None:
            pytest.fail(
                "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in "
                "/usr/lib/postgresql/*/bin): run scripts/setup, or `apt-get install postgresql`; "
                "set FRONTENDX_NO_POSTGRES=1 to skip these tests on purpose"
            )
        _cluster = Cluster(found)
        atexit.register(_cluster.stop)
    return _cluster
