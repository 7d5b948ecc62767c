"""Judging a generated suite: a 30-test suite against every single-bug variant of one app.

    .venv/bin/python benchmarks/generate_suite.py [--app shop] [--tests 30] [--lanes 4]

The suite is the app's ground-truth repros (each holds on the clean app and fails on its own
bug's variant: what a good test writer would produce) topped up to `--tests` with snapshot tests
of the start page that no bug changes, so most (test, mutant) runs pass and run in full, the
expensive case. It is judged exactly as a `generate` episode is (validate/_generate.py): 3 clean
runs per test, the kept suite once per mutant, kills confirmed by a second run.

Printed side by side in one run: the whole suite's wall time against the 5-minute target, and
10 tests on `--sample` mutants judged on all lanes and on one (the speed-up of the lanes).
Target (issue 12): <= 300 s on 2 cores for 30 tests. Quote the load average beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from playwright.async_api import async_playwright

from frontendx._aio import gather_all
from frontendx.agents import AgentContext, TaskView, spec_answerer
from frontendx.browser import launch_chromium
from frontendx.records import Budget
from frontendx.suite import AppServer, get_app, get_state
from frontendx.validate import SuiteJudge

FILLER = [
    {"action": "goto", "url": "/"},
    {"action": "expect", "condition": "count", "target": {"css": "html"}, "count": 1},
    {"action": "expect", "condition": "visible", "target": {"css": "body"}},
]


async def suite(app_name: str, size: int, state_name: str) -> tuple[AgentContext, list[str]]:
    app = get_app(app_name)
    state = get_state(state_name)
    mutants = [b for b in sorted(app.bugs) if app.bugs[b].manifests_in(state)]
    task = TaskView(kind="generate", app_url="", spec="", budget=Budget())
    ctx = AgentContext(task=task, page=None, context=None, answer=spec_answerer(""))  # type: ignore[arg-type]
    for bug in mutants[:size]:
        await ctx.add_test(f"guards {len(ctx.tests)}", list(app.bugs[bug].repro))
    while len(ctx.tests) < size:
        await ctx.add_test(f"page renders {len(ctx.tests)}", FILLER)
    return ctx, mutants


async def main(app_name: str, size: int, lanes: int, state_name: str, sample: int) -> None:
    app = get_app(app_name)
    state = get_state(state_name)
    ctx, mutants = await suite(app_name, size, state_name)
    small = ctx.tests[:10]
    servers = [AppServer(app) for _ in range(lanes)]
    await gather_all(*(s.start() for s in servers))
    try:
        async with async_playwright() as pw:
            browser = await launch_chromium(pw)
            started = time.perf_counter()
            judged, kills, matrix = await SuiteJudge(browser, servers).judge(
                ctx.tests, mutants, state
            )
            wall = time.perf_counter() - started
            side: dict[int, float] = {}
            for n in (lanes, 1):
                started = time.perf_counter()
                await SuiteJudge(browser, servers[:n]).judge(small, mutants[:sample], state)
                side[n] = time.perf_counter() - started
            await browser.close()
    finally:
        await gather_all(*(s.stop() for s in servers))
    kept = sum(t.status is not None and not t.status.dropped for t in judged)
    runs = 3 * len(judged) + sum(len(row) for row in matrix.values()) + len(kills)
    print(
        f"app {app_name}, state {state_name}: {len(judged)} tests ({kept} kept), "
        f"{len(mutants)} mutants, {len(kills)} killed, {runs} test runs"
    )
    print(
        f"whole suite, {lanes} lanes: {wall:6.1f} s ({runs / wall:.2f} runs/s); "
        f"target <= 300 s: {wall / 300:.2f}x the target"
    )
    print(
        f"10 tests x {sample} mutants: {lanes} lanes {side[lanes]:.1f} s, 1 lane "
        f"{side[1]:.1f} s: lanes are {side[1] / side[lanes]:.2f}x faster"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default="shop")
    parser.add_argument("--tests", type=int, default=30)
    parser.add_argument("--lanes", type=int, default=4)
    parser.add_argument("--state", default="desktop")
    parser.add_argument("--sample", type=int, default=3, help="mutants judged on one lane")
    args = parser.parse_args()
    asyncio.run(main(args.app, args.tests, args.lanes, args.state, args.sample))
