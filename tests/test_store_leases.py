"""Concurrent drivers on one store split the work: each cell is claimed by a lease before it is
computed, so two `run`s or `resume`s compute every cell once between them, and the cells of
a driver that died are taken over."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import MINI
from test_metrics import episode

from frontendx.runner import expand, parse_run_spec
from frontendx.store import SCHEMA_VERSION, SqliteStore


def _cell(store: SqliteStore, run_id: str, n: int) -> list[tuple[str, str, str]]:
    """(fingerprint, run id, key) of `n` cells, as the runner asks for them."""
    return [(f"fp{i}", run_id, f"key{i}") for i in range(n)]


def test_a_cell_leased_by_one_driver_is_not_claimed_by_another(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "l.db")
    run = store.create_run({}, 4, "0")
    cells = _cell(store, run, 4)
    first = store.claim("elsewhere:1:a", cells, limit=2, ttl=60, since=None)
    second = store.claim("elsewhere:2:b", cells, limit=10, ttl=60, since=None)
    assert first == ["fp0", "fp1"] and second == ["fp2", "fp3"]
    assert store.claim("elsewhere:3:c", cells, limit=10, ttl=60, since=None) == []
    assert store.leased_by_others("elsewhere:3:c", ["fp0", "fp3"]) == {"fp0", "fp3"}


def test_an_expired_lease_is_taken_over(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "l.db")
    run = store.create_run({}, 1, "0")
    cells = _cell(store, run, 1)
    assert store.claim("elsewhere:1:a", cells, limit=1, ttl=0.05, since=None) == ["fp0"]
    time.sleep(0.1)
    assert store.claim("elsewhere:2:b", cells, limit=1, ttl=60, since=None) == ["fp0"]


def test_the_lease_of_a_killed_driver_on_this_machine_is_taken_over_at_once(
    tmp_path: Path,
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    store = SqliteStore(tmp_path / "l.db")
    run = store.create_run({}, 1, "0")
    cells = _cell(store, run, 1)
    dead = f"{socket.gethostname()}:{gone.pid}:x"
    assert store.claim(dead, cells, limit=1, ttl=600, since=None) == ["fp0"]
    assert store.claim("elsewhere:2:b", cells, limit=1, ttl=60, since=None) == ["fp0"]


def test_a_lease_is_renewed_while_kept_and_released_after(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "l.db")
    run = store.create_run({}, 1, "0")
    cells = _cell(store, run, 1)
    with store.leases_kept("elsewhere:1:a", ttl=0.4):
        assert store.claim("elsewhere:1:a", cells, limit=1, ttl=0.4, since=None) == ["fp0"]
        time.sleep(1.0)  # well past the lease time: only renewal keeps it
        assert store.claim("elsewhere:2:b", cells, limit=1, ttl=60, since=None) == []
    assert store.leased_by_others("elsewhere:2:b", ["fp0"]) == set()


def test_storing_a_result_releases_its_lease_and_the_cell_is_not_claimed_again(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "l.db")
    run = store.create_run({}, 1, "0")
    result = episode(bugs=["a"]).model_copy(update={"fingerprint": "fp", "finished_at": 50.0})
    cell = [("fp", run, result.spec.key)]
    assert store.claim("elsewhere:1:a", cell, limit=1, ttl=60, since=None) == ["fp"]
    assert store.add_episode(run, result, lease=("elsewhere:1:a", "fp"))
    assert store.leased_by_others("nobody", ["fp"]) == set()
    # stored in its run: nobody claims it again
    assert store.claim("elsewhere:2:b", cell, limit=1, ttl=60, since=None) == []
    # another run with the same fingerprint reuses it when it was computed since it started
    other = store.create_run({}, 1, "0")
    again = [("fp", other, result.spec.key)]
    assert store.claim("elsewhere:2:b", again, limit=1, ttl=60, since=40.0) == []
    assert store.claim("elsewhere:2:b", again, limit=1, ttl=60, since=60.0) == ["fp"]


def test_a_schema_2_store_gains_leases_without_losing_data(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = SqliteStore(db)
    run = store.create_run({}, 1, "0")
    ep = episode(bugs=["a"])
    store.add_episode(run, ep)
    store.add_change({"frontendx": "0"}, ["new"], run_id=run, reused=0, ran=1)
    store.close()
    conn = sqlite3.connect(db, isolation_level=None)  # what FrontendX wrote before leases
    conn.execute("DROP TABLE leases")
    conn.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    conn.close()
    store = SqliteStore(db)
    ((_, kept),) = list(store.episode_rows())
    assert kept == ep and len(store.changelog()) == 1
    assert store.claim("elsewhere:1:a", [("fp", run, "k")], limit=1, ttl=60, since=None)
    store.close()
    conn = sqlite3.connect(db)
    version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    conn.close()
    assert int(version) == SCHEMA_VERSION >= 3


# --- two drivers, end to end ----------------------------------------------------------------


def _driver(*args: str, cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "frontendx.cli", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _finish(procs: list[subprocess.Popen[str]]) -> list[str]:
    errs = []
    for proc in procs:
        _, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err[-3000:]
        errs.append(err)
    return errs


RAW = {"apps": [str(MINI)], "agents": ["null"], "repeats": 6, "workers": 1, "retries": 0}


@pytest.mark.slow  # 37 s; two concurrent runs sharing a store stay in the default run
def test_two_concurrent_resumes_split_the_cells_and_store_each_once(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    spec = parse_run_spec(RAW)
    cells = expand(spec)
    store = SqliteStore(db)
    run_id = store.create_run(spec.model_dump(mode="json"), len(cells), "0")
    store.close()
    errs = _finish([_driver("resume", "--db", str(db)) for _ in range(2)])
    ran = [int(err.split(" ran now")[0].rsplit(", ", 1)[-1]) for err in errs]
    assert sum(ran) == len(cells) and min(ran) > 0, errs
    conn = sqlite3.connect(db)
    keys = Counter(k for (k,) in conn.execute("SELECT key FROM episodes WHERE run_id=?", (run_id,)))
    leases = conn.execute("SELECT COUNT(*) FROM leases").fetchone()[0]
    conn.close()
    assert sorted(keys) == sorted(c.key for c in cells) and set(keys.values()) == {1}
    assert leases == 0


def test_two_concurrent_runs_compute_each_cell_once(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    SqliteStore(db).close()  # both drivers open an existing store
    flags = ["--apps", str(MINI), "--agents", "null", "--repeats", "6", "--workers", "1"]
    errs = _finish([_driver("run", *flags, "--db", str(db)) for _ in range(2)])
    conn = sqlite3.connect(db)
    computed = Counter(
        (run, cell)
        for run, cell in conn.execute("SELECT run_id, cell FROM episodes WHERE reused_from IS NULL")
    )
    stored = Counter(run for (run,) in conn.execute("SELECT run_id FROM episodes"))
    conn.close()
    cells = {cell for _, cell in computed}
    assert len(cells) == 6 and sum(computed.values()) == 6, (computed, errs)
    assert len({run for run, _ in computed}) == 2, "both drivers computed some cells"
    assert sorted(stored.values()) == [6, 6], "each run holds every cell"


@pytest.mark.slow  # ~40 s of browser episodes; test_store_concurrency.py proves it in seconds
def test_two_concurrent_runs_on_a_postgres_store_compute_each_cell_once(tmp_path: Path) -> None:
    """As above, on PostgreSQL: two `frontendx run --db postgresql://...` at once."""
    import store_pg

    from frontendx.store import open_store

    url = store_pg.cluster().new_database()
    open_store(url).close()
    flags = ["--apps", str(MINI), "--agents", "null", "--repeats", "6", "--workers", "1"]
    errs = _finish([_driver("run", *flags, "--db", url, cwd=tmp_path) for _ in range(2)])
    store = open_store(url, create=False)
    columns, rows = store.table("episodes")
    episodes = [dict(zip(columns, row, strict=True)) for row in rows]
    store.close()
    computed = Counter((e["run_id"], e["cell"]) for e in episodes if e["reused_from"] is None)
    stored = Counter(e["run_id"] for e in episodes)
    assert len({cell for _, cell in computed}) == 6 and sum(computed.values()) == 6, errs
    assert len({run for run, _ in computed}) == 2, "both drivers computed some cells"
    assert sorted(stored.values()) == [6, 6], "each run holds every cell"
    assert (tmp_path / f"{url.rsplit('/', 1)[1]}-artifacts").is_dir()
