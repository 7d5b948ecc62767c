"""Living results: version sources and fingerprints, history ("as of"), comparisons and
regression checks, `watch` and the changelog. Units first, then the CLI end to end."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from conftest import MINI, TOTAL_OFF_STEPS
from test_metrics import CONSTANTS, V, episode, found

from frontendx.errors import ConfigError
from frontendx.living import (
    compare_results,
    diff_snapshots,
    explain,
    fingerprint,
    model_revision,
    parse_every,
)
from frontendx.records import VerdictKind
from frontendx.report import to_junit, to_markdown
from frontendx.store import SqliteStore

APP = str(MINI)
NR = VerdictKind.NOT_REPRODUCED


# --- fingerprints and version sources -------------------------------------------------------


def test_fingerprint_changes_with_each_version_source_and_not_with_the_agent_version() -> None:
    ep = episode(bugs=["a"]).spec
    base = {"frontendx": "1", "chromium": "131", "app": "h1", "agent": "1", "model": ""}
    fp = fingerprint(ep, base)
    assert fingerprint(ep, dict(base)) == fp
    for source in base:
        assert fingerprint(ep, {**base, source: "changed"}) != fp, source
    # the cell ignores the agent's version (a version is a version source, not a new cell)
    newer = episode(bugs=["a"], version="2.0").spec
    assert newer.cell == ep.cell and newer.key != ep.key


def test_explain_names_what_changed() -> None:
    before = {"chromium": "131.0", "agent": "1.0", "app": "aaa"}
    assert explain(None, before) == ["new"]
    assert explain(before, {**before, "chromium": "132.0"}) == ["chromium 131.0 -> 132.0"]
    assert explain(before, dict(before)) == ["previous result not reusable"]


class _Models(BaseHTTPRequestHandler):
    created = 1700000000

    def do_GET(self) -> None:
        if self.path != "/v1/models":
            self.send_error(404)
            return
        body = json.dumps(
            {"data": [{"id": "tester-7b", "object": "model", "created": _Models.created}]}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def models_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Models)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_model_revision_follows_the_endpoint_model_list(models_endpoint: str) -> None:
    config = {"base_url": models_endpoint, "model": "tester-7b"}
    first = model_revision(config)
    assert first.startswith("tester-7b@") and model_revision(config) == first
    _Models.created += 1  # the same name now serves a re-pulled model
    assert model_revision(config) not in (first, "")
    assert model_revision({"base_url": models_endpoint, "model": "other"}).startswith("unknown")
    assert model_revision({"base_url": "http://127.0.0.1:9/v1", "model": "x"}).startswith(
        "unknown (ConnectError"
    )
    assert model_revision({"temperature": 0}) == ""


def test_watch_durations_and_snapshot_diffs() -> None:
    assert parse_every("6h") == 21600 and parse_every("90s") == 90 and parse_every("2") == 2
    with pytest.raises(ConfigError, match="6h, 30m"):
        parse_every("soon")
    before = {
        "frontendx": "0.1.0",
        "chromium": "131",
        "apps": {"shop": "aaaaaaaa1"},
        "agents": {"acme": {"agent": "1", "agent_package": "acme 1.0", "model": ""}},
    }
    after = json.loads(json.dumps(before))
    after["chromium"] = "132"
    after["agents"]["acme"]["agent_package"] = "acme 1.1"
    after["apps"]["auth"] = "bbbbbbbb"
    assert diff_snapshots(before, after) == [
        "chromium 131 -> 132",
        "app auth added",
        "agent acme agent_package acme 1.0 -> acme 1.1",
    ]
    assert diff_snapshots(None, after) == ["first check"]
    assert diff_snapshots(after, after) == []


# --- comparisons ----------------------------------------------------------------------------


def _results(recall_found: int, fps: int, n: int = 6, agent: str = "acme") -> list[Any]:
    """n explore episodes on two bugs; the first `recall_found` episodes validate both."""
    out = []
    for i in range(n):
        hits = [found(5.0 + i, V, "a"), found(9.0 + i, V, "b")] if i < recall_found else []
        out.append(
            episode(
                bugs=["a", "b"],
                findings=hits + [found(1.0, NR)] * fps,
                agent=agent,
                repeat=i,
            )
        )
    return out


def test_a_worse_result_is_flagged_beyond_its_interval() -> None:
    (comp,) = compare_results(
        _results(6, 0), _results(1, 2), old_label="old", new_label="new", constants=CONSTANTS
    )
    by = {c.metric: c for c in comp.changes}
    assert comp.regression and comp.cells == 6
    recall = by["recall"]
    assert recall.old == 1.0 and recall.new == pytest.approx(1 / 6)
    assert recall.diff_ci_high is not None and recall.diff_ci_high < 0
    assert recall.verdict == "worse" and by["fp_rate"].verdict == "worse"
    # and the reverse direction is an improvement, not a regression
    (back,) = compare_results(
        _results(1, 2), _results(6, 0), old_label="a", new_label="b", constants=CONSTANTS
    )
    assert not back.regression and {c.verdict for c in back.changes} >= {"better"}


def test_the_same_result_is_not_a_regression() -> None:
    (comp,) = compare_results(
        _results(3, 1), _results(3, 1), old_label="a", new_label="b", constants=CONSTANTS
    )
    assert not comp.regression
    assert {c.verdict for c in comp.changes if c.metric in ("recall", "fp_rate")} == {"same"}


def test_only_shared_cells_are_compared() -> None:
    old = _results(6, 0, n=3)
    new = _results(6, 0, n=6)  # three more repeats that the old result never ran
    (comp,) = compare_results(old, new, old_label="a", new_label="b", constants=CONSTANTS)
    assert comp.cells == 3 and all(c.n_old == c.n_new == 3 for c in comp.changes)


def test_markdown_and_junit_report_regressions_and_escape_agent_text() -> None:
    comps = compare_results(
        _results(6, 0),
        _results(0, 1),
        old_label="<b>old</b>|x",
        new_label="new",
        constants=CONSTANTS,
    )
    md = to_markdown(comps)
    assert "regression(s)" in md and "❌ worse" in md
    assert "<b>" not in md and "\\<b\\>old\\</b\\>\\|x" in md
    suite = ET.fromstring(to_junit(comps).split("?>", 1)[1])
    failures = suite.findall("testcase/failure")
    assert int(suite.get("failures", "0")) == len(failures) >= 2
    assert any("recall" in (f.get("message") or "") for f in failures)


# --- store: schema migration and history ----------------------------------------------------


def test_a_schema_1_store_is_migrated_in_place(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = SqliteStore(db)
    run = store.create_run({}, 1, "0.1.0")
    ep = episode(bugs=["a"], findings=[found(3.0, V, "a")])
    store.add_episode(run, ep)
    store.close()
    with sqlite3.connect(db) as conn:  # turn it back into what FrontendX 0.1 wrote
        conn.execute("DROP TABLE changelog")
        conn.execute("DROP TABLE views")
        conn.execute("DROP INDEX episodes_cell")
        conn.execute("ALTER TABLE episodes DROP COLUMN cell")
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    store = SqliteStore(db)
    ((_, latest),) = list(store.latest_rows())
    assert latest.spec.cell == ep.spec.cell
    assert store.changelog() == [] and store.index()[0].cell == ep.spec.cell


def test_latest_rows_carry_forward_the_newest_result_per_cell(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "h.db")
    run1 = store.create_run({}, 1, "0.1.0")
    v1 = episode(bugs=["a"], findings=[found(3.0, V, "a")], version="1.0")
    store.add_episode(run1, v1.model_copy(update={"finished_at": 100.0}))
    run2 = store.create_run({}, 1, "0.1.0")
    v2 = episode(bugs=["a"], findings=[found(3.0, NR)], version="2.0")
    store.add_episode(run2, v2.model_copy(update={"finished_at": 200.0}))
    assert [r.spec.agent.version for _, r in store.latest_rows()] == ["2.0"]
    assert [r.spec.agent.version for _, r in store.latest_rows(150.0)] == ["1.0"]
    assert list(store.latest_rows(50.0)) == []
    assert [p[0] for p in store.time_points()] == [run1, run2]


# --- end to end -----------------------------------------------------------------------------

_ACME = """
class Acme:
    name = 'acme'
    version = '{version}'
    config = {{}}
    async def run(self, ctx):
        for finding in {findings!r}:
            await ctx.report(finding)
"""

# What a user-facing tester might report on the mini app: two real bugs, then (in the
# "worse" release) only a claim that holds everywhere.
GOOD = [
    {"title": "Total is wrong", "steps": TOTAL_OFF_STEPS},
    {
        "title": "Clear throws",
        "steps": [
            {"action": "goto", "url": "/"},
            {"action": "click", "target": {"role": "button", "name": "Clear"}},
            {"action": "expect_no_page_error"},
        ],
    },
]
WORSE = [
    {
        "title": "Page title missing",
        "steps": [
            {"action": "goto", "url": "/"},
            {"action": "expect", "condition": "visible", "target": {"css": "body"}},
        ],
    }
]


def _install_acme(site: Path, version: str, findings: list[dict[str, Any]]) -> None:
    for old in site.glob("acme_agent-*.dist-info"):
        for f in old.iterdir():
            f.unlink()
        old.rmdir()
    dist = site / f"acme_agent-{version}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: acme-agent\nVersion: {version}\n")
    (dist / "entry_points.txt").write_text("[frontendx.agents]\nacme = acme_agent:Acme\n")
    (site / "acme_agent.py").write_text(_ACME.format(version="1", findings=findings))


def _cli(site: Path, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "COLUMNS": "200",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "frontendx.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        start_new_session=True,
    )
    assert proc.returncode == expect, f"frontendx {' '.join(args)}: {proc.stderr}"
    return proc


def test_only_the_changed_agent_reruns_and_its_regression_fails_compare(tmp_path: Path) -> None:
    site, db = tmp_path / "site", tmp_path / "runs.db"
    run = ("run", "--apps", APP, "--agents", "oracle,acme", "--workers", "1", "--db", str(db))
    _install_acme(site, "1.0", GOOD)
    first = _cli(site, *run)
    assert "0 reused" in first.stderr and "2 ran" in first.stderr
    assert "ran 2 because: new" in first.stderr

    again = _cli(site, *run)
    assert "2 reused" in again.stderr and "0 ran" in again.stderr

    watched = _cli(site, "watch", "--once", *run[1:])
    assert "first check" in watched.stderr and "nothing ran" in watched.stderr

    time.sleep(1.1)  # the releases must be apart in time for "as of" to tell them apart
    _install_acme(site, "1.1", WORSE)  # the package's new release is worse
    changed = _cli(site, "watch", "--once", *run[1:])
    assert "agent acme agent_package acme-agent 1.0 -> acme-agent 1.1" in changed.stderr
    assert "1 ran, 1 reused" in changed.stderr
    assert "ran 1 because: agent_package acme-agent 1.0 -> acme-agent 1.1" in changed.stderr

    md, junit = tmp_path / "summary.md", tmp_path / "junit.xml"
    compared = _cli(
        site, "compare", "--db", str(db), "--markdown", str(md), "--junit", str(junit), expect=1
    )
    assert "regression: acme @" in compared.stderr and "recall" in compared.stderr
    assert "❌ worse" in md.read_text() and "<failure" in junit.read_text()
    assert "oracle" not in compared.stderr  # unchanged, and not compared with itself

    log = json.loads(_cli(site, "changelog", "--db", str(db), "--format", "json").stdout)
    assert [e["ran"] for e in log] == [0, 1] and log[1]["run_id"]

    def acme_recall(*extra: str) -> float:
        out = _cli(site, "report", "--db", str(db), "--format", "json", *extra).stdout
        return next(r["recall"] for r in json.loads(out)["rows"] if r["agent_name"] == "acme")

    assert acme_recall() == 0.0
    # as of the first run (whose time the store knows), acme 1.0 still had recall 2/3
    with sqlite3.connect(db) as conn:
        (first_at,) = conn.execute(
            "SELECT MAX(finished_at) FROM episodes WHERE run_id = "
            "(SELECT id FROM runs ORDER BY created_at LIMIT 1)"
        ).fetchone()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(first_at + 1.0))
    assert acme_recall("--as-of", stamp) == pytest.approx(2 / 3)


def test_the_dashboard_flags_a_regressed_agent_config(tmp_path: Path) -> None:
    from frontendx.dashboard import Views

    store = SqliteStore(tmp_path / "d.db")
    for at, (found_n, fps, version) in enumerate([(6, 0, "1.0"), (1, 2, "1.1")], start=1):
        run = store.create_run({}, 6, "0.1.0", created_at=at * 1000.0)
        eps = [
            e.model_copy(
                update={
                    "spec": e.spec.model_copy(
                        update={"agent": e.spec.agent.model_copy(update={"version": version})}
                    ),
                    "finished_at": at * 1000.0 + i,
                }
            )
            for i, e in enumerate(_results(found_n, fps))
        ]
        store.add_episodes(run, eps)
    views = Views(store, constants=CONSTANTS)
    (row,) = views.leaderboard()["rows"]
    assert row["agent_version"] == "1.1"
    media, body = views.get("data/regressions.json")
    assert media == "application/json" and isinstance(body, bytes)
    worse = json.loads(body)["regressions"][f"{row['agent']}\x1f{row['task']}"]
    assert any(r.startswith("recall: ") for r in worse)
    assert any(r.startswith("fp_rate: ") for r in worse)
