"""The benchmark's self-test on the built-in suite: the ground truth is proven in real Chromium,
and the calibration agents score exactly what they must."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import frontendx_cli


def test_every_shop_bug_fails_on_its_variant_and_holds_on_clean() -> None:
    proc = frontendx_cli("self-test", "--apps", "shop", "--format", "json")
    checks = json.loads(proc.stdout)
    failed = [f"{c['bug']}: {c['problems']}" for c in checks if not c["ok"]]
    assert proc.returncode == 0 and not failed, "\n".join(failed) or proc.stderr
    assert len(checks) >= 12
    for check in checks:
        assert check["buggy_fails"] == check["replays"] == 3
        assert check["clean_holds"] == 3


# Several minutes on a 2-core machine; the same pipeline is calibrated on the mini app in the
# default run (tests/test_run_cli.py). Run it with `make test-slow`.
@pytest.mark.slow
def test_calibration_agents_on_shop_explore(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    frontendx_cli(
        "run",
        "--apps",
        "shop",
        "--agents",
        "oracle,null",
        "--tasks",
        "explore",
        "--repeats",
        "1",
        "--db",
        str(db),
        check=True,
    )
    proc = frontendx_cli("report", "--db", str(db), "--format", "json", check=True)
    rows = {r["agent_name"]: r for r in json.loads(proc.stdout)["rows"]}
    oracle, null = rows["oracle"], rows["null"]
    assert (oracle["recall"], oracle["fp_rate"]) == (1.0, 0.0), oracle
    assert (null["recall"], null["fp_rate"]) == (0.0, 1.0), null
    assert oracle["n_validated"] == oracle["n_manifestable"] >= 12
    assert (tmp_path / "runs-report" / "report.csv").exists()
