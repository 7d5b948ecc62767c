"""Running one episode: app variant, sandboxed browser, agent, artifacts, validation."""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import Browser, Playwright, async_playwright

import frontendx
from frontendx._aio import gather_all
from frontendx.agents import (
    Agent,
    AgentContext,
    FailingTest,
    GroundTruth,
    PullRequest,
    TaskView,
    agent_trust,
    is_calibration,
    make_agent,
    spec_answerer,
)
from frontendx.agents._model import ModelClient
from frontendx.browser import (
    NetworkGuard,
    Sandbox,
    cdp_endpoint,
    launch_chromium,
    network_isolated,
)
from frontendx.errors import AppError, BrowserError, BudgetExceeded
from frontendx.errors import InfraError as InfraError  # the runner's export
from frontendx.gateway import Gateway, GatewayBudget, UpstreamConfig
from frontendx.records import (
    BugFacts,
    ChangeFacts,
    EpisodeResult,
    EpisodeSpec,
    EpisodeStatus,
    GeneratedTest,
    Kill,
    TrustLevel,
    Usage,
)
from frontendx.repro import Goto
from frontendx.runner._triage import (
    AGENT_SEED,
    History,
    ci_history,
    copy_trace,
    failing_test,
    judge_fix,
    judged_triage,
    rerunner,
    seed_of,
)
from frontendx.suite import (
    App,
    AppServer,
    BrowserState,
    Change,
    FlakyCase,
    Jitter,
    app_for,
    suite_version_of,
)
from frontendx.validate import Outcome, Replayer, SuiteJudge, Validator


def _gateway_for(spec: EpisodeSpec) -> Gateway | None:
    """The metered gateway of an episode whose agent is configured with a model endpoint
    (`base_url` and `model`): its budget is the task's token and dollar budget, and its
    cassette and price file come from the agent config. Bad settings raise ConfigError."""
    config = spec.agent.config
    if not isinstance(config.get("base_url"), str) or not isinstance(config.get("model"), str):
        return None
    budget = spec.task.budget
    return Gateway(
        UpstreamConfig(
            api=config.get("api", "openai"),
            base_url=config["base_url"],
            model=config["model"],
            api_key_env=config.get("api_key_env"),
        ),
        budget=GatewayBudget(max_tokens=budget.tokens, max_usd=budget.dollars),
        price_file=config.get("price_file"),
        cassette=config.get("cassette"),
        cassette_mode=config.get("cassette_mode", "off"),
    )


def _baselines(
    browser: Browser,
    app: App,
    server: AppServer,
    state: BrowserState,
    variant: tuple[str, ...] = (),
) -> Callable[[str], Awaitable[bytes | None]]:
    """Visual baselines from a spare app server switched to the approved build (the clean
    app, or a change's base build; idle while the agent runs, the validator uses it
    afterwards), one fresh context per path, cached."""
    cache: dict[str, bytes | None] = {}
    lock = asyncio.Lock()

    async def baseline(path: str) -> bytes | None:
        async with lock:
            if path not in cache:
                if server.active != frozenset(variant):
                    await server.set_variant(variant)
                async with Sandbox(browser, app, server.url, state, instrument=True) as box:
                    replayer = Replayer(box.page, box.events, server.url)
                    loaded = await replayer.run([Goto(url=path)])
                    cache[path] = (
                        await replayer.region_screenshot(box.page.locator("body"))
                        if loaded.outcome is Outcome.HOLDS
                        else None
                    )
            return cache[path]

    return baseline


def _pull_request(change: Change | None) -> PullRequest | None:
    """What a reviewer sees of a change: never its edits or regressions."""
    if change is None:
        return None
    return PullRequest(
        title=change.title,
        description=change.description,
        files=[d.model_dump(mode="json") for d in change.diff],
    )


def _in(folder: Path, name: str | None) -> str | None:
    return None if name is None else str(folder / name)


def _artifact(spec: EpisodeSpec, name: str | None) -> str | None:
    """An episode artifact's path as stored: under the episode's folder."""
    return None if name is None else f"{spec.key}/{name}"


BROWSER_CLOSED = "the browser closed during the agent's run"


def _trust(agent: Agent, browser: Browser) -> TrustLevel:
    """The agent's trust level as this episode ran it: an external program counts as
    sandboxed only when its browser was in its own network namespace too (else it could find
    the raw DevTools port on loopback and go around the relay)."""
    trust = agent_trust(agent)
    if trust == "sandboxed" and not network_isolated(browser):
        return "unconfined"
    return trust


class Worker:
    """One worker's browsers and app servers, reused across its episodes.

    Two browsers, each behind its own network guard (see browser/_guard.py): the *agent*
    browser, the only one with a DevTools port, which reaches only the episode's app while
    the episode runs; and the *harness* browser, without one, for visual baselines and the
    validator. So an agent over CDP sees none of the harness's pages (the clean baseline
    app) and cannot close the browser that judges it. Whatever happens to the agent browser
    during the agent's run is the agent's outcome; the next episode gets a fresh one.
    """

    def __init__(
        self, artifacts: Path, *, chromium: str | None = None, replays: int = 3, lanes: int = 4
    ) -> None:
        self.artifacts = artifacts
        self.chromium = chromium
        self.replays = replays
        self.lanes = lanes
        self._pw: Playwright | None = None
        self._agent_browser: Browser | None = None
        self._harness_browser: Browser | None = None
        self.agent_guard = NetworkGuard("agent")
        self.harness_guard = NetworkGuard("harness")
        self._servers: dict[str, list[AppServer]] = {}
        self._histories: dict[tuple[str, str, str], History] = {}

    async def _playwright(self) -> Playwright:
        if self._pw is None:
            self._pw = await async_playwright().start()
        return self._pw

    async def agent_browser(self) -> Browser:
        """The browser agents drive: with a CDP port, every request through `agent_guard`."""
        if self._agent_browser is None or not self._agent_browser.is_connected():
            pw = await self._playwright()
            if not self.agent_guard.port:
                await self.agent_guard.start()
            self._agent_browser = await launch_chromium(
                pw, self.chromium, cdp_port=0, guard=self.agent_guard, isolate_network=True
            )
        return self._agent_browser

    async def harness_browser(self) -> Browser:
        """The browser of baselines and replays: no CDP port, through `harness_guard`."""
        if self._harness_browser is None or not self._harness_browser.is_connected():
            pw = await self._playwright()
            if not self.harness_guard.port:
                await self.harness_guard.start()
            self._harness_browser = await launch_chromium(
                pw, self.chromium, guard=self.harness_guard
            )
        return self._harness_browser

    @property
    def references(self) -> int:
        """Reference servers beside the lanes: what `expect_matches_base` compares with (the
        first also hosts a change's base build for the agent); half as many as lanes, since a
        replay holds one only while it compares."""
        return max(1, self.lanes // 2)

    async def servers(self, app: App) -> list[AppServer]:
        """This worker's servers for `app`: `lanes` replay lanes, the first of which hosts
        the agent, then the reference servers."""
        servers = self._servers.get(app.name, [])
        count = self.lanes + self.references
        if len(servers) != count or not all(s.running for s in servers):
            await asyncio.gather(*(s.stop() for s in servers))
            servers = [AppServer(app) for _ in range(count)]
            self._servers[app.name] = servers
            await gather_all(*(s.start() for s in servers))
        return servers

    async def _history(
        self, validator: Validator, app: App, case: FlakyCase, state: BrowserState
    ) -> History:
        """A `flaky` case's CI history, run once per worker: every agent triaging the case
        sees the same red runs."""
        key = (app.content_hash(), case.id, state.name)
        if key not in self._histories:
            folder = self.artifacts / ".red-runs" / f"{app.name}-{case.id}-{key[0]}"
            self._histories[key] = await ci_history(validator, case, state, folder)
        return self._histories[key]

    async def close(self) -> None:
        for servers in self._servers.values():
            await asyncio.gather(*(s.stop() for s in servers))
        self._servers.clear()
        for browser in (self._agent_browser, self._harness_browser):
            if browser is not None and browser.is_connected():
                await browser.close()
        await self.agent_guard.stop()
        await self.harness_guard.stop()
        if self._pw is not None:
            await self._pw.stop()
        self._agent_browser, self._harness_browser, self._pw = None, None, None

    async def run(self, spec: EpisodeSpec) -> EpisodeResult:
        """Run one episode; raises InfraError when the harness's browser or the app fails."""
        try:
            return await self._run(spec)
        except (AppError, BrowserError) as exc:
            raise InfraError(str(exc)) from exc
        except Exception as exc:
            harness = self._harness_browser
            if harness is not None and not harness.is_connected():
                raise InfraError(f"the harness's browser crashed: {exc}") from exc
            raise

    async def _run_agent(
        self, agent: Agent, ctx: AgentContext, spec: EpisodeSpec, browser: Browser
    ) -> tuple[EpisodeStatus, str | None]:
        """Run the agent within its wall-clock budget; its failures are its own status, and so
        is the agent browser closing or crashing meanwhile: only the agent drives it, so the
        harness cannot tell an agent that closed it from one that crashed it, and an episode
        left out of the score would let an agent drop the episodes it does badly on."""
        try:
            await asyncio.wait_for(agent.run(ctx), timeout=spec.task.budget.wall_seconds)
        except TimeoutError:
            return (
                EpisodeStatus.TIMEOUT,
                f"wall-clock budget of {spec.task.budget.wall_seconds:g}s used up",
            )
        except BudgetExceeded as exc:
            return EpisodeStatus.BUDGET, str(exc)
        except AppError:
            raise
        except Exception as exc:
            message = "".join(traceback.format_exception_only(exc)).strip()
            if not browser.is_connected():
                return EpisodeStatus.AGENT_ERROR, f"{BROWSER_CLOSED}: {message}"[:2000]
            if isinstance(exc, BrowserError):
                raise
            return EpisodeStatus.AGENT_ERROR, message[:2000]
        if not browser.is_connected():
            return EpisodeStatus.AGENT_ERROR, BROWSER_CLOSED
        return EpisodeStatus.OK, None

    async def _run(self, spec: EpisodeSpec) -> EpisodeResult:
        app = app_for(spec.app, spec.app_source)
        browser = await self.agent_browser()
        harness = await self.harness_browser()
        every = await self.servers(app)
        servers, references = every[: self.lanes], every[self.lanes :]
        server, reference = servers[0], references[0]
        state = spec.state
        change = app.changes[spec.task.change] if spec.task.change is not None else None
        case = app.flaky_cases[spec.task.case] if spec.task.case is not None else None
        if change is None:
            # a `flaky` case runs on its own build: clean, the change's edits, or its bug
            await server.set_variant(case.variant if case is not None else spec.bugs)
            shows = [b for b in spec.bugs if app.bugs[b].manifests_in(state)]
        else:
            # the agent reviews the head build against the base build (docs/design.md §6.2)
            await gather_all(server.set_variant(change.head), reference.set_variant(change.base))
            shows = [b for b in change.regressions if app.bugs[b].manifests_in(state)]
        if spec.task.kind == "generate":
            # the agent gets the clean app; the bugs that show in the state are the mutants
            # its tests are scored against
            shows = [b for b in sorted(app.suite_bugs) if app.bugs[b].manifests_in(state)]
        if spec.task.kind == "reproduce":
            shows = [b for b in shows if b == spec.task.target_bug]
        agent = make_agent(spec.agent.name, spec.agent.config)
        folder = self.artifacts / spec.key
        folder.mkdir(parents=True, exist_ok=True)
        red: tuple[History, FailingTest] | None = None
        jitter: Jitter | None = None
        side = Validator(harness, servers[1:] or servers, replays=self.replays)
        if case is not None:
            # the red test's CI history under jitter, then the app under jitter for the agent
            history = await self._history(side, app, case, state)
            red_trace = copy_trace(history, folder)
            red = (history, failing_test(case, history, server.url, _in(folder, red_trace)))
            jitter = Jitter(seed=seed_of(AGENT_SEED, spec.key))
            await server.set_jitter(jitter)
        task = TaskView(
            kind=spec.task.kind,
            app_url=server.url,
            spec=app.spec_text,
            report=app.bugs[spec.task.target_bug].report if spec.task.target_bug else None,
            budget=spec.task.budget,
            accounts={r: a.model_dump() for r, a in app.manifest.accounts.items()},
            base_url=reference.reference_url if change is not None else None,
            pull_request=_pull_request(change),
            failing_test=red[1] if red is not None else None,
        )
        truth = None
        if is_calibration(agent):
            truth = GroundTruth(repros={b: app.bugs[b].repro for b in shows}, triage=case)
        started_at = time.time()
        gateway = _gateway_for(spec)
        model_client = None
        if gateway is not None:
            await asyncio.to_thread(gateway.start)
            config = spec.agent.config
            model_client = ModelClient(
                gateway.base_url,
                api=config.get("api", "openai"),
                model=config["model"],
                max_output_tokens=int(config.get("max_output_tokens", 1024)),
                temperature=float(config.get("temperature", 0.0)),
            )
        try:
            async with Sandbox(
                browser,
                app,
                server.url,
                state,
                trace_path=folder / "trace.zip",
                also=[reference.reference_url] if change is not None else [],
                jitter=jitter,
            ) as box:
                ctx = AgentContext(
                    task=task,
                    page=box.page,
                    context=box.context,
                    answer=spec_answerer(app.spec_text),
                    ground_truth=truth,
                    baseline=(
                        _baselines(
                            harness,
                            app,
                            servers[1],
                            state,
                            change.base if change is not None else (),
                        )
                        if len(servers) > 1
                        else None
                    ),
                    model=model_client,
                    cdp_url=cdp_endpoint(browser),
                    rerun=(
                        rerunner(side, case, state, seed_of(spec.key)) if case is not None else None
                    ),
                )
                agent_started = time.monotonic()
                status, error = await self._run_agent(agent, ctx, spec, browser)
                browser_seconds = time.monotonic() - agent_started
                shot = await box.screenshot(folder / "final.png")
        finally:
            if jitter is not None:
                await server.set_jitter(None)
            if model_client is not None:
                await model_client.aclose()
            if gateway is not None:
                await asyncio.to_thread(gateway.stop)
        metered: dict[str, float | int] = {}
        if gateway is not None:
            metered = gateway.usage().usage_fields()
            failure = gateway.failure
            if failure is not None and failure.episode_status is not None:
                # The gateway's account of what ended the episode beats the agent's: the
                # agent only saw an HTTP error, the gateway knows it was the budget or the
                # upstream.
                status = failure.episode_status
                error = f"model gateway: {failure.message}"
            if status is EpisodeStatus.INFRA_ERROR:
                raise InfraError(error or "model gateway failure")
        findings = await Validator(
            harness, servers, replays=self.replays, trace_dir=folder, reference=references
        ).judge_all(
            ctx.findings, spec.bugs, state, change=change, visual_only=spec.task.kind == "visual"
        )
        tests: list[GeneratedTest] = list(ctx.tests)
        kills: list[Kill] = []
        matrix: dict[str, dict[int, str]] = {}
        if spec.task.kind == "generate":
            tests, kills, matrix = await SuiteJudge(harness, servers, trace_dir=folder).judge(
                ctx.tests, shows, state
            )
        triage = None
        if case is not None and red is not None:
            fix = await judge_fix(side, app, case, ctx.fix, state) if ctx.fix is not None else None
            answer = {
                "label": ctx.label,
                "category": ctx.category,
                "labelled_at": ctx.labelled_at,
                "fix": ctx.fix,
            }
            triage = judged_triage(case, red[0], answer, fix)
        if not harness.is_connected():
            # a replay that lost its browser reads as a claim that did not hold
            raise InfraError("the harness's browser crashed while validating the findings")
        artifacts: dict[str, str] = {}
        if (folder / "trace.zip").is_file():
            artifacts["trace"] = "trace.zip"
        for trace in sorted(folder.glob("failing-replay-*.zip")):
            artifacts[trace.stem] = trace.name  # a finding's failing buggy replay, traced
        for kill in kills:
            if kill.trace is not None:
                artifacts[Path(kill.trace).stem] = kill.trace  # the run that confirmed a kill
        if ctx.cdp_refusals:
            # what the CDP relay refused the agent: kept with the episode, for its author
            (folder / "cdp-refusals.txt").write_text("\n".join(ctx.cdp_refusals) + "\n")
            artifacts["cdp_refusals"] = "cdp-refusals.txt"
        if shot is not None:
            artifacts["screenshot"] = "final.png"
        if (folder / "red-run.zip").is_file():
            artifacts["red_run"] = "red-run.zip"  # the trace of the red test's failing run
        return EpisodeResult(
            spec=spec,
            status=status,
            error=error,
            findings=findings,
            tests=tests,
            kills=[k.model_copy(update={"trace": _artifact(spec, k.trace)}) for k in kills],
            kill_matrix=matrix,
            triage=triage,
            manifestable_bugs=shows,
            decision=ctx.decision if change is not None else None,
            decided_at=ctx.decided_at if change is not None else None,
            change=(
                ChangeFacts(
                    id=change.id,
                    design=change.design,
                    regressions=shows,
                    review_minutes=change.review_minutes,
                )
                if change is not None
                else None
            ),
            bug_facts={
                b: BugFacts(
                    category=app.bugs[b].category.value,
                    difficulty=app.bugs[b].difficulty.value,
                    severity=app.bugs[b].severity.value,
                    manual_minutes=app.bugs[b].manual_minutes,
                    actions=app.bugs[b].interactions,
                )
                for b in shows
            },
            usage=Usage(
                wall_seconds=round(time.time() - started_at, 3),
                browser_seconds=round(browser_seconds, 3),
                steps=ctx.steps,
                questions=ctx.questions,
            ).model_copy(update=metered),
            artifacts={k: f"{spec.key}/{v}" for k, v in artifacts.items()},
            started_at=started_at,
            finished_at=time.time(),
            suite_version=suite_version_of(spec.app, spec.app_source),
            frontendx_version=frontendx.__version__,
            chromium_version=harness.version,
            trust=_trust(agent, browser),
        )
