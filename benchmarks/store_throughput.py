"""Store throughput: storing 10,000 episodes in SQLite and in PostgreSQL, side by side.

    .venv/bin/python benchmarks/store_throughput.py                 # a throwaway local cluster
    .venv/bin/python benchmarks/store_throughput.py --pg postgresql://bench@db/empty_db

The episodes are SYNTHETIC (frontendx.dashboard.synthetic: real `EpisodeResult` models with
findings, verdicts and replays, drawn from a seeded generator) and identical for both backends.
Two ways of storing are timed on a fresh store each:

- one transaction per episode, as a driver stores each episode as it arrives (`add_episode`);
- batches of 500 episodes per transaction (`add_episodes`, as `store copy` could).

Each figure is the median of `--repeats` rounds. Without --pg, PostgreSQL is a throwaway
cluster on this machine (tests/store_pg.py) with fsync ON, as a real server runs; SQLite runs
with its defaults here (WAL, synchronous=NORMAL). Both are local: a PostgreSQL server on
another host adds a network round trip per statement. The load average is printed, since a
loaded machine slows both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from frontendx.records import EpisodeResult
from frontendx.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent


def episodes(n: int) -> list[EpisodeResult]:
    from frontendx.dashboard import generate_synthetic

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "gen.db")
        generate_synthetic(store, episodes=n, agents=6, runs=5, artifacts=0)  # type: ignore[arg-type]
        made = store.episodes()
        store.close()
    # one run holds them all: give each a distinct cell key by its position
    return [
        r.model_copy(update={"spec": r.spec.model_copy(update={"repeat": i})})
        for i, r in enumerate(made)
    ]


def timed(new_store: Callable[[], Store], results: list[EpisodeResult], batch: int) -> float:
    store = new_store()
    run = store.create_run({"benchmark": "store_throughput"}, len(results), "bench")
    start = time.perf_counter()
    if batch == 1:
        for r in results:
            store.add_episode(run, r)
    else:
        for i in range(0, len(results), batch):
            store.add_episodes(run, results[i : i + batch])
    seconds = time.perf_counter() - start
    assert len(store.done_keys(run)) == len(results), "every episode stored"
    store.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--pg",
        help="URL of a PostgreSQL server's maintenance database "
        "(each round creates and drops a database of its own)",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "tests"))
    import psycopg
    import store_pg

    cluster = None
    admin = args.pg
    if admin is None:
        found = store_pg.bin_dir()
        if found is None:
            sys.exit("no PostgreSQL binaries: run scripts/setup, or give --pg URL")
        cluster = store_pg.Cluster(found, fsync=True)
        admin = cluster.url("postgres")
    base = admin.rsplit("/", 1)[0]
    results = episodes(args.episodes)
    n = len(results)
    tmp = Path(tempfile.mkdtemp(prefix="fx-store-bench-"))
    counter = iter(range(1_000_000))

    def sqlite() -> Store:
        return open_store(tmp / f"s{next(counter)}.db")

    def postgres() -> Store:
        name = f"fx_bench_{os.getpid()}_{next(counter)}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return open_store(f"{base}/{name}")

    try:
        print(
            f"store throughput: {n} synthetic episodes, median of {args.repeats} rounds, "
            f"load average {os.getloadavg()[0]:.2f} at start"
        )
        print(f"{'mode':<28}{'SQLite ep/s':>14}{'PostgreSQL ep/s':>18}{'PG / SQLite':>14}")
        for label, batch in (
            ("one transaction per episode", 1),
            ("500 episodes per transaction", 500),
        ):
            rounds: dict[str, list[float]] = {"sqlite": [], "postgres": []}
            for _ in range(args.repeats):  # interleaved, so that load hits both alike
                rounds["sqlite"].append(timed(sqlite, results, batch))
                rounds["postgres"].append(timed(postgres, results, batch))
            lite = n / statistics.median(rounds["sqlite"])
            pg = n / statistics.median(rounds["postgres"])
            print(f"{label:<28}{lite:>14.0f}{pg:>18.0f}{pg / lite:>13.2f}x")
        print(f"load average {os.getloadavg()[0]:.2f} at end")
    finally:
        if cluster is not None:
            cluster.stop()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
