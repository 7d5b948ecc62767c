"""Dashboard API latency with a large store of SYNTHETIC episodes.

Generates `--episodes` (default 100,000) synthetic episode results (frontendx.dashboard.synthetic:
agents named ``synthetic-*``, nothing measured) into a temporary SQLite store, starts the real
dashboard server (Starlette under uvicorn, in a thread), requests every benchmarked view once
to build it (the cold build, timed and printed per view), then times `--requests` requests
spread over the API paths with one persistent HTTP client and prints p50/p95/max per kind of
path and overall against the target: p95 < 100 ms.

    .venv/bin/python benchmarks/dashboard_latency.py                # 100,000 episodes
    .venv/bin/python benchmarks/dashboard_latency.py --episodes 20000 --requests 300
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
import uvicorn

from frontendx.dashboard import create_app, generate_synthetic
from frontendx.store import SqliteStore

TARGET_P95_MS = 100.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db", type=Path, help="reuse/keep this store instead of a temp one")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="frontendx-bench-")
    db = args.db or Path(tmp.name) / "runs.db"
    print(f"FrontendX dashboard latency benchmark on SYNTHETIC data (store: {db})")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    store = SqliteStore(db)
    if not store.index():
        started = time.perf_counter()
        generate_synthetic(
            store, episodes=args.episodes, seed=args.seed, agents=args.agents, runs=args.runs
        )
        print(
            f"generated {args.episodes:,} synthetic episodes ({args.agents} synthetic agents, "
            f"{args.runs} runs) in {time.perf_counter() - started:.1f} s; "
            f"store {db.stat().st_size / 1e6:.0f} MB"
        )
    else:
        # views cached in the store by an earlier run would make the cold build look free
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM views")
        print(f"reusing the {len(store.index()):,} episodes already in {db} (view cache cleared)")

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}/data/"
    client = httpx.Client(base_url=base, timeout=3600)
    try:
        # --- cold build: every benchmarked view once ---------------------------------------
        print("\ncold build (first request of each view; computed once per store revision):")
        cold_total = 0.0

        def cold(path: str) -> httpx.Response:
            nonlocal cold_total
            t0 = time.perf_counter()
            response = client.get(path)
            dt = time.perf_counter() - t0
            cold_total += dt
            response.raise_for_status()
            print(f"  {dt:8.2f} s  {path}  ({len(response.content) / 1e3:.0f} kB)", flush=True)
            return response

        cpu_start = time.process_time()
        index = cold("index.json").json()
        points = [p["id"] for p in index["points"]]
        slices = [
            "all",
            *(index["slices"][d][0]["key"] for d in ("app", "state", "difficulty")),
        ]
        agents = [a["key"] for a in index["agents"]]
        paths: dict[str, list[str]] = defaultdict(list)
        for s in slices:
            paths["leaderboard"].append(f"leaderboard/latest/{s}.json")
        for point in (points[len(points) // 2], points[-1]):
            paths["leaderboard (as of)"].append(f"leaderboard/{point}/all.json")
        paths["leaderboard csv"].append("leaderboard/latest/all.csv")
        paths["matrix"].append("matrix/latest.json")
        paths["trends"].append("trends.json")
        for kind in list(paths):
            for path in paths[kind]:
                cold(path)
        for agent in agents[:4]:
            first = cold(f"episodes/latest/{agent}/0.json").json()
            paths["episode list"].append(f"episodes/latest/{agent}/0.json")
            if first["pages"] > 1:
                last = f"episodes/latest/{agent}/{first['pages'] - 1}.json"
                cold(last)
                paths["episode list"].append(last)
        cpu = time.process_time() - cpu_start
        print(f"  {cold_total:8.2f} s  total cold build (CPU time of this process: {cpu:.1f} s)")
        ids = [e.id for e in store.index()]
        rng = random.Random(args.seed)
        paths["episode"] = [f"episode/{i}.json" for i in rng.sample(ids, min(len(ids), 2000))]
        paths["index"].append("index.json")

        # --- timed requests -------------------------------------------------------------------
        kinds = list(paths)
        timings: dict[str, list[float]] = defaultdict(list)
        for i in range(args.requests):
            kind = kinds[i % len(kinds)]
            path = rng.choice(paths[kind])
            t0 = time.perf_counter()
            response = client.get(path)
            dt = (time.perf_counter() - t0) * 1000
            response.raise_for_status()
            timings[kind].append(dt)
        everything = [t for ts in timings.values() for t in ts]
        print(f"\n{args.requests} warm requests over {sum(map(len, paths.values()))} paths:")
        print(f"  {'kind':22} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for kind in kinds:
            ts = timings[kind]
            print(
                f"  {kind:22} {len(ts):5d} {statistics.median(ts):8.1f} "
                f"{_pct(ts, 0.95):8.1f} {max(ts):8.1f}"
            )
        p95 = _pct(everything, 0.95)
        print(
            f"  {'overall':22} {len(everything):5d} {statistics.median(everything):8.1f} "
            f"{p95:8.1f} {max(everything):8.1f}"
        )
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
        verdict = "MET" if p95 < TARGET_P95_MS else "MISSED"
        print(f"\ntarget: p95 < {TARGET_P95_MS:.0f} ms -> {verdict} (p95 {p95:.1f} ms)")
        return 0 if p95 < TARGET_P95_MS else 1
    finally:
        client.close()
        server.should_exit = True
        thread.join(timeout=30)
        store.close()
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
