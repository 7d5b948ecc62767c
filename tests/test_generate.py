"""The `generate` task: tests added through the context, judged on the clean app and scored by
the seeded bugs (mutants) they kill (docs/design.md §6)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import TOTAL_OFF_STEPS, frontendx_cli
from playwright.async_api import Browser

from frontendx.agents import AgentContext, TaskView, spec_answerer
from frontendx.agents._protocol import MAX_TEST_STEPS, MAX_TESTS
from frontendx.errors import BudgetExceeded
from frontendx.metrics import compute_rows, load_constants
from frontendx.records import (
    AgentSpec,
    Budget,
    EpisodeResult,
    EpisodeSpec,
    EpisodeStatus,
    GeneratedTest,
    GeneratedTestStatus,
    Kill,
    ReplayRecord,
    TaskSpec,
    Usage,
)
from frontendx.repro import parse_steps
from frontendx.runner._run import artifacts_dir_for
from frontendx.store import SqliteStore
from frontendx.suite import App, AppServer, BrowserState, get_state
from frontendx.validate import SuiteJudge

MINI = str(Path(__file__).resolve().parent / "apps" / "mini")


def _ctx() -> AgentContext:
    task = TaskView(kind="generate", app_url="http://127.0.0.1:1", spec="", budget=Budget())
    return AgentContext(task=task, page=None, context=None, answer=spec_answerer(""))  # type: ignore[arg-type]


async def test_add_test_keeps_good_tests_and_records_bad_ones_as_invalid() -> None:
    ctx = _ctx()
    good = await ctx.add_test("total is six", TOTAL_OFF_STEPS)
    assert good.steps is not None and good.error is None and good.index == 0
    no_claim = await ctx.add_test("only a goto", [{"action": "goto", "url": "/"}])
    assert no_claim.steps is None and "no assertion" in (no_claim.error or "")
    unnamed = await ctx.add_test("   ", TOTAL_OFF_STEPS)
    assert unnamed.steps is None and "name" in (unnamed.error or "")
    bad_step = await ctx.add_test("bad", [{"action": "teleport"}])
    assert bad_step.steps is None and "step 0" in (bad_step.error or "")
    too_long = await ctx.add_test("long", TOTAL_OFF_STEPS * (MAX_TEST_STEPS // 3 + 1))
    assert too_long.steps is None and "at most" in (too_long.error or "")
    assert [t.index for t in ctx.tests] == [0, 1, 2, 3, 4]


async def test_add_test_is_capped() -> None:
    ctx = _ctx()
    for n in range(MAX_TESTS):
        await ctx.add_test(f"t{n}", TOTAL_OFF_STEPS)
    with pytest.raises(BudgetExceeded):
        await ctx.add_test("one too many", TOTAL_OFF_STEPS)


def _test(index: int, status: GeneratedTestStatus, seconds: float = 1.0) -> GeneratedTest:
    run = ReplayRecord(variant=(), purpose="clean", outcome="holds", seconds=seconds)
    return GeneratedTest(
        index=index,
        name=f"t{index}",
        added_at=float(index),
        steps=parse_steps(TOTAL_OFF_STEPS),
        status=status,
        clean_runs=[run, run, run],
    )


def _episode(
    tests: list[GeneratedTest], kills: dict[str, int], bugs: list[str], agent: str = "a"
) -> EpisodeResult:
    spec = EpisodeSpec(
        app="mini",
        bugs=(),
        state=get_state("desktop"),
        agent=AgentSpec(name=agent, version="1"),
        task=TaskSpec(kind="generate"),
        repeat=0,
    )
    fail = ReplayRecord(variant=("b",), purpose="buggy", outcome="fails")
    return EpisodeResult(
        spec=spec,
        status=EpisodeStatus.OK,
        tests=tests,
        kills=[Kill(bug_id=b, test_index=i, replays=[fail, fail]) for b, i in kills.items()],
        manifestable_bugs=bugs,
        usage=Usage(browser_seconds=3600.0),
    )


def test_generate_metrics_are_mutation_score_drops_runtime_and_cost_per_kill() -> None:
    kept, flaky = GeneratedTestStatus.KEPT, GeneratedTestStatus.FLAKY_TEST
    ep = _episode(
        [_test(0, kept, 2.0), _test(1, kept, 3.0), _test(2, flaky), _test(3, kept, 1.0)],
        kills={"b1": 0, "b2": 0, "b3": 1},
        bugs=["b1", "b2", "b3", "b4"],
    )
    constants = load_constants()
    [row] = compute_rows([ep], constants=constants)
    assert row.task == "generate"
    assert row.recall == 0.75  # the mutation score: 3 of 4 mutants killed
    assert (row.n_validated, row.n_manifestable) == (3, 4)
    assert (row.n_tests, row.n_tests_dropped, row.dropped_share) == (4, 1, 0.25)
    assert row.suite_runtime_s == 6.0  # the kept tests' clean runtime
    assert row.tests_per_kill == 1.0  # 3 kept tests, 3 kills
    assert row.fp_rate is None and row.n_findings == 0
    assert row.cost_per_validated_bug == pytest.approx(constants.compute_usd_per_browser_hour / 3)
    # two tests kill something: their writing is saved; all four were reviewed
    expected = 2 * constants.test_writing_minutes - 4 * constants.test_review_minutes
    assert row.human_minutes_saved == pytest.approx(expected)
    [by_cat] = compute_rows([ep], by=["category"], constants=constants)
    assert by_cat.slice == {"category": "unknown"} and by_cat.recall == 0.75


def test_generate_episode_round_trips_through_the_store(tmp_path: Path) -> None:
    ep = _episode([_test(0, GeneratedTestStatus.KEPT)], kills={"b1": 0}, bugs=["b1", "b2"])
    ep = ep.model_copy(update={"kill_matrix": {"b1": {0: "fails"}, "b2": {0: "holds"}}})
    store = SqliteStore(tmp_path / "s.db")
    run = store.create_run({"apps": ["mini"]}, 1, "test")
    store.add_episode(run, ep)
    [back] = store.episodes(run)
    assert back.kill_matrix == {"b1": {0: "fails"}, "b2": {0: "holds"}}
    assert back.validated_bugs == {"b1": 0.0}
    assert back.tests[0].steps == ep.tests[0].steps


async def test_suite_judge_keeps_drops_and_kills(
    browser: Browser, mini_servers: list[AppServer], mini_app: App
) -> None:
    state = BrowserState(name="desktop")
    ctx = _ctx()
    await ctx.add_test("total is six", TOTAL_OFF_STEPS)
    await ctx.add_test(
        "wrong on clean",
        [
            {"action": "goto", "url": "/"},
            {
                "action": "expect",
                "condition": "text",
                "target": {"test_id": "total"},
                "text": "Total: 7",
                "exact": True,
                "timeout_ms": 500,
            },
        ],
    )
    await ctx.add_test("no steps", [])
    judged, kills, matrix = await SuiteJudge(browser, mini_servers).judge(
        ctx.tests, ["total-off", "clear-throws"], state
    )
    statuses = [t.status for t in judged]
    assert statuses == [
        GeneratedTestStatus.KEPT,
        GeneratedTestStatus.FAILS_ON_CLEAN,
        GeneratedTestStatus.INVALID,
    ]
    assert [len(t.clean_runs) for t in judged] == [3, 3, 0]
    assert "passed 0 of 3" in judged[1].reason
    # only the kept test runs on the mutants; it kills total-off and not clear-throws
    assert matrix == {"total-off": {0: "fails"}, "clear-throws": {0: "holds"}}
    [kill] = kills
    assert (kill.bug_id, kill.test_index) == ("total-off", 0)
    assert [r.outcome for r in kill.replays] == ["fails", "fails"]


def _rows(db: Path) -> dict[str, dict[str, Any]]:
    out = frontendx_cli("report", "--db", str(db), "--format", "json", check=True).stdout
    return {r["agent_name"]: r for r in json.loads(out)["rows"] if r["task"] == "generate"}


def test_generate_run_calibrates_oracle_one_and_null_zero(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    proc = frontendx_cli(
        "run",
        "--apps",
        MINI,
        "--agents",
        "oracle,null,recorder",
        "--tasks",
        "generate",
        "--db",
        str(db),
        check=True,
    )
    # the per-episode lines (stdout is not a terminal) count tests and kills, not findings
    [oracle_line] = [ln for ln in proc.stderr.splitlines() if "] oracle generate" in ln]
    assert re.search(r": ok, \d+ tests \(\d+ kept\), 3 bugs killed, ", oracle_line), oracle_line
    rows = _rows(db)
    oracle, null, recorder = rows["oracle"], rows["null"], rows["recorder"]
    assert (oracle["recall"], oracle["n_validated"], oracle["n_manifestable"]) == (1.0, 3, 3)
    assert oracle["n_tests_dropped"] == 0
    assert (null["recall"], null["n_validated"], null["n_tests_dropped"]) == (0.0, 0, 0)
    assert recorder["n_tests"] >= 1 and recorder["recall"] is not None
    store = SqliteStore(db, create=False)
    [ep] = [e for e in store.episodes() if e.spec.agent.name == "oracle"]
    assert sorted(ep.kill_matrix) == sorted(ep.manifestable_bugs)
    for kill in ep.kills:  # every kill keeps its trace
        assert kill.trace is not None and (artifacts_dir_for(db) / kill.trace).is_file()


async def test_external_tests_endpoint_records_tests_and_explains_bad_ones() -> None:
    from external_agents import post

    from frontendx.agents._external import _Endpoint

    ctx = _ctx()
    endpoint = _Endpoint(ctx)
    await endpoint.start()
    try:
        url = endpoint.url + "/tests"
        good = await asyncio.to_thread(post, url, {"name": "total", "steps": TOTAL_OFF_STEPS})
        bad = await asyncio.to_thread(post, url, {"name": "x", "steps": [{"action": "goto"}]})
        not_object = await asyncio.to_thread(post, url, [1, 2])
    finally:
        await endpoint.stop()
    assert good == (202, {"index": 0, "added_at": good[1]["added_at"]})
    assert bad[0] == 400 and bad[1]["index"] == 1 and "step 0" in bad[1]["error"]
    assert not_object[0] == 400 and "index" not in not_object[1]
    assert [t.steps is not None for t in ctx.tests] == [True, False]


async def test_episode_page_shows_the_suite_and_its_kill_matrix(
    tmp_path: Path, browser: Browser
) -> None:
    from test_dashboard import fast_views, serve_app

    from frontendx.dashboard import create_app

    kept, flaky = GeneratedTestStatus.KEPT, GeneratedTestStatus.FLAKY_TEST
    ep = _episode(
        [_test(0, kept), _test(1, kept), _test(2, flaky)], kills={"b1": 1}, bugs=["b1", "b2"]
    )
    ep = ep.model_copy(
        update={"kill_matrix": {"b1": {0: "holds", 1: "fails"}, "b2": {0: "holds", 1: "broken"}}}
    )
    store = SqliteStore(tmp_path / "runs.db")
    run = store.create_run({"apps": ["mini"]}, 1, "test")
    store.add_episode(run, ep)
    [episode_id] = [e.id for e in store.index()]
    context = await browser.new_context()
    page = await context.new_page()
    try:
        with serve_app(create_app(store, token=None, views=fast_views)) as base:
            await page.goto(f"{base}#/episode/{episode_id}")
            matrix = page.get_by_test_id("kill-matrix")
            await matrix.wait_for(timeout=30_000)
            cells = await matrix.locator("td[data-outcome]").evaluate_all(
                "tds => tds.map(td => td.dataset.outcome)"
            )
            statuses = page.locator("[data-testid=generated-tests] tr[data-status]")
            heading = await page.get_by_test_id("generated-suite").locator("h2").first.inner_text()
            rows = await statuses.evaluate_all("trs => trs.map(tr => tr.dataset.status)")
    finally:
        await context.close()
        store.close()
    # rows b1, b2; columns: the kept tests #0 and #1 (the flaky one never ran on a mutant)
    assert cells == ["holds", "killed", "holds", "broken"]
    assert rows == ["kept", "kept", "flaky_test"]
    assert "mutation score 1/2" in heading
