"""Ray overhead: episodes per minute through the Ray executor (a local Ray, 2 worker actors)
vs the local process pool (2 workers), same matrix, side by side in one run.

    .venv/bin/python benchmarks/ray_overhead.py [--repeats 2] [--rounds 1]

The matrix: the `mini` test app, agents oracle and null, tasks explore and reproduce, on
desktop (2 agents x (1 explore variant + 3 reproduce variants) x repeats episodes). Each side
starts from nothing (pool: spawning workers, each launching its browsers; Ray: `ray.init` of
a local Ray, then the actors launching theirs) and runs the whole matrix; rounds alternate
the sides so drift affects both alike. Episodes per minute are counted over each side's whole
wall time, start-up included; Ray's start-up is also shown on its own.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from frontendx.records import EpisodeResult, EpisodeSpec
from frontendx.runner import WorkerOptions, execute, expand, parse_run_spec, specs_source
from frontendx.runner._ray import RayExecutor

MINI = Path(__file__).resolve().parent.parent / "tests" / "apps" / "mini"
WORKERS = 2


def _matrix(repeats: int) -> list[EpisodeSpec]:
    spec = parse_run_spec(
        {
            "apps": [str(MINI)],
            "agents": ["oracle", "null"],
            "tasks": ["explore", "reproduce"],
            "repeats": repeats,
        }
    )
    return expand(spec)


def _side(
    kind: str, episodes: list[EpisodeSpec], artifacts: Path
) -> tuple[float, float, list[str]]:
    """(wall seconds, start-up seconds, statuses) of one side running the whole matrix."""
    options = WorkerOptions(artifacts, None, 3)
    statuses: list[str] = []

    def done(result: EpisodeResult) -> None:
        statuses.append(result.status.value)

    started = time.perf_counter()
    startup = 0.0
    if kind == "pool":
        execute(specs_source(episodes), options, workers=WORKERS, retries=0, on_done=done)
    else:
        ray_executor = RayExecutor(None)
        ray_executor.connect(WORKERS)  # start the local Ray first, to time it on its own
        startup = time.perf_counter() - started
        try:
            ray_executor(specs_source(episodes), options, workers=WORKERS, retries=0, on_done=done)
        finally:
            ray_executor.close()
    return time.perf_counter() - started, startup, statuses


def main(repeats: int, rounds: int) -> None:
    episodes = _matrix(repeats)
    walls: dict[str, list[float]] = {"pool": [], "ray": []}
    startups: list[float] = []
    with tempfile.TemporaryDirectory(prefix="fx-ray-bench-") as tmp:
        for r in range(rounds):
            for kind in ("pool", "ray") if r % 2 == 0 else ("ray", "pool"):
                wall, startup, statuses = _side(kind, episodes, Path(tmp) / f"{kind}{r}")
                bad = [s for s in statuses if s == "infra_error"]
                assert len(statuses) == len(episodes) and not bad, (kind, statuses)
                walls[kind].append(wall)
                if kind == "ray":
                    startups.append(startup)
                print(f"  round {r + 1} {kind:4}: {len(episodes)} episodes in {wall:6.1f} s")
    pool, ray = statistics.median(walls["pool"]), statistics.median(walls["ray"])
    per_min = {k: len(episodes) / (statistics.median(v) / 60) for k, v in walls.items()}
    print(
        f"{len(episodes)} episodes (mini; oracle, null; explore, reproduce; {repeats} repeats), "
        f"{WORKERS} workers, {rounds} round(s), medians:"
    )
    print(f"  process pool: {pool:6.1f} s  {per_min['pool']:5.1f} episodes/min")
    print(
        f"  Ray (local):  {ray:6.1f} s  {per_min['ray']:5.1f} episodes/min "
        f"(ray.init {statistics.median(startups):.1f} s of it)"
    )
    print(f"  ratio Ray / pool, episodes per minute: {per_min['ray'] / per_min['pool']:.2f}x")
    print("  (target >= 0.9)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    main(args.repeats, args.rounds)
