"""Metrics rows from stored episode results (docs/design.md §5).

Each episode is reduced once to an `_Tally` (its counts, costs and TTR pairs); a group's figures
are ratios of sums over its tallies, and its bootstrap intervals re-sum the tallies of resampled
episodes. Nothing here reads anything but `EpisodeResult` records, so metrics can be recomputed
from the store alone.
"""

from __future__ import annotations

import math
import statistics
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frontendx.errors import ConfigError
from frontendx.metrics._stats import (
    Interval,
    KMPairs,
    Resample,
    Statistic,
    bootstrap_cis,
    km_median,
)
from frontendx.records import (
    CHANGE_TASKS,
    BugFacts,
    EpisodeResult,
    EpisodeStatus,
    GeneratedTestStatus,
    ReportedFinding,
    VerdictKind,
)

EPISODE_SLICES: tuple[str, ...] = ("app", "state", "variant", "change", "budget", "ci_budget")
"""Slices that split episodes. `budget` is the episode's wall-clock budget (a run spec's
`budgets` sweep draws recall against it); `ci_budget` is the same value, named for the change
tasks' CI budget."""

BUG_SLICES: tuple[str, ...] = ("category", "difficulty", "depth")
"""Slices that split an episode's bugs: recall and TTR count only the bugs of the slice, and the
episode-level figures (FP rate, cost per validated bug, human minutes saved) are None."""

SLICES: tuple[str, ...] = EPISODE_SLICES + BUG_SLICES

UNKNOWN = "unknown"
"""Bug-level slice value of a bug that has no `BugFacts` in its episode."""

NATIVE_BUG_PREFIX = "native:"
"""How a verdict names a native bug: one nobody seeded, accepted from the review queue
(frontendx.review), so it can never be taken for a seeded bug id. A finding validated against
one counts as found (`n_validated`, `n_native_validated`) and not as a false positive; recall
stays over the seeded bugs, the only ones known to show in a state. Its facts (category,
difficulty, severity, manual minutes: the reviewer's, in the episode's `bug_facts` once
rescored) earn its manual minutes and put it in the category and difficulty slices."""


# --- constants ------------------------------------------------------------------------------


class Constants(BaseModel):
    """The versioned constants of the metrics; see ``constants.toml`` for each one's source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1)
    triage_minutes_per_finding: float = Field(ge=0)
    wasted_minutes_per_false_positive: float = Field(ge=0)
    answer_minutes_per_question: float = Field(ge=0)
    compute_usd_per_browser_hour: float = Field(ge=0)
    # defaults as packaged, so constants files written before `generate` existed still load
    test_writing_minutes: float = Field(default=30.0, ge=0)
    test_review_minutes: float = Field(default=3.0, ge=0)
    red_test_minutes: dict[str, float] = Field(
        default_factory=lambda: {"flaky": 30.0, "outdated_test": 20.0, "product_bug": 45.0},
        description="`flaky`: a developer's minutes to find why a test is red, per cause",
    )
    test_fix_minutes: float = Field(default=15.0, ge=0)
    bootstrap_resamples: int = Field(ge=0, description="0 disables confidence intervals")
    confidence: float = Field(gt=0, lt=1)


def load_constants(path: Path | None = None) -> Constants:
    """Load and validate a constants file; None loads the packaged ``constants.toml``.

    Raises `ConfigError` naming the file and the offending key.
    """
    if path is None:
        source = resources.files("frontendx.metrics").joinpath("constants.toml")
        where = str(source)
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read the packaged constants file {where}: {exc}") from None
    else:
        where = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"cannot read constants file {where}: {exc.strerror or exc}; "
                "pass the path of a TOML file like frontendx/metrics/constants.toml"
            ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"constants file {where} is not valid TOML: {exc}") from None
    try:
        return Constants.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(top level)"
            msg = "unknown key, remove it" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"key `{key}`: {msg}")
        raise ConfigError(f"constants file {where}: " + "; ".join(problems)) from None


# --- the row --------------------------------------------------------------------------------


class MetricsRow(BaseModel):
    """The figures of one (agent config, task, slice) group. Intervals are seeded percentile
    bootstraps over the group's scored episodes; a None figure is undefined (denominator 0, or
    not meaningful in a bug-level slice)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agent: str = Field(description="agent label: name plus short config hash")
    agent_name: str
    agent_version: str
    task: str
    slice: dict[str, str] = Field(default_factory=dict)

    trust: str = Field(
        description="trust levels of the row's episodes (records.TrustLevel), comma-separated: "
        "one unless an agent config ran under several"
    )
    n_episodes: int = Field(description="scored episodes (infra errors excluded)")
    n_infra_errors: int = Field(description="episodes lost to infrastructure: not scored")
    n_agent_errors: int = Field(
        description="scored episodes that ended as agent_error (included in n_episodes)"
    )
    statuses: dict[str, int] = Field(description="episode status -> count, infra errors too")

    n_findings: int
    n_false_positives: int
    # per-verdict counts of the row's findings (docs/design.md §4); with `verdict_unjudged`
    # (findings the validator never judged) they add up to n_findings
    verdict_validated: int = Field(default=0, description="findings judged validated")
    verdict_duplicate: int = Field(default=0, description="a second finding of a found bug")
    verdict_not_reproduced: int = Field(default=0, description="claim held in every replay")
    verdict_flaky_repro: int = Field(default=0, description="claim failed in some replays")
    verdict_also_on_clean: int = Field(
        default=0, description="claim fails on the clean app too: false, or an unseeded bug"
    )
    verdict_ambiguous: int = Field(default=0, description="not one bug's doing")
    verdict_also_on_base: int = Field(
        default=0, description="a change's claim that fails on its base build too: an old bug"
    )
    verdict_intended_change: int = Field(
        default=0, description="a change's claim that flags what the change meant to do"
    )
    verdict_invalid: int = Field(default=0, description="malformed, or steps that cannot run")
    verdict_unjudged: int = Field(default=0, description="findings without a verdict")
    n_validated: int = Field(description="distinct validated bugs, summed over episodes")
    n_native_validated: int = Field(
        default=0,
        description="of n_validated, accepted native bugs (review queue): not in recall",
    )
    n_manifestable: int = Field(description="recall's denominator: scored (episode, bug) pairs")

    recall: float | None
    recall_ci_low: float | None
    recall_ci_high: float | None
    fp_rate: float | None
    fp_rate_ci_low: float | None
    fp_rate_ci_high: float | None
    precision: float | None

    ttr_median_s: float | None = Field(description="Kaplan-Meier median time-to-reproduction")
    ttr_ci_low: float | None
    ttr_ci_high: float | None = Field(description="None also when beyond the budget")
    found_within_budget: float | None
    steps_to_repro_median: float | None

    model_cost_usd: float
    compute_cost_usd: float
    cost_per_validated_bug: float | None
    cost_per_validated_bug_ci_low: float | None
    cost_per_validated_bug_ci_high: float | None

    human_minutes_saved: float | None
    human_minutes_saved_ci_low: float | None
    human_minutes_saved_ci_high: float | None
    questions: int

    # `generate` rows (None or 0 elsewhere); their recall is the mutation score: killed
    # bugs / bugs that show in the state, and cost per validated bug is cost per killed bug
    n_tests: int = Field(default=0, description="generated tests, summed over episodes")
    n_tests_dropped: int = Field(
        default=0, description="generated tests dropped as flaky_test, fails_on_clean or invalid"
    )
    dropped_share: float | None = None
    dropped_share_ci_low: float | None = None
    dropped_share_ci_high: float | None = None
    suite_runtime_s: float | None = Field(
        default=None, description="median over episodes of the kept suite's runtime on clean"
    )
    tests_per_kill: float | None = Field(
        default=None, description="kept tests per killed bug, summed over episodes"
    )

    # `regression`/`visual` rows (None or 0 elsewhere, docs/design.md §6.2): recall is the
    # share of (episode, regression) pairs validated, precision is flag precision
    n_carrying: int = Field(default=0, description="episodes on a change with a regression")
    n_caught: int = Field(
        default=0, description="of them, blocked with a validated finding on a regression"
    )
    catch_rate: float | None = None
    catch_rate_ci_low: float | None = None
    catch_rate_ci_high: float | None = None
    n_regression_free: int = Field(default=0, description="episodes on a change without one")
    n_false_blocks: int = Field(default=0, description="of them, blocked")
    false_block_rate: float | None = None
    false_block_rate_ci_low: float | None = None
    false_block_rate_ci_high: float | None = None
    decision_median_s: float | None = Field(
        default=None, description="Kaplan-Meier median time to decision, censored at the budget"
    )
    decision_ci_low: float | None = None
    decision_ci_high: float | None = None
    cost_per_change: float | None = Field(default=None, description="cost per reviewed change")
    cost_per_change_ci_low: float | None = None
    cost_per_change_ci_high: float | None = None

    # `flaky` rows (None or 0 elsewhere, docs/design.md §6.3): recall is the share of red
    # tests failing for a product bug whose bug was reproduced by a validated finding
    n_right: int = Field(default=0, description="episodes whose label is the true cause")
    triage_accuracy: float | None = None
    triage_accuracy_ci_low: float | None = None
    triage_accuracy_ci_high: float | None = None
    confusion: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="true cause -> label given (`none`) -> episodes"
    )
    n_product_bug: int = Field(default=0, description="red tests failing for a product bug")
    n_dangerous_misses: int = Field(default=0, description="of them, labelled otherwise")
    dangerous_miss_rate: float | None = None
    dangerous_miss_rate_ci_low: float | None = None
    dangerous_miss_rate_ci_high: float | None = None
    n_needs_fix: int = Field(default=0, description="red tests that are flaky or outdated")
    n_fixed: int = Field(default=0, description="of them, with a fix that holds")
    n_neutered: int = Field(default=0, description="of them, with a fix that no longer checks")
    fix_success_rate: float | None = None
    fix_success_rate_ci_low: float | None = None
    fix_success_rate_ci_high: float | None = None
    category_accuracy: float | None = Field(
        default=None, description="flaky tests labelled flaky with their true root cause"
    )
    triage_median_s: float | None = Field(
        default=None, description="Kaplan-Meier median time to a label, censored at the budget"
    )
    cost_per_triage: float | None = None

    constants_version: str
    confidence: float


# --- per-episode tallies --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tally:
    """One episode's contribution to one group."""

    scored: int  # recall's denominator
    found: int  # scored bugs validated
    validated: int  # distinct validated bugs (in the slice)
    native: int  # of them, accepted native bugs (NATIVE_BUG_PREFIX)
    findings: int
    false_positives: int
    questions: int
    model_usd: float
    compute_usd: float
    minutes_saved: float
    events: tuple[float, ...]  # TTR of each found scored bug
    censored: tuple[float, ...]  # budget of each unfound scored bug
    steps: tuple[int, ...]  # steps of each found scored bug's first validated finding
    tests: int = 0  # generate: tests added
    dropped: int = 0  # generate: tests dropped on clean
    kept: int = 0  # generate: tests kept
    runtime_s: float = 0.0  # generate: the kept suite's runtime on clean
    carrying: int = 0  # change tasks: 1 when the change has a regression that shows
    caught: int = 0  # ... and it was blocked with a validated finding on one of them
    regression_free: int = 0  # change tasks: 1 when it has none
    false_block: int = 0  # ... and it was blocked
    decided: tuple[float, ...] = ()  # change tasks: time to decision, when decided
    undecided: tuple[float, ...] = ()  # change tasks: the budget, when not decided
    verdicts: Counter[str] = field(default_factory=Counter)  # verdict kind -> findings
    truth: str = ""  # flaky: the true cause
    label: str = ""  # flaky: the label given (`none`)
    right: int = 0  # flaky: 1 when the label is the true cause
    product_bug: int = 0  # flaky: 1 when the test is red for a product bug
    dangerous: int = 0  # ... and it was labelled otherwise
    needs_fix: int = 0  # flaky: 1 when the test is flaky or outdated
    fixed: int = 0  # ... and the agent's fix holds
    neutered: int = 0  # ... or no longer checks what the test checked
    flaky_labelled: int = 0  # flaky: 1 when a flaky test was labelled flaky
    category_right: int = 0  # ... with its true root cause


@dataclass(slots=True)
class _Group:
    agent: str
    agent_name: str
    agent_version: str
    task: str
    slice: dict[str, str]
    bug_level: bool
    tallies: list[_Tally] = field(default_factory=list)
    infra: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    trust: set[str] = field(default_factory=set)


def _is_false_positive(finding: ReportedFinding) -> bool:
    # A finding the validator never judged (or could not parse) was still shown to a human and
    # still cost triage; counting it as found-nothing is the conservative choice.
    return finding.verdict is None or finding.verdict.kind.is_false_positive


def _first_validated(ep: EpisodeResult) -> dict[str, ReportedFinding]:
    """bug id -> its first validated finding (the same one `EpisodeResult.validated_bugs`
    takes found_at from)."""
    first: dict[str, ReportedFinding] = {}
    for f in ep.findings:
        v = f.verdict
        if v is not None and v.kind is VerdictKind.VALIDATED and v.bug_id is not None:
            first.setdefault(v.bug_id, f)
    return first


def _scored_bugs(ep: EpisodeResult) -> list[str]:
    """The bugs recall and TTR are about: every manifestable bug when exploring, only the
    target when reproducing (a reproduce episode without a target scores nothing)."""
    if ep.spec.task.kind == "reproduce":
        target = ep.spec.task.target_bug
        return [target] if target is not None else []
    return list(dict.fromkeys(ep.manifestable_bugs))  # dedupe, keep order


DEPTHS = ("single", "chained")
"""Values of the `depth` slice: a bug whose ground-truth repro needs at most one action on the
page, or two or more dependent ones (`BugFacts.actions`; unknown when not stored)."""


def _bug_values(ep: EpisodeResult, bug: str, dims: Sequence[str]) -> tuple[str, ...]:
    facts = ep.bug_facts.get(bug)
    if facts is None:
        return tuple(UNKNOWN for _ in dims)
    return tuple(_bug_value(facts, d) for d in dims)


def _bug_value(facts: BugFacts, dim: str) -> str:
    if dim == "depth":
        if facts.actions is None:
            return UNKNOWN
        return DEPTHS[1] if facts.actions >= 2 else DEPTHS[0]
    return str(getattr(facts, dim))


def _episode_values(ep: EpisodeResult, dims: Sequence[str]) -> tuple[str, ...]:
    getters = {
        "app": lambda: ep.spec.app,
        "state": lambda: ep.spec.state.name,
        "variant": lambda: ep.spec.variant_label,
        "change": lambda: ep.spec.task.change or "-",
        "budget": lambda: f"{ep.spec.task.budget.wall_seconds:g}s",
        "ci_budget": lambda: f"{ep.spec.task.budget.wall_seconds:g}s",
    }
    return tuple(getters[d]() for d in dims)


def _generate_tally(
    ep: EpisodeResult, scored: Sequence[str], validated: Sequence[str], constants: Constants
) -> _Tally:
    """A `generate` episode's tally: its kills are its validated bugs, its findings are none,
    and human minutes are the writing time of the tests that kill less their review time."""
    found_at = ep.validated_bugs
    found = [b for b in scored if b in found_at]
    kept = [t for t in ep.tests if t.status is GeneratedTestStatus.KEPT]
    by_index = {t.index: t for t in ep.tests}
    killers = {k.test_index for k in ep.kills if k.bug_id in set(validated)}
    gained = len(killers) * constants.test_writing_minutes
    spent = (
        len(ep.tests) * constants.test_review_minutes
        + ep.usage.questions * constants.answer_minutes_per_question
    )
    killing_steps = {k.bug_id: by_index[k.test_index] for k in ep.kills if k.test_index in by_index}
    budget = ep.spec.task.budget.wall_seconds
    return _Tally(
        scored=len(scored),
        found=len(found),
        validated=len(validated),
        native=0,
        findings=0,
        false_positives=0,
        questions=ep.usage.questions,
        model_usd=ep.usage.model_cost_usd,
        compute_usd=ep.usage.browser_seconds / 3600.0 * constants.compute_usd_per_browser_hour,
        minutes_saved=gained - spent,
        events=tuple(max(0.0, found_at[b]) for b in found),
        censored=tuple(budget for b in scored if b not in found_at),
        steps=tuple(
            len(test.steps)
            for b in found
            if (test := killing_steps.get(b)) is not None and test.steps is not None
        ),
        tests=len(ep.tests),
        dropped=len(ep.tests) - len(kept),
        kept=len(kept),
        runtime_s=sum(t.runtime_s for t in kept),
    )


def _change_tally(tally: _Tally, ep: EpisodeResult, constants: Constants) -> _Tally:
    """A change review's figures on top of its findings' tally (docs/design.md §6.2). Human
    minutes: a right decision (a clean change approved, or a carrying one blocked with a
    validated regression) saves the change's review minutes; approving a carrying change
    costs the manual minutes of the regressions it lets through; findings, false positives
    and questions cost as everywhere."""
    change = ep.change
    assert change is not None
    validated = set(ep.validated_bugs)
    carrying = bool(change.regressions)
    caught = carrying and ep.blocked and any(b in validated for b in change.regressions)
    budget = ep.spec.task.budget.wall_seconds
    decided = ep.decision is not None and ep.decided_at is not None
    right = caught or (not carrying and not ep.blocked)
    missed = carrying and not ep.blocked
    escaped = sum(ep.bug_facts[b].manual_minutes for b in change.regressions if b in ep.bug_facts)
    spent = (
        tally.findings * constants.triage_minutes_per_finding
        + tally.false_positives * constants.wasted_minutes_per_false_positive
        + tally.questions * constants.answer_minutes_per_question
    )
    return replace(
        tally,
        carrying=int(carrying),
        caught=int(caught),
        regression_free=int(not carrying),
        false_block=int(not carrying and ep.blocked),
        decided=(max(0.0, min(budget, ep.decided_at or 0.0)),) if decided else (),
        undecided=() if decided else (budget,),
        minutes_saved=(change.review_minutes if right else 0.0)
        - (escaped if missed else 0.0)
        - spent,
    )


def _tally(
    ep: EpisodeResult,
    scored: Sequence[str],
    validated: Sequence[str],
    first: dict[str, ReportedFinding],
    found_at: dict[str, float],
    constants: Constants,
) -> _Tally:
    if ep.spec.task.kind == "generate":
        return _generate_tally(ep, scored, validated, constants)
    tally = _findings_tally(ep, scored, validated, first, found_at, constants)
    if ep.change is not None:
        return _change_tally(tally, ep, constants)
    if ep.triage is not None:
        return _triage_tally(tally, ep, constants)
    return tally


def _triage_tally(tally: _Tally, ep: EpisodeResult, constants: Constants) -> _Tally:
    """A red test's triage on top of its findings' tally (docs/design.md §6.3). Human minutes:
    the right label saves the minutes a developer spends finding that cause, a fix that holds
    the minutes of fixing the test; calling a product bug flaky or outdated costs the bug's
    manual minutes (it ships); findings, false positives and questions cost as everywhere."""
    t = ep.triage
    assert t is not None
    budget = ep.spec.task.budget.wall_seconds
    needs_fix = t.truth in ("flaky", "outdated_test")
    fixed = needs_fix and t.fix_verdict == "holds"
    escaped = ep.bug_facts[t.bug].manual_minutes if t.bug in ep.bug_facts else 0.0
    spent = (
        tally.findings * constants.triage_minutes_per_finding
        + tally.false_positives * constants.wasted_minutes_per_false_positive
        + tally.questions * constants.answer_minutes_per_question
    )
    labelled = t.label is not None and t.labelled_at is not None
    return replace(
        tally,
        truth=t.truth,
        label=t.label or "none",
        right=int(t.right),
        product_bug=int(t.truth == "product_bug"),
        dangerous=int(t.dangerous_miss),
        needs_fix=int(needs_fix),
        fixed=int(fixed),
        neutered=int(needs_fix and t.fix_verdict == "neutered"),
        flaky_labelled=int(t.truth == "flaky" and t.label == "flaky"),
        category_right=int(
            t.truth == "flaky" and t.label == "flaky" and t.category == t.truth_category
        ),
        decided=(max(0.0, min(budget, t.labelled_at or 0.0)),) if labelled else (),
        undecided=() if labelled else (budget,),
        minutes_saved=(constants.red_test_minutes.get(t.truth, 0.0) if t.right else 0.0)
        + (constants.test_fix_minutes if fixed else 0.0)
        - (escaped if t.dangerous_miss else 0.0)
        - spent,
    )


def _findings_tally(
    ep: EpisodeResult,
    scored: Sequence[str],
    validated: Sequence[str],
    first: dict[str, ReportedFinding],
    found_at: dict[str, float],
    constants: Constants,
) -> _Tally:
    n_fp = sum(1 for f in ep.findings if _is_false_positive(f))
    gained = sum(ep.bug_facts[b].manual_minutes for b in validated if b in ep.bug_facts)
    spent = (
        len(ep.findings) * constants.triage_minutes_per_finding
        + n_fp * constants.wasted_minutes_per_false_positive
        + ep.usage.questions * constants.answer_minutes_per_question
    )
    budget = ep.spec.task.budget.wall_seconds
    found = [b for b in scored if b in found_at]
    steps = tuple(
        len(finding.steps)
        for b in found
        if (finding := first[b].finding) is not None  # a validated finding always parses
    )
    return _Tally(
        scored=len(scored),
        found=len(found),
        validated=len(validated),
        native=sum(1 for b in validated if b.startswith(NATIVE_BUG_PREFIX)),
        findings=len(ep.findings),
        verdicts=Counter(
            f.verdict.kind.value if f.verdict is not None else "unjudged" for f in ep.findings
        ),
        false_positives=n_fp,
        questions=ep.usage.questions,
        model_usd=ep.usage.model_cost_usd,
        compute_usd=ep.usage.browser_seconds / 3600.0 * constants.compute_usd_per_browser_hour,
        minutes_saved=gained - spent,
        # found_at is stamped by the harness and never negative; clamp anyway (max() also
        # maps NaN to 0) so one corrupt record cannot crash a whole report.
        events=tuple(max(0.0, found_at[b]) for b in found),
        censored=tuple(budget for b in scored if b not in found_at),
        steps=steps,
    )


# --- groups to rows -------------------------------------------------------------------------


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _row(group: _Group, constants: Constants, seed: int) -> MetricsRow:
    tallies = group.tallies
    n = len(tallies)
    found = [t.found for t in tallies]
    scored = [t.scored for t in tallies]
    fps = [t.false_positives for t in tallies]
    findings = [t.findings for t in tallies]
    validated = [t.validated for t in tallies]
    cost = [t.model_usd + t.compute_usd for t in tallies]
    minutes = [t.minutes_saved for t in tallies]

    # TTR pairs, prepared once: a resample only re-weights them.
    pairs = KMPairs.build(
        [[(x, True) for x in t.events] + [(x, False) for x in t.censored] for t in tallies]
    )
    total_pairs = len(pairs.codes)
    total_events = sum(len(t.events) for t in tallies)

    def s_recall(r: Resample) -> float | None:
        return _ratio(r.sum(found), r.sum(scored))

    def s_fp(r: Resample) -> float | None:
        return _ratio(r.sum(fps), r.sum(findings))

    def s_cost(r: Resample) -> float | None:
        return _ratio(r.sum(cost), r.sum(validated))

    def s_minutes(r: Resample) -> float | None:
        return r.sum(minutes)

    tests = [t.tests for t in tallies]
    dropped = [t.dropped for t in tallies]
    generate = group.task == "generate"

    def s_dropped(r: Resample) -> float | None:
        return _ratio(r.sum(dropped), r.sum(tests))

    carrying = [t.carrying for t in tallies]
    caught = [t.caught for t in tallies]
    regression_free = [t.regression_free for t in tallies]
    false_blocks = [t.false_block for t in tallies]
    reviews = group.task in CHANGE_TASKS
    decisions = KMPairs.build(
        [[(x, True) for x in t.decided] + [(x, False) for x in t.undecided] for t in tallies]
    )

    def s_catch(r: Resample) -> float | None:
        return _ratio(r.sum(caught), r.sum(carrying))

    def s_false_block(r: Resample) -> float | None:
        return _ratio(r.sum(false_blocks), r.sum(regression_free))

    def s_per_change(r: Resample) -> float | None:
        return _ratio(r.sum(cost), r.sum([1] * n))

    triages = group.task == "flaky"
    right = [t.right for t in tallies]
    product_bugs = [t.product_bug for t in tallies]
    dangerous = [t.dangerous for t in tallies]
    needs_fix = [t.needs_fix for t in tallies]
    fixed = [t.fixed for t in tallies]

    def s_accuracy(r: Resample) -> float | None:
        return _ratio(r.sum(right), r.sum([1] * n))

    def s_dangerous(r: Resample) -> float | None:
        return _ratio(r.sum(dangerous), r.sum(product_bugs))

    def s_fixed(r: Resample) -> float | None:
        return _ratio(r.sum(fixed), r.sum(needs_fix))

    def s_decision(r: Resample) -> float | None:
        median = km_median(decisions, r.weights)
        return math.inf if median is None else median

    def s_ttr(r: Resample) -> float | None:
        if not r.sum(scored):  # no pairs in this resample: undefined, not "never reached"
            return None
        median = km_median(pairs, r.weights)
        # Not reached = later than every observed time: sort it last rather than dropping it,
        # which would bias the interval towards fast agents.
        return math.inf if median is None else median

    stats: dict[str, Statistic] = {"recall": s_recall, "ttr": s_ttr}
    if not group.bug_level:
        stats |= {"fp": s_fp, "cost": s_cost, "minutes": s_minutes}
        if generate:
            stats["dropped"] = s_dropped
        if triages:
            stats |= {
                "accuracy": s_accuracy,
                "dangerous": s_dangerous,
                "fixed": s_fixed,
                "per_change": s_per_change,
            }
        if reviews:
            stats |= {
                "catch": s_catch,
                "false_block": s_false_block,
                "per_change": s_per_change,
                "decision": s_decision,
            }
    cis = bootstrap_cis(
        n,
        stats,
        resamples_count=constants.bootstrap_resamples,
        confidence=constants.confidence,
        seed=_group_seed(seed, group),
    )
    none = Interval(None, None)

    fp_rate = None if group.bug_level or generate else _ratio(sum(fps), sum(findings))
    kept_tests = sum(t.kept for t in tallies)
    all_steps = [s for t in tallies for s in t.steps]
    model_usd = sum(t.model_usd for t in tallies)
    compute_usd = sum(t.compute_usd for t in tallies)
    return MetricsRow(
        agent=group.agent,
        agent_name=group.agent_name,
        agent_version=group.agent_version,
        task=group.task,
        slice=dict(group.slice),
        trust=",".join(sorted(group.trust)),
        n_episodes=n,
        n_infra_errors=group.infra,
        n_agent_errors=group.statuses[EpisodeStatus.AGENT_ERROR.value],
        statuses=dict(sorted(group.statuses.items())),
        n_findings=sum(findings),
        n_false_positives=sum(fps),
        **_verdict_fields(tallies),
        n_validated=sum(validated),
        n_native_validated=sum(t.native for t in tallies),
        n_manifestable=sum(scored),
        recall=_ratio(sum(found), sum(scored)),
        recall_ci_low=cis["recall"].low,
        recall_ci_high=cis["recall"].high,
        fp_rate=fp_rate,
        fp_rate_ci_low=cis.get("fp", none).low,
        fp_rate_ci_high=cis.get("fp", none).high,
        precision=None if fp_rate is None else 1.0 - fp_rate,
        ttr_median_s=km_median(pairs) if total_pairs else None,
        ttr_ci_low=cis["ttr"].low,
        ttr_ci_high=cis["ttr"].high,
        found_within_budget=_ratio(total_events, total_pairs),
        steps_to_repro_median=float(statistics.median(all_steps)) if all_steps else None,
        model_cost_usd=model_usd,
        compute_cost_usd=compute_usd,
        cost_per_validated_bug=(
            None if group.bug_level else _ratio(model_usd + compute_usd, sum(validated))
        ),
        cost_per_validated_bug_ci_low=cis.get("cost", none).low,
        cost_per_validated_bug_ci_high=cis.get("cost", none).high,
        human_minutes_saved=None if group.bug_level or n == 0 else sum(minutes),
        human_minutes_saved_ci_low=cis.get("minutes", none).low,
        human_minutes_saved_ci_high=cis.get("minutes", none).high,
        questions=sum(t.questions for t in tallies),
        n_tests=sum(tests),
        n_tests_dropped=sum(dropped),
        dropped_share=None if group.bug_level else _ratio(sum(dropped), sum(tests)),
        dropped_share_ci_low=cis.get("dropped", none).low,
        dropped_share_ci_high=cis.get("dropped", none).high,
        suite_runtime_s=(
            float(statistics.median(t.runtime_s for t in tallies))
            if generate and tallies and not group.bug_level
            else None
        ),
        tests_per_kill=_ratio(kept_tests, sum(validated)) if generate else None,
        **(_review_fields(tallies, cis, decisions) if reviews and not group.bug_level else {}),
        **(_triage_fields(tallies, cis, decisions) if triages and not group.bug_level else {}),
        constants_version=constants.version,
        confidence=constants.confidence,
    )


def _review_fields(
    tallies: Sequence[_Tally], cis: dict[str, Interval], decisions: KMPairs
) -> dict[str, Any]:
    """A change-review row's own figures (docs/design.md §6.2)."""
    carrying = sum(t.carrying for t in tallies)
    free = sum(t.regression_free for t in tallies)
    caught = sum(t.caught for t in tallies)
    blocked = sum(t.false_block for t in tallies)
    cost = sum(t.model_usd + t.compute_usd for t in tallies)
    decision = cis["decision"]
    return {
        "n_carrying": carrying,
        "n_caught": caught,
        "catch_rate": _ratio(caught, carrying),
        "catch_rate_ci_low": cis["catch"].low,
        "catch_rate_ci_high": cis["catch"].high,
        "n_regression_free": free,
        "n_false_blocks": blocked,
        "false_block_rate": _ratio(blocked, free),
        "false_block_rate_ci_low": cis["false_block"].low,
        "false_block_rate_ci_high": cis["false_block"].high,
        "decision_median_s": km_median(decisions) if decisions.codes else None,
        "decision_ci_low": decision.low,
        "decision_ci_high": decision.high,
        "cost_per_change": _ratio(cost, len(tallies)),
        "cost_per_change_ci_low": cis["per_change"].low,
        "cost_per_change_ci_high": cis["per_change"].high,
    }


def _verdict_fields(tallies: Sequence[_Tally]) -> dict[str, Any]:
    return {
        f"verdict_{kind}": sum(t.verdicts[kind] for t in tallies)
        for kind in (*(k.value for k in VerdictKind), "unjudged")
    }


def _triage_fields(
    tallies: Sequence[_Tally], cis: dict[str, Interval], labels: KMPairs
) -> dict[str, Any]:
    """A `flaky` row's own figures (docs/design.md §6.3)."""
    confusion: dict[str, dict[str, int]] = {}
    for t in tallies:
        row = confusion.setdefault(t.truth, {})
        row[t.label] = row.get(t.label, 0) + 1
    right = sum(t.right for t in tallies)
    product = sum(t.product_bug for t in tallies)
    dangerous = sum(t.dangerous for t in tallies)
    needs = sum(t.needs_fix for t in tallies)
    fixed = sum(t.fixed for t in tallies)
    cost = sum(t.model_usd + t.compute_usd for t in tallies)
    return {
        "n_right": right,
        "triage_accuracy": _ratio(right, len(tallies)),
        "triage_accuracy_ci_low": cis["accuracy"].low,
        "triage_accuracy_ci_high": cis["accuracy"].high,
        "confusion": {k: dict(sorted(v.items())) for k, v in sorted(confusion.items())},
        "n_product_bug": product,
        "n_dangerous_misses": dangerous,
        "dangerous_miss_rate": _ratio(dangerous, product),
        "dangerous_miss_rate_ci_low": cis["dangerous"].low,
        "dangerous_miss_rate_ci_high": cis["dangerous"].high,
        "n_needs_fix": needs,
        "n_fixed": fixed,
        "n_neutered": sum(t.neutered for t in tallies),
        "fix_success_rate": _ratio(fixed, needs),
        "fix_success_rate_ci_low": cis["fixed"].low,
        "fix_success_rate_ci_high": cis["fixed"].high,
        "category_accuracy": _ratio(
            sum(t.category_right for t in tallies), sum(t.flaky_labelled for t in tallies)
        ),
        "triage_median_s": km_median(labels) if labels.codes else None,
        "cost_per_triage": _ratio(cost, len(tallies)),
    }


def _group_seed(seed: int, group: _Group) -> str:
    # Derived from the group's identity (not its position), so a group's intervals do not
    # change when other agents or slices are added to the report. random.Random hashes a str
    # seed with SHA-512: stable across processes, unlike hash().
    parts = [str(seed), group.agent, group.agent_name, group.agent_version, group.task]
    parts += [f"{k}={v}" for k, v in group.slice.items()]
    return "\x1f".join(parts)


def _sort_key(row: MetricsRow) -> tuple[Any, ...]:
    return (
        row.task,
        row.recall is None,  # undefined recall sorts after every defined one
        -(row.recall or 0.0),
        row.agent,
        row.agent_version,
        sorted(row.slice.items()),
    )


def compute_rows(
    episodes: Sequence[EpisodeResult],
    *,
    by: Sequence[str] = (),
    constants: Constants | None = None,
    seed: int = 0,
) -> list[MetricsRow]:
    """One `MetricsRow` per (agent config, task) and per value of each slice in `by`
    (any of `SLICES`), sorted by task, then recall descending, then agent.

    Episodes with status ``infra_error`` are counted (``n_infra_errors``) but never scored;
    ``agent_error`` episodes are scored and also counted apart (``n_agent_errors``).
    Intervals are deterministic for the same episodes and `seed`.
    """
    constants = constants if constants is not None else load_constants()
    dims = list(dict.fromkeys(by))
    unknown = [d for d in dims if d not in SLICES]
    if unknown:
        raise ConfigError(
            f"unknown slice {', '.join(map(repr, unknown))}; choose from {', '.join(SLICES)}"
        )
    ep_dims = [d for d in dims if d in EPISODE_SLICES]
    bug_dims = [d for d in dims if d in BUG_SLICES]
    bug_level = bool(bug_dims)
    groups: dict[tuple[str, ...], _Group] = {}

    def group_for(ep: EpisodeResult, values: dict[str, str]) -> _Group:
        agent = ep.spec.agent
        ordered = {d: values[d] for d in dims}  # slice keys in the order asked for
        key = (agent.label, agent.name, agent.version, ep.spec.task.kind, *ordered.values())
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(
                agent=agent.label,
                agent_name=agent.name,
                agent_version=agent.version,
                task=ep.spec.task.kind,
                slice=ordered,
                bug_level=bug_level,
            )
        group.trust.add(ep.trust)
        return group

    for ep in episodes:
        ep_values = dict(zip(ep_dims, _episode_values(ep, ep_dims), strict=True))
        infra = ep.status is EpisodeStatus.INFRA_ERROR
        scored = _scored_bugs(ep)
        if infra:
            # Computing the validator's output of an infra error would be meaningless; count
            # the episode where it would have been scored and move on.
            targets = [ep_values]
            if bug_level:
                distinct = dict.fromkeys(_bug_values(ep, b, bug_dims) for b in scored)
                targets = [ep_values | dict(zip(bug_dims, v, strict=True)) for v in distinct]
            for target in targets:
                g = group_for(ep, target)
                g.infra += 1
                g.statuses[ep.status.value] += 1
            continue

        first = _first_validated(ep)
        found_at = ep.validated_bugs
        if not bug_level:
            g = group_for(ep, ep_values)
            g.tallies.append(_tally(ep, scored, list(found_at), first, found_at, constants))
            g.statuses[ep.status.value] += 1
            continue

        # Bug-level: split the episode's scored bugs by their slice values; an episode joins
        # every slice in which it has at least one scored bug.
        by_values: dict[tuple[str, ...], list[str]] = {}
        for b in scored:
            by_values.setdefault(_bug_values(ep, b, bug_dims), []).append(b)
        for b in found_at:  # a native bug found joins its slice, where recall does not count it
            if b.startswith(NATIVE_BUG_PREFIX):
                by_values.setdefault(_bug_values(ep, b, bug_dims), [])
        for values, bugs in by_values.items():
            in_slice = [b for b in found_at if _bug_values(ep, b, bug_dims) == values]
            g = group_for(ep, ep_values | dict(zip(bug_dims, values, strict=True)))
            g.tallies.append(_tally(ep, bugs, in_slice, first, found_at, constants))
            g.statuses[ep.status.value] += 1

    return sorted((_row(g, constants, seed) for g in groups.values()), key=_sort_key)
