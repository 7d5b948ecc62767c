"""The typed records that cross module boundaries and are stored: episode specs and results,
findings with their verdicts, usage. Stored as JSON with `RECORD_VERSION`."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from frontendx.repro import Finding, Step
from frontendx.suite import BrowserState
from frontendx.suite import Label as TriageLabel

RECORD_VERSION = 1

_FROZEN = ConfigDict(extra="forbid", frozen=True)

TaskKind = Literal["explore", "reproduce", "generate", "regression", "visual", "flaky"]
TASK_KINDS: tuple[str, ...] = (
    "explore",
    "reproduce",
    "generate",
    "regression",
    "visual",
    "flaky",
)
"""`explore`: find bugs in a variant; `reproduce`: turn a customer report into a repro;
`generate`: write a test suite for the clean app, scored by the seeded bugs it kills;
`regression`: review a change (a pull request) before it merges, approve or block;
`visual`: the same for a design change, counting visual claims only; `flaky`: triage a failing
test as flaky, a product bug or an outdated test, and fix it (docs/design.md §6)."""

CHANGE_TASKS: tuple[str, ...] = ("regression", "visual")
"""Tasks on a change: the agent gets its base and head builds and decides."""

Decision = Literal["approve", "block"]


class Budget(BaseModel):
    # Infinity and NaN are rejected: JSON has no spelling for them, so a result carrying one
    # would be stored as null and could never be read back.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    wall_seconds: float = Field(default=120.0, gt=0, allow_inf_nan=False)
    steps: int = Field(default=200, gt=0)
    tokens: int | None = Field(default=None, gt=0)
    dollars: float | None = Field(default=None, gt=0, allow_inf_nan=False)


class TaskSpec(BaseModel):
    """What the agent is asked to do. `target_bug` (reproduce) is ground truth: never shown
    to the agent, which sees only the bug's customer report."""

    model_config = _FROZEN

    kind: TaskKind
    target_bug: str | None = None
    change: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # cells of other tasks keep their keys
        description="`regression`/`visual`: the change under review (its content is ground "
        "truth; the agent sees only its title, description and diff summary)",
    )
    case: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,  # cells of other tasks keep their keys
        description="`flaky`: the failing test of the app's test suite to triage (its label "
        "is ground truth; the agent sees the test, its CI history and a failing run)",
    )
    budget: Budget = Budget()


class AgentSpec(BaseModel):
    """An agent config, exactly as it ran."""

    model_config = _FROZEN

    name: str
    version: str
    config: dict[str, Any] = Field(default_factory=dict)

    @property
    def label(self) -> str:
        """`name`, plus a short config hash when the config is not empty."""
        if not self.config:
            return self.name
        digest = hashlib.sha256(json.dumps(self.config, sort_keys=True).encode()).hexdigest()
        return f"{self.name}@{digest[:6]}"


class EpisodeSpec(BaseModel):
    """One cell of the matrix: (app, variant, state, agent, task, repeat)."""

    model_config = _FROZEN

    app: str
    bugs: tuple[str, ...] = Field(description="active bug ids, sorted; empty means clean")
    state: BrowserState
    agent: AgentSpec
    task: TaskSpec
    repeat: int = Field(ge=0)
    app_source: str | None = Field(
        default=None,
        description="where an added app's manifest was found (absolute path); None for a "
        "built-in app. Not part of the cell: `app` is the manifest's name",
    )

    @property
    def key(self) -> str:
        """Identity of the cell within a run (stable across resume)."""
        payload = self.model_dump_json(exclude={"app_source"})
        return hashlib.sha256(payload.encode()).hexdigest()[:20]

    @property
    def cell(self) -> str:
        """Identity of the cell across agent versions: the key without the agent's version.
        Results of one cell over time are the history of that cell."""
        payload = self.model_dump_json(exclude={"app_source": True, "agent": {"version"}})
        return hashlib.sha256(payload.encode()).hexdigest()[:20]

    @property
    def variant_label(self) -> str:
        return "+".join(self.bugs) if self.bugs else "clean"


class EpisodeStatus(StrEnum):
    OK = "ok"
    AGENT_ERROR = "agent_error"
    TIMEOUT = "timeout"
    BUDGET = "budget_exceeded"
    INFRA_ERROR = "infra_error"


class VerdictKind(StrEnum):
    VALIDATED = "validated"
    DUPLICATE = "duplicate"
    NOT_REPRODUCED = "not_reproduced"
    FLAKY_REPRO = "flaky_repro"
    ALSO_ON_CLEAN = "also_on_clean"
    AMBIGUOUS = "ambiguous"
    INVALID = "invalid"
    ALSO_ON_BASE = "also_on_base"  # a change's finding that fails on its base build too
    INTENDED_CHANGE = "intended_change"  # holds once an intended edit is off: what the PR meant

    @property
    def is_false_positive(self) -> bool:
        return self not in (VerdictKind.VALIDATED, VerdictKind.DUPLICATE)


class ReplayRecord(BaseModel):
    """One replay the validator ran, as evidence for a verdict."""

    model_config = _FROZEN

    variant: tuple[str, ...]
    purpose: Literal["buggy", "clean", "attribution"]
    outcome: Literal["fails", "holds", "broken"]
    step_index: int | None = None
    message: str = ""
    seconds: float = 0.0


class Verdict(BaseModel):
    model_config = _FROZEN

    kind: VerdictKind
    bug_id: str | None = None
    reason: str = ""
    replays: list[ReplayRecord] = Field(default_factory=list)


class ReportedFinding(BaseModel):
    """A finding as received: parsed if valid, else the raw payload and the parse error."""

    model_config = _FROZEN

    index: int
    found_at: float
    finding: Finding | None = None
    raw: Any = None
    error: str | None = None
    verdict: Verdict | None = None


class GeneratedTestStatus(StrEnum):
    """What became of a generated test on the clean app (docs/design.md §6)."""

    KEPT = "kept"  # passed every clean run: it joins the suite
    FLAKY_TEST = "flaky_test"  # passed some clean runs, not all
    FAILS_ON_CLEAN = "fails_on_clean"  # passed none: wrong about the correct app
    INVALID = "invalid"  # malformed, or has no assertion

    @property
    def dropped(self) -> bool:
        return self is not GeneratedTestStatus.KEPT


class GeneratedTest(BaseModel):
    """A test as a `generate` agent added it, and what its clean runs made of it."""

    model_config = _FROZEN

    index: int
    name: str
    added_at: float
    steps: list[Step] | None = None
    raw: Any = None
    error: str | None = None
    status: GeneratedTestStatus | None = None
    reason: str = ""
    clean_runs: list[ReplayRecord] = Field(default_factory=list)

    @property
    def runtime_s(self) -> float:
        """Mean seconds of its clean runs (0 when it never ran)."""
        runs = self.clean_runs
        return sum(r.seconds for r in runs) / len(runs) if runs else 0.0


class Kill(BaseModel):
    """A seeded bug (a mutant) killed by a kept test: the test failed on the bug's variant in
    every confirming run. `replays` are those runs; `trace` the artifact of the last one."""

    model_config = _FROZEN

    bug_id: str
    test_index: int
    replays: list[ReplayRecord]
    trace: str | None = None


class ChangeFacts(BaseModel):
    """What metrics need to know of a reviewed change, copied from the manifest."""

    model_config = _FROZEN

    id: str
    design: bool
    regressions: list[str] = Field(description="its regressions that show in the state")
    review_minutes: float


FixVerdict = Literal["holds", "neutered", "fails", "invalid"]
"""A `flaky` fix: `holds` (passes every run under jitter and still fails where the good test
does), `neutered` (passes, but no longer catches what the good test caught), `fails` (fails
some run under jitter), `invalid` (malformed steps)."""


class Triage(BaseModel):
    """A `flaky` episode's ground truth and the agent's answer, judged (docs/design.md §6.3)."""

    model_config = _FROZEN

    case: str
    truth: TriageLabel
    truth_category: str | None = None
    bug: str | None = Field(default=None, description="a regressed test's seeded bug")
    history: list[bool] = Field(description="the CI history the agent saw, oldest first")
    label: TriageLabel | None = None
    category: str | None = None
    labelled_at: float | None = Field(
        default=None, description="seconds from the agent's start to its (last) label"
    )
    fix: list[dict[str, Any]] | None = None
    fix_verdict: FixVerdict | None = None
    fix_passed: int = 0
    fix_runs: int = 0
    fix_reason: str = ""

    @property
    def right(self) -> bool:
        return self.label == self.truth

    @property
    def dangerous_miss(self) -> bool:
        """A real regression labelled flaky or outdated (or not labelled)."""
        return self.truth == "product_bug" and self.label != "product_bug"


class BugFacts(BaseModel):
    """What metrics need to know of a bug, so that they read only the store."""

    model_config = _FROZEN

    category: str
    difficulty: str
    severity: str
    manual_minutes: float
    actions: int | None = Field(
        default=None,
        ge=0,
        description="actions on the page its ground-truth repro needs (`Bug.interactions`); "
        "None in episodes stored before FrontendX kept it, and for native bugs",
    )


class Usage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wall_seconds: float = 0.0
    browser_seconds: float = 0.0
    steps: int = 0
    questions: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    model_cost_usd: float = Field(default=0.0, description="metered by the gateway only")


TrustLevel = Literal["builtin", "sandboxed", "unconfined", "trusted"]
"""How far an episode's agent was confined. `builtin`: FrontendX's own agents. `sandboxed`: an
external program confined by the harness (docs/security.md). `unconfined`: an external program
run without that confinement. `trusted`: in-process (entry-point) code, which gets the live
Playwright context and browser and can reach every harness object: its results are only as
honest as its author."""

BUILTIN_AGENTS: frozenset[str] = frozenset(
    {
        "oracle",
        "null",
        "scripted",
        "crawler",
        "llm",
        "recorder",
        "approve-all",
        "block-all",
        "pixel-diff",
        "rerun",
    }
)


def default_trust(agent_name: str) -> TrustLevel:
    """The trust level of a result stored before results recorded one, from its agent name."""
    if agent_name in BUILTIN_AGENTS:
        return "builtin"
    if agent_name == "external":
        return "sandboxed"
    return "trusted"


class EpisodeResult(BaseModel):
    """Everything one episode produced. The store keeps exactly this."""

    model_config = ConfigDict(extra="forbid")

    record_version: int = RECORD_VERSION
    spec: EpisodeSpec
    trust: TrustLevel = Field(
        default="trusted",
        description="how far the agent was confined (`TrustLevel`); when not given, derived "
        "from the agent name (`default_trust`)",
    )
    status: EpisodeStatus
    error: str | None = None
    findings: list[ReportedFinding] = Field(default_factory=list)
    manifestable_bugs: list[str] = Field(
        default_factory=list, description="active bugs that show in this state: recall's base"
    )
    bug_facts: dict[str, BugFacts] = Field(
        default_factory=dict, description="per manifestable bug, copied from the manifest"
    )
    usage: Usage = Field(default_factory=Usage)
    tests: list[GeneratedTest] = Field(
        default_factory=list, description="`generate`: the tests the agent added, judged on clean"
    )
    kills: list[Kill] = Field(
        default_factory=list, description="`generate`: one per killed manifestable bug"
    )
    kill_matrix: dict[str, dict[int, str]] = Field(
        default_factory=dict,
        description="`generate`: bug -> kept test index -> outcome of its first run on the "
        "bug's variant (`fails`, `holds` or `broken`)",
    )
    decision: Decision | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="`regression`/`visual`: the agent's decision (none given counts as approve)",
    )
    decided_at: float | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="seconds from the agent's start to its decision",
    )
    change: ChangeFacts | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="`regression`/`visual`: the reviewed change",
    )
    triage: Triage | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="`flaky`: the case's ground truth and the agent's judged answer",
    )
    artifacts: dict[str, str] = Field(default_factory=dict)
    artifacts_url: str | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="the fsspec URL `artifacts` are relative to; none: the folder beside the "
        "store (frontendx.artifacts)",
    )
    attempts: int = 1
    started_at: float = 0.0
    finished_at: float = 0.0
    fingerprint: str = Field(default="", description="hash of the cell and `versions`")
    versions: dict[str, str] = Field(
        default_factory=dict, description="version sources the result depends on, by name"
    )
    suite_version: str = ""
    frontendx_version: str = ""
    chromium_version: str = ""

    @model_validator(mode="before")
    @classmethod
    def _derive_trust(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "trust" in data:
            return data
        spec = data.get("spec")
        if isinstance(spec, EpisodeSpec):
            name: Any = spec.agent.name
        else:
            agent = spec.get("agent") if isinstance(spec, dict) else None
            name = agent.get("name") if isinstance(agent, dict) else None
        return {**data, "trust": default_trust(name)} if isinstance(name, str) else data

    @property
    def blocked(self) -> bool:
        """A change task's outcome: blocked (a missing decision is an approve)."""
        return self.decision == "block"

    @property
    def validated_bugs(self) -> dict[str, float]:
        """bug id -> found_at of its first validated finding; for `generate`, of each killed
        bug -> when the agent added the test that killed it."""
        found: dict[str, float] = {}
        if self.spec.task.kind == "generate":
            added = {t.index: t.added_at for t in self.tests}
            for kill in self.kills:
                found.setdefault(kill.bug_id, added.get(kill.test_index, 0.0))
            return found
        for f in self.findings:
            v = f.verdict
            if v is not None and v.kind is VerdictKind.VALIDATED and v.bug_id is not None:
                found.setdefault(v.bug_id, f.found_at)
        return found
