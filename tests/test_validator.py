"""The validator, by differential replay in real Chromium against the `mini` app."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import TOTAL_SHOWN
from playwright.async_api import Browser

from frontendx.errors import AppError
from frontendx.records import ReportedFinding, VerdictKind
from frontendx.repro import parse_finding
from frontendx.suite import App, AppServer, get_state
from frontendx.validate import Outcome, Validator

ALL = ("clear-throws", "narrow-overlap", "search-500", "total-off")
DESKTOP = get_state("desktop")


def reported(raw: dict[str, Any], index: int = 0) -> ReportedFinding:
    return ReportedFinding(index=index, found_at=1.0, finding=parse_finding(raw))


def truth(app: App, bug: str, index: int = 0) -> ReportedFinding:
    steps = [s.model_dump(mode="json", exclude_none=True) for s in app.bugs[bug].repro]
    return reported({"title": bug, "steps": steps}, index)


async def test_ground_truth_repro_is_validated_and_attributed_among_all_bugs(
    browser: Browser, mini_app: App, mini_servers: list[AppServer]
) -> None:
    validator = Validator(browser, mini_servers)
    judged = await validator.judge_all([truth(mini_app, "total-off")], ALL, DESKTOP)
    verdict = judged[0].verdict
    assert verdict is not None
    assert (verdict.kind, verdict.bug_id) == (VerdictKind.VALIDATED, "total-off")
    purposes = [r.purpose for r in verdict.replays]
    assert purposes.count("buggy") == 3 and purposes.count("clean") == 1
    # a screen of each bug that shows on desktop alone, then the confirming removal
    attribution = [r for r in verdict.replays if r.purpose == "attribution"]
    alone = {r.variant[0]: r.outcome for r in attribution if len(r.variant) == 1}
    assert alone == {"clear-throws": "holds", "search-500": "holds", "total-off": "fails"}
    (removal,) = [r for r in attribution if len(r.variant) > 1]
    assert "total-off" not in removal.variant and removal.outcome == "holds"


async def test_second_finding_for_the_same_bug_is_a_duplicate(
    browser: Browser, mini_app: App, mini_servers: list[AppServer]
) -> None:
    findings = [truth(mini_app, "search-500", 0), truth(mini_app, "search-500", 1)]
    judged = await Validator(browser, mini_servers).judge_all(findings, ("search-500",), DESKTOP)
    kinds = [f.verdict.kind for f in judged if f.verdict]
    assert kinds == [VerdictKind.VALIDATED, VerdictKind.DUPLICATE]
    assert not VerdictKind.DUPLICATE.is_false_positive


async def test_claim_that_holds_on_the_buggy_app_is_not_reproduced(
    browser: Browser, mini_servers: list[AppServer]
) -> None:
    finding = reported(
        {
            "title": "Total is wrong",
            "steps": [
                {"action": "goto", "url": "/"},
                TOTAL_SHOWN,
                {
                    "action": "expect",
                    "condition": "text",
                    "target": {"test_id": "total"},
                    "text": "Total: 6",
                },
            ],
        }
    )
    verdict = await Validator(browser, mini_servers).judge(finding, ("search-500",), DESKTOP, set())
    assert verdict.kind is VerdictKind.NOT_REPRODUCED
    assert verdict.kind.is_false_positive


async def test_claim_that_also_fails_on_the_clean_app_is_flagged(
    browser: Browser, mini_servers: list[AppServer]
) -> None:
    finding = reported(
        {
            "title": "No checkout button",
            "steps": [
                {"action": "goto", "url": "/"},
                {
                    "action": "expect",
                    "condition": "visible",
                    "target": {"text": "Checkout"},
                    "timeout_ms": 300,
                },
            ],
        }
    )
    verdict = await Validator(browser, mini_servers).judge(finding, ALL, DESKTOP, set())
    assert verdict.kind is VerdictKind.ALSO_ON_CLEAN


async def test_steps_that_cannot_run_are_invalid(
    browser: Browser, mini_servers: list[AppServer]
) -> None:
    finding = reported(
        {
            "title": "Pay button broken",
            "steps": [
                {"action": "goto", "url": "/"},
                {"action": "click", "target": {"role": "button", "name": "Pay now"}},
                {"action": "expect_no_page_error"},
            ],
        }
    )
    validator = Validator(browser, mini_servers)
    validator_timeout = await validator.judge(finding, ALL, DESKTOP, set())
    assert validator_timeout.kind is VerdictKind.INVALID
    assert "step 1 (click)" in validator_timeout.reason


async def test_malformed_finding_is_invalid_without_replaying(
    browser: Browser, mini_servers: list[AppServer]
) -> None:
    bad = ReportedFinding(index=0, found_at=0.5, raw={"title": 3}, error="invalid finding: title")
    verdict = await Validator(browser, mini_servers).judge(bad, ALL, DESKTOP, set())
    assert verdict.kind is VerdictKind.INVALID and verdict.replays == []


async def test_claim_failing_in_some_replays_only_is_flaky(browser: Browser, mini_app: App) -> None:
    # one server, so replays run in order; its visit counter survives resets on purpose
    server = AppServer(mini_app)
    await server.start()
    try:
        finding = reported(
            {
                "title": "Visit counter is not two",
                "steps": [
                    {"action": "goto", "url": "/"},
                    # the counter has loaded: only its value can make the claim fail
                    {
                        "action": "expect",
                        "condition": "text",
                        "target": {"test_id": "visits"},
                        "text": "Visit",
                        "timeout_ms": 15_000,
                    },
                    {
                        "action": "expect",
                        "condition": "text",
                        "target": {"test_id": "visits"},
                        "text": "Visit 2",
                        "exact": True,
                        "timeout_ms": 1000,
                    },
                ],
            }
        )
        verdict = await Validator(browser, [server]).judge(finding, ("total-off",), DESKTOP, set())
    finally:
        await server.stop()
    assert verdict.kind is VerdictKind.FLAKY_REPRO
    buggy = [r.outcome for r in verdict.replays if r.purpose == "buggy"]
    assert buggy == ["fails", "holds", "fails"]


async def test_state_only_bug_shows_only_in_its_state(
    browser: Browser, mini_app: App, mini_servers: list[AppServer]
) -> None:
    validator = Validator(browser, mini_servers)
    steps = mini_app.bugs["narrow-overlap"].repro
    on_phone = await validator.replay(steps, ("narrow-overlap",), get_state("mobile"))
    on_desktop = await validator.replay(steps, ("narrow-overlap",), DESKTOP)
    assert on_phone.outcome is Outcome.FAILS and "overlap" in on_phone.message
    assert on_desktop.outcome is Outcome.HOLDS


async def test_symptom_claims_catch_page_errors_and_http_errors(
    browser: Browser, mini_app: App, mini_servers: list[AppServer]
) -> None:
    validator = Validator(browser, mini_servers)
    crash = await validator.replay(mini_app.bugs["clear-throws"].repro, ("clear-throws",), DESKTOP)
    server_error = await validator.replay(
        mini_app.bugs["search-500"].repro, ("search-500",), DESKTOP
    )
    assert crash.outcome is Outcome.FAILS and "undefinedThing" in crash.message
    assert server_error.outcome is Outcome.FAILS and "HTTP 500" in server_error.message


async def test_count_assertions_count_every_match(
    browser: Browser, mini_servers: list[AppServer]
) -> None:
    finding = reported(
        {
            "title": "three items",
            "steps": [
                {"action": "goto", "url": "/"},
                {
                    "action": "expect",
                    "condition": "count",
                    "target": {"css": "#list li"},
                    "count": 3,
                },
            ],
        }
    )
    assert finding.finding is not None
    result = await Validator(browser, mini_servers).replay(finding.finding.steps, (), DESKTOP)
    assert result.outcome is Outcome.HOLDS, result.message


async def test_a_replay_that_cannot_reach_its_app_leaves_no_replay_running(
    browser: Browser, mini_app: App
) -> None:
    # A pool worker keeps its event loop across episodes: a replay left running after its
    # episode failed would switch app servers under the next episode's replays.
    live, never_started = AppServer(mini_app), AppServer(mini_app)
    await live.start()
    before = asyncio.all_tasks()
    try:
        validator = Validator(browser, [live, never_started])
        with pytest.raises(AppError, match="not running"):
            await validator.judge_all([truth(mini_app, "total-off")], ("total-off",), DESKTOP)
        left = asyncio.all_tasks() - before - {asyncio.current_task()}
        assert [t for t in left if not t.done()] == []
    finally:
        await live.stop()


async def test_a_failed_variant_switch_forgets_the_variant(mini_app: App) -> None:
    server = AppServer(mini_app)
    await server.start()
    try:
        await server.set_variant(("total-off",))
        assert server.active == {"total-off"}
        with pytest.raises(AppError, match="no bugs or edits named"):
            await server.set_variant(("no-such-bug",))
        # the next replay must switch again rather than trust a variant it cannot know
        assert server.active is None
    finally:
        await server.stop()
