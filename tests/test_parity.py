"""Parity: a finding means the same through the validator's replayer and as an exported
pytest-playwright test. Every step and assertion kind is run both ways on the `mini` app,
buggy and clean, 10 times each (`make test-slow`; 3 times in the default run), and the two
must agree on every run.

The exported side runs in a fresh venv holding only pytest-playwright (two pytest processes per
variant, each running every finding for half the runs); the replayer side runs on five lanes.
The late HTTP-5xx finding is the case that used to differ: the exported test waited for
`networkidle`, which returns at once on an idle page, so it finished before the failing request
and passed on the buggy app (10 of 10 runs on mini); the a11y claim with a target is the other
(the exporter dropped the target)."""

from __future__ import annotations

import asyncio
import hashlib
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import TOTAL_SHOWN
from export_venv import export_python, run_exported
from playwright.async_api import Browser

from frontendx.browser import Sandbox
from frontendx.repro import Finding, Locator, export_suite, parse_steps, write_exported_test
from frontendx.repro._steps import ACTIONS, Expect, ExpectCondition
from frontendx.suite import App, AppServer, get_state
from frontendx.validate import Outcome, Replayer, Validator, resolve

__all__ = ["export_python"]  # the fixture, imported for pytest

RUNS = 10  # `make test-slow`; the default run repeats each case 3 times
CHUNKS = 2  # pytest processes per variant (each runs RUNS / CHUNKS runs of every finding)
EXTRA_LANES = 2  # replay lanes beside the session's three mini servers
BUGGY = ("clear-throws", "narrow-overlap", "search-500", "total-off")
DESKTOP = get_state("desktop")
OUT = {"test_id": "out"}
SEARCH_TEA: list[dict[str, Any]] = [
    {"action": "goto", "url": "/"},
    TOTAL_SHOWN,
    {"action": "fill", "target": {"label": "Search"}, "value": "tea"},
    {"action": "click", "target": {"role": "button", "name": "Go"}},
]


def _out(text: str) -> dict[str, Any]:
    return {"action": "expect", "condition": "text", "target": OUT, "text": text}


def findings(clean_total_sha256: str) -> dict[str, tuple[list[dict[str, Any]], tuple[bool, bool]]]:
    """name -> (steps, (fails on buggy, fails on clean)) as the replayer is expected to judge."""
    return {
        "http_5xx": ([*SEARCH_TEA, {"action": "expect_no_http_error"}], (True, False)),
        # the failing request starts 250 ms after the click, on a page idle for a while: a
        # `networkidle` wait returns at once there (the old exporter passed this on buggy)
        "http_5xx_late": (
            [
                {"action": "goto", "url": "/extras.html"},
                {"action": "wait_for", "ms": 800},
                {"action": "click", "target": {"role": "button", "name": "Search later"}},
                {"action": "expect_no_http_error"},
            ],
            (True, False),
        ),
        "console_error": ([*SEARCH_TEA, {"action": "expect_no_console_error"}], (True, False)),
        "page_error": (
            [
                {"action": "goto", "url": "/"},
                {"action": "click", "target": {"role": "button", "name": "Clear"}},
                {"action": "expect_no_page_error"},
            ],
            (True, False),
        ),
        "total_text": (
            [
                {"action": "goto", "url": "/"},
                TOTAL_SHOWN,
                {
                    "action": "expect",
                    "condition": "count",
                    "target": {"css": "#list li"},
                    "count": 3,
                },
                {"action": "expect", "condition": "visible", "target": {"test_id": "total"}},
                {"action": "expect", "condition": "hidden", "target": {"text": "went wrong"}},
                {
                    "action": "expect",
                    "condition": "text",
                    "target": {"test_id": "total"},
                    "text": "Total: 6",
                    "exact": True,
                },
            ],
            (True, False),
        ),
        "total_region": (
            [
                {"action": "goto", "url": "/"},
                TOTAL_SHOWN,
                {
                    "action": "expect",
                    "condition": "screenshot_region",
                    "target": {"test_id": "total"},
                    "screenshot_sha256": clean_total_sha256,
                },
            ],
            (True, False),
        ),
        "narrow_overlap": (
            [
                {"action": "set_viewport", "width": 400, "height": 800},
                {"action": "goto", "url": "/"},
                # the app's style arrives by fetch: wait until it is in the page
                {
                    "action": "expect",
                    "condition": "count",
                    "target": {"css": "#s:empty"},
                    "count": 0,
                },
                {
                    "action": "expect_no_layout_overlap",
                    "a": {"role": "button", "name": "Go"},
                    "b": {"role": "button", "name": "Clear"},
                },
            ],
            (True, False),
        ),
        "every_action": (
            [
                {"action": "goto", "url": "/extras.html"},
                {"action": "select", "target": {"label": "Size"}, "values": ["l"]},
                _out("size l"),
                {"action": "check", "target": {"label": "Gift wrap"}},
                {
                    "action": "expect",
                    "condition": "attribute",
                    "target": OUT,
                    "attribute": "data-state",
                    "attribute_value": "gift on",
                },
                {"action": "uncheck", "target": {"label": "Gift wrap"}},
                _out("gift off"),
                {"action": "dblclick", "target": {"role": "button", "name": "Twice"}},
                _out("double"),
                {
                    "action": "expect",
                    "condition": "visible",
                    "target": {"text": "Tip shown"},
                    "negate": True,
                },
                {"action": "hover", "target": {"text": "Hover me"}},
                {"action": "expect", "condition": "visible", "target": {"text": "Tip shown"}},
                {"action": "drag", "source": {"css": "#src"}, "target": {"css": "#dst"}},
                _out("dropped"),
                {
                    "action": "upload",
                    "target": {"label": "File"},
                    "files": [{"name": "a.txt", "content": "hi"}],
                },
                _out("file a.txt"),
                {"action": "fill", "target": {"label": "Note"}, "value": "hello"},
                {"action": "press", "target": {"label": "Note"}, "key": "End"},
                {
                    "action": "expect",
                    "condition": "value",
                    "target": {"label": "Note"},
                    "value": "hello",
                },
                {"action": "press", "key": "k"},
                _out("key k"),
                {"action": "click", "target": {"role": "button", "name": "Later"}},
                {"action": "wait_for", "target": {"css": "#late"}},
                {"action": "wait_for", "ms": 50},
                {"action": "click", "target": {"role": "link", "name": "Home"}},
                {"action": "expect", "condition": "url", "url": "/?from=extras"},
            ],
            (False, False),
        ),
        # the claim's target counts: the page has an image without alt, outside <main>
        "a11y_in_target": (
            [
                {"action": "goto", "url": "/extras.html"},
                {
                    "action": "expect_no_a11y_violation",
                    "rule": "image-alt",
                    "target": {"css": "main"},
                },
            ],
            (False, False),
        ),
        "a11y_whole_page": (
            [
                {"action": "goto", "url": "/extras.html"},
                {"action": "expect_no_a11y_violation", "rule": "image-alt"},
            ],
            (True, True),
        ),
    }


async def _clean_total_sha256(browser: Browser, app: App, server: AppServer) -> str:
    """The total's region as the replayer screenshots it on the clean app."""
    await server.set_variant([])
    async with Sandbox(browser, app, server.url, DESKTOP, instrument=True) as box:
        replayer = Replayer(box.page, box.events, server.url)
        loaded = await replayer.run(parse_steps([{"action": "goto", "url": "/"}, TOTAL_SHOWN]))
        assert loaded.outcome is Outcome.HOLDS, loaded.message
        shot = await replayer.region_screenshot(resolve(box.page, Locator(test_id="total")))
    return hashlib.sha256(shot).hexdigest()


@pytest.mark.parametrize("runs", [3, pytest.param(RUNS, marks=pytest.mark.slow)])
async def test_replayer_and_exported_tests_agree_on_every_kind_buggy_and_clean(
    runs: int,
    tmp_path: Path,
    browser: Browser,
    mini_app: App,
    mini_servers: list[AppServer],
    export_python: Path,
) -> None:
    started = time.monotonic()
    cases = findings(await _clean_total_sha256(browser, mini_app, mini_servers[0]))
    parsed = {n: parse_steps(steps) for n, (steps, _) in cases.items()}
    used = {s.action for steps in parsed.values() for s in steps}
    conditions = {s.condition for steps in parsed.values() for s in steps if isinstance(s, Expect)}
    assert used == set(ACTIONS), f"kinds without a parity case: {set(ACTIONS) - used}"
    assert conditions == set(ExpectCondition.__args__), "an expect condition has no parity case"  # type: ignore[attr-defined]

    # the exported side: every finding x RUNS, split over CHUNKS files (pytest processes) per
    # variant, all at once
    folder = tmp_path / "exported"
    folder.mkdir()
    servers = {"buggy": AppServer(mini_app), "clean": AppServer(mini_app)}
    files: list[tuple[str, Path]] = []
    for chunk in range(CHUNKS):
        tests = [
            (f"{name}_run{run}", Finding(title=name, steps=steps))
            for run in range(chunk, runs, CHUNKS)
            for name, steps in parsed.items()
        ]
        source = export_suite(
            tests,
            app_url="http://127.0.0.1:1",
            context={"viewport": {"width": 1280, "height": 800}},
        )
        for variant in servers:
            files.append((variant, folder / f"test_{variant}_{chunk}.py"))
            write_exported_test(files[-1][1], source)
    lanes = [AppServer(mini_app) for _ in range(EXTRA_LANES)]
    for variant, server in servers.items():
        await server.start()
        await server.set_variant(BUGGY if variant == "buggy" else [])
    for lane in lanes:
        await lane.start()
    # the replayer side: the validator's own replays, same findings, same runs; both sides
    # run at once (the exported tests in their own processes) to keep the test short
    validator = Validator(browser, [*mini_servers, *lanes])
    keys = [
        (name, variant, run)
        for run in range(runs)
        for name in parsed
        for variant in ("buggy", "clean")
    ]
    side_s: dict[str, float] = {}

    async def timed(side: str, *work: Any) -> list[Any]:
        results = await asyncio.gather(*work)
        side_s[side] = time.monotonic() - both_started
        return results

    try:
        both_started = time.monotonic()
        results, outcomes = await asyncio.gather(
            timed(
                "exported",
                *(
                    asyncio.to_thread(run_exported, export_python, file, servers[variant].url)
                    for variant, file in files
                ),
            ),
            timed(
                "replayer",
                *(
                    validator.replay(parsed[name], BUGGY if variant == "buggy" else (), DESKTOP)
                    for name, variant, run in keys
                ),
            ),
        )
        both_s = time.monotonic() - both_started
    finally:
        for server in [*servers.values(), *lanes]:
            await server.stop()
    exported: dict[str, dict[str, bool]] = {"buggy": {}, "clean": {}}
    for (variant, file), (proc, passed) in zip(files, results, strict=True):
        output = f"{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}"
        expected_n = len(parsed) * len(range(int(file.stem[-1]), runs, CHUNKS))
        assert len(passed) == expected_n, f"{file.name}: pytest ran {len(passed)} tests\n{output}"
        exported[variant].update(passed)

    disagreements = []
    misjudged = []
    for (name, variant, run), result in zip(keys, outcomes, strict=True):
        replay_fails = result.outcome is not Outcome.HOLDS
        export_fails = not exported[variant][f"test_{name}_run{run}"]
        if replay_fails != export_fails:
            said = "fails" if export_fails else "passes"
            disagreements.append(
                f"{name} {variant} run {run}: replayer {result.outcome} ({result.message}), "
                f"exported {said}"
            )
        expected = cases[name][1][0 if variant == "buggy" else 1]
        if replay_fails != expected:
            misjudged.append(f"{name} {variant} run {run}: {result.outcome} {result.message}")
    print(
        f"parity: {len(keys)} replays ({side_s['replayer']:.1f} s) and {len(keys)} exported "
        f"tests ({side_s['exported']:.1f} s) in {both_s:.1f} s; total "
        f"{time.monotonic() - started:.1f} s"
    )
    logs = "\n".join(proc.stdout[-4000:] for proc, _ in results)
    assert not disagreements, "\n".join(disagreements) + "\n" + logs
    assert not misjudged, "\n".join(misjudged)
