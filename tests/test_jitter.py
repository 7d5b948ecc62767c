"""Jitter (docs/design.md, "Jitter"): seeded latency and list order on a real app server, a
shifted clock and scaled animations in real Chromium; reproducible from the seed, and off
unless set."""

from __future__ import annotations

import math
import random
import statistics
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from playwright.async_api import Browser
from pydantic import ValidationError

from frontendx.browser import Sandbox
from frontendx.suite import (
    App,
    AppManifest,
    AppServer,
    Jitter,
    Latency,
    Unordered,
    get_state,
    load_app,
)
from frontendx.suite._jitter import shuffled
from frontendx.suite._manifest import validation_problems

ITEMS = ["tea", "coffee", "cocoa"]  # the mini app's list, in its backend's order
DESKTOP = get_state("desktop")
FIXED_DELAY = Latency(min_ms=400, median_ms=0, max_ms=400)


@pytest.fixture(scope="module")
async def server(mini_app: App) -> AsyncIterator[AppServer]:
    # a server of its own: the shared ones must never see jitter
    served = AppServer(mini_app)
    await served.start()
    yield served
    await served.stop()


async def _items(server: AppServer, n: int, query: str = "") -> list[tuple[list[str], float]]:
    """`n` sequential GET /api/items: each answer's item names and its wall time."""
    out = []
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        for _ in range(n):
            started = time.perf_counter()
            response = await client.get("/api/items", params={"q": query})
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            out.append(([i["name"] for i in response.json()["items"]], elapsed))
    return out


def test_latency_follows_the_documented_distribution() -> None:
    latency = Latency()  # the defaults docs/design.md quotes
    rng = random.Random(1)
    draws = sorted(latency.draw_ms(rng) for _ in range(20_000))
    assert draws[0] >= 5.0 and draws[-1] <= 1500.0
    assert statistics.median(draws) == pytest.approx(45.0, rel=0.05)
    assert draws[int(0.9 * len(draws))] == pytest.approx(5 + 40 * math.exp(1.2816), rel=0.07)
    assert statistics.fmean(draws) == pytest.approx(5 + 40 * math.exp(0.5), rel=0.07)
    assert Latency(min_ms=0, median_ms=0).draw_ms(rng) == 0.0
    with pytest.raises(ValidationError):
        Latency(min_ms=50, max_ms=10)
    with pytest.raises(ValidationError):
        Jitter(seed=1, animation_scale=(3.0, 1.0))


def test_draws_are_functions_of_the_seed_and_the_request() -> None:
    a, b = Jitter(seed=1), Jitter(seed=2)
    delays = [a.delay_s("GET", "/api/x", n) for n in range(10)]
    assert delays == [Jitter(seed=1).delay_s("GET", "/api/x", n) for n in range(10)]
    assert delays != [b.delay_s("GET", "/api/x", n) for n in range(10)]
    assert delays != [a.delay_s("GET", "/api/y", n) for n in range(10)]
    assert a.clock_offset_ms() == Jitter(seed=1).clock_offset_ms() != b.clock_offset_ms()
    assert abs(a.clock_offset_ms()) <= 129_600_000
    assert 0.5 <= a.animation_factor() <= 3.0 and a.animation_factor() != b.animation_factor()
    assert Jitter(seed=1, clock_offset_s=(60, 60)).clock_offset_ms() == 60_000
    assert Jitter(seed=1, shuffle=False).order("GET", "/api/x", 0, "$", 5) == [0, 1, 2, 3, 4]


def test_unordered_rules_shuffle_only_the_lists_they_name() -> None:
    jitter = Jitter(seed=3)
    orders = {"orders": [{"id": i, "lines": list(range(8))} for i in range(8)], "tags": [1, 2]}
    rule = Unordered.model_validate({"path": "/api/*/orders", "lists": ["orders.*.lines"]})
    out = shuffled(orders, [rule], jitter, "GET", "/api/u1/orders", 0)
    assert [o["id"] for o in out["orders"]] == list(range(8))  # not named: kept
    assert out["tags"] == [1, 2]
    assert all(sorted(o["lines"]) == list(range(8)) for o in out["orders"])
    assert any(o["lines"] != list(range(8)) for o in out["orders"])
    assert out == shuffled(orders, [rule], jitter, "GET", "/api/u1/orders", 0)
    # no match: another segment count, another method
    assert shuffled(orders, [rule], jitter, "GET", "/api/u/1/orders", 0) == orders
    assert shuffled(orders, [rule], jitter, "POST", "/api/u1/orders", 0) == orders
    top = Unordered.model_validate("/api/**")  # a bare path: the answer is the list
    assert sorted(shuffled(list(range(9)), [top], jitter, "GET", "/api/a/b", 0)) == list(range(9))
    assert shuffled(list(range(9)), [top], jitter, "GET", "/api/a/b", 0) != list(range(9))


async def test_jitter_is_off_by_default(server: AppServer) -> None:
    assert server.jitter is None
    answers = await _items(server, 6)
    assert all(names == ITEMS for names, _ in answers)


async def test_same_seed_same_delays_and_orders_another_seed_others(server: AppServer) -> None:
    latency = Latency(min_ms=0, median_ms=120, sigma=0.8, max_ms=500)
    jitter = Jitter(seed=11, latency=latency)
    await server.set_jitter(jitter)
    try:
        first = await _items(server, 8)
        await server.reset()  # the draws start over from the seed
        again = await _items(server, 8, query="")
        await server.set_jitter(Jitter(seed=12, latency=latency))
        other = await _items(server, 8)
    finally:
        await server.set_jitter(None)
    off = await _items(server, 4)

    orders = [names for names, _ in first]
    assert orders == [names for names, _ in again]
    assert orders != [names for names, _ in other]
    assert all(sorted(names) == sorted(ITEMS) for names in orders)
    assert len({tuple(names) for names in orders}) > 1  # shuffled, not one fixed order
    # the order and delay each answer got are the ones the seed gives (key: method and path)
    assert orders == [
        [ITEMS[i] for i in jitter.order("GET", "/api/items", n, "items", 3)] for n in range(8)
    ]
    for n, (_, elapsed) in enumerate(first + again):
        wanted = jitter.delay_s("GET", "/api/items", n % 8)
        assert wanted - 0.005 <= elapsed < wanted + 0.4, (n, wanted, elapsed)
    assert [names for names, _ in off] == [ITEMS] * 4


async def test_latency_applies_to_every_request_and_stops_when_off(server: AppServer) -> None:
    async def timed(path: str) -> float:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            started = time.perf_counter()
            (await client.get(path)).raise_for_status()
            return time.perf_counter() - started

    await server.set_jitter(Jitter(seed=5, latency=FIXED_DELAY, shuffle=False))
    try:
        on = [await timed(p) for p in ("/", "/api/items", "/api/style")]
        unshuffled = await _items(server, 4)
    finally:
        await server.set_jitter(None)
    off = [await timed(p) for p in ("/", "/api/items", "/api/style")]
    assert all(t >= 0.395 for t in on), on
    assert [names for names, _ in unshuffled] == [ITEMS] * 4  # shuffle=False: order kept
    assert statistics.median(off) < 0.2, off


async def _page_probe(box: Sandbox) -> dict[str, Any]:
    await box.page.goto(box.app_url + "/")
    await box.page.locator("#list li").nth(2).wait_for()
    result: dict[str, Any] = await box.page.evaluate(
        """async () => {
          const items = [...document.querySelectorAll('#list li')].map(li => li.textContent);
          const style = document.createElement('style');
          style.textContent = '@keyframes fxgrow { from { opacity: 0 } to { opacity: 1 } }';
          document.head.appendChild(style);
          const el = document.createElement('div');
          el.style.cssText = 'width:10px;height:10px;transition:width 300ms linear';
          document.body.appendChild(el);
          el.getBoundingClientRect();
          let t = performance.now();
          const ended = new Promise(r => el.addEventListener('transitionend', r, {once: true}));
          el.style.width = '100px';
          await ended;
          const transition = performance.now() - t;
          t = performance.now();
          const started = new Promise(r => el.addEventListener('animationend', r, {once: true}));
          el.style.animation = 'fxgrow 300ms linear';
          await started;
          const animation = performance.now() - t;
          t = performance.now();
          await el.animate([{opacity: 0}, {opacity: 1}], {duration: 300}).finished;
          const web = performance.now() - t;
          return {items, now: Date.now(), date: new Date().getTime(), string: Date(),
                  isDate: new Date() instanceof Date, parsed: new Date(0).getTime(),
                  transition, animation, web};
        }"""
    )
    return result


async def test_the_page_sees_the_shifted_clock_slower_animations_and_shuffled_list(
    browser: Browser, mini_app: App, server: AppServer
) -> None:
    jitter = Jitter(seed=21, clock_offset_s=(86_400, 86_400), animation_scale=(3.0, 3.0))
    await server.set_jitter(jitter)
    try:
        async with Sandbox(browser, mini_app, server.url, DESKTOP, jitter=jitter) as box:
            real = time.time() * 1000
            on = await _page_probe(box)
    finally:
        await server.set_jitter(None)
    async with Sandbox(browser, mini_app, server.url, DESKTOP) as box:
        real_off = time.time() * 1000
        off = await _page_probe(box)

    day = 86_400_000
    assert abs(on["now"] - real - day) < 10_000 and abs(on["date"] - real - day) < 10_000
    assert on["isDate"] and on["parsed"] == 0  # dates with arguments are not shifted
    assert on["string"] != off["string"]
    # the page's first /api/items answer, in the order the seed gives
    first = [ITEMS[i] for i in jitter.order("GET", "/api/items", 0, "items", 3)]
    assert [item.split(":")[0] for item in on["items"]] == first
    for kind in ("transition", "animation", "web"):
        assert 800 <= on[kind] < 3000, (kind, on[kind])  # 300 ms x 3
        assert off[kind] < 700, (kind, off[kind])
    assert abs(off["now"] - real_off) < 10_000
    assert [item.split(":")[0] for item in off["items"]] == ITEMS


def test_the_manifest_field_is_optional_checked_and_left_out_of_the_hash_when_empty(
    mini_app: App,
) -> None:
    raw = yaml.safe_load((mini_app.root / "app.yaml").read_text())
    assert mini_app.manifest.unordered == [Unordered(path="/api/items", lists=["items"])]
    assert '"unordered"' in mini_app.manifest.model_dump_json()
    without = AppManifest.model_validate({k: v for k, v in raw.items() if k != "unordered"})
    # an app that marks nothing dumps (and so hashes) exactly as before the field existed
    assert "unordered" not in without.model_dump_json()
    with pytest.raises(ValidationError) as caught:
        AppManifest.model_validate({**raw, "unordered": [{"path": "api/items"}]})
    problems = validation_problems(raw, caught.value)
    assert any(p.startswith("field `unordered.0.path`") for p in problems), problems


_LIST_SERVER = """
import json, os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"rows": list(range(12))}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""


async def test_an_app_with_its_own_server_gets_jitter_through_the_forwarding(
    tmp_path: Path,
) -> None:
    """Jitter lives in the app server's front, so an app started by its own command (its
    answers forwarded, length and all) is delayed and shuffled the same way."""
    (tmp_path / "server.py").write_text(_LIST_SERVER)
    (tmp_path / "spec.md").write_text("# Rows\n\n`/api/rows` lists twelve rows in no order.\n")
    (tmp_path / "app.yaml").write_text(
        "name: rows\ntitle: Rows\nspec: spec.md\n"
        f"serve: {{command: [{sys.executable}, server.py], ready_path: /api/rows}}\n"
        "unordered: [{path: /api/rows, lists: [rows]}]\nbugs: []\n"
    )
    served = AppServer(load_app(tmp_path))
    await served.start()
    try:

        async def rows() -> tuple[list[int], float]:
            async with httpx.AsyncClient(base_url=served.url, timeout=10) as client:
                started = time.perf_counter()
                response = await client.get("/api/rows")
                return response.json()["rows"], time.perf_counter() - started

        plain, _ = await rows()
        jitter = Jitter(seed=4, latency=FIXED_DELAY)
        await served.set_jitter(jitter)
        mixed, elapsed = await rows()
    finally:
        await served.stop()
    assert plain == list(range(12))
    assert mixed == jitter.order("GET", "/api/rows", 0, "rows", 12) != plain
    assert elapsed >= 0.395
