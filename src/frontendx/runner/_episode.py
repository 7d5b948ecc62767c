"""Running one episode: app variant, sandboxed browser, agent, artifacts, validation."""

from __future__ import annotations

import asyncio
import hashlib
import time
import traceback
from pathlib import Path

from playwright.async_api import Browser, Playwright, async_playwright

import frontendx
from frontendx.agents import (
    AgentContext,
    GroundTruth,
    TaskView,
    is_calibration,
    make_agent,
    spec_answerer,
)
from frontendx.browser import Sandbox, launch_chromium
from frontendx.errors import AppError, BrowserError, BudgetExceeded
from frontendx.records import BugFacts, EpisodeResult, EpisodeSpec, EpisodeStatus, Usage
from frontendx.suite import App, AppServer, get_app, suite_version
from frontendx.validate import Validator


class InfraError(Exception):
    """The browser or the app failed: retried, and never scored against the agent."""


class Worker:
    """One worker's browser and app servers, reused across its episodes."""

    def __init__(
        self, artifacts: Path, *, chromium: str | None = None, replays: int = 3, lanes: int = 4
    ) -> None:
        self.artifacts = artifacts
        self.chromium = chromium
        self.replays = replays
        self.lanes = lanes
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._servers: dict[str, list[AppServer]] = {}

    async def browser(self) -> Browser:
        if self._browser is None or not self._browser.is_connected():
            if self._pw is None:
                self._pw = await async_playwright().start()
            self._browser = await launch_chromium(self._pw, self.chromium)
        return self._browser

    async def servers(self, app: App) -> list[AppServer]:
        """This worker's servers for `app`: the first hosts the agent, all host replays."""
        servers = self._servers.get(app.name, [])
        if len(servers) != self.lanes or not all(s.running for s in servers):
            await asyncio.gather(*(s.stop() for s in servers))
            servers = [AppServer(app) for _ in range(self.lanes)]
            self._servers[app.name] = servers
            await asyncio.gather(*(s.start() for s in servers))
        return servers

    async def close(self) -> None:
        for servers in self._servers.values():
            await asyncio.gather(*(s.stop() for s in servers))
        self._servers.clear()
        if self._browser is not None:
            await self._browser.close()
        if self._pw is not None:
            await self._pw.stop()
        self._browser, self._pw = None, None

    async def run(self, spec: EpisodeSpec) -> EpisodeResult:
        """Run one episode; raises InfraError when the browser or app fails."""
        try:
            return await self._run(spec)
        except (AppError, BrowserError) as exc:
            raise InfraError(str(exc)) from exc
        except Exception as exc:
            if self._browser is not None and not self._browser.is_connected():
                raise InfraError(f"browser crashed: {exc}") from exc
            raise

    async def _run(self, spec: EpisodeSpec) -> EpisodeResult:
        app = get_app(spec.app)
        browser = await self.browser()
        servers = await self.servers(app)
        server = servers[0]
        await server.set_variant(spec.bugs)
        state = spec.state
        shows = [b for b in spec.bugs if app.bugs[b].manifests_in(state)]
        if spec.task.kind == "reproduce":
            shows = [b for b in shows if b == spec.task.target_bug]
        agent = make_agent(spec.agent.name, spec.agent.config)
        task = TaskView(
            kind=spec.task.kind,
            app_url=server.url,
            spec=app.spec_text,
            report=app.bugs[spec.task.target_bug].report if spec.task.target_bug else None,
            budget=spec.task.budget,
        )
        truth = None
        if is_calibration(agent):
            truth = GroundTruth(repros={b: app.bugs[b].repro for b in shows})
        folder = self.artifacts / spec.key
        folder.mkdir(parents=True, exist_ok=True)
        started_at = time.time()
        status, error = EpisodeStatus.OK, None
        async with Sandbox(browser, app, server.url, state, trace_path=folder / "trace.zip") as box:
            ctx = AgentContext(
                task=task,
                page=box.page,
                context=box.context,
                answer=spec_answerer(app.spec_text),
                ground_truth=truth,
            )
            agent_started = time.monotonic()
            try:
                await asyncio.wait_for(agent.run(ctx), timeout=spec.task.budget.wall_seconds)
            except TimeoutError:
                status = EpisodeStatus.TIMEOUT
                error = f"wall-clock budget of {spec.task.budget.wall_seconds:g}s used up"
            except BudgetExceeded as exc:
                status, error = EpisodeStatus.BUDGET, str(exc)
            except (AppError, BrowserError):
                raise
            except Exception as exc:
                if not browser.is_connected():
                    raise InfraError(f"browser crashed during the agent's run: {exc}") from exc
                status = EpisodeStatus.AGENT_ERROR
                error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
            browser_seconds = time.monotonic() - agent_started
            shot = await box.screenshot(folder / "final.png")
        findings = await Validator(browser, servers, replays=self.replays).judge_all(
            ctx.findings, spec.bugs, state
        )
        artifacts = {"trace": "trace.zip"}
        if shot is not None:
            artifacts["screenshot"] = "final.png"
        return EpisodeResult(
            spec=spec,
            status=status,
            error=error,
            findings=findings,
            manifestable_bugs=shows,
            bug_facts={
                b: BugFacts(
                    category=app.bugs[b].category.value,
                    difficulty=app.bugs[b].difficulty.value,
                    severity=app.bugs[b].severity.value,
                    manual_minutes=app.bugs[b].manual_minutes,
                )
                for b in shows
            },
            usage=Usage(
                wall_seconds=round(time.time() - started_at, 3),
                browser_seconds=round(browser_seconds, 3),
                steps=ctx.steps,
                questions=ctx.questions,
            ),
            artifacts={k: f"{spec.key}/{v}" for k, v in artifacts.items()},
            started_at=started_at,
            finished_at=time.time(),
            fingerprint=fingerprint(spec, app_hash=app.content_hash(), chromium=browser.version),
            suite_version=suite_version([app]),
            frontendx_version=frontendx.__version__,
            chromium_version=browser.version,
        )


def fingerprint(spec: EpisodeSpec, *, app_hash: str, chromium: str) -> str:
    """Everything that, when changed, makes a stored result stale: the episode's cell (bugs,
    task, state, agent name/version/config), the app build, Chromium and FrontendX."""
    parts = [spec.model_dump_json(), app_hash, chromium, frontendx.__version__]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]
