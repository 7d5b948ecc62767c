"""Shared fixtures: one real Chromium per test session, and the `mini` fixture app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.async_api import Browser, async_playwright

from frontendx.browser import launch_chromium
from frontendx.suite import App, AppServer, load_app

TESTS = Path(__file__).resolve().parent
MINI = TESTS / "apps" / "mini"

TOTAL_SHOWN: dict[str, object] = {
    "action": "expect",
    "condition": "text",
    "target": {"test_id": "total"},
    "text": "Total:",
    "timeout_ms": 15_000,
}
"""Holds on every variant once the mini app's list has loaded: claims about the total that
follow it are judged on the loaded page, however slowly a busy machine fetched it."""

TOTAL_OFF_STEPS: list[dict[str, object]] = [
    {"action": "goto", "url": "/"},
    TOTAL_SHOWN,
    {
        "action": "expect",
        "condition": "text",
        "target": {"test_id": "total"},
        "text": "Total: 6",
        "exact": True,
    },
]
"""Steps a tester would report for the mini app's wrong total (its `total-off` bug)."""


@pytest.fixture(scope="session")
def mini_app() -> App:
    return load_app(MINI)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        chromium = await launch_chromium(pw)
        yield chromium
        await chromium.close()


@pytest.fixture(scope="session")
async def mini_servers(mini_app: App) -> AsyncIterator[list[AppServer]]:
    servers = [AppServer(mini_app) for _ in range(3)]
    for server in servers:
        await server.start()
    yield servers
    for server in servers:
        await server.stop()


def frontendx_cli(
    *args: str, check: bool = False, timeout: float = 1500, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `frontendx` command, as a user would (`env`: its whole environment; by
    default ours with 200 columns). On timeout the whole process group (pool workers, app
    servers, browsers) is killed, so nothing outlives the test."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "frontendx.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"} if env is None else env,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    if check and done.returncode != 0:
        raise AssertionError(f"frontendx {' '.join(args)} exited {done.returncode}:\n{stderr}")
    return done


def run_spec(
    folder: Path, spec: dict[str, Any], db: str = "runs.db", *, timeout: float = 1500
) -> Path:
    """Write `spec` to `folder`/spec.yaml and `frontendx run` it into `folder`/`db` (which
    must succeed); returns the store's path."""
    spec_file = folder / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec))
    store = folder / db
    frontendx_cli("run", "--spec", str(spec_file), "--db", str(store), check=True, timeout=timeout)
    return store
