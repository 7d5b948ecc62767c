"""The agent contract and the context an agent runs in."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from playwright.async_api import BrowserContext, Page
from pydantic import BaseModel, ConfigDict

from frontendx.agents._model import ModelClient
from frontendx.errors import BudgetExceeded, ReproError
from frontendx.records import Budget, Decision, GeneratedTest, ReportedFinding, TaskKind
from frontendx.repro import Finding, Step, parse_finding, parse_steps
from frontendx.suite import LABELS, FlakeCategory, FlakyCase, Label


class PullRequest(BaseModel):
    """A change as a reviewer sees it: title, description and diff summary (never its edits or
    regressions)."""

    model_config = ConfigDict(frozen=True)

    title: str
    description: str
    files: list[dict[str, Any]] = []
    """the diff summary: {"path", "components", "added", "removed"} per file"""


class FailingTest(BaseModel):
    """`flaky`: the red test as CI shows it (never its label, cause or fix)."""

    model_config = ConfigDict(frozen=True)

    title: str
    steps: list[dict[str, Any]]
    """the test in the repro language"""
    pytest: str
    """the same test exported as a pytest-playwright file, as it runs in CI"""
    history: list[str]
    """its last CI runs under jitter, oldest first: "pass" or "fail"; the last one failed"""
    failure: str
    """the failing run's message: the step and why it failed"""
    trace: str | None = None
    """the failing run's Playwright trace (a zip), when the agent can read files"""


class RunOutcome(BaseModel):
    """One re-run of a test (`ctx.run_test`)."""

    model_config = ConfigDict(frozen=True)

    passed: bool
    message: str = ""


class TaskView(BaseModel):
    """What an agent is told: never bug ids, repros or switches."""

    model_config = ConfigDict(frozen=True)

    kind: TaskKind
    app_url: str
    spec: str
    report: str | None = None
    budget: Budget
    accounts: dict[str, dict[str, str]] = {}
    """The app's test accounts, as a QA engineer gets them: role -> {"email", "password"}."""
    base_url: str | None = None
    """`regression`/`visual`: the change's base build (`app_url` is its head build)."""
    pull_request: PullRequest | None = None
    """`regression`/`visual`: the change as its pull request page shows it."""
    failing_test: FailingTest | None = None
    """`flaky`: the red test to triage (`app_url` serves the app under jitter)."""


@runtime_checkable
class Agent(Protocol):
    """An agent under test. `config` is stored with every episode it runs."""

    name: str
    version: str
    config: dict[str, Any]

    async def run(self, ctx: AgentContext) -> None: ...


@dataclass(frozen=True)
class GroundTruth:
    """Given only to calibration agents (oracle): the active bugs' repros in this state (for
    a change: its regressions that show)."""

    repros: dict[str, list[Step]]
    triage: FlakyCase | None = None
    """`flaky`: the case's label, cause and fix"""


# Minimum spacing between reports is not enforced; a cap stops a flood from stalling validation.
MAX_FINDINGS = 200
MAX_TESTS = 200
"""Tests one `generate` episode may add: each runs 3 times on clean and once per mutant."""
MAX_TEST_NAME = 200
MAX_TEST_STEPS = 200
"""Steps per generated test: a test runs once per mutant, so its length bounds judging time."""


@dataclass
class AgentContext:
    """The agent's handle on the episode: task, browser, reporting, questions, budget."""

    task: TaskView
    page: Page
    context: BrowserContext
    answer: Callable[[str], str]
    ground_truth: GroundTruth | None = None
    baseline: Callable[[str], Awaitable[bytes | None]] | None = None
    """`await ctx.baseline("/path")`: the PNG of the page's body on the approved build (the
    clean app; for a change review, its base build) in this browser state, taken as a
    `screenshot_region` claim takes it, as visual-regression tools keep approved baselines.
    None when the harness has no spare app server."""
    model: ModelClient | None = None
    """The metered model client (through the episode's gateway), for agents configured with a
    model endpoint (`base_url` and `model` in their config); None otherwise."""
    cdp_url: str | None = None
    """The browser's CDP endpoint (``http://127.0.0.1:PORT``), for external agents that drive
    the sandbox's page from their own process; None when Chromium was started without one.
    External agents get it through a relay (browser/_cdp_relay.py), never directly."""
    cdp_refusals: list[str] = field(default_factory=list)
    """The DevTools commands the CDP relay refused the agent, each with why (logged with the
    episode's artifacts)."""
    findings: list[ReportedFinding] = field(default_factory=list)
    tests: list[GeneratedTest] = field(default_factory=list)
    steps: int = 0
    questions: int = 0
    decision: Decision | None = None
    decided_at: float | None = None
    rerun: Callable[[list[Step]], Awaitable[RunOutcome]] | None = None
    """`flaky`: the harness's re-run of a test (`ctx.run_test`)"""
    label: Label | None = None
    category: str | None = None
    labelled_at: float | None = None
    fix: list[Any] | None = None
    _started: float = field(default_factory=time.monotonic)

    @property
    def app_url(self) -> str:
        return self.task.app_url

    def elapsed(self) -> float:
        """Seconds since the episode started."""
        return time.monotonic() - self._started

    async def report(self, finding: Finding | dict[str, Any]) -> ReportedFinding:
        """Report a finding; it is stamped with `found_at` on receipt. Malformed findings are
        recorded (and judged `invalid`) instead of raising, so one bad report never ends a run."""
        found_at = round(self.elapsed(), 3)
        index = len(self.findings)
        if index >= MAX_FINDINGS:
            raise BudgetExceeded(f"more than {MAX_FINDINGS} findings reported in one episode")
        raw = finding.model_dump(mode="json") if isinstance(finding, Finding) else finding
        try:
            parsed = parse_finding(raw).model_copy(update={"found_at": found_at})
            reported = ReportedFinding(index=index, found_at=found_at, finding=parsed)
        except ReproError as exc:
            reported = ReportedFinding(
                index=index, found_at=found_at, raw=_jsonable(raw), error=str(exc)
            )
        self.findings.append(reported)
        return reported

    async def add_test(self, name: str, steps: Sequence[Any]) -> GeneratedTest:
        """Add a test to the suite a `generate` task asks for: steps whose assertions must
        hold on the (correct) app under test. Stamped with `added_at` on receipt; a malformed
        test is recorded (and dropped as `invalid`) instead of raising, like a finding."""
        added_at = round(self.elapsed(), 3)
        index = len(self.tests)
        if index >= MAX_TESTS:
            raise BudgetExceeded(f"more than {MAX_TESTS} tests added in one episode")
        raw = [s.model_dump(mode="json") if isinstance(s, BaseModel) else s for s in steps]
        shown = name.strip() if isinstance(name, str) else ""
        try:
            if not shown or len(shown) > MAX_TEST_NAME:
                raise ReproError(f"a test needs a name of 1 to {MAX_TEST_NAME} characters")
            if len(raw) > MAX_TEST_STEPS:
                raise ReproError(
                    f"a test has at most {MAX_TEST_STEPS} steps, got {len(raw)}: split it"
                )
            test = GeneratedTest(index=index, name=shown, added_at=added_at, steps=parse_steps(raw))
        except ReproError as exc:
            test = GeneratedTest(
                index=index,
                name=shown[:MAX_TEST_NAME] or f"test {index}",
                added_at=added_at,
                raw=_jsonable(raw),
                error=str(exc),
            )
        self.tests.append(test)
        return test

    def decide(self, decision: str) -> None:
        """`regression`/`visual`: approve or block the change. A block needs at least one
        finding reported before it; the last decision counts, and none counts as approve."""
        if self.task.kind not in ("regression", "visual"):
            raise ValueError(
                f"a {self.task.kind} task takes no decision; only a change review does"
            )
        if decision not in ("approve", "block"):
            raise ValueError(f"decision must be 'approve' or 'block', not {decision!r}")
        if decision == "block" and not self.findings:
            raise ValueError("a block needs at least one finding: report it first")
        self.decision = "block" if decision == "block" else "approve"
        self.decided_at = round(self.elapsed(), 3)

    def triage(self, label: str, category: str | None = None) -> None:
        """`flaky`: label the red test `flaky` (with its root-cause `category`, one of
        `FlakeCategory`), `product_bug` (report the bug as a finding) or `outdated_test`. The
        last label counts."""
        if self.task.kind != "flaky":
            raise ValueError(f"a {self.task.kind} task takes no triage label")
        if label not in LABELS:
            raise ValueError(f"label must be one of {', '.join(LABELS)}, not {label!r}")
        known = [c.value for c in FlakeCategory]
        if category is not None and category not in known:
            raise ValueError(f"category must be one of {', '.join(known)}, not {category!r}")
        self.label = label
        self.category = category if label == "flaky" else None
        self.labelled_at = round(self.elapsed(), 3)

    def fix_test(self, steps: Sequence[Any]) -> None:
        """`flaky`: the fixed test (for a flaky or an outdated one), in the repro language. It
        must pass every run under jitter and still catch what the test caught; the last fix
        counts. Malformed steps are judged `invalid`, never raised."""
        if self.task.kind != "flaky":
            raise ValueError(f"a {self.task.kind} task takes no fixed test")
        self.fix = _jsonable(
            [
                s.model_dump(mode="json", exclude_none=True) if isinstance(s, BaseModel) else s
                for s in steps
            ]
        )

    async def run_test(self, steps: Sequence[Any] | None = None) -> RunOutcome:
        """`flaky`: run a test once more, as a CI re-run does: a fresh browser on a freshly
        reset app under a new jitter seed (default: the red test itself). Takes its time from
        the budget."""
        if self.rerun is None or self.task.failing_test is None:
            raise ValueError(f"a {self.task.kind} task has no test to re-run")
        raw = self.task.failing_test.steps if steps is None else list(steps)
        parsed = parse_steps(
            [s.model_dump(mode="json") if isinstance(s, BaseModel) else s for s in raw]
        )
        self.step()
        return await self.rerun(parsed)

    def step(self, n: int = 1) -> None:
        """Count browser actions against the step budget."""
        self.steps += n
        if self.steps > self.task.budget.steps:
            raise BudgetExceeded(f"step budget of {self.task.budget.steps} used up")

    async def ask(self, question: str) -> str:
        """Ask the simulated product owner; answers come from the spec and cost human time."""
        self.questions += 1
        return self.answer(question)


def _jsonable(raw: Any) -> Any:
    try:
        import json

        json.dumps(raw)
        return raw
    except (TypeError, ValueError):
        return repr(raw)[:2000]


def spec_answerer(spec: str) -> Callable[[str], str]:
    """A deterministic product owner: answers with the spec paragraph sharing most words with
    the question. It knows only the spec, so it cannot reveal a seeded bug."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", spec) if p.strip()]

    def words(text: str) -> set[str]:
        return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}

    def answer(question: str) -> str:
        asked = words(question)
        scored = [(len(asked & words(p)), -i, p) for i, p in enumerate(paragraphs)]
        best = max(scored, default=(0, 0, ""))
        if best[0] == 0:
            return "The spec does not say; use your judgement."
        return best[2]

    return answer
