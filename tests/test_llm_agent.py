"""The `llm` agent's whole loop, offline: the real CLI runs it on the mini app against a
scripted model upstream (a real HTTP server speaking both wire formats) through the metered
gateway. Token counts and cost must equal the script's usage exactly; an exhausted budget
ends the episode with its status; a cassette replays an episode with zero upstream calls."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MINI, TOTAL_OFF_STEPS, frontendx_cli

from frontendx.gateway import ScriptedTurn, ScriptedUpstream

PRICES = """
as_of = "2026-11-24"
currency = "USD"

[models.tester-1]
input = 2.0
cached_input = 0.5
output = 8.0
"""


def script() -> list[ScriptedTurn]:
    """Look around, ask, report the total bug, stop: 3 calls, usage known exactly."""
    return [
        ScriptedTurn.call("goto", {"path": "/"}, input_tokens=1200, output_tokens=40),
        ScriptedTurn.call(
            "ask",
            {"question": "What should the total show?"},
            input_tokens=1500,
            output_tokens=30,
            cached_tokens=1000,
        ),
        ScriptedTurn.call(
            "report_finding",
            {"title": "Total does not add up", "steps": TOTAL_OFF_STEPS, "expected": "Total: 6"},
            input_tokens=1800,
            output_tokens=90,
        ),
        ScriptedTurn.call("done", {}, input_tokens=1900, output_tokens=5),
    ]


@pytest.fixture
def upstream() -> Iterator[ScriptedUpstream]:
    with ScriptedUpstream(script(), model="tester-1") as server:
        yield server


def run_llm(tmp_path: Path, name: str, config: dict[str, Any], **spec: Any) -> dict[str, Any]:
    spec_file = tmp_path / f"{name}.yaml"
    spec_file.write_text(
        yaml.safe_dump(
            {
                "apps": [str(MINI)],
                "agents": [{"name": "llm", "config": config}],
                "workers": 1,
                **spec,
            }
        )
    )
    db = tmp_path / f"{name}.db"
    frontendx_cli("run", "--spec", str(spec_file), "--db", str(db), check=True, timeout=600)
    with sqlite3.connect(db) as conn:
        (payload,) = conn.execute("SELECT result_json FROM episodes").fetchone()
    result: dict[str, Any] = json.loads(payload)
    return result


def verdicts(result: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(f["verdict"]["kind"], f["verdict"]["bug_id"]) for f in result["findings"]]


def test_llm_episode_is_metered_exactly_and_replays_from_its_cassette(
    tmp_path: Path, upstream: ScriptedUpstream
) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(PRICES)
    cassette = tmp_path / "episode.cassette.json"
    config = {
        "base_url": upstream.base_url,
        "model": "tester-1",
        "price_file": str(prices),
        "cassette": str(cassette),
    }
    recorded = run_llm(tmp_path, "record", {**config, "cassette_mode": "record"})
    assert recorded["status"] == "ok", recorded["error"]
    assert len(upstream.model_requests) == 4
    usage = recorded["usage"]
    assert usage["input_tokens"] == 1200 + 1500 + 1800 + 1900
    assert usage["output_tokens"] == 40 + 30 + 90 + 5
    uncached = 1200 + 500 + 1800 + 1900  # the cached 1000 are priced at the cached rate
    expected = (uncached * 2.0 + 1000 * 0.5 + 165 * 8.0) / 1e6
    assert usage["model_cost_usd"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert usage["questions"] == 1
    assert verdicts(recorded) == [("validated", "total-off")]
    # the model saw the page: the first request carries the controls list of the mini app
    first = json.dumps(upstream.model_requests[0].body)
    assert "Controls:" in first and "Clear" in first
    # ground truth never reaches the model
    assert "total-off" not in first and "search-500" not in first

    replayed = run_llm(tmp_path, "replay", {**config, "cassette_mode": "replay"})
    assert len(upstream.model_requests) == 4  # zero upstream calls
    assert verdicts(replayed) == verdicts(recorded)
    assert (
        replayed["findings"][0]["finding"]["steps"] == recorded["findings"][0]["finding"]["steps"]
    )
    assert replayed["usage"]["input_tokens"] == usage["input_tokens"]
    assert replayed["usage"]["model_cost_usd"] == pytest.approx(usage["model_cost_usd"])


def test_exhausted_token_budget_ends_the_episode_with_its_status(
    tmp_path: Path, upstream: ScriptedUpstream
) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(PRICES)
    result = run_llm(
        tmp_path,
        "budget",
        {
            "api": "anthropic",
            "base_url": upstream.base_url,
            "model": "tester-1",
            "price_file": str(prices),
        },
        budget={"tokens": 2000},
    )
    assert result["status"] == "budget_exceeded"
    assert "tokens budget" in result["error"]
    # the call that crossed the limit finished; none was made after it
    assert len(upstream.model_requests) == 2
    assert result["usage"]["input_tokens"] == 1200 + 1500
    assert upstream.model_requests[0].path == "/v1/messages"


def test_unreachable_endpoint_is_a_clear_infra_error_and_the_run_goes_on(tmp_path: Path) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(PRICES)
    result = run_llm(
        tmp_path,
        "down",
        {"base_url": "http://127.0.0.1:9/v1", "model": "tester-1", "price_file": str(prices)},
        retries=0,
    )
    assert result["status"] == "infra_error"
    assert "127.0.0.1:9" in result["error"]


def test_llm_generates_tests_through_its_add_test_tool(tmp_path: Path) -> None:
    """Asked to `generate`, the llm agent gets the generation prompt and an add_test tool (not
    report_finding); the test it adds is judged on clean and kills the bug it guards."""
    turns = [
        ScriptedTurn.call("add_test", {"name": "total adds up", "steps": TOTAL_OFF_STEPS}),
        ScriptedTurn.call("done", {}),
    ]
    prices = tmp_path / "prices.toml"
    prices.write_text(PRICES)
    with ScriptedUpstream(turns, model="tester-1") as server:
        config = {"base_url": server.base_url, "model": "tester-1", "price_file": str(prices)}
        result = run_llm(tmp_path, "generate", config, tasks=["generate"])
        first = json.dumps(server.model_requests[0].body)
    assert result["status"] == "ok", result["error"]
    assert "add_test" in first and "report_finding" not in first
    assert "regression tests" in first
    [test] = result["tests"]
    assert (test["name"], test["status"]) == ("total adds up", "kept")
    assert [k["bug_id"] for k in result["kills"]] == ["total-off"]


def test_llm_reviews_a_change_with_a_review_prompt_and_decides(tmp_path: Path) -> None:
    """Asked to review a change, the llm agent gets the pull request (title, description,
    files) and the base build's URL in its prompt, never the change's edits or regressions,
    and a `decide` tool; its block on a validated regression catches the change."""
    search = [
        {"action": "goto", "url": "/"},
        {"action": "fill", "target": {"label": "Search"}, "value": "tea"},
        {"action": "click", "target": {"role": "button", "name": "Go"}},
        {"action": "expect_no_http_error"},
    ]
    turns = [
        ScriptedTurn.call("report_finding", {"title": "Search crashes", "steps": search}),
        ScriptedTurn.call("decide", {"decision": "block"}),
    ]
    prices = tmp_path / "prices.toml"
    prices.write_text(PRICES)
    minipr = Path(MINI).parent / "minipr"
    with ScriptedUpstream(turns, model="tester-1") as server:
        config = {"base_url": server.base_url, "model": "tester-1", "price_file": str(prices)}
        result = run_llm(
            tmp_path,
            "review",
            config,
            apps=[str(minipr)],
            tasks=["regression"],
            changes=["add-chai"],
            replays=1,
        )
        first = json.dumps(server.model_requests[0].body)
    assert result["status"] == "ok", result["error"]
    assert "Review this pull request" in first and "Add chai to the list" in first
    assert "minipr_backend.py" in first and "http://localhost:" in first and '"decide"' in first
    for secret in ("chai-item", "search-500", "total-off"):
        assert secret not in first  # the change's switches and bugs never reach the model
    assert result["decision"] == "block"
    assert verdicts(result) == [("validated", "search-500")]


def test_llm_triages_a_red_test_with_a_triage_prompt_and_its_tools(tmp_path: Path) -> None:
    """Asked why a test is red, the llm agent gets the test, its CI history and the failing
    run in its prompt (never the case's id, cause or bug), re-runs it through `run_test`,
    labels it and reports the product bug it found."""
    total = [
        {"action": "goto", "url": "/"},
        {
            "action": "expect",
            "condition": "text",
            "target": {"test_id": "total"},
            "text": "Total: 6",
            "exact": True,
            "timeout_ms": 4000,
        },
    ]
    turns = [
        ScriptedTurn.call("run_test", {}),
        ScriptedTurn.call("report_finding", {"title": "The total is off", "steps": total}),
        ScriptedTurn.call("label", {"label": "product_bug"}),
        ScriptedTurn.call("done", {}),
    ]
    prices = tmp_path / "prices.toml"
    prices.write_text(PRICES)
    minipr = Path(MINI).parent / "minipr"
    with ScriptedUpstream(turns, model="tester-1") as server:
        config = {"base_url": server.base_url, "model": "tester-1", "price_file": str(prices)}
        result = run_llm(
            tmp_path,
            "triage",
            config,
            apps=[str(minipr)],
            tasks=["flaky"],
            cases=["total-off-by-one"],
            replays=1,
        )
        first = json.dumps(server.model_requests[0].body)
        rerun = json.dumps(server.model_requests[1].body)
    assert result["status"] == "ok", result["error"]
    assert "A test of this app is red in CI" in first and "the total is the sum" in first
    assert "Recent CI runs (oldest first)" in first and "def test_red_test" in first
    for tool in ('"label"', '"fix_test"', '"run_test"'):
        assert tool in first
    for secret in ("total-off", "regressed"):  # the case's id, its bug and its kind
        assert secret not in first
    assert "failed: step 1 (expect)" in rerun  # the re-run's answer reached the model
    triage = result["triage"]
    assert (triage["truth"], triage["label"]) == ("product_bug", "product_bug")
    assert verdicts(result) == [("validated", "total-off")]
