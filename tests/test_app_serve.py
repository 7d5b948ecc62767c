"""`frontendx app serve`: hosting an app by hand in a chosen variant, as a real subprocess, and
the exported tests' headers that say which variant to host (issue 17)."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import MINI, TOTAL_OFF_STEPS

from frontendx.records import (
    AgentSpec,
    EpisodeResult,
    EpisodeSpec,
    EpisodeStatus,
    GeneratedTest,
    GeneratedTestStatus,
    ReportedFinding,
    TaskSpec,
    Usage,
)
from frontendx.report import export_finding_test, export_generated_suite
from frontendx.repro import Finding
from frontendx.suite import BUILTIN_STATES, app_source, load_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "frontendx.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_url(proc: subprocess.Popen[str], timeout: float = 30) -> tuple[str, list[str]]:
    """The URL from the `FRONTENDX_APP_URL=... pytest` line `app serve` prints once it
    listens, and every line printed up to it."""
    assert proc.stdout is not None
    stdout = proc.stdout
    seen: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [seen.put(line) for line in stdout], daemon=True).start()
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = seen.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        lines.append(line.rstrip("\n"))
        if "FRONTENDX_APP_URL=" in line:
            return line.split("FRONTENDX_APP_URL=", 1)[1].split()[0], lines
    proc.kill()
    raise AssertionError(f"app serve printed no URL: {lines}\n{proc.communicate()[1]}")


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    """Ctrl-C, as a user stops it; the exit code and stderr."""
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return proc.returncode, err


def total(url: str) -> int:
    """The mini app's list total: 6 on the clean app, 7 with its `total-off` bug on."""
    response = httpx.get(f"{url}/api/items", timeout=10)
    response.raise_for_status()
    return int(response.json()["total"])


@pytest.mark.parametrize(
    ("variant", "expected_total", "says"),
    [
        (["--bugs", "total-off"], 7, "with bug total-off"),
        (["--clean"], 6, "with clean (no bugs)"),
        ([], 7, "with all 4 bugs"),  # the default: every bug on, as `run` explores
    ],
)
def test_app_serve_hosts_the_chosen_variant_until_ctrl_c(
    variant: list[str], expected_total: int, says: str
) -> None:
    port = free_port()
    proc = start("app", "serve", str(MINI), *variant, "--port", str(port))
    try:
        url, lines = wait_for_url(proc)
        assert url == f"http://127.0.0.1:{port}"
        assert f"serving app mini {says} on {url}/" in lines
        assert f"  FRONTENDX_APP_URL={url} pytest test_finding.py" in lines
        page = httpx.get(url + "/", timeout=10)
        assert page.status_code == 200 and "Mini list" in page.text
        assert total(url) == expected_total
    finally:
        code, err = stop(proc)
    assert code == 0 and "stopped" in err and "Traceback" not in err, err
    with socket.socket() as again:  # the port is free again: nothing left behind
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))


def test_app_serve_refuses_bad_input_before_serving(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        proc = start("app", "serve", str(MINI), *args)
        out, err = proc.communicate(timeout=30)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    cases = [
        (["--bugs", "total-of"], "has no bug 'total-of'; its bugs: clear-throws, narrow-overlap"),
        (["--bugs", "total-off", "--clean"], "either --bugs or --clean, not both"),
        (["--state", "underwater"], "unknown browser state 'underwater'"),
    ]
    for args, message in cases:
        done = run(*args, "--port", str(free_port()))
        assert done.returncode == 2 and message in done.stderr, (args, done.stderr)
        assert "serving" not in done.stdout and "Traceback" not in done.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run("--port", str(port))
    assert done.returncode == 2 and "already in use" in done.stderr
    assert f"--port {port + 1}" in done.stderr and "http://" not in done.stdout


def _episode(bugs: tuple[str, ...], state: str, task: str = "explore") -> EpisodeResult:
    app = load_app(MINI)
    finding = Finding.model_validate(
        {"title": "Total is off", "steps": TOTAL_OFF_STEPS, "expected": "6", "actual": "7"}
    )
    now = time.time()
    return EpisodeResult(
        spec=EpisodeSpec(
            app=app.name,
            app_source=app_source(app),
            bugs=bugs,
            state=BUILTIN_STATES[state],
            agent=AgentSpec(name="oracle", version="1"),
            task=TaskSpec(kind=task),  # type: ignore[arg-type]
            repeat=0,
        ),
        status=EpisodeStatus.OK,
        findings=[ReportedFinding(index=0, found_at=1.0, finding=finding)],
        tests=[
            GeneratedTest(
                index=0,
                name="total",
                added_at=1.0,
                steps=finding.steps,
                status=GeneratedTestStatus.KEPT,
            )
        ],
        usage=Usage(wall_seconds=3.0),
        started_at=now - 3,
        finished_at=now,
    )


def test_exported_tests_name_app_bugs_and_state_and_the_command_that_hosts_them() -> None:
    finding = export_finding_test(
        _episode(("total-off",), "user"), 0, episode_id=7, app_url="http://127.0.0.1:8000"
    )
    suite = export_generated_suite(
        _episode((), "mobile", "generate"), episode_id=9, app_url="http://127.0.0.1:8000"
    )
    every = export_finding_test(
        _episode(tuple(sorted(load_app(MINI).bugs)), "desktop"), 0, episode_id=8
    )
    for source in (finding, suite, every):
        assert "recorded against" not in source
    head = finding.split('"""', 3)[2]  # the comments after the module docstring
    assert "# App: mini · state: user · found by oracle (episode 7, finding 0)" in head
    assert "# Bugs on: total-off" in head
    assert f"# Host it: frontendx app serve {MINI} --bugs total-off --state user" in head
    assert "# then:    FRONTENDX_APP_URL=http://127.0.0.1:8000 pytest test_finding.py" in head
    assert "# Bugs on: none (the clean app)" in suite
    assert f"# Host it: frontendx app serve {MINI} --clean --state mobile" in suite
    assert "generated by oracle (episode 9): 1 kept test, 0 seeded bugs killed" in suite
    # every bug on is app serve's default: no --bugs list to copy
    assert f"# Host it: frontendx app serve {MINI} --state desktop" in every

    # the header's command hosts the variant the finding was made on
    command = next(line for line in finding.splitlines() if line.startswith("# Host it: "))
    words = command.removeprefix("# Host it: frontendx ").split()
    port = free_port()
    proc = start(*words, "--port", str(port))
    try:
        url, lines = wait_for_url(proc)
        assert "  role user: sign in as ada@example.com / secret1" in " ".join(lines)
        assert total(url) == 7
    finally:
        code, err = stop(proc)
    assert code == 0, err


def test_the_docs_app_serve_commands_parse() -> None:
    import click
    from test_bad_input import _doc_commands

    from frontendx.cli import main

    guide = Path(__file__).resolve().parent.parent / "docs" / "byo-app.md"
    commands = [c for c in _doc_commands(guide) if c[:2] == ["app", "serve"]]
    assert commands
    for words in commands:
        group = main.get_command(click.Context(main), "app")
        assert isinstance(group, click.Group)
        serve = group.get_command(click.Context(group), "serve")
        assert serve is not None
        serve.make_context("serve", words[2:])  # raises on a wrong usage
