"""The dashboard's pre-merge review view (issue 13): review figures per agent config and task,
the change x agent matrix and catch rate against CI budget, over a store of hand-made
`regression` and `visual` episodes (no app is run: the records are built directly, as the
runner would store them), served live in real Chromium and written by `export-site`.

Every expected figure below is counted by hand from the episodes in `EPISODES`.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page
from test_dashboard import FAST, fast_views, serve_app

from frontendx.dashboard import Views, create_app, export_site
from frontendx.records import (
    AgentSpec,
    Budget,
    BugFacts,
    ChangeFacts,
    EpisodeResult,
    EpisodeSpec,
    EpisodeStatus,
    ReportedFinding,
    TaskSpec,
    Usage,
    Verdict,
    VerdictKind,
)
from frontendx.repro import Finding
from frontendx.store import SqliteStore
from frontendx.suite import BUILTIN_STATES

APP = "minipr"
REVIEWER = "handmade-reviewer"
# change id -> (design, its regressions)
CHANGES: dict[str, tuple[bool, tuple[str, ...]]] = {
    "copy-tweak": (False, ("total-off-by-one",)),
    "new-filter": (False, ("filter-drops-last",)),
    "brand-colour": (True, ("low-contrast-dark",)),
    "spacing-scale": (True, ()),
    "rename-button": (False, ()),
}

# (agent, task, budget s, change) -> (decision, verdict kind of each finding)
V, INTENDED, OLD = VerdictKind.VALIDATED, VerdictKind.INTENDED_CHANGE, VerdictKind.ALSO_ON_BASE
EPISODES: dict[tuple[str, str, float, str], tuple[str | None, tuple[VerdictKind, ...]]] = {
    # 300 s: blocks 2 of the 3 carrying changes on a validated regression (67%), blocks the
    # third on what the change meant to do, and blocks one of two regression-free changes on
    # an old bug of its base (50%)
    (REVIEWER, "regression", 300, "copy-tweak"): ("block", (V,)),
    (REVIEWER, "regression", 300, "new-filter"): ("block", (V,)),
    (REVIEWER, "regression", 300, "brand-colour"): ("block", (INTENDED,)),
    (REVIEWER, "regression", 300, "spacing-scale"): ("block", (OLD,)),
    (REVIEWER, "regression", 300, "rename-button"): ("approve", ()),
    # 30 s: catches 1 of 3 (33%); runs out of time on the others without deciding
    (REVIEWER, "regression", 30, "copy-tweak"): ("block", (V,)),
    (REVIEWER, "regression", 30, "new-filter"): (None, ()),
    (REVIEWER, "regression", 30, "brand-colour"): (None, ()),
    (REVIEWER, "regression", 30, "spacing-scale"): ("approve", ()),
    (REVIEWER, "regression", 30, "rename-button"): ("approve", ()),
    # visual QA of the two design changes
    (REVIEWER, "visual", 300, "brand-colour"): ("block", (V,)),
    (REVIEWER, "visual", 300, "spacing-scale"): ("approve", ()),
    # the calibration oracle: catches everything at 300 s
    ("oracle", "regression", 300, "copy-tweak"): ("block", (V,)),
    ("oracle", "regression", 300, "new-filter"): ("block", (V,)),
    ("oracle", "regression", 300, "brand-colour"): ("block", (V,)),
    ("oracle", "regression", 300, "spacing-scale"): ("approve", ()),
    ("oracle", "regression", 300, "rename-button"): ("approve", ()),
}
for _change in CHANGES:  # approve-all at both budgets
    for _budget in (30, 300):
        EPISODES[("approve-all", "regression", _budget, _change)] = ("approve", ())

COST = 0.02  # metered model cost of every reviewer episode
REVIEW_MINUTES = 20.0


def _episode(
    agent: str,
    task: str,
    budget: float,
    change: str,
    decision: str | None,
    kinds: tuple[VerdictKind, ...],
) -> EpisodeResult:
    design, regressions = CHANGES[change]
    findings = []
    for i, kind in enumerate(kinds):
        finding = Finding.model_validate(
            {
                "title": f"{change} finding {i}",
                "steps": [
                    {"action": "goto", "url": "/"},
                    {"action": "expect", "condition": "visible", "target": {"text": "Total"}},
                ],
            }
        )
        bug = regressions[0] if kind is VerdictKind.VALIDATED else None
        findings.append(
            ReportedFinding(
                index=i, found_at=5.0 + i, finding=finding, verdict=Verdict(kind=kind, bug_id=bug)
            )
        )
    now = time.time()
    return EpisodeResult(
        spec=EpisodeSpec(
            app=APP,
            bugs=regressions,
            state=BUILTIN_STATES["desktop"],
            agent=AgentSpec(name=agent, version="1"),
            task=TaskSpec(kind=task, change=change, budget=Budget(wall_seconds=budget)),  # type: ignore[arg-type]
            repeat=0,
        ),
        status=EpisodeStatus.OK,
        findings=findings,
        manifestable_bugs=list(regressions),
        bug_facts={
            b: BugFacts(category="ui", difficulty="easy", severity="major", manual_minutes=30)
            for b in regressions
        },
        decision=decision,  # type: ignore[arg-type]
        decided_at=(budget / 10 if decision is not None else None),
        change=ChangeFacts(
            id=change, design=design, regressions=list(regressions), review_minutes=REVIEW_MINUTES
        ),
        usage=Usage(wall_seconds=budget / 5, model_cost_usd=COST if agent == REVIEWER else 0.0),
        started_at=now - 120,
        finished_at=now - 60,
        versions={"frontendx": "0.1.0"},
    )


def build_store(db: Path) -> dict[tuple[str, str, float, str], int]:
    """The store of `EPISODES`; returns each episode's id."""
    store = SqliteStore(db)
    run = store.create_run({"handmade": True}, len(EPISODES), "0.1.0")
    for key, (decision, kinds) in EPISODES.items():
        assert store.add_episode(run, _episode(*key, decision, kinds))
    ids = {}
    for entry in store.index():
        r = store.results([entry.id])[entry.id]
        key = (
            r.spec.agent.name,
            r.spec.task.kind,
            r.spec.task.budget.wall_seconds,
            r.spec.task.change,
        )
        ids[key] = entry.id
    store.close()
    return ids  # type: ignore[return-value]


EXPECTED_OUTCOMES = {
    (REVIEWER, "regression", 300): {
        "copy-tweak": "caught",
        "new-filter": "caught",
        "brand-colour": "blocked_unvalidated",
        "spacing-scale": "false_block",
        "rename-button": "approved",
    },
    (REVIEWER, "regression", 30): {
        "copy-tweak": "caught",
        "new-filter": "missed",
        "brand-colour": "missed",
        "spacing-scale": "approved",
        "rename-button": "approved",
    },
}


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Any, int]]:
    db = tmp_path_factory.mktemp("reviews") / "runs.db"
    return db, build_store(db)


def test_the_view_counts_what_the_episodes_imply(store_db: tuple[Path, dict[Any, int]]) -> None:
    db, ids = store_db
    store = SqliteStore(db, create=False)
    try:
        views = Views(store, constants=FAST)
        data = views.changes("latest")
        matrix_csv = views.changes_csv("latest", "matrix")
        budgets_csv = views.changes_csv("latest", "budgets")
    finally:
        store.close()
    assert data["tasks"] == ["regression", "visual"]
    assert data["budgets"] == [30.0, 300.0]
    assert data["agents"] == ["approve-all", REVIEWER, "oracle"]
    marks = {c["change"]: (c["design"], c["regression_free"]) for c in data["changes"]}
    assert marks == {k: (d, not regs) for k, (d, regs) in CHANGES.items()}
    cells = {(c["agent"], c["task"], c["budget_s"], c["change"]): c for c in data["cells"]}
    for (agent, task, budget), outcomes in EXPECTED_OUTCOMES.items():
        for change, outcome in outcomes.items():
            cell = cells[(agent, task, budget, change)]
            assert cell["outcome"] == outcome, (budget, change)
            assert cell["episode"] == ids[(agent, task, budget, change)]
    assert {c["outcome"] for c in data["cells"] if c["agent"] == "approve-all"} == {
        "missed",
        "approved",
    }
    assert cells[(REVIEWER, "regression", 30, "new-filter")]["decision"] == "approve"  # none

    rows = {(r["agent"], r["task"]): r for r in data["rows"]}
    reg = rows[(REVIEWER, "regression")]  # both budgets: 3 of 6 caught, 1 of 4 false blocks
    assert (reg["n_caught"], reg["n_carrying"], reg["catch_rate"]) == (3, 6, 0.5)
    assert (reg["n_false_blocks"], reg["n_regression_free"]) == (1, 4)
    assert reg["precision"] == pytest.approx(3 / 5)  # 3 validated of 5 findings
    assert (reg["verdict_intended_change"], reg["verdict_also_on_base"]) == (1, 1)
    assert reg["cost_per_change"] == pytest.approx(COST)
    assert rows[("oracle", "regression")]["calibration"] is True
    assert rows[(REVIEWER, "visual")]["catch_rate"] == 1.0

    curve = {
        (r["agent"], r["task"], r["budget_s"]): (r["n_caught"], r["n_carrying"], r["catch_rate"])
        for r in data["budget_rows"]
    }
    assert curve[(REVIEWER, "regression", 30.0)] == (1, 3, pytest.approx(1 / 3))
    assert curve[(REVIEWER, "regression", 300.0)] == (2, 3, pytest.approx(2 / 3))
    assert curve[("approve-all", "regression", 30.0)][2] == 0.0
    low_high = [
        (r["catch_rate_ci_low"], r["catch_rate_ci_high"])
        for r in data["budget_rows"]
        if r["agent"] == REVIEWER and r["budget_s"] == 300.0 and r["task"] == "regression"
    ]
    assert low_high and low_high[0][0] <= 2 / 3 <= low_high[0][1]

    lines = matrix_csv.splitlines()
    assert lines[0].startswith("app,change,design,regression_free,agent,calibration,task,")
    assert len(lines) == 1 + len(EPISODES)
    assert f"{APP},new-filter,False,False,{REVIEWER},False,regression,30,desktop,0,missed," in (
        matrix_csv
    )
    assert "slice_ci_budget" in budgets_csv.splitlines()[0]


def _serve(db: Path) -> Iterator[str]:
    sqlite = SqliteStore(db, create=False)
    app = create_app(sqlite, token=None, views=fast_views)
    with serve_app(app) as base:
        yield base
    sqlite.close()


@pytest.fixture(scope="module")
def served(store_db: tuple[Path, dict[Any, int]]) -> Iterator[str]:
    yield from _serve(store_db[0])


@pytest.fixture
async def desktop(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    await context.close()
    assert not errors, errors


async def _open(page: Page, url: str) -> None:
    await page.goto(url)
    await page.wait_for_selector('#app[data-state="ready"][data-route="changes"]', timeout=30_000)


async def _cell_text(page: Page, task: str, agent: str, col: str) -> str:
    row = page.locator(f'[data-testid=review-figures][data-task="{task}"] tr[data-agent="{agent}"]')
    return " ".join((await row.locator(f'td[data-col="{col}"]').inner_text()).split())


async def _curve(page: Page, task: str) -> dict[str, list[list[float]]]:
    points: dict[str, list[list[float]]] = await page.evaluate(
        """(task) => {
            const c = Chart.getChart(document.querySelector(
                `[data-testid=chart-budget][data-task="${task}"]`));
            return Object.fromEntries(c.data.datasets.map(
                (d) => [d.agent, d.data.map((p) => [p.x, p.y, p.caught, p.carrying])]));
        }""",
        task,
    )
    return points


async def test_the_page_shows_figures_matrix_and_budget_curve(
    desktop: Page, served: str, store_db: tuple[Path, dict[Any, int]]
) -> None:
    page, (_db, ids) = desktop, store_db
    await _open(page, served + "#/changes")
    nav = page.locator('#nav a[data-page="changes"]')
    assert await nav.is_visible() and await nav.get_attribute("class") == "active"
    tops = await page.locator("#nav a:not([hidden])").evaluate_all("as => as.map(a => a.offsetTop)")
    assert len(set(tops)) == 1, tops  # the nav stays on one line at 1280 px

    # figures, all budgets pooled: 3 of 6 caught, 1 of 4 false blocks, 3 of 5 findings
    assert (await _cell_text(page, "regression", REVIEWER, "catch")).startswith("50.0% [")
    assert (await _cell_text(page, "regression", REVIEWER, "catch")).endswith("3/6")
    assert (await _cell_text(page, "regression", REVIEWER, "false_block")).startswith("25.0% [")
    assert (await _cell_text(page, "regression", REVIEWER, "false_block")).endswith("1/4")
    assert await _cell_text(page, "regression", REVIEWER, "precision") == "60.0% 3/5"
    assert await _cell_text(page, "regression", REVIEWER, "intended") == "1 / 1"
    assert (await _cell_text(page, "regression", REVIEWER, "cost")).startswith("$0.020 [")
    assert (await _cell_text(page, "visual", REVIEWER, "catch")).startswith("100.0%")
    oracle = page.locator('[data-testid=review-figures][data-task="regression"] tbody tr').last
    assert await oracle.get_attribute("data-agent") == "oracle"  # calibration, listed last
    assert await oracle.get_attribute("data-calibration") == "true"

    # the curve: the chart's points and the table's numbers
    curve = await _curve(page, "regression")
    assert curve[REVIEWER] == [[30, pytest.approx(1 / 3), 1, 3], [300, pytest.approx(2 / 3), 2, 3]]
    assert curve["approve-all"] == [[30, 0, 0, 3], [300, 0, 0, 3]]
    assert curve["oracle"] == [[300, 1, 3, 3]]
    table = page.locator('[data-testid=budget-table][data-task="regression"]')
    reviewer = table.locator(f'tr[data-agent="{REVIEWER}"]')
    at_30 = " ".join((await reviewer.locator('td[data-budget="30"]').inner_text()).split())
    at_300 = " ".join((await reviewer.locator('td[data-budget="300"]').inner_text()).split())
    assert at_30.startswith("33.3% [") and at_30.endswith("1/3")
    assert at_300.startswith("66.7% [") and at_300.endswith("2/3")
    assert await table.locator('tr[data-agent="oracle"] td[data-budget="30"]').inner_text() == "—"

    # the matrix: one entry per episode, what the agent did, linked to the episode
    matrix = page.get_by_test_id("change-matrix")
    for change, (design, regressions) in CHANGES.items():
        row = matrix.locator(f'tr[data-change="{change}"]')
        assert await row.get_attribute("data-design") == str(design).lower()
        assert await row.get_attribute("data-regression-free") == str(not regressions).lower()
        carries = await row.get_by_test_id("change-carries").inner_text()
        assert carries == (", ".join(regressions) if regressions else "regression-free")
        assert ("design" in await row.locator("td").first.inner_text()) is design
    for (agent, task, budget), outcomes in EXPECTED_OUTCOMES.items():
        for change, outcome in outcomes.items():
            entry = matrix.locator(
                f'tr[data-change="{change}"] td[data-agent="{agent}"] '
                f'[data-testid=outcome][data-task="{task}"][data-budget="{budget}"]'
            )
            assert await entry.get_attribute("data-outcome") == outcome, (budget, change)
            episode = ids[(agent, task, budget, change)]
            assert await entry.get_attribute("href") == f"#/episode/{episode}"

    # one CI budget: the figures at 300 s, the matrix without the 30 s episodes
    await page.select_option("#budget", "300")
    await page.wait_for_selector('#app[data-state="ready"][data-route="changes"]')
    assert "budget=300" in page.url
    catch = await _cell_text(page, "regression", REVIEWER, "catch")
    assert catch.startswith("66.7% [") and catch.endswith("2/3")
    assert (await _cell_text(page, "regression", REVIEWER, "false_block")).endswith("1/2")
    assert await matrix.locator('[data-testid=outcome][data-budget="30"]').count() == 0
    cell = matrix.locator(f'tr[data-change="brand-colour"] td[data-agent="{REVIEWER}"]')
    entries = cell.locator("[data-testid=outcome]")  # a design change: both tasks reviewed it
    assert await entries.all_inner_texts() == [
        "blocked, none validated · regression",
        "caught · visual",
    ]
    await entries.last.click()  # to the episode
    await page.wait_for_selector('#app[data-state="ready"][data-route="episode"]', timeout=30_000)
    assert page.url.endswith(f"#/episode/{ids[(REVIEWER, 'visual', 300, 'brand-colour')]}")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


async def test_the_static_export_has_the_page_and_its_downloads(
    desktop: Page, store_db: tuple[Path, dict[Any, int]], tmp_path: Path
) -> None:
    db, ids = store_db
    store = SqliteStore(db, create=False)
    try:
        export_site(store, tmp_path / "site", views=Views(store, constants=FAST))
    finally:
        store.close()
    data = tmp_path / "site" / "data" / "changes"
    points = [p for p in data.iterdir() if p.is_dir()]
    assert {p.name for p in points} >= {"latest"} and len(points) == 2  # latest and the run
    for point in points:
        assert (data / f"{point.name}.json").is_file()
        assert sorted(f.name for f in point.iterdir()) == [
            "budgets.csv",
            "figures.csv",
            "matrix.csv",
        ]
    matrix = (data / "latest" / "matrix.csv").read_text().splitlines()
    assert len(matrix) == 1 + len(EPISODES)
    assert "pre-merge" in (tmp_path / "site" / "index.html").read_text().lower()

    handler = functools.partial(_Quiet, directory=str(tmp_path / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        await _open(desktop, base + "#/changes?budget=300")
        entry = desktop.locator(
            f'[data-testid=change-matrix] tr[data-change="new-filter"] td[data-agent="{REVIEWER}"]'
            " [data-testid=outcome]"
        )
        assert await entry.get_attribute("data-outcome") == "caught"
        assert await entry.get_attribute("href") == (
            f"#/episode/{ids[(REVIEWER, 'regression', 300, 'new-filter')]}"
        )
        assert (await _curve(desktop, "regression"))[REVIEWER][1][:2] == [300, pytest.approx(2 / 3)]
        for part in ("figures", "budgets", "matrix"):
            href = await desktop.get_by_test_id(f"download-changes-{part}").get_attribute("href")
            assert httpx.get(base + str(href), timeout=10).status_code == 200
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
