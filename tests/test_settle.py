"""`PageEvents.settle`: back-to-back symptom assertions wait once, and a settle after a step
that acts or fetches still waits for the requests it starts late (the mini app's extras page
starts its search 250 ms after the click, on a page idle for a while)."""

from __future__ import annotations

import time
from typing import Any

from playwright.async_api import Browser

from frontendx.browser import Sandbox
from frontendx.repro import parse_steps
from frontendx.suite import App, AppServer, get_state
from frontendx.validate import Outcome, Replayer

DESKTOP = get_state("desktop")
IDLE_EXTRAS: list[dict[str, Any]] = [
    {"action": "goto", "url": "/extras.html"},
    {"action": "wait_for", "ms": 800},
]
SEARCH_LATER: dict[str, Any] = {
    "action": "click",
    "target": {"role": "button", "name": "Search later"},
}


async def _replay(
    browser: Browser, app: App, server: AppServer, bugs: list[str], steps: list[dict[str, Any]]
) -> Outcome:
    await server.set_variant(bugs)
    async with Sandbox(browser, app, server.url, DESKTOP, instrument=True) as box:
        result = await Replayer(box.page, box.events, server.url).run(parse_steps(steps))
    return result.outcome


async def test_a_settle_after_a_click_waits_for_its_late_request(
    browser: Browser, mini_app: App, mini_servers: list[AppServer]
) -> None:
    """A settle that found the page quiet, then a click whose request starts 250 ms later:
    the next settle must not return at once ("no request since the last settle" is not
    enough), or the late 5xx goes unseen."""
    server = mini_servers[0]
    steps = [
        *IDLE_EXTRAS,
        {"action": "expect_no_page_error"},  # settles on the idle page
        SEARCH_LATER,
        {"action": "expect_no_http_error"},
    ]
    assert await _replay(browser, mini_app, server, ["search-500"], steps) is Outcome.FAILS
    assert await _replay(browser, mini_app, server, [], steps) is Outcome.HOLDS


async def test_back_to_back_settles_wait_once_and_fetches_in_between_count(
    browser: Browser, mini_app: App, mini_servers: list[AppServer]
) -> None:
    server = mini_servers[1]
    await server.set_variant(["search-500"])
    async with Sandbox(browser, mini_app, server.url, DESKTOP, instrument=True) as box:
        replayer = Replayer(box.page, box.events, server.url)
        shown = {"action": "expect", "condition": "visible", "target": SEARCH_LATER["target"]}
        loaded = await replayer.run(parse_steps([*IDLE_EXTRAS, shown]))
        assert loaded.outcome is Outcome.HOLDS, loaded.message
        events = box.events
        started = time.monotonic()
        await events.settle(quiet_s=2.0)
        first = time.monotonic() - started
        started = time.monotonic()
        await events.settle(quiet_s=2.0)
        second = time.monotonic() - started
        assert first >= 2.0, f"the first settle waited only {first:.2f} s"
        assert second < 1.0, f"nothing happened since the last settle, yet it waited {second:.2f} s"
        # a request the page starts by itself (no input) between two settles: waited for
        await box.page.evaluate("() => { fetch('/api/items?q=tea'); }")
        await events.settle()
        assert [e.status for e in events.http_errors] == [500], events.http_errors
