"""An agent must not escape the sandbox, nor opt out of being scored (issue 11).

A hostile external agent (tests/escape_agent.py) drives the agent browser of a real `Worker`
through the CDP relay it is given and tries every way out it knows, against a canary HTTP
and WebSocket server on another loopback port and a secret file. The canary counts every
connection: a single one is an escape. Then the scoring: an agent that closes or kills its
browser is scored `agent_error` with what it reported; the harness's browser crashing while
the harness validates is `infra_error`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, TESTS, TOTAL_OFF_STEPS

from frontendx.agents import AgentContext, TaskView, make_agent, spec_answerer
from frontendx.browser import Sandbox, cdp_endpoint, guard_of
from frontendx.browser._cdp_relay import CdpPolicy
from frontendx.browser._sandbox import SLOW_NETWORK_DELAY_S
from frontendx.records import (
    AgentSpec,
    Budget,
    EpisodeSpec,
    EpisodeStatus,
    TaskSpec,
    VerdictKind,
)
from frontendx.runner import _episode
from frontendx.runner._episode import BROWSER_CLOSED, InfraError, Worker
from frontendx.suite import App, AppServer
from frontendx.suite._states import BrowserState
from frontendx.validate import Validator

AGENT = TESTS / "escape_agent.py"
SECRET = "canary-secret-4471"


class Canary:
    """An HTTP (and WebSocket) server on its own loopback port that records every
    connection and request line it gets, and answers each with the secret."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[str] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(Exception):
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            self.requests.append(head.split(b"\r\n")[0].decode())
            body = SECRET.encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\naccess-control-allow-origin: *\r\n"
                + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        writer.close()

    def hits(self, path: str) -> list[str]:
        return [r for r in self.requests if f" {path} " in r or f" {path}?" in r]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()


@pytest.fixture(scope="module")
async def canary() -> AsyncIterator[Canary]:
    server = Canary()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="module")
async def worker(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Worker]:
    worker = Worker(tmp_path_factory.mktemp("artifacts"), replays=1, lanes=2)
    yield worker
    await worker.close()


@pytest.fixture(scope="module")
async def escape(
    worker: Worker,
    canary: Canary,
    mini_app: App,
    mini_servers: list[AppServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """What the hostile agent's attempts gave: one agent run for every attack below."""
    folder = tmp_path_factory.mktemp("escape")
    secret = folder / "secret.txt"
    secret.write_text(SECRET)
    out = folder / "escape.json"
    browser = await worker.agent_browser()
    server = mini_servers[0]
    agent = make_agent(
        "external",
        {
            "command": [sys.executable, str(AGENT), "escape"],
            "env": {"ESCAPE_OUT": str(out), "CANARY_URL": canary.url, "SECRET_FILE": str(secret)},
        },
    )
    task = TaskView(kind="explore", app_url=server.url, spec=mini_app.spec_text, budget=Budget())
    async with Sandbox(browser, mini_app, server.url, BrowserState(name="desktop")) as box:
        ctx = AgentContext(
            task=task,
            page=box.page,
            context=box.context,
            answer=spec_answerer(mini_app.spec_text),
            cdp_url=cdp_endpoint(browser),
        )
        await asyncio.wait_for(agent.run(ctx), timeout=90)
    seen: dict[str, Any] = json.loads(out.read_text())
    seen["refusals"] = list(ctx.cdp_refusals)
    seen["browser_connected"] = browser.is_connected()
    return seen


def test_shared_worker_fetch_does_not_reach_another_origin(
    escape: dict[str, Any], canary: Canary
) -> None:
    assert not canary.hits("/shared-worker"), canary.requests
    assert SECRET not in escape["shared_worker"]


def test_websocket_to_another_local_port_does_not_connect(
    escape: dict[str, Any], canary: Canary
) -> None:
    assert not canary.hits("/websocket"), canary.requests
    assert escape["websocket"] != "open"


def test_cdp_create_target_reaches_neither_another_origin_nor_a_file(
    escape: dict[str, Any], canary: Canary
) -> None:
    assert not canary.hits("/create-target"), canary.requests
    for key in ("target_file", "target_file_spaced"):
        assert "FrontendX refused Target.createTarget" in escape[key].get("error", ""), escape[key]
    assert not any(SECRET in json.dumps(t) for t in escape["file_pages"]), escape["file_pages"]


def test_a_script_cannot_send_a_page_to_a_file(escape: dict[str, Any]) -> None:
    # Chromium's own rule (no file: from a page that is not one), which the relay relies on
    assert SECRET not in json.dumps(escape["blank_to_file"]), escape["blank_to_file"]
    assert escape["blank_to_file"]["ok"]["url"] == "about:blank"


def test_cdp_load_network_resource_reaches_neither_another_origin_nor_a_file(
    escape: dict[str, Any], canary: Canary
) -> None:
    assert not canary.hits("/load-network-resource"), canary.requests
    assert SECRET not in json.dumps(escape["load_canary"])
    assert "FrontendX refused Network.loadNetworkResource" in escape["load_file"]["error"]


def test_a_context_with_its_own_proxy_is_refused(escape: dict[str, Any], canary: Canary) -> None:
    assert not canary.hits("/direct-context"), canary.requests
    error = escape["direct_context"].get("error", "")
    assert "FrontendX refused Target.createBrowserContext" in error and "proxyServer" in error


def test_the_browser_devtools_port_cannot_be_found_past_the_relay(
    escape: dict[str, Any],
) -> None:
    # the agent browser runs in its own network namespace: its DevTools port is not on the
    # machine's loopback, so the relay's refusals cannot be gone around
    assert escape["raw_devtools_ports"] == []


def test_the_agent_cannot_close_its_browser_over_cdp(escape: dict[str, Any]) -> None:
    assert "FrontendX refused Browser.close" in escape["browser_close"].get("error", "")
    assert escape["still_connected"] and escape["browser_connected"]


def test_file_uploads_and_browser_pages_are_refused_and_every_refusal_is_logged(
    escape: dict[str, Any], canary: Canary
) -> None:
    assert "FrontendX refused DOM.setFileInputFiles" in escape["upload_outside"]["error"]
    assert "FrontendX refused Page.navigate" in escape["navigate_chrome"]["error"]
    logged = {line.split(":")[0] for line in escape["refusals"]}
    assert {
        "Target.createTarget",
        "Network.loadNetworkResource",
        "Target.createBrowserContext",
        "Page.navigate",
        "DOM.setFileInputFiles",
        "Browser.close",
    } <= logged
    # not one connection from the browser, by any attack (the agent's own process, which is
    # not network-confined, knocked once while it looked for DevTools ports)
    scans = canary.hits("/json/version")
    assert canary.connections == len(scans) <= 1, canary.requests


async def test_the_guard_lets_the_app_through_only_while_its_sandbox_is_open(
    worker: Worker, mini_app: App, mini_servers: list[AppServer], canary: Canary
) -> None:
    browser = await worker.agent_browser()
    guard = guard_of(browser)
    assert guard is not None
    server = mini_servers[0]
    async with Sandbox(browser, mini_app, server.url, BrowserState(name="desktop")) as box:
        await box.page.goto(server.url + "/")
        await box.page.get_by_test_id("total").filter(has_text="Total").wait_for()
        # the app's control port is another origin: never on the list
        answer = await box.page.goto(server._control + "/health")
        assert answer is not None and answer.status == 403
        assert "Blocked by the FrontendX sandbox" in await box.page.inner_text("body")
        assert box.events.blocked and not box.events.http_errors
    assert guard.allowed() == []
    # a slow network: the guard holds each request back (there is no route to do it)
    slow = BrowserState(name="slow", network="slow")
    async with Sandbox(browser, mini_app, server.url, slow) as box:
        started = time.monotonic()
        await box.page.goto(server.url + "/")
        assert time.monotonic() - started >= SLOW_NETWORK_DELAY_S
        assert guard.allowed() == [server.url.removeprefix("http://")]
    page = await browser.new_page()
    try:
        answer = await page.goto(server.url + "/")
        assert answer is not None and answer.status == 403  # the episode is over
    finally:
        await page.close()


def test_relay_policy_refuses_what_the_network_guard_cannot_see(tmp_path: Path) -> None:
    policy = CdpPolicy(workdir=tmp_path)
    for url in (
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "\tfile:///etc/passwd",
        "chrome://version",
        "view-source:http://127.0.0.1:1/",
        "devtools://devtools/bundled/inspector.html",
        "javascript:alert(1)",
        "data:text/html,hi",
        "http://ok\n.example/",
    ):
        for method in ("Target.createTarget", "Page.navigate"):
            assert policy.check(method, {"url": url}), (method, url)
    for url in ("http://127.0.0.1:1/", "https://example.com/x?y", "about:blank", ""):
        assert policy.check("Target.createTarget", {"url": url}) is None, url
    assert policy.check("Network.loadNetworkResource", {"url": "file:///etc/passwd"})
    assert policy.check("Target.createBrowserContext", {"proxyBypassList": "<-loopback>"})
    assert policy.check("Target.createBrowserContext", {"disposeOnDetach": True}) is None
    inside = tmp_path / "upload.txt"
    assert policy.check("DOM.setFileInputFiles", {"files": [str(inside)]}) is None
    assert policy.check("DOM.setFileInputFiles", {"files": [str(tmp_path / ".." / "x")]})
    assert policy.check("Input.dispatchDragEvent", {"data": {"items": [], "files": ["/etc/x"]}})
    # what Playwright's connectOverCDP sends: downloads denied, or kept in the agent's folder
    assert policy.check("Browser.setDownloadBehavior", {"behavior": "deny"}) is None
    download = {"behavior": "allowAndName", "downloadPath": str(tmp_path / "dl")}
    assert policy.check("Browser.setDownloadBehavior", download) is None
    assert policy.check("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": "/"})
    assert policy.check("Browser.crash", {}) and policy.check("Target.exposeDevToolsProtocol", {})


# --- opting out of the score ----------------------------------------------------------------


def _spec(agent: AgentSpec) -> EpisodeSpec:
    return EpisodeSpec(
        app=str(MINI),
        bugs=("total-off",),
        state=BrowserState(name="desktop"),
        agent=agent,
        task=TaskSpec(kind="explore", budget=Budget(wall_seconds=60)),
        repeat=0,
    )


FINDING = {"title": "Total is off", "steps": TOTAL_OFF_STEPS}


class _Closer:
    """An in-process agent that reports the bug, then closes the browser it was given."""

    name = "closer"
    version = "1"
    config: dict[str, Any] = {}

    def __init__(self, close: bool) -> None:
        self.close = close

    async def run(self, ctx: AgentContext) -> None:
        await ctx.report(FINDING)
        if self.close:
            browser = ctx.context.browser
            assert browser is not None
            await browser.close()


def _valid(result: Any) -> bool:
    verdict = result.findings[0].verdict if len(result.findings) == 1 else None
    return (
        verdict is not None
        and verdict.kind is VerdictKind.VALIDATED
        and verdict.bug_id == "total-off"
    )


async def test_in_process_agent_that_closes_its_browser_is_scored_agent_error(
    worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_episode, "make_agent", lambda name, config: _Closer(close=True))
    result = await worker.run(_spec(AgentSpec(name="closer", version="1")))
    assert result.status is EpisodeStatus.AGENT_ERROR
    assert result.error is not None and result.error.startswith(BROWSER_CLOSED)
    assert _valid(result), result.findings  # judged on the harness's browser all the same
    # the next episode gets a fresh agent browser
    monkeypatch.setattr(_episode, "make_agent", lambda name, config: _Closer(close=False))
    again = await worker.run(_spec(AgentSpec(name="closer", version="1")))
    assert again.status is EpisodeStatus.OK and _valid(again)


async def test_external_agent_that_ends_its_browser_is_scored_with_its_findings(
    worker: Worker, tmp_path: Path
) -> None:
    out = tmp_path / "ended.json"
    config = {
        "command": [sys.executable, str(AGENT), "report-and-kill"],
        "env": {"FINDING": json.dumps(FINDING), "ESCAPE_OUT": str(out)},
    }
    # never InfraError (retried, then left out of the score): the episode is the agent's
    result = await worker.run(_spec(AgentSpec(name="external", version="0", config=config)))
    seen = json.loads(out.read_text())
    assert "FrontendX refused Browser.close" in seen["close"]["error"]
    if "ok" in seen["kill"]:  # no PID namespace around the agent: its signal killed Chromium
        assert result.status is EpisodeStatus.AGENT_ERROR, result.error
        assert result.error is not None and BROWSER_CLOSED in result.error
    else:
        assert result.status is EpisodeStatus.OK, result.error
    assert _valid(result), result.findings


async def test_harness_browser_crashing_during_validation_is_infra_error(
    worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_episode, "make_agent", lambda name, config: _Closer(close=False))
    judge = Validator.judge_all

    async def crash_midway(self: Validator, *args: Any, **kwargs: Any) -> Any:
        async def crash() -> None:
            await asyncio.sleep(0.3)
            await self.browser.close()

        crashing = asyncio.ensure_future(crash())
        try:
            return await judge(self, *args, **kwargs)
        finally:
            await crashing

    monkeypatch.setattr(Validator, "judge_all", crash_midway)
    with pytest.raises(InfraError, match="harness's browser"):
        await worker.run(_spec(AgentSpec(name="closer", version="1")))
