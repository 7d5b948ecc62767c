"""Replay overhead: a 20-step repro replayed by the validator vs the same steps hand-written
against Playwright, side by side in one run, on one browser and one app server.

    .venv/bin/python benchmarks/replay_overhead.py [--rounds 10]

Both sides open a fresh browser context per round, as the validator does. The validator side
also pays for what makes replays trustworthy: the one-origin sandbox (request routing), the
in-page request probe, state reset, and settling before symptom assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright, expect

from frontendx.browser import launch_chromium
from frontendx.repro import parse_steps
from frontendx.suite import App, AppServer, get_state, load_app
from frontendx.validate import Outcome, Validator

MINI = Path(__file__).resolve().parent.parent / "tests" / "apps" / "mini"

REPRO = parse_steps(
    [
        {"action": "goto", "url": "/"},
        {
            "action": "expect",
            "condition": "text",
            "target": {"test_id": "total"},
            "text": "Total: 6",
        },
        {"action": "fill", "target": {"label": "Search"}, "value": "tea"},
        {"action": "click", "target": {"role": "button", "name": "Go"}},
        {"action": "expect", "condition": "text", "target": {"css": "#list"}, "text": "tea: 1"},
        {"action": "expect", "condition": "count", "target": {"css": "#list li"}, "count": 1},
        {"action": "fill", "target": {"label": "Search"}, "value": "co"},
        {"action": "click", "target": {"role": "button", "name": "Go"}},
        {"action": "expect", "condition": "count", "target": {"css": "#list li"}, "count": 2},
        {
            "action": "expect",
            "condition": "text",
            "target": {"test_id": "total"},
            "text": "Total: 5",
        },
        {"action": "click", "target": {"role": "button", "name": "Clear"}},
        {"action": "expect", "condition": "count", "target": {"css": "#list li"}, "count": 3},
        {"action": "expect", "condition": "value", "target": {"label": "Search"}, "value": ""},
        {"action": "fill", "target": {"label": "Search"}, "value": "cocoa"},
        {"action": "click", "target": {"role": "button", "name": "Go"}},
        {"action": "expect", "condition": "text", "target": {"css": "#list"}, "text": "cocoa: 3"},
        {"action": "hover", "target": {"role": "button", "name": "Go"}},
        {
            "action": "expect",
            "condition": "visible",
            "target": {"role": "heading", "name": "Mini list"},
        },
        {"action": "expect_no_page_error"},
        {"action": "expect_no_http_error"},
    ]
)


async def hand_written(browser: Browser, url: str) -> None:
    """What an engineer would write for the same 20 steps."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page: Page = await context.new_page()
    errors: list[str] = []
    bad: list[int] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: r.status >= 500 and bad.append(r.status))
    await page.goto(url + "/")
    await expect(page.get_by_test_id("total")).to_contain_text("Total: 6")
    search, go = page.get_by_label("Search"), page.get_by_role("button", name="Go")
    items = page.locator("#list li")
    await search.fill("tea")
    await go.click()
    await expect(page.locator("#list")).to_contain_text("tea: 1")
    await expect(items).to_have_count(1)
    await search.fill("co")
    await go.click()
    await expect(items).to_have_count(2)
    await expect(page.get_by_test_id("total")).to_contain_text("Total: 5")
    await page.get_by_role("button", name="Clear").click()
    await expect(items).to_have_count(3)
    await expect(search).to_have_value("")
    await search.fill("cocoa")
    await go.click()
    await expect(page.locator("#list")).to_contain_text("cocoa: 3")
    await go.hover()
    await expect(page.get_by_role("heading", name="Mini list")).to_be_visible()
    await page.wait_for_load_state("networkidle")
    assert not errors and not bad
    await context.close()


async def main(rounds: int) -> None:
    app: App = load_app(MINI)
    server = AppServer(app)
    await server.start()
    await server.set_variant(())
    desktop = get_state("desktop")
    async with async_playwright() as pw:
        browser = await launch_chromium(pw)
        validator = Validator(browser, [server])
        ours: list[float] = []
        theirs: list[float] = []
        # warm up both paths once, then interleave so drift affects both sides alike
        await hand_written(browser, server.url)
        warm = await validator.replay(REPRO, (), desktop)
        assert warm.outcome is Outcome.HOLDS, warm.message
        for _ in range(rounds):
            started = time.perf_counter()
            result = await validator.replay(REPRO, (), desktop)
            ours.append(time.perf_counter() - started)
            assert result.outcome is Outcome.HOLDS, result.message
            started = time.perf_counter()
            await hand_written(browser, server.url)
            theirs.append(time.perf_counter() - started)
        await browser.close()
    await server.stop()
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"20-step repro, {rounds} rounds each, interleaved, medians:")
    print(f"  validator replay (sandbox + reset + replayer): {a * 1000:7.0f} ms")
    print(f"  hand-written Playwright script:                {b * 1000:7.0f} ms")
    print(f"  ratio validator / hand-written: {a / b:.2f}  (target <= 1.1)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    asyncio.run(main(parser.parse_args().rounds))
