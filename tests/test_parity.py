"""Parity: a finding means the same through the validator's replayer and as an exported
pytest-playwright test. Every step and assertion kind is run both ways on the `mini` app,
buggy and clean, 10 times each (`make test-slow`; 3 times in the default run), and the two
must agree on every run.

The exported side runs in a fresh venv holding only pytest-playwright (two pytest processes per
variant, each running every finding for half the runs); the replayer side runs on five lanes.
The late HTTP-5xx finding is the case that used to differ: the exported test waited for
`networkidle`, which returns at once on an idle page, so it finished before the failing request
and passed on the buggy app (10 of 10 runs on mini); the a11y claim with a target is the other
(the exporter dropped the target).

The visual assertions (`visual_findings`) compare with a base build: the clean app, reached
under its other host name by the replayer's sandbox and by the exported tests'
`--reference-url`. Their measurements are deterministic, so the default run replays them once
per variant (each holds in one case and fails in another), the slow run as often as the rest."""

from __future__ import annotations

import asyncio
import hashlib
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import TOTAL_SHOWN
from export_venv import export_python, run_exported
from playwright.async_api import Browser

from frontendx.browser import Sandbox
from frontendx.repro import (
    Finding,
    Locator,
    Step,
    export_suite,
    parse_steps,
    write_exported_test,
)
from frontendx.repro._steps import ACTIONS, Expect, ExpectCondition
from frontendx.suite import App, AppServer, get_state
from frontendx.validate import Outcome, Replayer, ReplayResult, Validator, resolve

__all__ = ["export_python"]  # the fixture, imported for pytest

RUNS = 10  # `make test-slow`; the default run repeats each case 3 times
CHUNKS = 1  # pytest processes per variant (each runs RUNS / CHUNKS runs of every finding)
EXTRA_LANES = 1  # replay lanes beside the session's three mini servers
VISUAL_AT_ONCE = 2  # visual replays at once (the other replays are bounded by the lanes)
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


STYLED: list[dict[str, Any]] = [
    {"action": "goto", "url": "/"},
    # the app's style arrives by fetch: wait until it is in the page
    {
        "action": "expect",
        "condition": "count",
        "target": {"css": "#s:empty"},
        "count": 0,
        "timeout_ms": 15_000,
    },
]
GO = {"role": "button", "name": "Go"}


def visual_findings() -> dict[str, tuple[list[dict[str, Any]], tuple[bool, bool]]]:
    """The visual assertions, replayed with the clean app as the base build: each holds in
    `visual_holds` and fails in a case of its own on both variants; the comparison with the
    base build fails only where the narrow-overlap bug moves a button, and holds on clean."""
    return {
        "visual_holds": (
            [
                *STYLED,
                {"action": "expect_contrast", "target": {"css": "h1"}},
                {"action": "expect_no_overflow", "target": {"css": ".bar"}},
                {"action": "expect_focus_visible", "target": GO},
            ],
            (False, False),
        ),
        # black on the button's grey is about 18:1
        "contrast_below": (
            [*STYLED, {"action": "expect_contrast", "target": GO, "min_ratio": 19}],
            (True, True),
        ),
        "overflowing_field": (
            [
                *STYLED,
                {"action": "fill", "target": {"label": "Search"}, "value": "tea " * 40},
                {"action": "expect_no_overflow", "target": {"label": "Search"}},
            ],
            (True, True),
        ),
        "focus_too_faint": (
            [
                *STYLED,
                {"action": "expect_focus_visible", "target": GO, "min_changed_pixels": 100_000},
            ],
            (True, True),
        ),
        "narrow_against_base": (
            [
                {"action": "set_viewport", "width": 400, "height": 800},
                *STYLED,
                {"action": "expect_matches_base", "target": {"css": ".bar"}},
            ],
            (True, False),
        ),
    }


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
                *STYLED,
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
    visual = visual_findings()
    parsed = {n: parse_steps(steps) for n, (steps, _) in cases.items()}
    parsed_visual = {n: parse_steps(steps) for n, (steps, _) in visual.items()}
    # deterministic measurements: once per variant in the default run, as often as the
    # others in the slow one
    visual_runs = 1 if runs < RUNS else runs

    def visual_in(chunk: int) -> list[int]:
        """The visual runs a chunk's file holds: from the last chunk back, which the other
        runs leave the lighter."""
        return [run for run in range(visual_runs) if CHUNKS - 1 - run % CHUNKS == chunk]

    used = {s.action for steps in [*parsed.values(), *parsed_visual.values()] for s in steps}
    conditions = {s.condition for steps in parsed.values() for s in steps if isinstance(s, Expect)}
    assert used == set(ACTIONS), f"kinds without a parity case: {set(ACTIONS) - used}"
    assert conditions == set(ExpectCondition.__args__), "an expect condition has no parity case"  # type: ignore[attr-defined]

    # the exported side: every finding x RUNS, split over CHUNKS files (pytest processes) per
    # variant, all at once
    folder = tmp_path / "exported"
    folder.mkdir()
    servers = {"buggy": AppServer(mini_app), "clean": AppServer(mini_app)}
    files: list[tuple[str, Path]] = []
    file_of: dict[tuple[str, str], Path] = {}  # (variant, test name) -> its exported file
    for chunk in range(CHUNKS):
        tests = [
            (f"{name}_run{run}", Finding(title=name, steps=steps))
            for run in range(chunk, runs, CHUNKS)
            for name, steps in parsed.items()
        ] + [
            (f"{name}_run{run}", Finding(title=name, steps=steps))
            for run in visual_in(chunk)
            for name, steps in parsed_visual.items()
        ]
        source = export_suite(
            tests,
            app_url="http://127.0.0.1:1",
            context={"viewport": {"width": 1280, "height": 800}},
        )
        for variant in servers:
            files.append((variant, folder / f"test_{variant}_{chunk}.py"))
            write_exported_test(files[-1][1], source)
            file_of.update({(variant, test): files[-1][1] for test, _ in tests})
    lanes = [AppServer(mini_app) for _ in range(EXTRA_LANES)]
    for variant, server in servers.items():
        await server.start()
        await server.set_variant(BUGGY if variant == "buggy" else [])
    for lane in lanes:
        await lane.start()
    # the clean app is the base build of the visual claims, under its other host name
    reference_url = servers["clean"].reference_url
    # the replayer side: the validator's own replays, same findings, same runs; both sides
    # run at once (the exported tests in their own processes) to keep the test short
    validator = Validator(browser, [*mini_servers, *lanes])
    keys = [
        (name, variant, run)
        for run in range(runs)
        for name in parsed
        for variant in ("buggy", "clean")
    ]
    visual_keys = [
        (name, variant, run)
        for run in range(visual_runs)
        for name in parsed_visual
        for variant in ("buggy", "clean")
    ]

    # a visual replay screenshots and diffs images: a few at a time, beside the lanes' replays
    # and the exported processes, keep two cores from starving them into timeouts
    visual_slots = asyncio.Semaphore(VISUAL_AT_ONCE)

    async def replay_visual(steps: list[Step], server: AppServer) -> ReplayResult:
        """A replay as the validator's, on the exported side's server, with a base build."""
        async with (
            visual_slots,
            Sandbox(
                browser, mini_app, server.url, DESKTOP, instrument=True, also=[reference_url]
            ) as box,
        ):
            replayer = Replayer(box.page, box.events, server.url, reference_url=reference_url)
            return await replayer.run(steps)

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
                    asyncio.to_thread(
                        run_exported,
                        export_python,
                        file,
                        servers[variant].url,
                        "--reference-url",
                        reference_url,
                    )
                    for variant, file in files
                ),
            ),
            timed(
                "replayer",
                *(
                    validator.replay(parsed[name], BUGGY if variant == "buggy" else (), DESKTOP)
                    for name, variant, run in keys
                ),
                *(
                    replay_visual(parsed_visual[name], servers[variant])
                    for name, variant, run in visual_keys
                ),
            ),
        )
        both_s = time.monotonic() - both_started
        exported: dict[str, dict[str, bool]] = {"buggy": {}, "clean": {}}
        for (variant, file), (proc, passed) in zip(files, results, strict=True):
            output = f"{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}"
            chunk = int(file.stem[-1])
            expected_n = len(parsed) * len(range(chunk, runs, CHUNKS)) + len(parsed_visual) * len(
                visual_in(chunk)
            )
            assert len(passed) == expected_n, (
                f"{file.name}: pytest ran {len(passed)} tests\n{output}"
            )
            exported[variant].update(passed)

        every = {**cases, **visual}

        def judged(
            name: str, variant: str, run: int, result: ReplayResult, export_passed: bool
        ) -> list[str]:
            """What is wrong with one key's pair of outcomes (nothing when both sides agree
            with each other and with the expected outcome)."""
            replay_fails = result.outcome is not Outcome.HOLDS
            wrong = []
            if replay_fails == export_passed:
                said = "passes" if export_passed else "fails"
                wrong.append(
                    f"{name} {variant} run {run}: replayer {result.outcome} "
                    f"({result.message}), exported {said}"
                )
            if replay_fails != every[name][1][0 if variant == "buggy" else 1]:
                wrong.append(f"{name} {variant} run {run}: misjudged: {result.outcome}")
            return wrong

        async def alone(name: str, variant: str, run: int) -> tuple[ReplayResult, bool]:
            """One key again, each side on its own, one after the other: on a quiet machine."""
            if name in parsed_visual:
                result = await replay_visual(parsed_visual[name], servers[variant])
            else:
                bugs = BUGGY if variant == "buggy" else ()
                result = await validator.replay(parsed[name], bugs, DESKTOP)
            test = f"test_{name}_run{run}"
            _, passed = await asyncio.to_thread(
                run_exported,
                export_python,
                file_of[(variant, f"{name}_run{run}")],
                servers[variant].url,
                "--reference-url",
                reference_url,
                "-k",
                test,
            )
            return result, passed[test]

        # A key whose sides disagree (or misjudge) under the load of the concurrent pass is
        # run again alone. Load only makes a side time out; a real difference between the
        # replayer and the exporter shows again, and fails the test.
        flakes, failures = [], []
        for (name, variant, run), result in zip([*keys, *visual_keys], outcomes, strict=True):
            wrong = judged(name, variant, run, result, exported[variant][f"test_{name}_run{run}"])
            if not wrong:
                continue
            again = judged(name, variant, run, *(await alone(name, variant, run)))
            (failures if again else flakes).append("; ".join(wrong + again))
    finally:
        for server in [*servers.values(), *lanes]:
            await server.stop()
    print(
        f"parity: {len(outcomes)} replays ({side_s['replayer']:.1f} s) and "
        f"{sum(len(p) for _, p in results)} exported "
        f"tests ({side_s['exported']:.1f} s) in {both_s:.1f} s; total "
        f"{time.monotonic() - started:.1f} s"
    )
    visual_s = [
        sum(
            float(case.get("time", 0))
            for case in ET.parse(file.with_suffix(".junit.xml")).getroot().iter("testcase")
            if case.get("name", "").rsplit("_run", 1)[0].removeprefix("test_") in parsed_visual
        )
        for _, file in files
    ]
    print(
        f"parity: the visual cases took {', '.join(f'{s:.1f}' for s in visual_s)} s of the "
        "exported files' time"
    )
    for flake in flakes:
        print(f"parity: under load, then agreeing alone: {flake}")
    logs = "\n".join(proc.stdout[-4000:] for proc, _ in results)
    assert not failures, "\n".join(failures) + "\n" + logs
