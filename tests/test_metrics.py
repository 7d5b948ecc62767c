"""Metrics formulas (docs/design.md §5), each checked against numbers computed by hand."""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from frontendx.errors import ConfigError
from frontendx.metrics import (
    Constants,
    MetricsRow,
    bootstrap_ci,
    compute_rows,
    kaplan_meier,
    load_constants,
    percentile,
)
from frontendx.metrics._stats import KMPairs, km_median, km_sweep
from frontendx.records import (
    AgentSpec,
    Budget,
    BugFacts,
    EpisodeResult,
    EpisodeSpec,
    EpisodeStatus,
    ReportedFinding,
    TaskKind,
    TaskSpec,
    Usage,
    Verdict,
    VerdictKind,
)
from frontendx.repro import Finding
from frontendx.suite import BrowserState

# --- builders -------------------------------------------------------------------------------

CONSTANTS = Constants(
    version="test-1",
    triage_minutes_per_finding=5.0,
    wasted_minutes_per_false_positive=10.0,
    answer_minutes_per_question=2.0,
    compute_usd_per_browser_hour=0.10,
    bootstrap_resamples=200,
    confidence=0.95,
)


_Found = tuple[float, VerdictKind | None, str | None, int]


def found(at: float, kind: VerdictKind | None, bug: str | None = None, steps: int = 2) -> _Found:
    """A finding reported at `at` seconds with a verdict (None = never judged)."""
    return (at, kind, bug, steps)


def facts(category: str = "ui", difficulty: str = "easy", minutes: float = 10.0) -> BugFacts:
    return BugFacts(
        category=category, difficulty=difficulty, severity="major", manual_minutes=minutes
    )


def episode(
    *,
    bugs: Sequence[str] = (),
    findings: Sequence[_Found] = (),
    bug_facts: dict[str, BugFacts] | None = None,
    manifestable: Sequence[str] | None = None,
    agent: str = "agent",
    version: str = "1.0",
    config: dict[str, Any] | None = None,
    task: TaskKind = "explore",
    target: str | None = None,
    budget: float = 100.0,
    status: EpisodeStatus = EpisodeStatus.OK,
    usage: Usage | None = None,
    app: str = "shop",
    state: str = "desktop",
    repeat: int = 0,
) -> EpisodeResult:
    """An episode result; manifestable bugs default to the active bugs, facts to category
    "ui"/difficulty "easy"/10 manual minutes each."""
    manifest = list(bugs if manifestable is None else manifestable)
    spec = EpisodeSpec(
        app=app,
        bugs=tuple(sorted(bugs)),
        state=BrowserState(name=state),
        agent=AgentSpec(name=agent, version=version, config=config or {}),
        task=TaskSpec(kind=task, target_bug=target, budget=Budget(wall_seconds=budget)),
        repeat=repeat,
    )
    reported = [
        ReportedFinding(
            index=i,
            found_at=at,
            finding=Finding.model_validate(
                {
                    "title": f"finding {i}",
                    # the repro language requires a final assertion
                    "steps": [{"action": "goto", "url": "/"}] * (steps - 1)
                    + [{"action": "expect_no_page_error"}],
                }
            ),
            verdict=None if kind is None else Verdict(kind=kind, bug_id=bug),
        )
        for i, (at, kind, bug, steps) in enumerate(findings)
    ]
    return EpisodeResult(
        spec=spec,
        status=status,
        findings=reported,
        manifestable_bugs=manifest,
        bug_facts=bug_facts if bug_facts is not None else {b: facts() for b in manifest},
        usage=usage or Usage(),
    )


V = VerdictKind.VALIDATED


def only(rows: list[MetricsRow], **where: Any) -> MetricsRow:
    matching = [r for r in rows if all(getattr(r, k) == v for k, v in where.items())]
    assert len(matching) == 1, matching
    return matching[0]


# --- recall and false positives -------------------------------------------------------------


def test_oracle_like_episodes_have_recall_one_and_no_false_positives() -> None:
    eps = [
        episode(
            bugs=["b1", "b2"],
            findings=[found(5, V, "b1"), found(9, V, "b2")],
            repeat=r,
        )
        for r in range(3)
    ]
    [row] = compute_rows(eps, constants=CONSTANTS)
    assert row.n_episodes == 3
    assert (row.n_manifestable, row.n_validated, row.n_findings) == (6, 6, 6)
    assert row.recall == 1.0
    assert (row.recall_ci_low, row.recall_ci_high) == (1.0, 1.0)
    assert row.fp_rate == 0.0
    assert (row.fp_rate_ci_low, row.fp_rate_ci_high) == (0.0, 0.0)
    assert row.precision == 1.0
    assert row.found_within_budget == 1.0


def test_null_like_episodes_have_recall_zero_and_fp_rate_one() -> None:
    fakes = [
        found(1, VerdictKind.NOT_REPRODUCED),
        found(2, VerdictKind.ALSO_ON_CLEAN),
        found(3, VerdictKind.INVALID),
    ]
    eps = [episode(bugs=["b1"], findings=fakes, repeat=r) for r in range(2)]
    [row] = compute_rows(eps, constants=CONSTANTS)
    assert row.recall == 0.0
    assert row.fp_rate == 1.0
    assert row.precision == 0.0
    assert row.n_false_positives == 6
    assert row.ttr_median_s is None  # nothing found: survival never drops
    assert row.found_within_budget == 0.0
    assert row.cost_per_validated_bug is None  # 0 validated bugs


def test_recall_is_a_ratio_of_sums_not_a_mean_of_ratios() -> None:
    eps = [
        episode(bugs=["b1", "b2"], findings=[found(1, V, "b1"), found(2, V, "b2")]),
        episode(bugs=["b1", "b2", "b3"], repeat=1),
    ]
    [row] = compute_rows(eps, constants=CONSTANTS)
    # (2 + 0) / (2 + 3) = 0.4; a mean of per-episode recalls would say (1 + 0) / 2 = 0.5.
    assert row.recall == pytest.approx(0.4)
    assert row.n_manifestable == 5


def test_validated_bug_that_does_not_manifest_is_not_recall() -> None:
    # b2 is active but not manifestable in this state: finding it is a validated bug, but
    # recall's base is the manifestable set, so recall stays <= 1.
    ep = episode(bugs=["b1", "b2"], manifestable=["b1"], findings=[found(1, V, "b2")])
    [row] = compute_rows([ep], constants=CONSTANTS)
    assert row.recall == 0.0
    assert row.n_validated == 1


def test_duplicates_cost_triage_but_are_not_false_positives() -> None:
    ep = episode(
        bugs=["b1"],
        findings=[
            found(1, V, "b1"),
            found(2, VerdictKind.DUPLICATE, "b1"),
            found(3, VerdictKind.FLAKY_REPRO),
            found(4, None),  # never judged: a human still triages it, it finds nothing
        ],
    )
    [row] = compute_rows([ep], constants=CONSTANTS)
    assert row.n_findings == 4
    assert row.n_false_positives == 2
    assert row.fp_rate == pytest.approx(0.5)
    assert row.precision == pytest.approx(0.5)
    assert row.n_validated == 1  # the duplicate is the same bug


def test_fp_rate_is_none_without_findings() -> None:
    [row] = compute_rows([episode(bugs=["b1"])], constants=CONSTANTS)
    assert row.fp_rate is None
    assert row.precision is None
    assert row.fp_rate_ci_low is None
    assert row.recall == 0.0


def test_recall_is_none_on_clean_variants_but_false_positives_count() -> None:
    ep = episode(bugs=[], findings=[found(1, VerdictKind.ALSO_ON_CLEAN)])
    [row] = compute_rows([ep], constants=CONSTANTS)
    assert row.recall is None
    assert row.fp_rate == 1.0
    assert row.slice == {}


# --- statuses ---------------------------------------------------------------------------------


def test_infra_errors_are_not_scored() -> None:
    good = episode(bugs=["b1"], findings=[found(1, V, "b1")])
    infra = episode(
        bugs=["b1"],
        findings=[found(1, VerdictKind.NOT_REPRODUCED)],
        status=EpisodeStatus.INFRA_ERROR,
        usage=Usage(model_cost_usd=5.0, questions=4),
        repeat=1,
    )
    [row] = compute_rows([good, infra], constants=CONSTANTS)
    assert row.n_episodes == 1
    assert row.n_infra_errors == 1
    assert row.statuses == {"infra_error": 1, "ok": 1}
    assert row.recall == 1.0
    assert row.fp_rate == 0.0
    assert row.model_cost_usd == 0.0
    assert row.questions == 0


def test_only_infra_errors_gives_a_row_with_no_figures() -> None:
    infra = episode(bugs=["b1"], status=EpisodeStatus.INFRA_ERROR)
    [row] = compute_rows([infra], constants=CONSTANTS)
    assert (row.n_episodes, row.n_infra_errors) == (0, 1)
    assert row.recall is None and row.ttr_median_s is None and row.human_minutes_saved is None


def test_agent_errors_and_timeouts_are_scored_against_the_agent() -> None:
    eps = [
        episode(bugs=["b1"], findings=[found(1, V, "b1")]),
        episode(bugs=["b1"], status=EpisodeStatus.AGENT_ERROR, repeat=1),
        episode(bugs=["b1"], status=EpisodeStatus.TIMEOUT, repeat=2),
    ]
    [row] = compute_rows(eps, constants=CONSTANTS)
    assert row.n_episodes == 3
    assert row.recall == pytest.approx(1 / 3)
    assert row.statuses == {"agent_error": 1, "ok": 1, "timeout": 1}


def test_each_row_counts_its_infra_and_agent_errors() -> None:
    eps = [
        episode(bugs=["b1"], findings=[found(1, V, "b1")]),
        episode(bugs=["b1"], status=EpisodeStatus.AGENT_ERROR, repeat=1),
        episode(bugs=["b1"], status=EpisodeStatus.AGENT_ERROR, repeat=2),
        episode(bugs=["b1"], status=EpisodeStatus.INFRA_ERROR, repeat=3),
        episode(bugs=["b1"], agent="other", status=EpisodeStatus.INFRA_ERROR),
        episode(bugs=["b1"], agent="other", status=EpisodeStatus.INFRA_ERROR, repeat=1),
        episode(bugs=["b1"], agent="other", status=EpisodeStatus.AGENT_ERROR, repeat=2),
    ]
    rows = compute_rows(eps, constants=CONSTANTS)
    counts = {r.agent: (r.n_episodes, r.n_infra_errors, r.n_agent_errors) for r in rows}
    # agent errors are scored (in n_episodes); infra errors are not
    assert counts == {"agent": (3, 1, 2), "other": (1, 2, 1)}
    # bug-level slices count each episode once per slice it is scored in
    [by_category] = compute_rows(eps[:4], by=["category"], constants=CONSTANTS)
    assert (by_category.n_infra_errors, by_category.n_agent_errors) == (1, 2)


def test_each_row_shows_the_trust_level_of_its_episodes() -> None:
    builtin = episode(agent="crawler")
    external = episode(agent="external")
    plugin = episode(agent="acme-agent")
    unconfined = episode(agent="external", config={"command": ["x"]}).model_copy(
        update={"trust": "unconfined"}
    )
    rows = compute_rows([builtin, external, plugin, unconfined], constants=CONSTANTS)
    assert {r.agent: r.trust for r in rows} == {
        "crawler": "builtin",
        "external": "sandboxed",
        "acme-agent": "trusted",
        unconfined.spec.agent.label: "unconfined",
    }


def test_a_result_stored_without_a_trust_level_gets_one_from_its_agent_name() -> None:
    for name, trust in [
        ("oracle", "builtin"),
        ("null", "builtin"),
        ("crawler", "builtin"),
        ("llm", "builtin"),
        ("external", "sandboxed"),
        ("acme-agent", "trusted"),
    ]:
        stored = episode(agent=name).model_dump(mode="json")
        del stored["trust"]
        assert EpisodeResult.model_validate(stored).trust == trust
        assert EpisodeResult.model_validate_json(json.dumps(stored)).trust == trust
    # A recorded level is kept as recorded.
    kept = episode(agent="external").model_copy(update={"trust": "unconfined"})
    assert EpisodeResult.model_validate_json(kept.model_dump_json()).trust == "unconfined"


# --- reproduce ------------------------------------------------------------------------------


def test_reproduce_pass_rate_counts_target_bug_only() -> None:
    common: dict[str, Any] = {"bugs": ["b1", "b2"], "task": "reproduce", "target": "b1"}
    eps = [
        episode(**common, findings=[found(10, V, "b2")], repeat=0),  # wrong bug: a fail
        episode(**common, findings=[found(20, V, "b1")], repeat=1),
        episode(**common, findings=[found(30, V, "b2"), found(40, V, "b1")], repeat=2),
    ]
    [row] = compute_rows(eps, constants=CONSTANTS)
    assert row.task == "reproduce"
    assert row.recall == pytest.approx(2 / 3)
    assert row.n_manifestable == 3  # one target per episode
    # TTR pairs are the targets only: (10 -> censored at 100), (20, event), (40, event).
    # S(20) = 1 - 1/3 = 2/3; S(40) = 2/3 * (1 - 1/2) = 1/3 <= 0.5, and the 100 s censoring
    # comes last; so the median is 40 and 2 of 3 were found within budget.
    assert row.ttr_median_s == 40.0
    assert row.found_within_budget == pytest.approx(2 / 3)


# --- time to reproduction -------------------------------------------------------------------


def test_km_median_with_censoring_matches_hand_computation() -> None:
    curve = kaplan_meier([(1, True), (2, False), (3, True), (4, True), (5, False)])
    # t=1: 5 at risk, 1 event -> S = 4/5. t=2: one censored, leaving 3 at risk.
    # t=3: S = 4/5 * 2/3 = 8/15 (0.533 > 0.5). t=4: 2 at risk -> S = 8/15 * 1/2 = 4/15.
    assert curve.times == (1, 3, 4)
    assert curve.survival == pytest.approx((4 / 5, 8 / 15, 4 / 15))
    assert curve.median == 4
    # Ignoring the censoring (treating 2 and 5 as events or dropping them) would say 3.
    assert curve.n_at_start == 5 and curve.n_events == 3


def test_km_median_is_none_when_survival_never_reaches_half() -> None:
    curve = kaplan_meier([(10, True), (100, False), (100, False)])
    assert curve.survival == pytest.approx((2 / 3,))
    assert curve.median is None


def test_km_ties_count_events_before_censorings() -> None:
    # At t=5 one event and one censoring: both were at risk, S(5) = 1 - 1/2 = 0.5.
    curve = kaplan_meier([(5, True), (5, False)])
    assert curve.survival == (0.5,)
    assert curve.median == 5


def test_km_median_at_exactly_half_despite_float_products() -> None:
    # S(2) = 2/3 * 3/4 = 0.5 exactly in arithmetic; in floats it may land a hair above.
    # 4 at risk: S(1) = 3/4, S(2) = 3/4 * 2/3 = 1/2.
    curve = kaplan_meier([(1, True), (2, True), (9, False), (9, False)])
    assert curve.median == 2


def test_km_fast_median_agrees_with_the_full_sweep() -> None:
    # km_median takes an order-statistic shortcut when every censoring is at or after the
    # last event; it must give what the step-by-step product gives, weights and ties included.
    rng = random.Random(5)
    for _ in range(300):
        per_item = [
            [(float(rng.randrange(1, 20)), True)] * rng.randrange(3)
            + [(50.0, False)] * rng.randrange(2)
            for _ in range(rng.randrange(1, 8))
        ]
        pairs = KMPairs.build(per_item)
        assert pairs.censoring_last
        weights = Counter(rng.choices(range(len(per_item)), k=len(per_item)))
        for w in (None, weights):
            slow = next((t for t, s in km_sweep(pairs, w) if s <= 0.5 + 1e-12), None)
            assert km_median(pairs, w) == slow


def test_km_median_with_early_censoring_uses_the_product() -> None:
    # A pair censored at 2 (a shorter budget) before events at 3 and 4: not the shortcut.
    pairs = KMPairs.build([[(1.0, True), (2.0, False)], [(3.0, True), (4.0, True), (5.0, False)]])
    assert not pairs.censoring_last
    assert km_median(pairs) == 4.0  # as in the hand computation above
    # item 0 drawn twice, item 1 once: pairs 1E 1E 2C 2C 3E 4E 5C -> 7 at risk.
    # S(1) = 5/7; 2 censored leaves 3; S(3) = 5/7 * 2/3 = 10/21 <= 0.5 -> median 3.
    assert km_median(pairs, {0: 2, 1: 1}) == 3.0


def test_ttr_median_in_rows_censors_unfound_bugs_at_budget() -> None:
    eps = [
        episode(bugs=["b1", "b2"], findings=[found(10, V, "b1")], budget=100),
        episode(bugs=["b1", "b2"], findings=[found(30, V, "b1"), found(50, V, "b2")], repeat=1),
        episode(bugs=["b1"], budget=100, repeat=2),
    ]
    [row] = compute_rows(eps, constants=CONSTANTS)
    # Pairs: 10 E, 100 C, 30 E, 50 E, 100 C. S(10) = 4/5, S(30) = 4/5 * 3/4 = 3/5,
    # S(50) = 3/5 * 2/3 = 2/5 <= 0.5 -> median 50; 3 of 5 found within budget.
    assert row.ttr_median_s == 50.0
    assert row.found_within_budget == pytest.approx(3 / 5)
    assert row.ttr_ci_low is not None and row.ttr_ci_low <= 50.0


def test_ttr_uses_the_first_validated_finding_of_each_bug() -> None:
    ep = episode(bugs=["b1"], findings=[found(40, V, "b1"), found(10, V, "b1")])
    [row] = compute_rows([ep], constants=CONSTANTS)
    assert row.ttr_median_s == 40.0  # reported first, even though the later one has less time


def test_steps_to_repro_median_uses_first_validated_finding_per_bug() -> None:
    eps = [
        episode(
            bugs=["b1", "b2"],
            findings=[found(1, V, "b1", steps=3), found(2, V, "b1", steps=9), found(3, V, "b2", 5)],
        ),
        episode(bugs=["b1"], findings=[found(1, V, "b1", steps=8)], repeat=1),
    ]
    [row] = compute_rows(eps, constants=CONSTANTS)
    assert row.steps_to_repro_median == 5.0  # median of 3, 5, 8


# --- cost and human minutes -----------------------------------------------------------------


def test_cost_per_validated_bug_adds_metered_model_cost_and_browser_time() -> None:
    eps = [
        episode(
            bugs=["b1", "b2"],
            findings=[found(1, V, "b1"), found(2, V, "b2")],
            usage=Usage(model_cost_usd=0.30, browser_seconds=1800),
        ),
        episode(bugs=["b1"], usage=Usage(model_cost_usd=0.10, browser_seconds=3600), repeat=1),
    ]
    [row] = compute_rows(eps, constants=CONSTANTS)
    # model 0.30 + 0.10; compute (0.5 h + 1 h) * $0.10/h = 0.15; 2 validated bugs.
    assert row.model_cost_usd == pytest.approx(0.40)
    assert row.compute_cost_usd == pytest.approx(0.15)
    assert row.cost_per_validated_bug == pytest.approx(0.55 / 2)


def test_human_minutes_saved_formula() -> None:
    ep = episode(
        bugs=["b1", "b2"],
        bug_facts={"b1": facts(minutes=30), "b2": facts(minutes=20)},
        findings=[
            found(1, V, "b1"),
            found(2, V, "b2"),
            found(3, VerdictKind.DUPLICATE, "b1"),
            found(4, VerdictKind.NOT_REPRODUCED),
            found(5, None),
        ],
        usage=Usage(questions=3),
    )
    [row] = compute_rows([ep], constants=CONSTANTS)
    # 30 + 20 validated minutes - 5 findings * 5 triage - 2 FPs * 10 wasted - 3 questions * 2
    assert row.human_minutes_saved == pytest.approx(50 - 25 - 20 - 6)
    assert row.questions == 3
    # one episode: every resample is that episode, so the interval collapses to the value
    assert row.human_minutes_saved_ci_low == pytest.approx(-1.0)
    assert row.human_minutes_saved_ci_high == pytest.approx(-1.0)


# --- grouping, slices, sorting --------------------------------------------------------------


def test_agent_configs_are_grouped_by_label_and_version() -> None:
    eps = [
        episode(bugs=["b1"], agent="llm", config={"model": "m1"}),
        episode(bugs=["b1"], agent="llm", config={"model": "m2"}),
        episode(bugs=["b1"], agent="llm", config={"model": "m2"}, version="2.0"),
    ]
    rows = compute_rows(eps, constants=CONSTANTS)
    assert len(rows) == 3
    assert all(r.agent.startswith("llm@") and r.agent_name == "llm" for r in rows)
    assert len({r.agent for r in rows}) == 2


def test_category_slice_counts_only_that_category() -> None:
    ep = episode(
        bugs=["b1", "b2", "b3"],
        bug_facts={"b1": facts("ui"), "b2": facts("a11y"), "b3": facts("ui")},
        findings=[found(1, V, "b1"), found(2, V, "b2"), found(3, VerdictKind.INVALID)],
    )
    other = episode(bugs=["b4"], bug_facts={"b4": facts("i18n")}, repeat=1)
    rows = compute_rows([ep, other], by=["category"], constants=CONSTANTS)
    ui = only(rows, slice={"category": "ui"})
    a11y = only(rows, slice={"category": "a11y"})
    i18n = only(rows, slice={"category": "i18n"})
    assert (ui.recall, ui.n_manifestable, ui.n_validated) == (0.5, 2, 1)
    assert (a11y.recall, a11y.n_manifestable, a11y.n_validated) == (1.0, 1, 1)
    assert (i18n.recall, i18n.n_episodes) == (0.0, 1)
    # a false positive has no bug, nor does a dollar: episode-level ratios are undefined here
    for row in (ui, a11y, i18n):
        assert row.fp_rate is None and row.precision is None
        assert row.cost_per_validated_bug is None and row.human_minutes_saved is None
    assert [r.slice["category"] for r in rows] == ["a11y", "ui", "i18n"]  # recall descending


def test_difficulty_and_episode_slices_combine() -> None:
    eps = [
        episode(
            bugs=["b1", "b2"],
            bug_facts={"b1": facts(difficulty="easy"), "b2": facts(difficulty="hard")},
            findings=[found(1, V, "b1")],
            state="mobile",
        ),
        episode(bugs=["b1"], bug_facts={"b1": facts(difficulty="easy")}, state="desktop"),
    ]
    rows = compute_rows(eps, by=["state", "difficulty"], constants=CONSTANTS)
    assert {tuple(r.slice.items()) for r in rows} == {
        (("state", "mobile"), ("difficulty", "easy")),
        (("state", "mobile"), ("difficulty", "hard")),
        (("state", "desktop"), ("difficulty", "easy")),
    }
    assert only(rows, slice={"state": "mobile", "difficulty": "easy"}).recall == 1.0
    assert only(rows, slice={"state": "desktop", "difficulty": "easy"}).recall == 0.0


def test_app_and_variant_slices_split_episodes() -> None:
    eps = [
        episode(bugs=["b1"], app="shop", findings=[found(1, V, "b1")]),
        episode(bugs=[], app="shop", findings=[found(1, VerdictKind.ALSO_ON_CLEAN)]),
        episode(bugs=["b1"], app="blog"),
    ]
    rows = compute_rows(eps, by=["app", "variant"], constants=CONSTANTS)
    assert only(rows, slice={"app": "shop", "variant": "b1"}).recall == 1.0
    clean = only(rows, slice={"app": "shop", "variant": "clean"})
    assert clean.recall is None and clean.fp_rate == 1.0
    assert only(rows, slice={"app": "blog", "variant": "b1"}).recall == 0.0


def test_depth_slice_splits_single_action_bugs_from_chained_ones() -> None:
    def acting(n: int | None) -> BugFacts:
        return facts().model_copy(update={"actions": n})

    ep = episode(
        bugs=["one", "none", "two", "five", "old"],
        bug_facts={
            "one": acting(1),
            "none": acting(0),
            "two": acting(2),
            "five": acting(5),
            "old": acting(None),  # stored before FrontendX counted actions
        },
        findings=[found(1, V, "one"), found(2, V, "five")],
    )
    rows = compute_rows([ep], by=["depth"], constants=CONSTANTS)
    single = only(rows, slice={"depth": "single"})
    chained = only(rows, slice={"depth": "chained"})
    assert (single.n_manifestable, single.n_validated, single.recall) == (2, 1, 0.5)
    assert (chained.n_manifestable, chained.n_validated, chained.recall) == (2, 1, 0.5)
    assert only(rows, slice={"depth": "unknown"}).n_manifestable == 1


def test_budget_slice_draws_recall_against_the_episodes_budget() -> None:
    eps = [
        episode(bugs=["b1", "b2"], budget=30.0, findings=[found(10, V, "b1")]),
        episode(bugs=["b1", "b2"], budget=120.0, findings=[found(10, V, "b1"), found(90, V, "b2")]),
    ]
    rows = compute_rows(eps, by=["budget"], constants=CONSTANTS)
    assert only(rows, slice={"budget": "30s"}).recall == 0.5
    assert only(rows, slice={"budget": "120s"}).recall == 1.0


def test_unknown_slice_is_rejected_with_the_valid_choices() -> None:
    with pytest.raises(ConfigError, match=r"'colour'.*category"):
        compute_rows([episode()], by=["colour"], constants=CONSTANTS)


def test_rows_sorted_by_task_then_recall_descending_then_agent() -> None:
    eps = [
        episode(bugs=["b1"], agent="zeta", findings=[found(1, V, "b1")]),
        episode(bugs=["b1"], agent="alpha", findings=[found(1, V, "b1")]),
        episode(bugs=["b1"], agent="mid"),
        episode(bugs=[], agent="clean-only"),  # recall undefined: after every defined one
        episode(bugs=["b1"], agent="aaa", task="reproduce", target="b1"),
    ]
    rows = compute_rows(eps, constants=CONSTANTS)
    assert [(r.task, r.agent) for r in rows] == [
        ("explore", "alpha"),
        ("explore", "zeta"),
        ("explore", "mid"),
        ("explore", "clean-only"),
        ("reproduce", "aaa"),
    ]


# --- bootstrap ------------------------------------------------------------------------------


def _mixed_episodes(n: int) -> list[EpisodeResult]:
    """Episodes whose per-episode recall, FP and TTR vary, so intervals are not degenerate."""
    eps = []
    for i in range(n):
        k = i % 4
        findings = [found(10.0 + 7 * i % 60, V, "b1")] if k != 0 else []
        findings += [found(20.0, V, "b2")] if k == 3 else []
        findings += [found(5.0, VerdictKind.NOT_REPRODUCED)] * (i % 3)
        eps.append(
            episode(
                bugs=["b1", "b2"],
                findings=findings,
                usage=Usage(model_cost_usd=0.01 * (i % 5), browser_seconds=60.0, questions=i % 2),
                repeat=i,
            )
        )
    return eps


def test_bootstrap_ci_is_deterministic_for_a_seed() -> None:
    eps = _mixed_episodes(40)
    first = compute_rows(eps, constants=CONSTANTS, seed=7)
    again = compute_rows(eps, constants=CONSTANTS, seed=7)
    other = compute_rows(eps, constants=CONSTANTS, seed=8)
    assert first == again
    assert first != other
    [row] = first
    for low, value, high in [
        (row.recall_ci_low, row.recall, row.recall_ci_high),
        (row.fp_rate_ci_low, row.fp_rate, row.fp_rate_ci_high),
        (
            row.cost_per_validated_bug_ci_low,
            row.cost_per_validated_bug,
            row.cost_per_validated_bug_ci_high,
        ),
        (row.human_minutes_saved_ci_low, row.human_minutes_saved, row.human_minutes_saved_ci_high),
    ]:
        assert low is not None and value is not None and high is not None
        assert low < value < high


def test_group_intervals_do_not_depend_on_other_groups() -> None:
    eps = _mixed_episodes(20)
    alone = compute_rows(eps, constants=CONSTANTS)
    with_other = compute_rows([*eps, episode(bugs=["b1"], agent="other")], constants=CONSTANTS)
    assert only(with_other, agent="agent") == alone[0]


def test_bootstrap_ci_of_two_opposite_episodes_spans_zero_to_one() -> None:
    # Resamples of {1, 0} give means 1 (AA), 0.5 (AB, BA) and 0 (BB) with probabilities
    # 1/4, 1/2, 1/4: the 2.5% and 97.5% percentiles of 1000 resamples are 0 and 1.
    values = [1.0, 0.0]
    ci = bootstrap_ci(2, lambda r: r.sum(values) / 2, resamples_count=1000, seed=3)
    assert (ci.low, ci.high) == (0.0, 1.0)
    assert bootstrap_ci(2, lambda r: r.sum(values) / 2, seed=3) == ci


def test_bootstrap_ci_skips_undefined_resamples_and_handles_none() -> None:
    assert bootstrap_ci(0, lambda r: 1.0).low is None
    ci = bootstrap_ci(3, lambda r: None)
    assert (ci.low, ci.high) == (None, None)


def test_zero_resamples_disables_intervals() -> None:
    constants = CONSTANTS.model_copy(update={"bootstrap_resamples": 0})
    [row] = compute_rows(_mixed_episodes(8), constants=constants)
    assert row.recall is not None
    assert (row.recall_ci_low, row.recall_ci_high) == (None, None)


def test_percentile_interpolates_between_order_statistics() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.0) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 1.0) == 4.0
    assert percentile([0.0, 10.0], 0.25) == 2.5
    assert percentile([1.0, math.inf], 0.5) == math.inf


def test_compute_rows_is_fast_for_thousands_of_episodes() -> None:
    eps = _mixed_episodes(3000)
    constants = CONSTANTS.model_copy(update={"bootstrap_resamples": 1000})
    # CPU time of this process, not wall time: the bound should not fail on a busy CI runner.
    start = time.process_time()
    [row] = compute_rows(eps, constants=constants)
    elapsed = time.process_time() - start
    assert row.n_episodes == 3000
    assert elapsed < 5.0, f"{elapsed:.2f}s"


# --- constants ------------------------------------------------------------------------------


def test_packaged_constants_load_with_a_version() -> None:
    c = load_constants()
    assert c.version
    assert c.bootstrap_resamples == 1000
    assert c.confidence == 0.95
    assert c.triage_minutes_per_finding > 0
    [row] = compute_rows([episode(bugs=["b1"])])  # the packaged file is the default
    assert row.constants_version == c.version


def test_every_packaged_constant_is_documented() -> None:
    text = resources.files("frontendx.metrics").joinpath("constants.toml").read_text()
    lines = text.splitlines()
    for name in Constants.model_fields:
        if name == "version":
            continue
        [i] = [i for i, line in enumerate(lines) if line.startswith(f"{name} =")]
        assert lines[i - 1].startswith("#"), f"{name} has no comment above it"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "constants.toml"
    path.write_text(text)
    return path


_GOOD = """
version = "x"
triage_minutes_per_finding = 1
wasted_minutes_per_false_positive = 2
answer_minutes_per_question = 3
compute_usd_per_browser_hour = 0.5
bootstrap_resamples = 10
confidence = 0.9
"""


def test_load_constants_reads_a_given_file(tmp_path: Path) -> None:
    c = load_constants(_write(tmp_path, _GOOD))
    assert (c.version, c.answer_minutes_per_question, c.confidence) == ("x", 3.0, 0.9)


def test_load_constants_bad_value_names_file_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, _GOOD.replace("confidence = 0.9", "confidence = 1.5"))
    with pytest.raises(ConfigError, match=r"constants\.toml.*`confidence`"):
        load_constants(path)


def test_load_constants_missing_and_unknown_keys_are_named(tmp_path: Path) -> None:
    text = _GOOD.replace("bootstrap_resamples = 10\n", "") + "triage_minutes = 4\n"
    with pytest.raises(ConfigError) as info:
        load_constants(_write(tmp_path, text))
    assert "`bootstrap_resamples`: Field required" in str(info.value)
    assert "`triage_minutes`: unknown key" in str(info.value)


def test_load_constants_bad_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_constants(_write(tmp_path, "version = \n"))
    with pytest.raises(ConfigError, match=r"nope\.toml"):
        load_constants(tmp_path / "nope.toml")
