"""What `frontendx run` and `serve` print where nobody watches a terminal: a CI log or
`make demo > log` (issue 17). Real subprocesses, stdout and stderr to pipes, no COLUMNS."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

from conftest import MINI, frontendx_cli

from frontendx.store import SqliteStore


def cli_in_a_log(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`frontendx ARGS` with stdout and stderr to pipes and no COLUMNS: what a CI log gets
    (rich then assumes 80 columns)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return frontendx_cli(*args, timeout=timeout, env=env)


def test_a_run_in_a_log_prints_a_line_per_episode_and_the_leaderboard_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "demo.db"
    proc = cli_in_a_log(
        "run", "--apps", str(MINI), "--agents", "null", "--replays", "1", "--db", str(db)
    )
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr.splitlines()
    # one plain line per finished episode, as it finishes (no progress bar drawn at the end)
    episode_lines = [line for line in err if line.startswith("[")]
    assert len(episode_lines) == 1, proc.stderr
    assert re.fullmatch(
        r"\[1/1\] null@\w+ explore mini/desktop: ok, \d+ findings? \(0 validated\), [\d.]+ s",
        episode_lines[0],
    ), episode_lines
    assert "━" not in proc.stderr  # no bar drawn at the end
    # the summary in words, not `{'ok': 1}`
    assert re.search(r"^run \S+: 1 episode: 0 reused .*, 1 ran \(1 ok\);", proc.stderr, re.M)
    assert "{" not in proc.stderr
    # the leaderboard once, with one footer, at its full width: no cell cut to fit 80 columns
    out = proc.stdout
    assert out.count("FrontendX metrics") == 1 and out.count("bootstrap") == 1, out
    assert "…" not in out and "null@" in out and "> budget" in out
    assert max(len(line) for line in out.splitlines()) > 80


def test_serve_on_a_busy_port_says_so_before_announcing_a_url(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    SqliteStore(db).close()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = cli_in_a_log("serve", "--db", str(db), "--port", str(port), timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert f"127.0.0.1:{port} is already in use" in proc.stderr
    assert f"--port {port + 1}" in proc.stderr  # the fix, spelled out
    assert "http://" not in proc.stderr and "dashboard for" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_malformed_yaml_spec_keeps_pyyamls_message_and_caret(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("agents: [oracle\nrepeats: 2\n", encoding="utf-8")
    proc = cli_in_a_log("run", "--spec", str(spec), "--db", str(tmp_path / "x.db"), timeout=30)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert "expected ',' or ']', but got ':'" in lines
    # the marks name the file (not "<unicode string>"), each with its line and a caret
    where = lines.index(f'  in "{spec}", line 2, column 8:')
    assert lines[where + 1 : where + 3] == ["    repeats: 2", "           ^"]
    assert f'  in "{spec}", line 1, column 9:' in lines
    assert not (tmp_path / "x.db").exists()


def test_every_spec_error_is_shown_not_only_the_first(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "apps: [nosuchapp]\n"
        "agents: [oracle, wizard, {name: null}]\n"
        "states: [desktop, underwater]\n"
        "repeats: many\n"
        "workers: 0\n",
        encoding="utf-8",
    )
    proc = cli_in_a_log("run", "--spec", str(spec), "--db", str(tmp_path / "x.db"), timeout=30)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    problems = [line.strip() for line in proc.stderr.splitlines() if line.startswith("  field")]
    assert [p.split(":")[0] for p in problems] == [
        "field `agents[2].name`",  # YAML null: "quote it"
        "field `repeats`",
        "field `workers`",
        "field `apps[0]`",
        "field `agents[1]`",
        "field `states[1]`",
    ], proc.stderr
    assert "unknown app 'nosuchapp'" in problems[3] and "unknown agent 'wizard'" in problems[4]
    assert "unknown browser state 'underwater'" in problems[5]
