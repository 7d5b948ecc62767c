"""Judging a generated test suite (the `generate` task, docs/design.md §6).

1. Every test runs `clean_runs` times (default 3) on the clean app. One that passes every
   time is kept; one that passes some runs is `flaky_test`, none `fails_on_clean`.
2. The kept suite runs once on every single-bug variant (the mutants, which the agent was never
   told of) that shows in the episode's browser state: the kill matrix.
3. A bug is killed when some test fails on its variant in `kill_runs` runs (default 2): the
   first from the matrix, the rest confirming it, the last one traced as the kill's evidence.

Runs that do not depend on each other go side by side, one per app server ("lane"). A lane
takes one mutant at a time and runs the whole suite on it, so an app server switches builds
once per mutant, not once per test; each run gets a fresh browser context (one browser for
all) on a freshly reset app, and stops at its first failing assertion.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from playwright.async_api import Browser

from frontendx._aio import gather_all
from frontendx.browser import Sandbox
from frontendx.records import GeneratedTest, GeneratedTestStatus, Kill, ReplayRecord
from frontendx.suite import AppServer, BrowserState
from frontendx.validate._replay import Outcome, Replayer, ReplayResult
from frontendx.validate._validator import _record

CLEAN_RUNS = 3
KILL_RUNS = 2


def kill_trace(bug_id: str) -> str:
    """File name of the trace of the run that confirmed a kill (an episode artifact)."""
    return f"kill-{bug_id}.zip"


class SuiteJudge:
    """Runs a generated suite on the clean app and on each mutant, over `servers` (lanes)."""

    def __init__(
        self,
        browser: Browser,
        servers: Sequence[AppServer],
        *,
        clean_runs: int = CLEAN_RUNS,
        kill_runs: int = KILL_RUNS,
        trace_dir: Path | None = None,
    ) -> None:
        if not servers:
            raise ValueError("judging a suite needs at least one app server")
        self.browser = browser
        self.servers = list(servers)
        self.app = servers[0].app
        self.clean_runs = clean_runs
        self.kill_runs = kill_runs
        self.trace_dir = trace_dir

    async def _run(
        self,
        server: AppServer,
        test: GeneratedTest,
        state: BrowserState,
        trace: Path | None = None,
    ) -> ReplayResult:
        assert test.steps is not None
        await server.reset()
        async with Sandbox(
            self.browser, self.app, server.url, state, instrument=True, trace_path=trace
        ) as box:
            return await Replayer(box.page, box.events, server.url).run(list(test.steps))

    async def judge(
        self, tests: Sequence[GeneratedTest], mutants: Sequence[str], state: BrowserState
    ) -> tuple[list[GeneratedTest], list[Kill], dict[str, dict[int, str]]]:
        """The tests with their clean status, the kills, and the kill matrix (bug -> kept
        test index -> outcome of its first run on that bug's variant)."""
        judged = await self._clean(tests, state)
        kept = [t for t in judged if t.status is GeneratedTestStatus.KEPT]
        if not kept or not mutants:
            return judged, [], {}
        kills, matrix = await self._mutants(kept, list(mutants), state)
        return judged, kills, matrix

    async def _clean(
        self, tests: Sequence[GeneratedTest], state: BrowserState
    ) -> list[GeneratedTest]:
        runnable = [t for t in tests if t.steps is not None]
        jobs: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
        for t in runnable:
            for n in range(self.clean_runs):
                jobs.put_nowait((t.index, n))
        by_index = {t.index: t for t in runnable}
        runs: dict[int, list[ReplayRecord]] = {t.index: [] for t in runnable}

        async def lane(server: AppServer) -> None:
            await server.set_variant(())
            while not jobs.empty():
                index, _ = jobs.get_nowait()
                result = await self._run(server, by_index[index], state)
                runs[index].append(_record((), "clean", result))

        await gather_all(*(lane(s) for s in self.servers))
        judged = []
        for test in tests:
            if test.steps is None:
                judged.append(
                    test.model_copy(
                        update={"status": GeneratedTestStatus.INVALID, "reason": test.error or ""}
                    )
                )
                continue
            records = runs[test.index]
            passed = sum(r.outcome == Outcome.HOLDS.value for r in records)
            if passed == len(records):
                status, reason = GeneratedTestStatus.KEPT, ""
            else:
                first = next(r for r in records if r.outcome != Outcome.HOLDS.value)
                status = (
                    GeneratedTestStatus.FAILS_ON_CLEAN
                    if passed == 0
                    else GeneratedTestStatus.FLAKY_TEST
                )
                reason = f"passed {passed} of {len(records)} runs on the clean app; {first.message}"
            judged.append(
                test.model_copy(update={"status": status, "reason": reason, "clean_runs": records})
            )
        return judged

    async def _mutants(
        self, kept: list[GeneratedTest], mutants: list[str], state: BrowserState
    ) -> tuple[list[Kill], dict[str, dict[int, str]]]:
        todo: asyncio.Queue[str] = asyncio.Queue()
        for bug in mutants:
            todo.put_nowait(bug)
        matrix: dict[str, dict[int, str]] = {}
        kills: dict[str, Kill] = {}

        async def lane(server: AppServer) -> None:
            while not todo.empty():
                bug = todo.get_nowait()
                await server.set_variant((bug,))
                first: dict[int, ReplayRecord] = {}
                for test in kept:
                    result = await self._run(server, test, state)
                    first[test.index] = _record((bug,), "buggy", result)
                matrix[bug] = {i: r.outcome for i, r in first.items()}
                for test in kept:
                    if first[test.index].outcome == Outcome.HOLDS.value:
                        continue
                    kill = await self._confirm(server, test, bug, first[test.index], state)
                    if kill is not None:
                        kills[bug] = kill
                        break

        await gather_all(*(lane(s) for s in self.servers))
        return [kills[b] for b in mutants if b in kills], {b: matrix[b] for b in mutants}

    async def _confirm(
        self,
        server: AppServer,
        test: GeneratedTest,
        bug: str,
        first: ReplayRecord,
        state: BrowserState,
    ) -> Kill | None:
        """The kill of `bug` by `test` when every confirming run fails too, else None."""
        replays = [first]
        trace = None
        for n in range(1, self.kill_runs):
            last = n == self.kill_runs - 1
            if last and self.trace_dir is not None:
                trace = self.trace_dir / kill_trace(bug)
            result = await self._run(server, test, state, trace)
            replays.append(_record((bug,), "buggy", result))
            if result.outcome is Outcome.HOLDS:
                if trace is not None:
                    trace.unlink(missing_ok=True)
                return None
        kept_trace = trace.name if trace is not None and trace.is_file() else None
        return Kill(bug_id=bug, test_index=test.index, replays=replays, trace=kept_trace)
