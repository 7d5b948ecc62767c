"""Changes and the two review tasks, `regression` and `visual` (docs/design.md §6.2): manifests,
the builds a change needs, the decision contract, the validator's verdicts on a change, and the
calibration rows of the built-in reviewers, on the `minipr` test app (every switch a backend
one, so no build per change)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import frontendx_cli, run_spec

from frontendx.agents import AgentContext, TaskView, spec_answerer
from frontendx.records import Budget, ReportedFinding, VerdictKind
from frontendx.repro import parse_finding
from frontendx.suite import AppServer, BrowserState, load_app
from frontendx.suite._manifest import AppManifest
from frontendx.validate import Validator

ROOT = Path(__file__).resolve().parent.parent
MINIPR = Path(__file__).resolve().parent / "apps" / "minipr"


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load((MINIPR / "app.yaml").read_text())
    return raw


def test_minipr_loads_with_its_changes() -> None:
    app = load_app(MINIPR)
    assert sorted(app.changes) == ["add-chai", "ocean-look", "tagline"]
    chai = app.changes["add-chai"]
    assert chai.head == ("chai-item", "search-500") and chai.base == ()
    tagline = app.changes["tagline"]
    assert tagline.base == ("total-off",) and tagline.head_bugs == ("total-off",)
    assert "pale-total" not in app.suite_bugs and "pale-total" in app.bugs
    assert set(app.switches) == set(app.bugs) | {"chai-item", "ocean-theme", "tagline-copy"}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda r: r["changes"][0].update(regressions=["no-such-bug"]), "names 'no-such-bug'"),
        (
            lambda r: r["changes"][0]["edits"][0].update(id="total-off"),
            "'total-off' is already a bug; bug and edit ids are one namespace",
        ),
        (
            lambda r: r["changes"][1].update(regressions=[]),
            "bug 'pale-total' is `only_in_changes` but no change names it",
        ),
        (
            lambda r: r["changes"][2].update(regressions=["total-off"]),
            "['total-off'] cannot be both a regression and a base bug",
        ),
        (lambda r: r["changes"][0].update(edits=[]), "changes.0.edits"),
    ],
)
def test_a_bad_change_is_a_located_problem(edit: Any, expected: str) -> None:
    raw = _raw()
    edit(raw)
    with pytest.raises(ValueError, match=None) as caught:
        AppManifest.model_validate(raw)
    assert expected in str(caught.value)


def test_the_build_script_builds_each_changes_head_base_and_attribution_subsets() -> None:
    spec = importlib.util.spec_from_file_location(
        "build_frontend", ROOT / "scripts" / "build_frontend.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    head, base = frozenset({"edit-a", "bug-x", "bug-old"}), frozenset({"bug-old"})
    wanted = module.subsets(
        ["bug-x", "bug-old", "bug-new"], [(head, base)], suite=["bug-x", "bug-old"]
    )
    assert head in wanted and base in wanted
    assert all(head - {s} in wanted for s in head)  # the validator's attribution
    assert frozenset({"bug-new"}) in wanted  # a change-only bug alone (its self-test)
    assert frozenset({"bug-x", "bug-old"}) in wanted  # the suite's all-bugs build...
    assert frozenset({"bug-x", "bug-old", "bug-new"}) not in wanted  # ...without it
    assert len(wanted) == len(set(wanted))


def _ctx(kind: str = "regression") -> AgentContext:
    task = TaskView(kind=kind, app_url="http://127.0.0.1:1", spec="", budget=Budget())  # type: ignore[arg-type]
    return AgentContext(task=task, page=None, context=None, answer=spec_answerer(""))  # type: ignore[arg-type]


async def test_a_block_needs_a_finding_and_the_last_decision_counts() -> None:
    ctx = _ctx()
    assert ctx.decision is None  # none counts as approve (EpisodeResult.blocked)
    with pytest.raises(ValueError, match="a block needs at least one finding"):
        ctx.decide("block")
    with pytest.raises(ValueError, match="'approve' or 'block'"):
        ctx.decide("merge")
    ctx.decide("approve")
    await ctx.report({"title": "t", "steps": [{"action": "goto", "url": "/"}]})
    ctx.decide("block")
    assert ctx.decision == "block" and ctx.decided_at is not None
    with pytest.raises(ValueError, match="takes no decision"):
        _ctx("explore").decide("approve")


async def test_the_visual_task_counts_only_visual_claims() -> None:
    app = load_app(MINIPR)
    validator = Validator(browser=None, servers=[AppServer(app)])  # type: ignore[arg-type]
    text_claim = parse_finding(
        {
            "title": "tagline",
            "steps": [
                {"action": "goto", "url": "/"},
                {
                    "action": "expect",
                    "condition": "text",
                    "target": {"test_id": "tagline"},
                    "text": "x",
                },
            ],
        }
    )
    verdict = await validator.judge(
        ReportedFinding(index=0, found_at=0.0, finding=text_claim),
        (),
        BrowserState(name="desktop"),
        set(),
        change=app.changes["tagline"],
        visual_only=True,
    )
    assert verdict.kind is VerdictKind.INVALID and "visual claims" in verdict.reason
    assert verdict.replays == []  # judged without a replay


TAGLINE_IS_OLD = {
    "title": "The tagline says 'Our list'",
    "steps": [
        {"action": "goto", "url": "/"},
        {
            "action": "expect",
            "condition": "text",
            "target": {"test_id": "tagline"},
            "text": "Our list",
            "timeout_ms": 3000,
        },
    ],
}
TOTAL_IS_SIX = {
    "title": "The total is 6",
    "steps": [
        {"action": "goto", "url": "/"},
        {
            "action": "expect",
            "condition": "text",
            "target": {"test_id": "total"},
            "text": "Total:",
            "timeout_ms": 8000,
        },
        {
            "action": "expect",
            "condition": "text",
            "target": {"test_id": "total"},
            "text": "Total: 6",
            "exact": True,
        },
    ],
}
SEARCH_WORKS = {
    "title": "Search answers without a server error",
    "steps": [
        {"action": "goto", "url": "/"},
        {"action": "fill", "target": {"label": "Search"}, "value": "tea"},
        {"action": "click", "target": {"role": "button", "name": "Go"}},
        {"action": "expect_no_http_error"},
    ],
}


def test_reviewers_calibrate_exactly_and_each_verdict_names_its_cause(tmp_path: Path) -> None:
    """oracle: catch 1, false block 0; approve-all: 0 and 0; block-all: 0 and 1; null blocks
    on claims that never reproduce. A scripted
    reviewer's three claims on each change get the verdict the change's content dictates:
    a regression's repro is validated, a claim against an intended edit is intended_change, a
    claim against a bug of the base build is also_on_base, and the rest do not reproduce."""
    spec = {
        "apps": [str(MINIPR)],
        "agents": [
            "oracle",
            "approve-all",
            "block-all",
            "null",
            {
                "name": "scripted",
                "config": {"findings": [TAGLINE_IS_OLD, TOTAL_IS_SIX, SEARCH_WORKS]},
            },
        ],
        "tasks": ["regression"],
        "ci_budgets": [60],
        "workers": 1,
        "replays": 2,
    }
    db = run_spec(tmp_path, spec, "r.db")
    report = json.loads(
        frontendx_cli("report", "--db", str(db), "--format", "json", check=True).stdout
    )
    rows = {r["agent_name"]: r for r in report["rows"]}
    oracle, approve, block = rows["oracle"], rows["approve-all"], rows["block-all"]
    assert (oracle["n_carrying"], oracle["n_regression_free"]) == (2, 1)
    assert (oracle["catch_rate"], oracle["false_block_rate"], oracle["precision"]) == (
        1.0,
        0.0,
        1.0,
    )
    assert (approve["catch_rate"], approve["false_block_rate"]) == (0.0, 0.0)
    assert (block["catch_rate"], block["false_block_rate"], block["precision"]) == (0.0, 1.0, 0.0)
    assert oracle["decision_median_s"] is not None and oracle["n_episodes"] == 3
    null = rows["null"]  # blocks on fakes: nothing it claims reproduces
    assert (null["catch_rate"], null["false_block_rate"], null["precision"]) == (0.0, 1.0, 0.0)
    assert null["verdict_not_reproduced"] == null["n_findings"] > 0

    from frontendx.store import open_store

    store = open_store(db, create=False, read_only=True)
    verdicts = {}
    for _, result in store.latest_rows(None):
        if result.spec.agent.name == "scripted":
            assert result.decision is None and not result.blocked  # no decision: approve
            verdicts[result.spec.task.change] = [
                f.verdict.kind.value for f in result.findings if f.verdict
            ]
    assert verdicts == {
        "add-chai": ["not_reproduced", "intended_change", "validated"],
        "ocean-look": ["not_reproduced", "not_reproduced", "not_reproduced"],
        "tagline": ["intended_change", "also_on_base", "not_reproduced"],
    }
    scripted = rows["scripted"]
    assert scripted["verdict_intended_change"] == 2 and scripted["verdict_also_on_base"] == 1
    assert scripted["catch_rate"] == 0.0  # validated, but never blocked


def test_an_external_reviewer_gets_the_change_and_decides_through_the_protocol(
    tmp_path: Path,
) -> None:
    """The external protocol: the task file and FRONTENDX_BASE_URL give the base build and
    the pull request (never its edits or regressions); a block before a finding gets a 400;
    the decision posted after one is stored and scored."""
    helpers = Path(__file__).resolve().parent / "external_agents.py"
    reviewer = {"command": [sys.executable, str(helpers), "reviewer"], "name": "reviewer"}
    spec = {
        "apps": [str(MINIPR)],
        "agents": [{"name": "external", "config": reviewer}],
        "tasks": ["regression"],
        "ci_budgets": [30],
        "workers": 1,
        "replays": 1,
        "retries": 0,
    }
    db = run_spec(tmp_path, spec, "r.db", timeout=600)
    from frontendx.store import open_store

    results = {
        r.spec.task.change: r
        for _, r in open_store(db, create=False, read_only=True).latest_rows(None)
    }
    assert set(results) == {"add-chai", "ocean-look", "tagline"}
    for change, result in results.items():
        assert result.status.value == "ok", (change, result.error)
        assert result.decision == "block" and result.decided_at is not None
    (caught,) = results["add-chai"].findings  # search crashes only with add-chai's regression
    assert caught.verdict is not None and caught.verdict.kind is VerdictKind.VALIDATED
    assert caught.verdict.bug_id == "search-500"
    assert results["tagline"].findings[0].verdict.kind is VerdictKind.NOT_REPRODUCED  # type: ignore[union-attr]


@pytest.mark.slow
def test_pixel_diff_blocks_on_every_difference_and_flags_intended_edits(tmp_path: Path) -> None:
    """pixel-diff, the classic visual-regression baseline: it blocks every change whose pages
    look different, and what it flags on a change with no regression is all the change's
    intended edit (intended_change); on a change whose regression hides under an edit's
    region it cannot name the regression."""
    spec = {
        "apps": [str(MINIPR)],
        "agents": ["pixel-diff"],
        "tasks": ["regression"],
        "workers": 1,
        "replays": 2,
    }
    db = run_spec(tmp_path, spec, "p.db")
    from frontendx.store import open_store

    results = {
        r.spec.task.change: r
        for _, r in open_store(db, create=False, read_only=True).latest_rows(None)
    }
    for change, result in results.items():
        assert result.status.value == "ok", (change, result.error)
        assert result.decision == "block" and result.findings, change  # every page changed
        for f in result.findings:
            assert f.finding is not None and f.finding.steps[-1].action == "expect_matches_base"
    tagline = [f.verdict.kind for f in results["tagline"].findings if f.verdict]
    assert tagline and set(tagline) == {VerdictKind.INTENDED_CHANGE}
    report = json.loads(
        frontendx_cli("report", "--db", str(db), "--format", "json", check=True).stdout
    )
    (row,) = report["rows"]
    assert row["false_block_rate"] == 1.0 and row["verdict_intended_change"] >= len(tagline)
