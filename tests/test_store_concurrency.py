"""Several drivers writing to one store at once (two processes, started together): with leases
they split the cells and compute each once; storing the same cells directly, each is stored
once. Nothing is lost, nothing is duplicated. PostgreSQL (a real server); SQLite has the same
proof end to end in tests/test_store_leases.py."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import store_pg

from frontendx.store import open_store

TESTS = Path(__file__).resolve().parent
CELLS = 30

# One driver: builds synthetic results (no browser) and stores them while the other does too.
DRIVER = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from test_metrics import episode, found
from frontendx.records import VerdictKind
from frontendx.store import new_lease_owner, open_store

_, _, location, leased_run, direct_run, cells, start = sys.argv
cells = int(cells)
store = open_store(location, create=False)
owner = new_lease_owner()

def result(i):
    r = episode(bugs=["a"], repeat=i, findings=[found(2.0, VerdictKind.VALIDATED, "a")])
    return r.model_copy(update={"fingerprint": f"fp{i}", "finished_at": time.time()})

wanted = [(f"fp{i}", leased_run, result(i).spec.key) for i in range(cells)]
while not Path(start).exists():
    time.sleep(0.01)
computed = []
run_id = leased_run
with store.leases_kept(owner, ttl=30):
    while True:
        claimed = store.claim(owner, wanted, limit=2, ttl=30, since=None)
        if not claimed:
            if len(store.done_keys(run_id)) == cells:
                break
            time.sleep(0.02)
            continue
        for fp in claimed:
            i = int(fp[2:])
            time.sleep(0.01)  # the episode's work
            assert store.add_episode(run_id, result(i), lease=(owner, fp))
            computed.append(i)
stored = []  # then every cell of another run, without leases: each is stored once
for i in range(cells):
    if store.add_episode(direct_run, result(i)):
        stored.append(i)
store.close()
print(json.dumps([computed, stored]))
"""


def test_two_drivers_on_one_postgres_store_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    location = store_pg.cluster().new_database()
    store = open_store(location)
    leased = store.create_run({"cells": CELLS}, CELLS, "0")
    direct = store.create_run({"cells": CELLS}, CELLS, "0")
    store.close()
    start = tmp_path / "start"
    argv = [sys.executable, "-c", DRIVER, str(TESTS), location, leased, direct, str(CELLS)]
    procs = [
        subprocess.Popen(
            [*argv, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(0.5)  # both importing; they begin together when the start file appears
    start.touch()
    parts = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        parts.append(json.loads(out))
    computed = [part[0] for part in parts]
    assert sorted(computed[0] + computed[1]) == list(range(CELLS)), "each cell computed once"
    assert all(computed), f"both drivers computed some cells: {computed}"
    stored = [part[1] for part in parts]
    assert sorted(stored[0] + stored[1]) == list(range(CELLS)), "each cell stored by one driver"
    for run_id in (leased, direct):
        assert _stored(location, run_id) == Counter(range(CELLS))


def _stored(location: str, run_id: str) -> Counter[int]:
    store = open_store(location, create=False)
    repeats = Counter(r.spec.repeat for r in store.episodes(run_id))
    columns, rows = store.table("episodes")
    ids = {r[0] for r in rows if r[columns.index("run_id")] == run_id}
    columns, rows = store.table("findings")
    findings = Counter(r[0] for r in rows if r[0] in ids)
    assert sorted(findings.values()) == [1] * CELLS, "one flat finding row per episode"
    assert store.leased_by_others("nobody", [f"fp{i}" for i in range(CELLS)]) == set()
    store.close()
    return repeats
