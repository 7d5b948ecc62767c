"""`frontendx run / resume / report` end to end, as a user runs them, on the `mini` app."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MINI, frontendx_cli, run_spec

APP = str(MINI)


def rows_by_agent(db: Path, task: str = "explore") -> dict[str, dict[str, Any]]:
    proc = frontendx_cli("report", "--db", str(db), "--format", "json", check=True)
    rows = json.loads(proc.stdout)["rows"]
    return {r["agent_name"]: r for r in rows if r["task"] == task}


def misjudged(db: Path, agent: str) -> list[str]:
    """Each of `agent`'s findings that was not validated, with its verdict and replays: what a
    failed assertion on its scores needs to show to be diagnosed from CI's log alone."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT task, result_json FROM episodes WHERE agent LIKE ?", (agent + "%",)
        )
        out = []
        for task, result_json in rows:
            for f in json.loads(result_json)["findings"]:
                verdict = f.get("verdict") or {}
                if verdict.get("kind") != "validated":
                    replays = [
                        (r["purpose"], r["outcome"], r["message"], r["seconds"])
                        for r in verdict.get("replays", [])
                    ]
                    out.append(f"{task}: {verdict.get('kind')} {verdict.get('reason')} {replays}")
        return out


def stored_keys(db: Path) -> list[str]:
    """Keys of the stored episodes; none while the run has created the file but not its schema."""
    with sqlite3.connect(db) as conn:
        try:
            return [r[0] for r in conn.execute("SELECT key FROM episodes")]
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            return []


def test_oracle_scores_perfectly_and_null_scores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    frontendx_cli(
        "run",
        "--apps",
        APP,
        "--agents",
        "oracle,null",
        "--tasks",
        "explore,reproduce",
        "--repeats",
        "1",
        "--db",
        str(db),
        check=True,
    )
    for task in ("explore", "reproduce"):
        rows = rows_by_agent(db, task)
        oracle, null = rows["oracle"], rows["null"]
        assert (oracle["recall"], oracle["fp_rate"]) == (1.0, 0.0), misjudged(db, "oracle")
        assert (null["recall"], null["fp_rate"]) == (0.0, 1.0), null
        for key in (
            "ttr_median_s",
            "cost_per_validated_bug",
            "human_minutes_saved",
            "n_episodes",
            "recall_ci_low",
            "recall_ci_high",
        ):
            assert key in oracle
    explore = rows_by_agent(db)
    # desktop: three of the four bugs show (one is phone-only), found within the budget
    assert explore["oracle"]["n_validated"] == 3
    assert explore["oracle"]["ttr_median_s"] is not None
    assert explore["oracle"]["ttr_median_s"] < 5


def test_resume_after_sigkill_neither_loses_nor_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    args = [
        "run",
        "--apps",
        APP,
        "--agents",
        "oracle,null",
        "--tasks",
        "reproduce",
        "--repeats",
        "2",
        "--workers",
        "1",
        "--db",
        str(db),
    ]
    expected = 2 * 3 * 2  # agents x bugs showing on desktop x repeats
    proc = subprocess.Popen(
        [sys.executable, "-m", "frontendx.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if db.exists() and 2 <= len(stored_keys(db)) < expected:
                break
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the whole group: CLI, pool workers, app servers
        proc.wait()
    before = len(stored_keys(db))
    assert 2 <= before < expected
    frontendx_cli("resume", "--db", str(db), check=True)
    keys = stored_keys(db)
    assert len(keys) == expected
    assert len(set(keys)) == expected


def test_crashing_agent_and_malformed_finding_do_not_stop_the_run(tmp_path: Path) -> None:
    spec = {
        "apps": [APP],
        "tasks": ["explore"],
        "workers": 1,
        "agents": [
            {
                "name": "scripted",
                "config": {
                    "crash": True,
                    "findings": [
                        {"title": "bad steps", "steps": [{"action": "click"}]},
                    ],
                },
            },
            {"name": "oracle"},
        ],
    }
    db = run_spec(tmp_path, spec)
    with sqlite3.connect(db) as conn:
        results = [json.loads(r[0]) for r in conn.execute("SELECT result_json FROM episodes")]
    by_agent = {r["spec"]["agent"]["name"]: r for r in results}
    crashed = by_agent["scripted"]
    assert crashed["status"] == "agent_error" and "scripted crash" in crashed["error"]
    verdict = crashed["findings"][0]["verdict"]
    assert verdict["kind"] == "invalid" and "step 0 (click)" in verdict["reason"]
    assert by_agent["oracle"]["status"] == "ok"


def test_agent_over_its_wall_clock_budget_times_out_with_its_findings_kept(tmp_path: Path) -> None:
    spec = {
        "apps": [APP],
        "workers": 1,
        "budget": {"wall_seconds": 1},
        "agents": [{"name": "scripted", "config": {"sleep_s": 30}}],
    }
    db = run_spec(tmp_path, spec)
    with sqlite3.connect(db) as conn:
        (payload,) = conn.execute("SELECT result_json FROM episodes").fetchone()
    assert json.loads(payload)["status"] == "timeout"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--apps", "nosuchapp", "--agents", "oracle"], "unknown app 'nosuchapp'"),
        (["--apps", APP, "--agents", "wizard"], "unknown agent 'wizard'"),
        (["--apps", APP, "--agents", "oracle", "--tasks", "dance"], "field `tasks[0]`"),
        (["--apps", APP, "--agents", "oracle", "--states", "underwater"], "unknown browser state"),
        (["--apps", APP, "--agents", "oracle", "--repeats", "0"], "field `repeats`"),
        (["--apps", APP], "no agents given"),
    ],
)
def test_bad_run_arguments_fail_clearly_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    db = tmp_path / "runs.db"
    proc = frontendx_cli("run", *args, "--db", str(db))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not db.exists()


def test_malformed_run_spec_names_the_file_and_field(tmp_path: Path) -> None:
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text("agents: [oracle]\nrepeats: many\n")
    proc = frontendx_cli("run", "--spec", str(spec_file), "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 2
    assert str(spec_file) in proc.stderr and "field `repeats`" in proc.stderr
    spec_file.write_text("agents: [oracle\n")
    proc = frontendx_cli("run", "--spec", str(spec_file), "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 2 and "not valid YAML" in proc.stderr


def test_bad_database_paths_fail_clearly(tmp_path: Path) -> None:
    missing_dir = tmp_path / "nope" / "runs.db"
    proc = frontendx_cli("run", "--apps", APP, "--agents", "null", "--db", str(missing_dir))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello, this is not sqlite " * 100)
    proc = frontendx_cli("report", "--db", str(not_a_db))
    assert proc.returncode == 2 and "not a FrontendX results database" in proc.stderr
    assert not_a_db.read_text().startswith("hello")
    proc = frontendx_cli("resume", "--db", str(tmp_path / "absent.db"))
    assert proc.returncode == 2 and "no such results database" in proc.stderr


def test_missing_chromium_is_named_with_the_fix(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    proc = frontendx_cli(
        "run",
        "--apps",
        APP,
        "--agents",
        "null",
        "--db",
        str(db),
        "--chromium",
        str(tmp_path / "no-chromium"),
    )
    assert proc.returncode == 3
    assert "not an executable file" in proc.stderr and "/usr/bin/chromium" in proc.stderr
    assert not db.exists()


def test_chromium_that_cannot_start_is_one_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    proc = frontendx_cli(
        "run", "--apps", APP, "--agents", "null", "--db", str(db), "--chromium", "/bin/false"
    )
    assert proc.returncode == 3
    assert "cannot start Chromium" in proc.stderr and "apt-get install" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not db.exists()


def test_agent_from_a_third_party_entry_point_runs_unchanged(tmp_path: Path) -> None:
    # a real installed distribution's metadata, as pip would write it
    site = tmp_path / "site"
    dist = site / "acme_agent-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-agent\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[frontendx.agents]\nacme = acme_agent:Acme\n")
    (site / "acme_agent.py").write_text(
        "class Acme:\n"
        "    name = 'acme'\n"
        "    version = '1.0'\n"
        "    def __init__(self, depth: int = 1):\n"
        "        self.config = {'depth': depth}\n"
        "    async def run(self, ctx):\n"
        "        await ctx.report({'title': 'nothing', 'steps': [\n"
        "            {'action': 'goto', 'url': '/'}, {'action': 'expect_no_page_error'}]})\n"
    )
    env_path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": env_path}
    listing = subprocess.run(
        [sys.executable, "-m", "frontendx.cli", "agents", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    acme = {a["name"]: a for a in json.loads(listing.stdout)}["acme"]
    assert acme["kind"] == "entry-point" and acme["config"] == {"depth": 1}
    db = tmp_path / "runs.db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "frontendx.cli",
            "run",
            "--apps",
            APP,
            "--agents",
            "acme",
            "--workers",
            "1",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    with sqlite3.connect(db) as conn:
        (payload,) = conn.execute("SELECT result_json FROM episodes").fetchone()
    result = json.loads(payload)
    assert result["spec"]["agent"] == {"name": "acme", "version": "1.0", "config": {"depth": 1}}
    assert result["findings"][0]["verdict"]["kind"] == "not_reproduced"


@pytest.mark.slow  # 62 s; reuse across runs is also proven by test_living in the default run
def test_unchanged_cells_are_reused_and_only_changed_agents_run_again(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    first = frontendx_cli(
        "run", "--apps", APP, "--agents", "oracle,null", "--db", str(db), check=True
    )
    assert "0 reused" in first.stderr and "2 ran" in first.stderr
    again = frontendx_cli(
        "run", "--apps", APP, "--agents", "oracle,null", "--db", str(db), check=True
    )
    assert "2 reused" in again.stderr and "0 ran" in again.stderr
    assert rows_by_agent(db)["oracle"]["recall"] == 1.0
    spec = {"apps": [APP], "agents": ["oracle", {"name": "null", "config": {"findings": 1}}]}
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec))
    changed = frontendx_cli("run", "--spec", str(spec_file), "--db", str(db), check=True)
    assert "1 reused" in changed.stderr and "1 ran" in changed.stderr
    forced = frontendx_cli(
        "run", "--apps", APP, "--agents", "oracle", "--force", "--db", str(db), check=True
    )
    assert "0 reused" in forced.stderr and "1 ran" in forced.stderr
