"""The crawler's explore recall and false-positive rate on the built-in suite, over seeds:
overall, per app, per category, on bugs whose ground-truth repro needs two or more actions,
and against budget (found within 30/60/120/300 s, from each finding's `found_at`).

    # run (each seed a crawler config of its own, so three cells per app) and measure
    flock /tmp/fx-browser.lock .venv/bin/python benchmarks/crawler_recall.py --run \\
        --seeds 0,1,2 --db runs/crawler.db
    # measure only, and compare with an earlier store (e.g. the crawler before a change)
    .venv/bin/python benchmarks/crawler_recall.py --db runs/crawler.db --before runs/old.db

Every figure is computed from the stored episodes (docs/design.md §5): recall is distinct
validated bugs over the active bugs that show in the episode's browser state; the FP rate is
false-positive findings over all findings. Run it under the browser lock on a shared machine;
the load average is printed with the results, since timeouts under load look like misses.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from frontendx.records import EpisodeResult
from frontendx.repro import Goto
from frontendx.store import open_store
from frontendx.suite import get_app

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = (30, 60, 120, 300)


def run(db: Path, seeds: list[int], workers: int, wall_seconds: float, steps: int) -> None:
    """One `frontendx run` over the whole suite, one crawler config per seed."""
    import json
    import tempfile

    spec = {
        "agents": [{"name": "crawler", "config": {"seed": seed}} for seed in seeds],
        "tasks": ["explore"],
        "workers": workers,
        "budget": {"wall_seconds": wall_seconds, "steps": steps},
    }
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        json.dump(spec, f)  # JSON is YAML
    cmd = [str(ROOT / ".venv" / "bin" / "frontendx"), "run", "--spec", f.name, "--db", str(db)]
    print("$", " ".join(cmd), "  # spec:", json.dumps(spec), flush=True)
    try:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    finally:
        os.unlink(f.name)


def actions_needed(app: str, bug: str) -> int:
    """Actions in the bug's ground-truth repro other than navigations and assertions."""
    try:
        repro = get_app(app).bugs[bug].repro
    except (KeyError, Exception):
        return 0
    return sum(1 for s in repro if not s.is_assertion and not isinstance(s, Goto))


class Tally:
    def __init__(self) -> None:
        self.found = 0
        self.total = 0

    def add(self, found: bool) -> None:
        self.found += found
        self.total += 1

    def __str__(self) -> str:
        if not self.total:
            return "   -   "
        return f"{100 * self.found / self.total:5.1f}% ({self.found}/{self.total})"


def measure(db: Path) -> dict[str, object]:
    store = open_store(str(db), create=False, read_only=True)
    try:
        episodes = [
            e
            for e in store.episodes()
            if e.spec.agent.name == "crawler" and e.spec.task.kind == "explore"
        ]
    finally:
        store.close()
    by_seed: dict[int, list[EpisodeResult]] = defaultdict(list)
    for e in episodes:
        by_seed[int(e.spec.agent.config.get("seed", 0))].append(e)
    out: dict[str, object] = {"seeds": {}}
    overall: dict[str, Tally] = defaultdict(Tally)
    for seed, eps in sorted(by_seed.items()):
        seed_t = Tally()
        findings = fps = 0
        for e in eps:
            validated = e.validated_bugs
            for bug in dict.fromkeys(e.manifestable_bugs):
                found = bug in validated
                facts = e.bug_facts.get(bug)
                category = facts.category if facts else "?"
                seed_t.add(found)
                overall["all"].add(found)
                overall[f"app {e.spec.app}"].add(found)
                overall[f"category {category}"].add(found)
                multi = actions_needed(e.spec.app, bug) >= 2
                overall["multi-action (>=2)" if multi else "single-action (<2)"].add(found)
                for b in BUDGETS:
                    if b <= e.spec.task.budget.wall_seconds:
                        overall[f"within {b:>3}s"].add(found and validated[bug] <= b)
            findings += len(e.findings)
            fps += sum(
                1 for f in e.findings if f.verdict is None or f.verdict.kind.is_false_positive
            )
        out["seeds"][seed] = {  # type: ignore[index]
            "recall": seed_t.found / seed_t.total if seed_t.total else 0.0,
            "fp": fps / findings if findings else 0.0,
            "findings": findings,
            "episodes": len(eps),
            "statuses": sorted({e.status.value for e in eps}),
        }
    out["tallies"] = overall
    return out


def show(label: str, result: dict[str, object], other: dict[str, object] | None) -> None:
    seeds: dict[int, dict[str, object]] = result["seeds"]  # type: ignore[assignment]
    print(f"\n== {label}")
    for seed, s in seeds.items():
        print(
            f"seed {seed}: recall {100 * float(s['recall']):5.1f}%  FP {100 * float(s['fp']):5.1f}%"
            f"  findings {s['findings']}  episodes {s['episodes']}  status {s['statuses']}"
        )
    recalls = [100 * float(s["recall"]) for s in seeds.values()]
    if len(recalls) > 1:
        print(
            f"recall over {len(recalls)} seeds: mean {statistics.mean(recalls):.1f}%, "
            f"std {statistics.stdev(recalls):.1f} pts"
        )
    tallies: dict[str, Tally] = result["tallies"]  # type: ignore[assignment]
    before: dict[str, Tally] = other["tallies"] if other else {}  # type: ignore[assignment]
    keys = sorted(set(tallies) | set(before), key=lambda k: (k.split(" ")[0] != "all", k))
    print(f"{'slice':32} {'before':>18} {'after':>18}" if other else f"{'slice':32} {'recall':>18}")
    for k in keys:
        now = str(tallies.get(k, Tally()))
        if other:
            print(f"{k:32} {before.get(k, Tally())!s:>18} {now:>18}")
        else:
            print(f"{k:32} {now:>18}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", type=Path, required=True, help="results store to run into / read")
    p.add_argument("--before", type=Path, help="a store to compare with (same slices)")
    p.add_argument("--run", action="store_true", help="run the crawler first (under the lock!)")
    p.add_argument("--seeds", default="0", help="comma-separated crawler seeds (default 0)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--wall-seconds", type=float, default=120.0)
    p.add_argument("--steps", type=int, default=200)
    args = p.parse_args(argv)
    if args.run:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
        run(args.db, seeds, args.workers, args.wall_seconds, args.steps)
    if not args.db.exists():
        print(f"error: no store at {args.db}: run with --run first", file=sys.stderr)
        return 2
    print(
        f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    after = measure(args.db)
    before = measure(args.before) if args.before else None
    if before is not None:
        show(f"before: {args.before}", before, None)
    show(f"{'after: ' if before else ''}{args.db}", after, before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
