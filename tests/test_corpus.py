"""The built-in corpus is the benchmark: enough apps, bugs, categories and state-only bugs, each
app a React SPA on its own component library with a Python backend and a spec, and every bug
carrying what the tasks and metrics need. (The proof that each bug reproduces is `self-test`.)"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import TESTS, frontendx_cli

from frontendx.suite import BUILTIN_STATES, builtin_app_names, get_app, suite_version_of
from frontendx.suite._check import check_app

# the component library each app is built on: no two apps share one
LIBRARIES = {
    "@mui/material",
    "@mantine/core",
    "antd",
    "react-bootstrap",
    "@fluentui/react-components",
    "@chakra-ui/react",
}


@pytest.fixture(scope="module")
def suite() -> dict[str, object]:
    proc = frontendx_cli("suites", "--format", "json", check=True)
    data: dict[str, object] = json.loads(proc.stdout)
    return data


def test_the_suite_is_big_and_varied_enough(suite: dict[str, object]) -> None:
    apps = suite["apps"]
    assert isinstance(apps, list)
    bugs = [b for a in apps for b in a["bugs"]]
    assert len(apps) >= 5
    assert len(bugs) >= 100
    assert all(len(a["bugs"]) >= 15 for a in apps), {a["name"]: len(a["bugs"]) for a in apps}
    assert len({b["category"] for b in bugs}) >= 10
    state_only = [b for b in bugs if len(b["states"]) < len(BUILTIN_STATES)]
    assert len(state_only) >= 20
    # every kind of non-default state carries some bug
    shown_in = Counter(s for b in state_only for s in b["states"])
    for state in ("mobile", "de", "dark", "admin", "beta", "ab-b"):
        assert shown_in[state] >= 1, f"no state-only bug shows in {state!r}"
    for app in apps:
        difficulties = Counter(b["difficulty"] for b in app["bugs"])
        assert set(difficulties) == {"easy", "medium", "hard"}, (app["name"], difficulties)
        assert {b["id"] for b in app["bugs"]} and all("states" in b for b in app["bugs"])


@pytest.mark.parametrize("name", builtin_app_names())
def test_each_app_is_a_react_spa_on_its_own_library_with_a_backend_and_a_spec(name: str) -> None:
    app = get_app(name)
    package = json.loads((app.root / "frontend" / "package.json").read_text())
    deps = set(package["dependencies"])
    assert {"react", "react-dom"} <= deps
    assert len(deps & LIBRARIES) == 1, deps & LIBRARIES
    assert app.manifest.backend is not None
    assert len(app.spec_text) > 1500
    _, problems = check_app(app.root)
    assert not problems, problems
    for bug in app.bugs.values():
        assert bug.report.strip() and bug.manual_minutes_rationale.strip()
        assert bug.report.strip() not in app.spec_text


def test_no_two_apps_share_a_component_library() -> None:
    used = []
    for name in builtin_app_names():
        package = json.loads((get_app(name).root / "frontend" / "package.json").read_text())
        used += sorted(set(package["dependencies"]) & LIBRARIES)
    assert len(used) == len(set(used)), used


def test_every_episode_records_the_suite_version_it_ran_on() -> None:
    version = suite_version_of("shop")
    assert version == suite_version_of(builtin_app_names()[0])
    assert len(version) == 12


def test_the_suite_has_single_action_and_chained_bugs_and_counts_them_from_the_repro() -> None:
    """`Bug.interactions` (the `depth` slice): actions on the page, without navigation, waits,
    viewport changes and claims. The suite needs both depths for the figure to mean much."""
    from frontendx.suite import load_app

    app = load_app(TESTS / "apps" / "shoplist")
    by_id = {b.id: b.interactions for b in app.bugs.values()}
    # goto, click, expect url / goto, fill, press, check, expect text
    assert by_id == {"bought-filter-link": 1, "mark-all-stays-off": 3}
    depths = Counter(
        b.interactions >= 2
        for name in builtin_app_names()
        for b in get_app(name).suite_bugs.values()
    )
    assert depths[True] >= 10 and depths[False] >= 10, depths


def test_a_budget_sweep_is_one_cell_per_budget_and_change_tasks_keep_their_ci_budgets() -> None:
    from frontendx.runner import expand, parse_run_spec

    raw = {"apps": ["shop"], "agents": ["null"], "tasks": ["explore"], "budgets": [30, 120]}
    cells = expand(parse_run_spec(raw))
    assert sorted(c.task.budget.wall_seconds for c in cells) == [30.0, 120.0]
    assert len({c.key for c in cells}) == 2
    assert [
        c.task.budget.wall_seconds for c in expand(parse_run_spec({**raw, "budgets": None}))
    ] == [120.0]
    review = {**raw, "tasks": ["regression"], "changes": None, "ci_budgets": [60]}
    assert {c.task.budget.wall_seconds for c in expand(parse_run_spec(review))} == {60.0}
