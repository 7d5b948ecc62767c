"""Built-in agents: the calibration pair (oracle, null) and a scripted agent for tests."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from pydantic import Field

from frontendx.agents._config import AgentConfig, parse_config
from frontendx.agents._protocol import AgentContext
from frontendx.records import CHANGE_TASKS


class OracleConfig(AgentConfig):
    """The agent takes no options."""


class OracleAgent:
    """Reports every active bug's ground-truth repro: recall must be 1.0 and FP 0. Asked to
    `generate`, it adds each manifesting bug's repro as a test: each holds on the clean app
    and fails on its bug's variant, so its mutation score must be 1.0."""

    name = "oracle"
    version = "1"
    calibration = True
    config_model = OracleConfig

    def __init__(self, **options: Any) -> None:
        self.config: dict[str, Any] = parse_config(OracleConfig, "oracle", options).stored()

    async def run(self, ctx: AgentContext) -> None:
        assert ctx.ground_truth is not None, "the harness gives calibration agents ground truth"
        case = ctx.ground_truth.triage
        if case is not None:
            # `flaky`: the case's label and cause, its fix, and a regressed test's bug below
            ctx.triage(case.label, case.category.value if case.category else None)
            if case.fix is not None:
                ctx.fix_test(case.fix)
        for number, (_, steps) in enumerate(sorted(ctx.ground_truth.repros.items()), start=1):
            if ctx.task.kind == "generate":
                await ctx.add_test(f"ground truth {number}", list(steps))
                continue
            await ctx.report(
                {
                    "title": f"Ground-truth defect #{number}",
                    "steps": [s.model_dump(mode="json", exclude_none=True) for s in steps],
                }
            )
        if ctx.task.kind in CHANGE_TASKS:
            # a change review: block with its regressions' repros, approve a clean change
            ctx.decide("block" if ctx.findings else "approve")


# Claims that hold on every variant (so they are never reproduced) or steps that cannot run.
_FAKES: list[dict[str, Any]] = [
    {
        "title": "Home page does not render",
        "description": "The page body never appears after navigation.",
        "steps": [
            {"action": "goto", "url": "/"},
            {"action": "expect", "condition": "visible", "target": {"css": "body"}},
        ],
        "expected": "the page renders",
        "actual": "blank page",
    },
    {
        "title": "Document has duplicate root elements",
        "steps": [
            {"action": "goto", "url": "/"},
            {"action": "expect", "condition": "count", "target": {"css": "html"}, "count": 1},
        ],
    },
    {
        "title": "Help button does nothing",
        "description": "Clicking the help button shows no help.",
        "steps": [
            {"action": "goto", "url": "/"},
            {"action": "click", "target": {"role": "button", "name": "Open the help centre"}},
            {"action": "expect", "condition": "visible", "target": {"text": "Help centre"}},
        ],
    },
    {
        "title": "Page stays on the wrong address after loading",
        "steps": [
            {"action": "goto", "url": "/"},
            {"action": "expect", "condition": "url", "url": "/"},
        ],
    },
]


# Tests whose assertions no seeded bug can change: the document has one root and one head.
_EMPTY_TESTS: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "page has one root element",
        [
            {"action": "goto", "url": "/"},
            {"action": "expect", "condition": "count", "target": {"css": "html"}, "count": 1},
        ],
    ),
    (
        "page has one head",
        [
            {"action": "goto", "url": "/"},
            {"action": "expect", "condition": "count", "target": {"css": "head"}, "count": 1},
        ],
    ),
]


class NullConfig(AgentConfig):
    """The null agent's options."""

    findings: int = Field(default=2, ge=1, le=len(_FAKES), description="fake findings reported")
    seed: int = Field(default=0, description="picks which fakes")


class NullAgent:
    """Reports plausible but fake findings: recall must be 0 and FP rate 1.0. Asked to
    `generate`, it adds tests that assert nothing a bug can change: mutation score 0."""

    name = "null"
    version = "1"
    calibration = True  # shown apart from the ranking; never given ground truth (is_calibration)
    config_model = NullConfig

    def __init__(self, **options: Any) -> None:
        self.config: dict[str, Any] = parse_config(NullConfig, "null", options).stored()

    async def run(self, ctx: AgentContext) -> None:
        if ctx.task.kind == "generate":
            for name, steps in _EMPTY_TESTS:
                await ctx.add_test(name, steps)
            return
        if ctx.task.failing_test is not None:
            # `flaky`: one label whatever the case, and the red test unchanged as its "fix"
            ctx.triage("flaky", "fixed_sleep")
            ctx.fix_test(ctx.task.failing_test.steps)
            return
        picks = random.Random(self.config["seed"]).sample(_FAKES, self.config["findings"])
        for fake in picks:
            await ctx.report(fake)
        if ctx.task.kind in CHANGE_TASKS:
            ctx.decide("block")  # on fakes: every block it makes is unsupported


class RerunConfig(AgentConfig):
    """The rerun baseline's options."""

    runs: int = Field(default=5, ge=1, le=50, description="re-runs of the red test")


class RerunAgent:
    """The CI-retry baseline of the `flaky` task: re-runs the red test `runs` times under
    jitter; mixed results (or every re-run passing) say `flaky`, every re-run failing says
    `product_bug`, reported with the test itself as the finding. It never fixes a test and
    cannot tell an outdated test from a regression."""

    name = "rerun"
    version = "1"
    config_model = RerunConfig

    def __init__(self, **options: Any) -> None:
        self.config: dict[str, Any] = parse_config(RerunConfig, self.name, options).stored()

    async def run(self, ctx: AgentContext) -> None:
        failing = ctx.task.failing_test
        if failing is None:
            raise ValueError(f"{self.name} triages red tests; it takes no {ctx.task.kind} task")
        outcomes = [await ctx.run_test() for _ in range(self.config["runs"])]
        if any(o.passed for o in outcomes):
            ctx.triage("flaky")
            return
        await ctx.report(
            {
                "title": f"{failing.title}: fails on every run",
                "actual": outcomes[-1].message,
                "steps": failing.steps,
            }
        )
        ctx.triage("product_bug")


class ApproveAllAgent:
    """Approves every change without looking: catch rate 0, false-block rate 0. The floor a
    reviewer must beat on regressions, and the ceiling on false blocks."""

    name = "approve-all"
    version = "1"
    config_model = OracleConfig

    def __init__(self, **options: Any) -> None:
        self.config: dict[str, Any] = parse_config(OracleConfig, self.name, options).stored()

    async def run(self, ctx: AgentContext) -> None:
        if ctx.task.kind not in CHANGE_TASKS:
            raise ValueError(f"{self.name} reviews changes; it takes no {ctx.task.kind} task")
        ctx.decide("approve")


class BlockAllAgent:
    """Blocks every change on one claim that holds everywhere: catch rate 0 (nothing it
    reports is validated), false-block rate 1."""

    name = "block-all"
    version = "1"
    config_model = OracleConfig

    def __init__(self, **options: Any) -> None:
        self.config: dict[str, Any] = parse_config(OracleConfig, self.name, options).stored()

    async def run(self, ctx: AgentContext) -> None:
        if ctx.task.kind not in CHANGE_TASKS:
            raise ValueError(f"{self.name} reviews changes; it takes no {ctx.task.kind} task")
        await ctx.report(
            {
                "title": "This change needs another look before it merges",
                "steps": _FAKES[0]["steps"],
            }
        )
        ctx.decide("block")


class ScriptedAgent:
    """Plays a script: optional steps in the browser, findings to report, optional crash.

    For tests and demos: `findings` are raw finding dicts (possibly malformed on purpose),
    `sleep_s` waits before reporting, `crash` raises after reporting; on a `flaky` task,
    `label` (and `category`) label the red test and `fix` is its fixed steps.
    """

    name = "scripted"
    version = "1"

    def __init__(
        self,
        findings: list[dict[str, Any]] | None = None,
        sleep_s: float = 0.0,
        crash: bool = False,
        goto: str | None = None,
        label: str | None = None,
        category: str | None = None,
        fix: list[dict[str, Any]] | None = None,
    ) -> None:
        self.config: dict[str, Any] = {
            "findings": findings or [],
            "sleep_s": sleep_s,
            "crash": crash,
            "goto": goto,
        }
        # only when given, so the stored config of every other scripted agent stays the same
        for key, value in (("label", label), ("category", category), ("fix", fix)):
            if value is not None:
                self.config[key] = value

    async def run(self, ctx: AgentContext) -> None:
        if self.config["goto"]:
            ctx.step()
            await ctx.page.goto(ctx.app_url + self.config["goto"])
        if self.config["sleep_s"]:
            await asyncio.sleep(self.config["sleep_s"])
        for finding in self.config["findings"]:
            await ctx.report(finding)
        if self.config.get("label") is not None:
            ctx.triage(self.config["label"], self.config.get("category"))
        if self.config.get("fix") is not None:
            ctx.fix_test(self.config["fix"])
        if self.config["crash"]:
            raise RuntimeError("scripted crash")
