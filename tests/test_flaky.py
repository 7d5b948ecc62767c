"""The `flaky` task (docs/design.md §6.3): an app's test suite and its red tests, their ground
truth, the triage context, its metrics, and the task end to end on the `minipr` test app."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import frontendx_cli, run_spec

from frontendx.agents import AgentContext, TaskView
from frontendx.errors import ManifestError
from frontendx.metrics import compute_rows, load_constants
from frontendx.records import (
    AgentSpec,
    Budget,
    BugFacts,
    EpisodeResult,
    EpisodeSpec,
    EpisodeStatus,
    TaskSpec,
    Triage,
)
from frontendx.suite import BrowserState, load_app

MINIPR = Path(__file__).resolve().parent / "apps" / "minipr"


def test_a_test_suite_gives_one_red_test_per_defect_outdated_and_regressed_test() -> None:
    app = load_app(MINIPR / "app.yaml")
    cases = app.flaky_cases
    assert {c.label for c in cases.values()} == {"flaky", "outdated_test", "product_bug"}
    defect = cases["search-after-a-sleep"]
    assert defect.variant == () and defect.category is not None
    assert defect.fix == defect.test.steps  # a defect's fix is its good test
    outdated = cases["tagline-rewritten"]
    assert outdated.variant == ("tagline-copy",)  # the change's edits, none of its bugs
    assert outdated.failing == outdated.test.steps and outdated.neutered_on == ()
    regressed = cases["total-off-by-one"]
    assert regressed.variant == ("total-off",) and regressed.bug == "total-off"
    assert regressed.fix is None


def _with_suite(tmp_path: Path, edit: Any) -> Path:
    folder = tmp_path / "minipr"
    shutil.copytree(MINIPR, folder)
    raw = yaml.safe_load((folder / "app.yaml").read_text())
    edit(raw["test_suite"])
    (folder / "app.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    return folder / "app.yaml"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda s: s["defects"][0].update(test="no-such-test"),
            "`test` names 'no-such-test', which is not a test of the suite",
        ),
        (
            lambda s: s["tests"][0].update(catches=["no-such-bug"]),
            "'no-such-bug' is not a bug of this app",
        ),
        (
            lambda s: s["outdated"][0].update(change="no-such-change"),
            "`change` names 'no-such-change', which is not a change of this app",
        ),
        (
            lambda s: s["regressed"][0].update(id=s["tests"][0]["id"]),
            "duplicate id",
        ),
        (lambda s: s["defects"][0].update(failure_rate=0.95), "less than or equal to 0.8"),
        (
            lambda s: s["defects"][0].update(category="cosmic_rays"),
            "fixed_sleep",
        ),
    ],
)
def test_a_broken_test_suite_is_a_located_manifest_error(
    tmp_path: Path, edit: Any, message: str
) -> None:
    with pytest.raises(ManifestError) as caught:
        load_app(_with_suite(tmp_path, edit))
    assert message in str(caught.value)
    assert "test_suite" in str(caught.value)


def _ctx(kind: str = "flaky") -> AgentContext:
    task = TaskView(kind=kind, app_url="http://127.0.0.1:1", spec="", budget=Budget())  # type: ignore[arg-type]
    return AgentContext(task=task, page=None, context=None, answer=lambda q: "")  # type: ignore[arg-type]


def test_the_triage_label_and_fix_are_checked_and_the_last_ones_count() -> None:
    ctx = _ctx()
    with pytest.raises(ValueError, match="label must be one of flaky, product_bug"):
        ctx.triage("maybe")
    with pytest.raises(ValueError, match="category must be one of"):
        ctx.triage("flaky", "bad luck")
    ctx.triage("flaky", "fixed_sleep")
    ctx.triage("outdated_test", "fixed_sleep")  # a cause only goes with `flaky`
    assert (ctx.label, ctx.category) == ("outdated_test", None)
    ctx.fix_test([{"action": "goto", "url": "/"}])
    assert ctx.fix == [{"action": "goto", "url": "/"}]
    with pytest.raises(ValueError, match="explore task takes no triage label"):
        _ctx("explore").triage("flaky")


def _episode(
    truth: str,
    label: str | None,
    *,
    fix: str | None = None,
    category: str | None = None,
    truth_category: str | None = None,
    labelled_at: float | None = 5.0,
) -> EpisodeResult:
    bug = "b1" if truth == "product_bug" else None
    spec = EpisodeSpec(
        app="shop",
        bugs=(bug,) if bug else (),
        state=BrowserState(name="desktop"),
        agent=AgentSpec(name="agent", version="1", config={}),
        task=TaskSpec(kind="flaky", case=f"case-{truth}", budget=Budget(wall_seconds=60)),
        repeat=0,
    )
    triage = Triage(
        case=f"case-{truth}",
        truth=truth,  # type: ignore[arg-type]
        truth_category=truth_category,
        bug=bug,
        history=[True, False],
        label=label,  # type: ignore[arg-type]
        category=category,
        labelled_at=labelled_at if label else None,
        fix_verdict=fix,  # type: ignore[arg-type]
    )
    facts = {
        "b1": BugFacts(category="logic", difficulty="easy", severity="high", manual_minutes=40)
    }
    return EpisodeResult(
        spec=spec,
        status=EpisodeStatus.OK,
        manifestable_bugs=[bug] if bug else [],
        bug_facts=facts if bug else {},
        triage=triage,
    )


def test_triage_metrics_count_accuracy_dangerous_misses_fixes_and_minutes() -> None:
    episodes = [
        _episode(
            "flaky", "flaky", fix="holds", category="fixed_sleep", truth_category="fixed_sleep"
        ),
        _episode(
            "flaky", "flaky", fix="neutered", category="animation", truth_category="fixed_sleep"
        ),
        _episode("outdated_test", "product_bug"),
        _episode("product_bug", "flaky"),  # the dangerous miss
        _episode("product_bug", "product_bug"),
        _episode("product_bug", None),  # no label: a miss too
    ]
    constants = load_constants()
    (row,) = compute_rows(episodes, constants=constants)
    assert row.task == "flaky" and row.n_episodes == 6
    assert (row.n_right, row.triage_accuracy) == (3, 0.5)
    assert row.confusion == {
        "flaky": {"flaky": 2},
        "outdated_test": {"product_bug": 1},
        "product_bug": {"flaky": 1, "none": 1, "product_bug": 1},
    }
    assert (row.n_dangerous_misses, row.n_product_bug) == (2, 3)
    assert row.dangerous_miss_rate == pytest.approx(2 / 3)
    assert (row.n_fixed, row.n_neutered, row.n_needs_fix) == (1, 1, 3)
    assert row.fix_success_rate == pytest.approx(1 / 3)
    assert row.category_accuracy == 0.5
    assert row.triage_accuracy_ci_low is not None and row.triage_accuracy_ci_low <= 0.5
    minutes = constants.red_test_minutes
    expected = (
        2 * minutes["flaky"]
        + constants.test_fix_minutes
        + minutes["product_bug"]
        - 2 * 40  # two regressions called something else ship
    )
    assert row.human_minutes_saved == pytest.approx(expected)
    assert row.triage_median_s == 5.0  # five of six labelled at 5 s


# A fix that no longer checks the search: it waits for the list and asserts only what every
# build shows, so it passes 20/20, also with the search bug on.
NEUTERED_FIX = [
    {"action": "goto", "url": "/"},
    {
        "action": "expect",
        "condition": "count",
        "target": {"css": "#list li"},
        "count": 3,
        "timeout_ms": 4000,
    },
]


@pytest.mark.parametrize(
    "cases",
    [
        # one red test of each cause (about 3 minutes)
        ["search-after-a-sleep", "tagline-rewritten", "total-off-by-one"],
        # every red test of minipr (about 6 minutes)
        pytest.param(None, marks=pytest.mark.slow),
    ],
)
def test_the_flaky_task_end_to_end_calibrates_oracle_null_and_the_rerun_baseline(
    tmp_path: Path, cases: list[str] | None
) -> None:
    """Real runs on minipr's red tests (flaky, outdated, regressed): the oracle is right with
    fixes that hold, the null agent's unchanged "fixes" fail under jitter, the rerun baseline
    calls the outdated test a product bug and never fixes; a fix that drops the check is
    `neutered`."""
    flaky = 1 if cases else 2
    spec: dict[str, Any] = {
        "apps": [str(MINIPR)],
        "agents": ["oracle", "null", "rerun"],
        "tasks": ["flaky"],
        "budget": {"wall_seconds": 90},
        "workers": 1,
        "replays": 2,
    }
    if cases:
        spec["cases"] = cases
    db = run_spec(tmp_path, spec, "f.db")
    neutered = {
        **spec,
        "agents": [
            {
                "name": "scripted",
                "config": {"label": "flaky", "category": "fixed_sleep", "fix": NEUTERED_FIX},
            }
        ],
        "cases": ["search-after-a-sleep"],
    }
    run_spec(tmp_path, neutered, "f.db")
    report = json.loads(
        frontendx_cli("report", "--db", str(db), "--format", "json", check=True).stdout
    )
    rows = {r["agent_name"]: r for r in report["rows"]}
    oracle, null, rerun = rows["oracle"], rows["null"], rows["rerun"]
    assert oracle["n_episodes"] == null["n_episodes"] == rerun["n_episodes"] == flaky + 2
    assert (oracle["triage_accuracy"], oracle["dangerous_miss_rate"]) == (1.0, 0.0)
    assert (oracle["n_fixed"], oracle["n_needs_fix"], oracle["recall"]) == (
        flaky + 1,
        flaky + 1,
        1.0,
    )
    assert oracle["category_accuracy"] == 1.0
    # null: `flaky` for every red test, the red test itself as its fix
    assert null["confusion"] == {
        "flaky": {"flaky": flaky},
        "outdated_test": {"flaky": 1},
        "product_bug": {"flaky": 1},
    }
    assert (null["n_fixed"], null["dangerous_miss_rate"]) == (0, 1.0)
    # rerun: an outdated test fails every re-run, so it reads as a product bug; no fixes
    assert rerun["confusion"]["outdated_test"] == {"product_bug": 1}
    assert rerun["confusion"]["product_bug"] == {"product_bug": 1}
    assert (rerun["n_fixed"], rerun["dangerous_miss_rate"], rerun["recall"]) == (0, 0.0, 1.0)
    scripted = rows["scripted"]
    assert (scripted["n_right"], scripted["n_neutered"], scripted["n_fixed"]) == (1, 1, 0)

    from frontendx.store import open_store

    store = open_store(db, create=False, read_only=True)
    for _, result in store.latest_rows(None):
        triage = result.triage
        assert triage is not None and len(triage.history) == 10 and not triage.history[-1]
        if result.spec.agent.name == "null" and triage.truth == "flaky":
            assert triage.fix_verdict == "fails" and triage.fix_runs == 20
            assert 0 < triage.fix_passed < 20, triage  # flaky: some runs pass, some fail
        if result.spec.agent.name == "scripted":
            assert triage.fix_verdict == "neutered" and "search-500" in triage.fix_reason
        assert "red_run" in result.artifacts or triage.truth == "flaky"


def test_an_external_triager_gets_the_red_test_and_answers_through_the_protocol(
    tmp_path: Path,
) -> None:
    """The external protocol: the task file holds the red test (steps, pytest file, history,
    failing run, a readable trace) and never its case; a bad label gets a 400; a re-run
    answers; the label and the fix posted are stored and judged."""
    helpers = Path(__file__).resolve().parent / "external_agents.py"
    triager = {"command": [sys.executable, str(helpers), "triager"], "name": "triager"}
    spec = {
        "apps": [str(MINIPR)],
        "agents": [{"name": "external", "config": triager}],
        "tasks": ["flaky"],
        "cases": ["search-after-a-sleep"],
        "budget": {"wall_seconds": 60},
        "workers": 1,
        "replays": 1,
        "retries": 0,
    }
    db = run_spec(tmp_path, spec, "x.db", timeout=600)
    from frontendx.store import open_store

    ((_, result),) = open_store(db, create=False, read_only=True).latest_rows(None)
    assert result.status.value == "ok", result.error
    triage = result.triage
    assert triage is not None
    assert (triage.label, triage.category, triage.right) == ("flaky", "fixed_sleep", True)
    assert (triage.fix_verdict, triage.fix_passed) == ("holds", 20), triage.fix_reason
    assert result.usage.steps == 1  # the re-run counts one step
