"""`frontendx export-test`: a validated finding becomes a pytest file that fails on the buggy
variant and passes on the clean app."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import MINI, frontendx_cli

from frontendx.suite import App, AppServer


def run_pytest(test_file: Path, app_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=test_file.parent,
        env={**os.environ, "FRONTENDX_APP_URL": app_url},
    )


async def test_exported_tests_fail_on_buggy_and_pass_on_clean(
    tmp_path: Path, mini_app: App
) -> None:
    db = tmp_path / "runs.db"
    await asyncio.to_thread(
        frontendx_cli,
        "run",
        "--apps",
        str(MINI),
        "--agents",
        "oracle",
        "--tasks",
        "reproduce",
        "--workers",
        "1",
        "--db",
        str(db),
        check=True,
    )
    with sqlite3.connect(db) as conn:
        episodes = [
            (i, json.loads(r)) for i, r in conn.execute("SELECT id, result_json FROM episodes")
        ]
    server = AppServer(mini_app)
    await server.start()
    try:
        for episode_id, result in episodes:
            bug = result["spec"]["task"]["target_bug"]
            assert result["findings"][0]["verdict"]["kind"] == "validated"
            out = tmp_path / f"test_{bug.replace('-', '_')}.py"
            await asyncio.to_thread(
                frontendx_cli,
                "export-test",
                "--db",
                str(db),
                "--episode",
                str(episode_id),
                "-o",
                str(out),
                check=True,
            )
            await server.set_variant([bug])
            buggy = await asyncio.to_thread(run_pytest, out, server.url)
            await server.set_variant([])
            clean = await asyncio.to_thread(run_pytest, out, server.url)
            assert buggy.returncode == 1, (
                f"{bug}: exported test passed on the buggy app\n{buggy.stdout}"
            )
            assert clean.returncode == 0, (
                f"{bug}: exported test failed on the clean app\n{clean.stdout}"
            )
    finally:
        await server.stop()


def test_export_of_a_missing_episode_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    frontendx_cli(
        "run",
        "--apps",
        str(MINI),
        "--agents",
        "null",
        "--workers",
        "1",
        "--db",
        str(db),
        check=True,
    )
    proc = frontendx_cli("export-test", "--db", str(db), "--episode", "999")
    assert proc.returncode == 2 and "no episode with id 999" in proc.stderr
