"""The dashboard in real Chromium: `frontendx serve` (the Starlette app under uvicorn) and the
static site of `frontendx export-site` served by a plain `http.server`.

The store holds SYNTHETIC results (frontendx.dashboard.synthetic) plus one hand-made episode
whose finding carries an HTML/script payload in every agent-written field. Views are built
with 20 bootstrap resamples instead of 1000 so the whole file stays fast; nothing else differs.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import socket
import threading
import time
import urllib.parse
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, Page

from frontendx.dashboard import Views, create_app, export_site, generate_synthetic
from frontendx.dashboard.synthetic import placeholder_png
from frontendx.metrics import load_constants
from frontendx.records import (
    AgentSpec,
    EpisodeResult,
    EpisodeSpec,
    EpisodeStatus,
    ReplayRecord,
    ReportedFinding,
    TaskSpec,
    Verdict,
    VerdictKind,
)
from frontendx.repro import Finding
from frontendx.runner import artifacts_dir_for
from frontendx.store import SqliteStore
from frontendx.suite import BUILTIN_STATES

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
TOKEN = "s3cret-token"
FAST = load_constants().model_copy(update={"bootstrap_resamples": 20})


def fast_views(store: SqliteStore) -> Views:
    return Views(store, constants=FAST)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    db: Path
    evil_id: int
    base: str


def _evil_episode() -> EpisodeResult:
    """One episode whose agent-written text is an XSS payload, with a trace and a screenshot."""
    finding = Finding.model_validate(
        {
            "title": f"Title {PAYLOAD}",
            "description": f"Description {PAYLOAD}",
            "steps": [
                {"action": "goto", "url": "/"},
                {"action": "fill", "target": {"label": PAYLOAD}, "value": PAYLOAD},
                {
                    "action": "expect",
                    "condition": "text",
                    "target": {"text": "Total"},
                    "text": PAYLOAD,
                },
            ],
            "expected": f"Expected {PAYLOAD}",
            "actual": f"Actual {PAYLOAD}",
        }
    )
    verdict = Verdict(
        kind=VerdictKind.VALIDATED,
        bug_id="cart-total-rounding",
        reason=f"Reason {PAYLOAD}",
        replays=[
            ReplayRecord(
                variant=("cart-total-rounding",),
                purpose="buggy",
                outcome="fails",
                step_index=2,
                message=f"Message {PAYLOAD}",
                seconds=1.25,
            ),
            ReplayRecord(variant=(), purpose="clean", outcome="holds", seconds=0.9),
        ],
    )
    spec = EpisodeSpec(
        app="shop",
        bugs=("cart-total-rounding",),
        state=BUILTIN_STATES["desktop"],
        agent=AgentSpec(name="handmade-xss", version="0.0.1"),
        task=TaskSpec(kind="explore"),
        repeat=0,
    )
    now = time.time()
    return EpisodeResult(
        spec=spec,
        status=EpisodeStatus.OK,
        findings=[ReportedFinding(index=0, found_at=12.5, finding=finding, verdict=verdict)],
        manifestable_bugs=["cart-total-rounding"],
        artifacts={"trace": f"{spec.key}/trace.zip", "screenshot": f"{spec.key}/final.png"},
        started_at=now - 60,
        finished_at=now - 30,
        versions={"frontendx": "0.1.0"},
    )


ONLY_ORACLE = "oracle-only-bug"
"""A bug that only the calibration oracle validated: the matrix's "all agents" column must
not credit it to the contestants."""


def _calibration_episodes() -> list[EpisodeResult]:
    """oracle (validates a bug no contestant found) and null (one fake finding), on shop."""
    now = time.time()
    out = []
    for name, kind in (("oracle", VerdictKind.VALIDATED), ("null", VerdictKind.NOT_REPRODUCED)):
        finding = Finding.model_validate(
            {
                "title": f"{name} finding",
                "steps": [
                    {"action": "goto", "url": "/"},
                    {"action": "expect", "condition": "visible", "target": {"text": "Total"}},
                ],
            }
        )
        spec = EpisodeSpec(
            app="shop",
            bugs=(ONLY_ORACLE,),
            state=BUILTIN_STATES["desktop"],
            agent=AgentSpec(name=name, version="1"),
            task=TaskSpec(kind="explore"),
            repeat=0,
        )
        verdict = Verdict(kind=kind, bug_id=ONLY_ORACLE if kind is VerdictKind.VALIDATED else None)
        out.append(
            EpisodeResult(
                spec=spec,
                status=EpisodeStatus.OK,
                findings=[ReportedFinding(index=0, found_at=3.0, finding=finding, verdict=verdict)],
                manifestable_bugs=[ONLY_ORACLE],
                started_at=now - 50,
                finished_at=now - 40,
                versions={"frontendx": "0.1.0"},
            )
        )
    return out


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    db = tmp_path_factory.mktemp("dash") / "runs.db"
    store = SqliteStore(db)
    generate_synthetic(store, episodes=480, agents=4, runs=4, seed=7, artifacts=2)
    evil = _evil_episode()
    folder = artifacts_dir_for(db) / evil.spec.key
    folder.mkdir(parents=True)
    (folder / "final.png").write_bytes(placeholder_png("evil"))
    with zipfile.ZipFile(folder / "trace.zip", "w") as z:
        z.writestr("trace.trace", "{}")
    run = store.create_run({"handmade": True}, 1, "0.1.0")
    # a confined agent config, next to the plug-ins (trusted code), whose one episode was lost
    # to infrastructure
    agent = AgentSpec(name="handmade-confined", version="0.0.1")
    confined = evil.model_copy(
        update={
            "spec": evil.spec.model_copy(update={"agent": agent}),
            "trust": "sandboxed",
            "status": EpisodeStatus.INFRA_ERROR,
            "error": "app server died",
            "findings": [],
        }
    )
    assert store.add_episode(run, confined)
    for calibration in _calibration_episodes():
        assert store.add_episode(run, calibration)
    assert store.add_episode(run, evil)
    evil_id = max(e.id for e in store.index())
    store.close()
    return db, evil_id


@contextlib.contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Serve the ASGI `app` (a dashboard) with uvicorn on a free local port, in a thread;
    yields its root URL and stops it on exit."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture(scope="module")
def live(store_path: tuple[Path, int]) -> Iterator[Site]:
    db, evil_id = store_path
    store = SqliteStore(db, create=False)
    with serve_app(create_app(store, token=TOKEN, views=fast_views)) as base:
        yield Site(db, evil_id, base)
    store.close()


@pytest.fixture(scope="module")
def exported(
    store_path: tuple[Path, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    db, evil_id = store_path
    out = tmp_path_factory.mktemp("site")
    store = SqliteStore(db, create=False)
    written = export_site(store, out, views=fast_views(store))
    store.close()
    assert written > 50
    for rel in ("index.html", "app.js", "app.css", "vendor/chart.umd.js", "data/index.json"):
        assert (out / rel).is_file(), rel
    assert (out / "data/leaderboard/latest/all.csv").read_text().startswith("agent,")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(out))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Site(db, evil_id, f"http://127.0.0.1:{httpd.server_address[1]}/")
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = await context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    pg.on(
        "console",
        lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    yield pg
    await context.close()
    assert not errors, errors


async def show(page: Page, site: Site, route: str) -> None:
    await page.goto(site.base + "#/" + route)
    await ready(page, route.split("/")[0].split("?")[0])


async def ready(page: Page, route: str) -> None:
    await page.wait_for_selector(f'#app[data-state="ready"][data-route="{route}"]', timeout=30_000)


async def chart_points(page: Page, canvas_id: str) -> list[int]:
    points: list[int] = await page.evaluate(
        "(id) => Chart.getChart(document.getElementById(id)).data.datasets.map(d => d.data.length)",
        canvas_id,
    )
    return points


def leaderboard_json(site: Site, rel: str) -> dict[str, Any]:
    data: dict[str, Any] = httpx.get(site.base + "data/" + rel, timeout=60).json()
    return data


# --- the live server -----------------------------------------------------------------------


async def check_leaderboard(page: Page, site: Site) -> None:
    await show(page, site, "leaderboard")
    expected = leaderboard_json(site, "leaderboard/latest/all.json")["rows"]
    rows = page.locator("table.leaderboard tbody tr[data-agent]")
    assert await rows.count() == len(expected) > 4
    first = await rows.first.inner_text()
    assert re.search(r"\d+\.\d%\s*\[\d+\.\d%, \d+\.\d%\]", first), first  # recall [CI]
    assert re.search(r"\$\d+(\.\d+)?\s*\[\$\d", first), first  # cost [CI]
    n_cells = await page.locator(
        "table.leaderboard tbody tr[data-agent] td:nth-child(10)"
    ).all_inner_texts()
    assert sorted(int(t.split()[0]) for t in n_cells) == sorted(r["n_episodes"] for r in expected)
    # every row shows its infra and agent-error counts and its agents' trust level
    shown = await page.locator("table.leaderboard tbody tr[data-agent]").evaluate_all(
        """rows => rows.map(r => [r.dataset.agent, r.dataset.task,
            r.querySelector('[data-testid=row-infra-errors]').textContent,
            r.querySelector('[data-testid=row-agent-errors]').textContent,
            r.querySelector('[data-testid=row-trust]').textContent])"""
    )
    assert sorted(shown) == sorted(
        [r["agent"], r["task"], str(r["n_infra_errors"]), str(r["n_agent_errors"]), r["trust"]]
        for r in expected
    )
    assert any(r["n_infra_errors"] for r in expected) and any(r["n_agent_errors"] for r in expected)
    assert {r["trust"] for r in expected} == {"trusted", "sandboxed", "builtin"}
    # stale results show a badge with their reasons, and every row its age
    stale = [r for r in expected if r["stale"]]
    assert stale, "the synthetic data has stale results"
    assert await page.locator(".badge.warn", has_text="stale").count() == len(stale)
    assert stale[0]["stale_reasons"][0] in await page.locator(".stale-reasons").first.inner_text()
    ages = await page.locator(
        "table.leaderboard tbody tr[data-agent] td:nth-child(13)"
    ).all_inner_texts()
    assert all(re.fullmatch(r"\d+ (min|h|d)", a) for a in ages), ages


async def test_leaderboard_rows_carry_ci_n_age_and_staleness(page: Page, live: Site) -> None:
    await check_leaderboard(page, live)
    csv = await page.get_attribute('[data-testid="download-csv"]', "href")
    assert csv == "data/leaderboard/latest/all.csv"
    response = httpx.get(live.base + csv)
    assert response.status_code == 200 and response.text.startswith("agent,")


async def test_filters_change_what_is_shown(page: Page, live: Site) -> None:
    await show(page, live, "leaderboard")
    rows = page.locator("table.leaderboard tbody tr[data-agent]")
    all_tasks = await rows.count()
    await page.select_option("#task", "reproduce")
    await ready(page, "leaderboard")
    assert "task=reproduce" in page.url
    tasks = await rows.evaluate_all("rs => rs.map(r => r.dataset.task)")
    assert tasks and set(tasks) == {"reproduce"} and len(tasks) < all_tasks

    index = leaderboard_json(live, "index.json")
    kanban = next(s["key"] for s in index["slices"]["app"] if s["value"] == "kanban")
    before = await page.locator("table.leaderboard tbody").inner_text()
    await page.select_option("#slice-dim", "app")
    await ready(page, "leaderboard")
    await page.select_option("#slice-value", kanban)
    await ready(page, "leaderboard")
    assert f"slice={kanban}" in urllib.parse.unquote(page.url)
    after = await page.locator("table.leaderboard tbody").inner_text()
    expected = leaderboard_json(live, f"leaderboard/latest/{kanban}.json")["rows"]
    assert after != before
    assert await rows.count() == len([r for r in expected if r["task"] == "reproduce"])
    assert await page.get_attribute('[data-testid="download-json"]', "href") == (
        f"data/leaderboard/latest/{kanban}.json"
    )

    # an older as-of point shows the leaderboard as it stood then
    oldest = index["points"][0]["id"]
    await page.select_option("#asof", oldest)
    await ready(page, "leaderboard")
    then = leaderboard_json(live, f"leaderboard/{oldest}/{kanban}.json")["rows"]
    assert await rows.count() == len([r for r in then if r["task"] == "reproduce"])


async def test_pareto_charts_carry_points_and_fronts(page: Page, live: Site) -> None:
    await show(page, live, "pareto")
    for name, axis in (
        ("cost_recall", "Cost per validated bug (USD)"),
        ("ttr_recall", "Median time to reproduction (s)"),
        ("fp_recall", "False-positive rate"),
    ):
        points, front = await chart_points(page, f"chart-{name}")
        assert points > 2 and 1 <= front <= points, (name, points, front)
        titles = await page.evaluate(
            "(id) => { const c = Chart.getChart(document.getElementById(id));"
            " return [c.options.scales.x.title.text, c.options.scales.y.title.text,"
            " c.data.datasets.map(d => d.label)]; }",
            f"chart-{name}",
        )
        assert titles == [axis, "Recall", ["Agent configs", "Pareto front"]]


async def test_trends_chart_has_points_and_metric_picker(page: Page, live: Site) -> None:
    await show(page, live, "trends")
    points = await chart_points(page, "chart-trends")
    assert len(points) >= 3 and sum(points) >= 8, points
    await page.select_option("#metric", "fp_rate")
    await ready(page, "trends")
    axis = await page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-trends')).options.scales.y.title.text"
    )
    assert axis == "False-positive rate"
    # the as-of picker drives the leaderboard beside the chart
    index = leaderboard_json(live, "index.json")
    await page.select_option("#asof", index["points"][1]["id"])
    await ready(page, "trends")
    assert await page.locator("table.leaderboard tbody tr[data-agent]").count() > 0


async def test_matrix_shows_cells(page: Page, live: Site) -> None:
    await show(page, live, "matrix")
    cells = await page.locator('[data-testid="matrix-cell"]').all_inner_texts()
    assert len(cells) > 20 and all(re.fullmatch(r"\d+/\d+", c) for c in cells)
    agents = await page.locator("th.agent-col").count()
    assert agents == len(leaderboard_json(live, "matrix/latest.json")["agents"]) + 1
    await page.select_option("#task", "reproduce")
    await ready(page, "matrix")
    fewer = await page.locator('[data-testid="matrix-cell"]').count()
    assert 0 < fewer < len(cells)


async def check_episode(page: Page, site: Site) -> None:
    await show(page, site, f"episode/{site.evil_id}")
    title = await page.locator('[data-testid="finding-title"]').inner_text()
    assert title == f"Title {PAYLOAD}"
    # the replay evidence is collapsed until asked for
    evidence = page.locator('[data-testid="replay-evidence"]')
    assert await evidence.get_attribute("open") is None
    assert not await page.locator('[data-testid="replays"]').is_visible()
    await evidence.locator("summary").click()
    assert await page.locator('[data-testid="replays"]').is_visible()
    body = await page.locator('[data-testid="finding"]').inner_text()
    for field in ("Description", "Expected", "Actual", "Reason", "Message"):
        assert f"{field} {PAYLOAD}" in body, field
    steps = await page.locator('[data-testid="steps"]').inner_text()
    assert "fill" in steps and "<script>window.__pwned=1</script><img src=x onerror=" in steps
    assert await page.evaluate("() => typeof window.__pwned") == "undefined"
    assert await page.locator('img[src="x"]').count() == 0
    assert await page.locator("main script").count() == 0
    # verdict with its replay evidence
    verdict = await page.locator('[data-testid="verdict"]').inner_text()
    assert "validated" in verdict and "cart-total-rounding" in verdict
    replay_rows = page.locator('[data-testid="replays"] tbody tr')
    assert await replay_rows.count() == 2
    assert "fails" in await replay_rows.first.inner_text()
    # screenshot and downloads
    await page.wait_for_function(
        "() => document.querySelector('[data-testid=screenshot]').naturalWidth > 0"
    )
    for testid, kind in (("download-trace", "application/zip"), ("download-test", "python")):
        href = await page.get_attribute(f'[data-testid="{testid}"]', "href")
        assert href is not None
        response = httpx.get(site.base + href)
        assert response.status_code == 200, href
        assert kind in response.headers["content-type"] or href.endswith(".py"), href
        if href.endswith(".py"):
            assert "def test_" in response.text and "playwright" in response.text


async def test_episode_page_shows_payload_as_text(page: Page, live: Site) -> None:
    await check_episode(page, live)
    spec = await page.locator(".kv").first.inner_text()
    assert "shop" in spec and "handmade-xss" in spec and "explore" in spec
    assert re.search(r"Trust\s+trusted\s+In-process \(entry-point\) code", spec), spec


async def test_episode_list_links_to_episodes(page: Page, live: Site) -> None:
    await show(page, live, "agents")
    await page.locator('[data-testid="agent-link"]').first.click()
    await ready(page, "agent")
    links = page.locator('[data-testid="episode-link"]')
    assert await links.count() > 0
    key = urllib.parse.unquote(page.url.split("#/agent/")[1].split("?")[0])
    listed = leaderboard_json(live, f"episodes/latest/{key}/0.json")["episodes"]
    trust = await page.locator('[data-testid="episode-trust"]').all_inner_texts()
    assert trust == [e["trust"] for e in listed] and set(trust) <= {"trusted", "sandboxed"}
    await links.first.click()
    await ready(page, "episode")
    assert re.search(r"Episode #\d+", await page.locator("h1").inner_text())


# --- issue 17: what a reader sees, at phone and desktop widths --------------------------------

WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture(params=sorted(WIDTHS))
async def sized(browser: Browser, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    width = WIDTHS[request.param]
    context = await browser.new_context(viewport={"width": width, "height": 900})
    pg = await context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    yield pg
    await context.close()
    assert not errors, errors


async def axis_labels(page: Page, canvas_id: str) -> dict[str, list[str]]:
    labels: dict[str, list[str]] = await page.evaluate(
        """(id) => { const c = Chart.getChart(document.getElementById(id));
            return { x: c.scales.x.ticks.map(t => t.label),
                     y: c.scales.y.ticks.map(t => t.label),
                     xmax: [String(c.scales.x.max)] }; }""",
        canvas_id,
    )
    return labels


def calibration_labels(site: Site) -> set[str]:
    from frontendx.agents import available_agents

    index = leaderboard_json(site, "index.json")
    known = available_agents()
    expected = {
        a["label"]
        for a in index["agents"]
        if a["name"] in known and getattr(known[a["name"]].factory, "calibration", False)
    }
    assert {a["label"] for a in index["agents"] if a["calibration"]} == expected
    assert any(label.startswith("oracle") for label in expected)
    return expected


async def test_pareto_axes_legends_and_unplotted_agents(sized: Page, live: Site) -> None:
    page = sized
    await show(page, live, "pareto")
    rows = [
        r
        for r in leaderboard_json(live, "leaderboard/latest/all.json")["rows"]
        if r["task"] == "explore" and not r["calibration"]
    ]
    for name, metric in (
        ("cost_recall", "cost_per_validated_bug"),
        ("ttr_recall", "ttr_median_s"),
        ("fp_recall", "fp_rate"),
    ):
        labels = await axis_labels(page, f"chart-{name}")
        for axis in ("x", "y"):
            ticks = labels[axis]
            assert len(ticks) >= 3 and len(set(ticks)) == len(ticks), (name, axis, ticks)
        # numbers, not pixels: the ticks read as the values they stand for, in order
        numbers = [float(re.sub(r"[^0-9.\-]", "", t)) for t in labels["x"]]
        assert numbers == sorted(numbers) and numbers[0] == 0, (name, labels["x"])
        assert labels["y"][-1] == "100%"
        if metric == "fp_rate":
            assert float(labels["xmax"][0]) <= 1
            assert all(float(t.rstrip("%")) <= 100 for t in labels["x"])
        # the legend lists each plotted agent config in the colour of its point
        colours = await page.evaluate(
            """(id) => { const c = Chart.getChart(document.getElementById(id));
                const d = c.data.datasets[0];
                return Object.fromEntries(
                    d.data.map((p, i) => [p.label, d.pointBackgroundColor[i]])); }""",
            f"chart-{name}",
        )
        legend = await page.locator(
            f'[data-testid="chart-legend-{name}"] [data-testid="legend-item"]'
        ).evaluate_all("items => items.map(i => [i.dataset.agent, i.firstChild.dataset.color])")
        assert dict(legend) == colours and len(colours) >= 2
        # every agent config without a figure for the axis is named, none silently dropped
        missing = sorted(r["agent"] for r in rows if r[metric] is None or r["recall"] is None)
        listed = page.locator(f'[data-testid="not-plotted-{name}"]')
        if missing:
            text = await listed.inner_text()
            assert all(m in text for m in missing) and f"({len(missing)})" in text
        else:
            assert await listed.count() == 0
        assert sorted(colours) == sorted(
            r["agent"] for r in rows if r[metric] is not None and r["recall"] is not None
        )
    assert any(r["ttr_median_s"] is None for r in rows), "the data has agents without a TTR"
    # calibration agents are not plotted: they are named instead
    assert "oracle" in await page.locator('[data-testid="pareto-calibration"]').inner_text()
    # nothing overflows the page sideways at phone width
    width, viewport, wide = await page.evaluate(
        """() => [document.documentElement.scrollWidth, window.innerWidth,
            [...document.querySelectorAll('main *, header *')]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
              .slice(0, 5).map(e => e.tagName + '.' + e.className)]"""
    )
    assert width <= viewport, wide


async def test_leaderboard_sorts_counts_and_keeps_calibration_apart(
    sized: Page, live: Site
) -> None:
    page = sized
    calibration = calibration_labels(live)
    await show(page, live, "leaderboard?task=explore")
    rows = [
        r
        for r in leaderboard_json(live, "leaderboard/latest/all.json")["rows"]
        if r["task"] == "explore"
    ]
    ranked = page.locator('[data-testid="leaderboard-table"] tbody tr[data-agent]')
    ranked_agents = await ranked.evaluate_all("rs => rs.map(r => r.dataset.agent)")
    assert not set(ranked_agents) & calibration
    shown_calibration = await page.locator(
        '[data-testid="calibration-table"] tbody tr[data-agent]'
    ).evaluate_all("rs => rs.map(r => r.dataset.agent)")
    assert set(shown_calibration) == {r["agent"] for r in rows if r["agent"] in calibration}
    # found/total beside recall, from the stored counts
    found = dict(
        await page.locator("tr[data-agent]").evaluate_all(
            "rs => rs.map(r => [r.dataset.agent,"
            " r.querySelector('[data-testid=row-found]').textContent])"
        )
    )
    assert found == {r["agent"]: f"{r['n_validated']}/{r['n_manifestable']}" for r in rows}
    # hover: description, version and config; every sortable header defines its metric
    oracle = next(a for a in calibration if a.startswith("oracle"))
    title = await page.locator(
        f'tr[data-agent="{oracle}"] [data-testid="agent-cell"]'
    ).get_attribute("title")
    assert title and "ground-truth" in title and "version 1" in title and "config:" in title
    helps = await page.locator('[data-testid="leaderboard-table"] thead th').evaluate_all(
        "ths => ths.filter(t => t.dataset.col !== 'rank').map(t => t.title)"
    )
    assert all(len(h) > 20 for h in helps), helps
    # sorting: recall descending, then ascending, by the numbers the JSON holds
    for direction in ("desc", "asc"):
        await page.locator('[data-testid="sort-recall"]').click()
        await ready(page, "leaderboard")
        order = await ranked.evaluate_all("rs => rs.map(r => r.dataset.agent)")
        recall = {r["agent"]: r["recall"] for r in rows}
        values = [recall[a] for a in order if recall[a] is not None]
        assert values == sorted(values, reverse=direction == "desc"), (direction, values)
        assert f"sort=recall%3A{direction}" in page.url or f"sort=recall:{direction}" in page.url
    # a per-app breakdown one click away
    apps = leaderboard_json(live, "index.json")["slices"]["app"]
    await page.locator('[data-testid="per-app"] a', has_text=apps[0]["value"]).click()
    await ready(page, "leaderboard")
    assert f"slice={apps[0]['key']}" in urllib.parse.unquote(page.url)


async def test_matrix_leaves_calibration_out_of_all_agents(page: Page, live: Site) -> None:
    await show(page, live, "matrix")
    row = page.locator(f'tr[data-bug="{ONLY_ORACLE}"]')
    assert await row.locator('[data-testid="matrix-total"]').inner_text() in ("—", "0.0%")
    assert "calibration" in await page.locator('[data-testid="all-agents-col"]').inner_text()
    href = await page.get_attribute('[data-testid="download-matrix-csv"]', "href")
    assert href == "data/matrix/latest.csv"
    lines = httpx.get(live.base + href, timeout=60).text.splitlines()
    assert lines[0].startswith("app,bug,category,difficulty,agent,calibration,task,found,scored")
    oracle_line = next(
        line for line in lines if f",{ONLY_ORACLE}," in line and ",oracle,True," in line
    )
    assert ",True,explore,1,1," in oracle_line


async def test_regressions_have_a_page_linked_from_the_nav(page: Page, live: Site) -> None:
    await show(page, live, "leaderboard")
    await page.locator('#nav a[data-page="regressions"]').click()
    await ready(page, "regressions")
    expected = {
        k: v for k, v in leaderboard_json(live, "regressions.json")["regressions"].items() if v
    }
    shown = page.locator('[data-testid="regressions-table"] tbody tr[data-agent]')
    assert await shown.count() == len(expected)
    if expected:
        first = await shown.first.inner_text()
        assert any(w.split(":")[0] in first for ws in expected.values() for w in ws)


async def test_variants_and_formats_read_as_words(page: Page, live: Site) -> None:
    from frontendx.report import usd

    await show(page, live, "leaderboard")
    values = [
        0,
        4.6e-9,
        9.9e-7,
        1e-6,
        0.0000046,
        0.001,
        0.0012,
        0.0234,
        0.05,
        0.5,
        0.999,
        1.5,
        12.3456,
        1234.5,
    ]
    js = await page.evaluate("(vs) => vs.map(v => FrontendXFormat.usd(v))", values)
    assert js == [usd(v) for v in values]  # one rule for the terminal and the dashboard
    words = await page.evaluate(
        """() => [FrontendXFormat.variantText(["a","b","c"]),
                  FrontendXFormat.variantText(["a","c"], ["a","b","c"]),
                  FrontendXFormat.variantText([], ["a","b"]),
                  FrontendXFormat.variantText(["b"], ["a","b","c"])]"""
    )
    assert words == ["all 3 bugs", "all but b", "clean app", "b"]
    ticks = await page.evaluate(
        "() => [FrontendXFormat.tickLabels([0, 0.0005, 0.001, 0.0015], 'usd'),"
        " FrontendXFormat.tickLabels([0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2], 'secs')]"
    )
    assert ticks == [
        ["$0.0000", "$0.0005", "$0.0010", "$0.0015"],
        ["0.0 s", "0.2 s", "0.4 s", "0.6 s", "0.8 s", "1.0 s", "1.2 s"],
    ]
    # an episode with many bugs says how many, the full list one click away
    synthetic = next(
        a["key"]
        for a in leaderboard_json(live, "index.json")["agents"]
        if a["label"].startswith("synthetic-")
    )
    episodes = leaderboard_json(live, f"episodes/latest/{synthetic}/0.json")["episodes"]
    many = next(e for e in episodes if "+" in e["variant"])
    await show(page, live, f"episode/{many['id']}")
    n = many["variant"].count("+") + 1
    variant = page.locator('.kv [data-testid="variant"]')
    assert await variant.locator("summary").inner_text() == f"all {n} bugs"
    assert not await variant.locator(".variant-list").is_visible()
    await variant.locator("summary").click()
    assert await variant.locator(".variant-list").inner_text() == many["variant"].replace("+", ", ")


async def test_trends_with_one_run_show_a_single_point_state(
    sized: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = sized
    db = tmp_path_factory.mktemp("one") / "runs.db"
    store = SqliteStore(db)
    generate_synthetic(store, episodes=40, agents=2, runs=1, seed=1, artifacts=0)
    with serve_app(create_app(store, token=None, views=fast_views)) as base:
        await page.goto(base + "#/trends")
        await ready(page, "trends")
        assert "One run so far" in await page.locator('[data-testid="trends-single"]').inner_text()
        scale = await page.evaluate(
            """() => { const c = Chart.getChart(document.getElementById('chart-trends'));
                return [c.scales.x.min, c.scales.x.max, c.scales.x.ticks.map(t => t.label),
                        c.data.datasets.map(d => d.data.length),
                        c.data.datasets[0].pointRadius]; }"""
        )
        low, high, labels, points, radius = scale
        assert high - low <= 3 * 86400 * 1000  # days, not years
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t) for t in labels), labels
        assert len(set(labels)) == len(labels) and set(points) == {1} and radius >= 6
    store.close()


def test_write_endpoint_needs_a_token(live: Site, store_path: tuple[Path, int]) -> None:
    url = live.base + "api/refresh"
    assert httpx.post(url).status_code == 401
    assert httpx.post(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = httpx.post(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.json()["refreshed"] is True
    assert httpx.get(url).status_code in (404, 405)  # nothing but POST refreshes
    assert httpx.post(live.base + "data/index.json").status_code in (404, 405)  # read-only

    store = SqliteStore(store_path[0], create=False)
    with serve_app(create_app(store, token=None, views=fast_views)) as base:
        denied = httpx.post(base + "api/refresh", headers={"Authorization": f"Bearer {TOKEN}"})
        assert denied.status_code == 403
        assert "FRONTENDX_DASHBOARD_TOKEN" in denied.json()["error"]
    store.close()


def test_headers_and_errors(live: Site) -> None:
    for path in ("", "data/index.json"):
        response = httpx.get(live.base + path)
        assert response.status_code == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    missing = httpx.get(live.base + "data/leaderboard/latest/app=nope.json")
    assert missing.status_code == 404 and "no slice" in missing.json()["error"]
    assert httpx.get(live.base + "data/episode/999999.json").status_code == 404
    assert httpx.get(live.base + "data/../pyproject.toml").status_code == 404
    index = json.loads(httpx.get(live.base + "data/index.json").text)
    assert all(
        a["label"].startswith(("synthetic-", "handmade-", "oracle", "null"))
        for a in index["agents"]
    )


# --- the static export -----------------------------------------------------------------------


async def test_static_site_works_from_a_plain_file_server(page: Page, exported: Site) -> None:
    await check_leaderboard(page, exported)
    await show(page, exported, "pareto")
    for name in ("cost_recall", "ttr_recall", "fp_recall"):
        assert (await chart_points(page, f"chart-{name}"))[0] > 2
    await show(page, exported, "trends")
    assert sum(await chart_points(page, "chart-trends")) >= 8
    await show(page, exported, "matrix")
    assert await page.locator('[data-testid="matrix-cell"]').count() > 20
    await check_episode(page, exported)
