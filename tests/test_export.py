"""`frontendx export-test`: a validated finding becomes a pytest file that fails on the buggy
variant and passes on the clean app."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import zipfile
from pathlib import Path

from conftest import MINI, frontendx_cli
from export_venv import export_python, run_exported

from frontendx.runner import artifacts_dir_for
from frontendx.suite import App, AppServer

__all__ = ["export_python"]  # the fixture, imported for pytest


async def test_exported_tests_run_in_a_fresh_venv_failing_on_buggy_passing_on_clean(
    tmp_path: Path, mini_app: App, export_python: Path
) -> None:
    """`export_python` is a venv made in this session with only pytest-playwright installed:
    the exported files import nothing of FrontendX. Each also keeps the validator's trace of
    its failing buggy replay, a Playwright trace zip."""
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
            trace = artifacts_dir_for(db) / result["artifacts"]["failing-replay-0"]
            with zipfile.ZipFile(trace) as zipped:
                assert {"trace.trace", "trace.network"} <= set(zipped.namelist()), bug
            # only the failing replay's trace is kept, as one file per finding
            assert [p.name for p in trace.parent.glob("*replay*")] == [trace.name]
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
            source = out.read_text()
            assert not re.search(r"^\s*(from|import) frontendx", source, re.MULTILINE)
            await server.set_variant([bug])
            buggy, _ = await asyncio.to_thread(run_exported, export_python, out, server.url)
            await server.set_variant([])
            clean, _ = await asyncio.to_thread(run_exported, export_python, out, server.url)
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


async def test_export_suite_passes_on_clean_and_fails_on_each_killed_variant(
    tmp_path: Path, mini_app: App, export_python: Path
) -> None:
    """`export-suite` writes a generate episode's kept tests as one pytest-playwright file:
    green on the clean app, red on every variant the suite killed, each time with the killing
    test among the failures."""
    db = tmp_path / "runs.db"
    await asyncio.to_thread(
        frontendx_cli,
        "run",
        "--apps",
        str(MINI),
        "--agents",
        "oracle",
        "--tasks",
        "generate",
        "--workers",
        "1",
        "--db",
        str(db),
        check=True,
    )
    with sqlite3.connect(db) as conn:
        [(episode_id, payload)] = conn.execute("SELECT id, result_json FROM episodes").fetchall()
    result = json.loads(payload)
    kills = {k["bug_id"]: k["test_index"] for k in result["kills"]}
    assert sorted(kills) == sorted(result["manifestable_bugs"])
    folder = tmp_path / "suite"
    await asyncio.to_thread(
        frontendx_cli,
        "export-suite",
        "--db",
        str(db),
        "--episode",
        str(episode_id),
        "-o",
        str(folder),
        check=True,
    )
    out = folder / f"test_episode_{episode_id}.py"
    assert not re.search(r"^\s*(from|import) frontendx", out.read_text(), re.MULTILINE)
    server = AppServer(mini_app)
    await server.start()
    try:
        clean, passed = await asyncio.to_thread(run_exported, export_python, out, server.url)
        assert clean.returncode == 0, clean.stdout
        assert len(passed) == len(result["tests"]) and all(passed.values())
        for bug, test_index in kills.items():
            await server.set_variant([bug])
            buggy, passed = await asyncio.to_thread(run_exported, export_python, out, server.url)
            assert buggy.returncode == 1, f"{bug}: the suite passed on its variant"
            killer = next(n for n in passed if n.endswith(f"_{test_index}"))
            assert not passed[killer], f"{bug}: {killer} passed\n{buggy.stdout}"
    finally:
        await server.stop()
